# shellcheck shell=bash
# Shared by stack.sh and run.sh (sourced, never run): logging, timed steps, the apt wrapper.
# Callers set E2E_LOG_DIR (where step logs go) before calling `step`.

E2E_T0=${E2E_T0:-$(date +%s.%N)}

# Seconds since the harness started, one decimal.
e2e_elapsed() { awk -v a="$E2E_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

log() { printf '[e2e %6ss] %s\n' "$(e2e_elapsed)" "$*" >&2; }
die() { printf 'e2e: error: %s\n' "$*" >&2; exit 1; }

# Seconds between two `date +%s.%N` readings, one decimal.
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# step NAME LOGFILE CMD...: runs CMD with its output in LOGFILE, prints one line with the time taken; on
# failure names the step, shows the end of the log and returns CMD's status. STEP_SECONDS holds the time.
STEP_SECONDS=0
step() {
  local name=$1 logfile=$2 t0 rc=0
  shift 2
  mkdir -p "$(dirname "$logfile")"
  t0=$(date +%s.%N)
  "$@" >"$logfile" 2>&1 || rc=$?
  STEP_SECONDS=$(seconds_between "$t0" "$(date +%s.%N)")
  if [ "$rc" = 0 ]; then
    log "ok    $name (${STEP_SECONDS} s)"
  else
    log "FAIL  $name (exit $rc after ${STEP_SECONDS} s); log: $logfile"
    tail -n "${E2E_EXCERPT_LINES:-25}" "$logfile" | sed 's/^/      | /' >&2
  fi
  return "$rc"
}

# apt_get ARGS...: apt-get that waits while another apt or dpkg holds its locks (up to 15 minutes), instead
# of failing at once as `apt-get update` does.
apt_get() {
  local tries=0 rc out
  while :; do
    rc=0
    out=$(DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=60 "$@" 2>&1) || rc=$?
    if [ "$rc" != 0 ] && printf '%s' "$out" | grep -qE 'Could not get lock|Unable to lock|Unable to acquire the dpkg frontend lock'; then
      tries=$((tries + 1))
      [ "$tries" -le 90 ] || { printf '%s\n' "$out" >&2; return "$rc"; }
      [ "$tries" = 1 ] && log "waiting for the apt/dpkg lock (another apt or dpkg is running)"
      sleep 10
      continue
    fi
    printf '%s\n' "$out"
    return "$rc"
  done
}

need_cmd() { # CMD WHY
  command -v "$1" >/dev/null 2>&1 || die "missing prerequisite '$1': $2"
}
