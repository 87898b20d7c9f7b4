#!/bin/bash
# Shared helpers for lvsd integration tests (source it: `. "$(dirname "$0")/../lib.sh"`).
#
#   require_root / require_netns     skip (exit 77) when the facility is absent, FAIL when CI=true
#   netns_create VAR                 creates a unique namespace, name in VAR; deleted at exit
#   tmpdir_create VAR                creates a temp dir, path in VAR; removed at exit
#   (both set a variable instead of printing: a $(...) subshell would lose the cleanup)
#   on_exit CMD...                   registers cleanup, run in reverse order at exit
#   spawn_bg VAR CMD...              starts CMD in the background, stores its pid in VAR, kills it at exit
#   poll_until SECONDS WHAT CMD...   re-runs CMD until it succeeds or the deadline passes (fails the test)
#   wait_for SECONDS CMD...          the same, but returns 1 at the deadline (for tests that count
#                                    failures and go on); SECONDS may be fractional
#   holds SECONDS CMD...             CMD keeps succeeding for SECONDS (returns 1 when it stops)
#   require_cmd CMD                  skip when CMD is not installed (fails when CI=true)
#   wait_socket PATH [SECONDS]       polls until PATH is a listening unix socket
#   wait_exit PID [SECONDS]          polls until PID is gone
#   fail MSG / pass MSG / note MSG
#   assert_eq WANT GOT WHAT / assert_contains HAYSTACK NEEDLE WHAT
#
# Tests register with ctest as: add_test(... COMMAND script.sh args) with LABELS integration,
# a TIMEOUT and SKIP_RETURN_CODE 77.
set -euo pipefail

LIB_SKIP=77
_lib_cleanups=()

note() { printf '# %s\n' "$*" >&2; }
pass() { printf 'ok: %s\n' "$*"; }
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}
skip() {
  if [ "${CI:-}" = "true" ]; then
    fail "cannot run under CI=true: $*"
  fi
  printf 'SKIP: %s\n' "$*" >&2
  exit "$LIB_SKIP"
}

on_exit() { _lib_cleanups+=("$*"); }
_lib_run_cleanups() {
  local rc=$? i
  set +e
  for ((i = ${#_lib_cleanups[@]} - 1; i >= 0; i--)); do
    eval "${_lib_cleanups[$i]}" >/dev/null 2>&1
  done
  exit "$rc"
}
trap _lib_run_cleanups EXIT
trap 'exit 130' INT TERM

require_root() {
  [ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
}

require_cmd() {
  command -v "$1" >/dev/null 2>&1 || skip "$1 not installed (scripts/install-deps.sh)"
}

require_netns() {
  require_root
  command -v ip >/dev/null || skip "iproute2 (ip) not installed"
  local probe="lvsdprobe$$"
  ip netns add "$probe" 2>/dev/null || skip "cannot create network namespaces here"
  ip netns del "$probe"
}

netns_create() {
  local name="lvsdt$$x${RANDOM}"
  ip netns add "$name" || fail "ip netns add $name"
  on_exit "ip netns del $name"
  ip -n "$name" link set lo up
  printf -v "$1" '%s' "$name"
}

tmpdir_create() {
  local d
  d=$(mktemp -d /tmp/lvsd-it.XXXXXX)
  on_exit "rm -rf $d"
  printf -v "$1" '%s' "$d"
}

# spawn_bg VAR CMD... : background process whose pid lands in VAR; SIGKILLed at exit if alive.
spawn_bg() {
  local var=$1
  shift
  "$@" &
  local pid=$!
  printf -v "$var" '%s' "$pid"
  on_exit "kill -9 $pid"
}

# poll_until SECONDS WHAT CMD... : CMD is retried every 50 ms until success or the deadline.
poll_until() {
  local secs=$1 what=$2
  shift 2
  local deadline=$((SECONDS + secs))
  while :; do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    if ((SECONDS >= deadline)); then
      fail "timed out after ${secs}s waiting for: $what"
    fi
    sleep 0.05  # polling interval, not a wait for the event
  done
}

_lib_now_ns() { date +%s%N; }
_lib_secs_to_ns() { awk "BEGIN { printf \"%.0f\", $1 * 1000000000 }"; }

# wait_for SECONDS CMD... : CMD is retried every 20 ms; returns 1 (and says what) at the deadline.
wait_for() {
  local deadline=$(($(_lib_now_ns) + $(_lib_secs_to_ns "$1")))
  shift
  until "$@" >/dev/null 2>&1; do
    if [ "$(_lib_now_ns)" -gt "$deadline" ]; then
      local what="$*"
      echo "timed out waiting for: ${what:0:100}" >&2
      return 1
    fi
    sleep 0.02  # polling interval, not a wait for the event
  done
}

# holds SECONDS CMD... : CMD must keep succeeding for SECONDS (checked every 100 ms).
holds() {
  local deadline=$(($(_lib_now_ns) + $(_lib_secs_to_ns "$1")))
  shift
  while [ "$(_lib_now_ns)" -lt "$deadline" ]; do
    "$@" >/dev/null 2>&1 || {
      local what="$*"
      echo "stopped holding: ${what:0:100}" >&2
      return 1
    }
    sleep 0.1  # sampling interval of the condition
  done
}

_lib_socket_listening() {
  python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$1"
}
wait_socket() { poll_until "${2:-10}" "unix socket $1" _lib_socket_listening "$1"; }

_lib_gone() { ! kill -0 "$1" 2>/dev/null; }
wait_exit() { poll_until "${2:-10}" "pid $1 to exit" _lib_gone "$1"; }

assert_eq() {
  [ "$1" = "$2" ] || fail "$3: want '$1', got '$2'"
  pass "$3"
}
assert_contains() {
  case "$1" in
    *"$2"*) pass "$3" ;;
    *) fail "$3: '$2' not found in: $1" ;;
  esac
}
