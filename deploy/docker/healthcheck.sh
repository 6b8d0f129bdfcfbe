#!/usr/bin/env bash
# The image's HEALTHCHECK: healthy when the admin socket's GET /health/ready answers 200. Plain bash (/dev/tcp), so
# the image needs no curl. The port: ADMIN_PORT when the deployment moves it, else the service's contract port.
set -euo pipefail
port="${ADMIN_PORT:-${NETLAB_HEALTH_PORT:?NETLAB_HEALTH_PORT is not set}}"
exec 3<> "/dev/tcp/127.0.0.1/$port"
printf 'GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
read -r -t 2 _ status _ <&3
[[ "$status" == 200 ]] || { echo "GET /health/ready on port $port answered ${status:-nothing}" >&2; exit 1; }
