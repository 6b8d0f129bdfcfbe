#!/usr/bin/env bash
# Builds local stand-ins for the public base images, for machines that cannot reach an image registry (the Compose
# test runs on such machines): a Debian bookworm root from debootstrap, a Java runtime linked with jlink from the
# JDK on this machine put on top of it at /opt/java/openjdk (where Eclipse Temurin's images keep theirs), and a
# Prometheus image holding Debian's prometheus binary. Each image is tagged with a key of what it was made from and
# kept: a second run on the same machine builds nothing. The Debian root is also kept as a tarball in the cache
# directory, so an emptied image store costs an import, not a debootstrap.
#
# Usage: standin-images.sh   (needs podman, debootstrap, prometheus and a JDK >= 21 at JAVA_HOME, run as root)
# Prints the images to pass on, one NAME=IMAGE a line: JRE_IMAGE=... PROMETHEUS_IMAGE=...
# NETLAB_IMAGE_CACHE: where the Debian tarball is kept (default ${XDG_CACHE_HOME:-$HOME/.cache}/netlab/images).
set -euo pipefail

CACHE="${NETLAB_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netlab/images}"
MIRROR="${NETLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# The modules the four services need (jdeps over their jars and libs, plus jdk.management for the process meters
# and the naming and crypto modules TLS and DNS look-ups load by name).
MODULES=java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql,java.xml,jdk.crypto.cryptoki,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

log() { echo "standin-images: $*" >&2; }
die() { log "$*"; exit 1; }
key() { sha256sum | cut -c1-12; }

[[ -x "${JAVA_HOME:-}/bin/jlink" ]] || die "JAVA_HOME must name a JDK with jlink (found: '${JAVA_HOME:-}')"
for tool in podman debootstrap; do command -v "$tool" > /dev/null || die "$tool is not installed"; done
PROMETHEUS_BIN="$(command -v prometheus || true)" PROMTOOL_BIN="$(command -v promtool || true)"
[[ -n "$PROMETHEUS_BIN" && -n "$PROMTOOL_BIN" ]] || die "prometheus is not installed (Debian package prometheus)"
mkdir -p "$CACHE"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Debian bookworm, minbase: the root of the other two.
debian_key="$(echo "bookworm minbase $MIRROR" | key)"
DEBIAN_IMAGE="localhost/netlab-standin/debian:bookworm-$debian_key"
if ! podman image exists "$DEBIAN_IMAGE"; then
  tarball="$CACHE/debian-bookworm-minbase-$debian_key.tar"
  if [[ ! -s "$tarball" ]]; then
    log "debootstrap --variant=minbase bookworm (once per machine; minutes)"
    debootstrap --variant=minbase bookworm "$work/rootfs" "$MIRROR" > "$work/debootstrap.log" 2>&1 ||
      { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
    tar -C "$work/rootfs" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
    rm -rf "$work/rootfs"
  fi
  log "importing $DEBIAN_IMAGE"
  podman import --change 'CMD ["/bin/bash"]' "$tarball" "$DEBIAN_IMAGE" > /dev/null
fi

# A Java runtime from this machine's JDK: the services are compiled with --release 21, so a newer runtime runs them.
java_version="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | grep -E 'java\.(vm\.)?version =' | tr -d ' ' | tr '\n' ' ')"
jre_key="$(printf '%s\n' "$DEBIAN_IMAGE" "$java_version" "$MODULES" | key)"
JRE_IMAGE="localhost/netlab-standin/jre:$jre_key"
if ! podman image exists "$JRE_IMAGE"; then
  log "jlink $java_version into $JRE_IMAGE"
  "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --output "$work/jre/openjdk" --strip-debug --no-header-files \
    --no-man-pages --generate-cds-archive > /dev/null
  cat > "$work/jre/Containerfile" <<CONTAINERFILE
FROM $DEBIAN_IMAGE
COPY openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CONTAINERFILE
  podman build --quiet -t "$JRE_IMAGE" "$work/jre" > /dev/null
fi

# Prometheus: Debian's prometheus and promtool on the Debian root, started like the official image (same paths).
prometheus_key="$(cat "$PROMETHEUS_BIN" "$PROMTOOL_BIN" <(echo "$DEBIAN_IMAGE") | key)"
PROMETHEUS_IMAGE="localhost/netlab-standin/prometheus:$prometheus_key"
if ! podman image exists "$PROMETHEUS_IMAGE"; then
  log "$PROMETHEUS_BIN into $PROMETHEUS_IMAGE"
  mkdir -p "$work/prometheus"
  cp "$PROMETHEUS_BIN" "$PROMTOOL_BIN" "$work/prometheus/"
  cat > "$work/prometheus/Containerfile" <<CONTAINERFILE
FROM $DEBIAN_IMAGE
COPY prometheus promtool /bin/
RUN mkdir -p /prometheus /etc/prometheus && chown 65534:65534 /prometheus
USER 65534:65534
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
CONTAINERFILE
  podman build --quiet -t "$PROMETHEUS_IMAGE" "$work/prometheus" > /dev/null
fi

echo "JRE_IMAGE=$JRE_IMAGE"
echo "PROMETHEUS_IMAGE=$PROMETHEUS_IMAGE"
