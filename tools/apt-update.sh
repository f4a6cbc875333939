# apt-update.sh: sourced by the scripts that fetch from Debian's archive through a private apt
# configuration (gnu-proxy.sh, static-cli.sh); the system's is not touched.
# apt_update LOG APT-GET-OPTION...: `apt-get update`, retried. A mirror half-way through a sync
# is a normal day: after three tries it goes on with the indexes that came, and the caller
# checks what it needs (a package apt cannot give is named there).
apt_update() {
  local log=$1 attempt
  shift
  for attempt in 1 2 3; do
    apt-get "$@" update -q >"$log" 2>&1 && ! grep -q 'Failed to fetch' "$log" && return 0
    echo "$(basename "$0"): apt-get update failed (attempt $attempt of 3; $log)" >&2
    [ "$attempt" = 3 ] || sleep $((attempt * 5))
  done
}
