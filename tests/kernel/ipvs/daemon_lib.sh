# Helpers for the guest tests that run the real lvsd + lvsctl (sourced after lib.sh).
# Files expected in $TEST_DIR: lvsd, lvsctl (copied with -f; their libraries come along).
LVSD=$TEST_DIR/lvsd
LVSCTL=$TEST_DIR/lvsctl
SOCK=$T/lvsd.sock
LVSD_PID=
ctl() { "$LVSCTL" -s "$SOCK" "$@"; }

# start_lvsd CONF: starts lvsd in the foreground (log in $T/lvsd.log), waits for its socket and
# the checker's first IPVS sync.
start_lvsd() {
  "$LVSD" --foreground -f "$1" -s "$SOCK" --pid-file "$T/lvsd.pid" >>"$T/lvsd.log" 2>&1 &
  LVSD_PID=$!
  local deadline=$(( $(date +%s) + 30 ))
  # (into a file first: grep -q on a pipe would SIGPIPE lvsctl under pipefail on big tables)
  until ctl ipvs --json > "$T/poll.json" 2>/dev/null && grep -q '"syncs": [1-9]' "$T/poll.json"; do
    kill -0 "$LVSD_PID" 2>/dev/null || { cat "$T/lvsd.log"; fail "lvsd exited during startup"; }
    [ "$(date +%s)" -lt $deadline ] || { cat "$T/lvsd.log"; fail "no IPVS sync after 30 s"; }
    sleep 0.1
  done
}
# stop_lvsd SIGNAL: sends SIGNAL to the supervisor and waits until every lvsd process is gone.
stop_lvsd() {
  kill -"$1" "$LVSD_PID"
  wait "$LVSD_PID" 2>/dev/null || true
  local deadline=$(( $(date +%s) + 15 ))
  while pgrep -f "$LVSD --foreground" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt $deadline ] || fail "lvsd processes left after SIG$1"
    sleep 0.1
  done
  LVSD_PID=
}
# ipvs_json: `lvsctl ipvs --json` into $T/ipvs.json
ipvs_json() { ctl ipvs --json > "$T/ipvs.json" || fail "lvsctl ipvs failed"; }
# wait_syncs N: until the checker reports N syncs (reload is asynchronous)
wait_syncs() {
  local deadline=$(( $(date +%s) + 30 ))
  until ctl ipvs --json > "$T/poll.json" 2>/dev/null && grep -Eq "\"syncs\": $1,?\$" "$T/poll.json"; do
    [ "$(date +%s)" -lt $deadline ] || { ctl ipvs --json; fail "no sync #$1"; }
    sleep 0.1
  done
  ipvs_json
}
# last_ops: number of ops of the last sync; last_trigger: its cause
last_ops() { sed -n 's/^ *"ops": \([0-9]*\),$/\1/p' "$T/ipvs.json" | head -1; }
last_trigger() { sed -n 's/^ *"trigger": "\(.*\)"$/\1/p' "$T/ipvs.json" | head -1; }
# expect_ops N TRIGGER: the last sync was TRIGGER with exactly N ops
expect_ops() {
  [ "$(last_trigger)" = "$2" ] || { cat "$T/ipvs.json"; fail "last sync is '$(last_trigger)', not $2"; }
  [ "$(last_ops)" = "$1" ] || { cat "$T/ipvs.json"; fail "$2: $(last_ops) ops, expected $1"; }
  echo "$2: $1 ops (as expected)"
}
# same_as_ipvsadm [--stats]: lvsctl ipvs and ipvsadm -Ln print the same table (retries while
# counters still move, e.g. the last ACKs of closed connections)
same_as_ipvsadm() {
  local deadline=$(( $(date +%s) + 15 ))
  while :; do
    ipvsadm -Ln "$@" > "$T/a1"
    ctl ipvs "$@" > "$T/l1" 2>"$T/l1.err"
    ipvsadm -Ln "$@" > "$T/a2"
    cmp -s "$T/a1" "$T/a2" && cmp -s "$T/a1" "$T/l1" && return 0
    if [ "$(date +%s)" -ge $deadline ]; then
      diff -u "$T/a1" "$T/l1"
      fail "lvsctl ipvs $* differs from ipvsadm -Ln $*"
    fi
    sleep 0.2
  done
}
trap '[ -z "$LVSD_PID" ] || kill -9 "$LVSD_PID" 2>/dev/null; true' EXIT
# wait_conns SERVICE N: the kernel's counters (summed from per-CPU counters by the rate
# estimator every 2 s) show N connections for SERVICE ("TCP  10.0.0.100:80")
wait_conns() {
  local deadline=$(( $(date +%s) + 15 ))
  until ipvsadm -Ln --stats --exact | grep -Eq "^$1 +$2 "; do
    [ "$(date +%s)" -lt $deadline ] || { ipvsadm -Ln --stats; fail "$1: not $2 connections"; }
    sleep 0.2
  done
}
