# shellcheck shell=bash
# Sourced by the mail-client benchmarks: fetch_postfix WORK downloads Debian's postfix package (not installed),
# unpacks it under WORK/postfix and sets SINK and SOURCE to its smtp-sink and smtp-source (needs die()).
fetch_postfix() {
  local work=$1
  echo "fetching postfix's smtp-sink and smtp-source (not installed)..."
  (cd "$work" && apt-get download postfix >/dev/null 2>&1) || die "apt-get download postfix failed"
  dpkg -x "$work"/postfix_*.deb "$work/postfix"
  export LD_LIBRARY_PATH="$work/postfix/usr/lib/postfix"
  # shellcheck disable=SC2034 # read by the script that sources this one
  SINK="$work/postfix/usr/sbin/smtp-sink"
  # shellcheck disable=SC2034
  SOURCE="$work/postfix/usr/sbin/smtp-source"
}
