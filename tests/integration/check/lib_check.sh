# Shared helpers for the check integration tests (sourced). Tests run real servers on loopback
# or in a namespace they create, poll with deadlines (never a fixed sleep to wait for
# something), and clean up everything they start on exit.
set -euo pipefail

DRIVER=${1:?usage: $0 path/to/check_probe_driver}
PY=/usr/bin/python3  # Debian's interpreter, for Debian's python3-cryptography
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d /tmp/lvsd-check-test.XXXXXX)
PIDS=()
NETNS=()
FAILS=0

cleanup() {
  local p n
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for n in "${NETNS[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# skip REASON: exit 77 (ctest SKIP_RETURN_CODE) unless CI=true, where a skip is a failure.
skip() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL (CI=true, cannot skip): $*" >&2
    exit 1
  fi
  echo "SKIP: $*"
  exit 77
}

need_cmd() { command -v "$1" >/dev/null 2>&1 || skip "$1 not installed (scripts/install-deps.sh)"; }

# poll_until SECONDS CMD...: retries CMD every 50 ms until it succeeds or the deadline passes.
poll_until() {
  local deadline=$(( $(date +%s%N) + $1 * 1000000000 )); shift
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s%N)" -gt "$deadline" ]; then
      echo "timed out waiting for: $*" >&2
      return 1
    fi
    sleep 0.05
  done
}

# start_bg CMD...: starts a background server and records its pid for cleanup.
start_bg() {
  "$@" &
  PIDS+=($!)
}

# responder MODE [ARGS...]: starts responders.py (not in a subshell, so cleanup sees it) and
# sets PORT to the port it bound.
PORT=
responder() {
  local mode=$1; shift
  local portfile="$TMP/$mode.$RANDOM.port"
  start_bg "$PY" "$HERE/responders.py" --mode "$mode" --port-file "$portfile" "$@"
  poll_until 10 test -s "$portfile"
  PORT=$(cat "$portfile")
}

# free_port: a currently unused TCP port on loopback (for servers that need a fixed port).
free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# probe ARGS...: runs the driver once; prints its first result line.
probe() { "$DRIVER" "$@" | head -n 1; }

# expect VERDICT DESCRIPTION ARGS...: one probe run must give VERDICT.
expect() {
  local want=$1 what=$2; shift 2
  local out
  out=$(probe "$@" || true)
  if grep -q "\"verdict\":\"$want\"" <<<"$out"; then
    echo "ok   $what: $out"
  else
    echo "FAIL $what: wanted $want, got: $out" >&2
    FAILS=$((FAILS + 1))
  fi
}

# expect_field DESCRIPTION REGEX ARGS...: the first result line must match REGEX.
expect_match() {
  local what=$1 re=$2; shift 2
  local out
  out=$(probe "$@" || true)
  if grep -Eq "$re" <<<"$out"; then
    echo "ok   $what: $out"
  else
    echo "FAIL $what: wanted /$re/, got: $out" >&2
    FAILS=$((FAILS + 1))
  fi
}

finish() {
  if [ "$FAILS" -ne 0 ]; then
    echo "$FAILS check(s) failed" >&2
    exit 1
  fi
  echo "all passed"
}
