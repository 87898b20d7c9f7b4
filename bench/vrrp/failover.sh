#!/bin/bash
# Failover benchmark (not a test): lvsd and keepalived on the same namespace topology (two nodes
# on a bridge and a client), VRRPv3 at 1 s, 100 ms and 10 ms adverts. The client sends a UDP
# probe to the VIP every millisecond; each node answers with its name. A run measures from the
# signal to the master (SIGKILL of every process, or SIGTERM = graceful stop) until the client
# gets its first answer from the new master. The signal is sent right after the client sees an
# advert from the master (probe.py, raw socket), so both daemons are stopped at the same phase of
# their advert interval; each run also reports the time from that last advert to the answer.
# Prints one line per run and a median table.
#   bench/vrrp/failover.sh BUILD_DIR [RUNS]     (root; results go to docs/benchmarks-vrrp.md)
#   INTERVALS="1 0.1 0.01" IMPLS="lvsd ka" MODES="kill graceful" select a subset.
HERE_B=$(cd "$(dirname "$0")" && pwd)
RUNS=${2:-7}
source "$HERE_B/../../tests/integration/vrrp/lib_vrrp.sh" "$1"
require_netns
require_cmd keepalived
topology 2
for n in n1 n2; do
  ip netns exec "$(ns $n)" python3 "$HERE_B/responder.py" "$n" &
  PIDS+=($!)
done
RESULTS=$TMP/results
: >"$RESULTS"

lvsd_start() { # INTERVAL
  for n in n1 n2; do
    local prio=150
    [ $n = n2 ] && prio=100
    node_conf $n "vrrp_instances = ( {
      name = \"VI_1\"; interface = \"eth0\"; vrid = 51; priority = $prio; version = 3;
      advert_int = $1; virtual_ipaddresses = ( \"10.77.0.100/24\" ); garp = { master_delay = 0; };
    } );" >/dev/null
    rm -f "$TMP/$n/lvsd.sock"
    start_node $n
  done
  wait_for 10 is_state n1 master && wait_for 10 is_state n2 backup
}
lvsd_pids() { # NODE MODE
  if [ "$2" = kill ]; then echo "$(node_pid "$1") $(vrrp_child_pid "$1")"; else node_pid "$1"; fi
}
lvsd_stop() {
  for n in n1 n2; do kill -9 "$(vrrp_child_pid $n)" "$(node_pid $n)" 2>/dev/null || true; done
  for n in n1 n2; do wait "$(node_pid $n)" 2>/dev/null || true; done
}

ka_start() { # INTERVAL
  for n in n1 n2; do
    local prio=150
    [ $n = n2 ] && prio=100
    mkdir -p "$TMP/ka$n"
    cat >"$TMP/ka$n/keepalived.conf" <<CONF
global_defs {
  router_id ka$n
  vrrp_version 3
  vrrp_garp_master_delay 0
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority $prio
  advert_int $1
  virtual_ipaddress {
    10.77.0.100/24
  }
}
CONF
    rm -f "$TMP/ka$n/"*.pid
    ip netns exec "$(ns $n)" keepalived -n -l -P -f "$TMP/ka$n/keepalived.conf" \
      -p "$TMP/ka$n/ka.pid" -r "$TMP/ka$n/vrrp.pid" >>"$TMP/ka$n/log" 2>&1 &
    PIDS+=($!)
    eval "KA_$n=$!"
    wait_for 10 test -s "$TMP/ka$n/vrrp.pid"
  done
  wait_for 10 has_addr n1 10.77.0.100
  holds 0.5 bash -c '! has_addr n2 10.77.0.100'
}
ka_pids() { # NODE MODE
  local main
  main=$(eval "echo \$KA_$1")
  if [ "$2" = kill ]; then echo "$main $(cat "$TMP/ka$1/vrrp.pid")"; else echo "$main"; fi
}
ka_stop() {
  for n in n1 n2; do
    kill -9 "$(eval "echo \$KA_$n")" "$(cat "$TMP/ka$n/vrrp.pid" 2>/dev/null)" 2>/dev/null || true
    wait "$(eval "echo \$KA_$n")" 2>/dev/null || true
  done
}

for interval in ${INTERVALS:-1 0.1 0.01}; do
  for impl in ${IMPLS:-lvsd ka}; do
    for mode in ${MODES:-kill graceful}; do
      for run in $(seq 1 "$RUNS"); do
        ${impl}_start "$interval"
        sig=15
        [ $mode = kill ] && sig=9
        # shellcheck disable=SC2046
        ms=$(ip netns exec "$(ns c)" python3 "$HERE_B/probe.py" --vip 10.77.0.100 --old n1 \
          --want n2 --sig $sig --advert-src 10.77.0.1 --pids $(${impl}_pids n1 $mode))
        name=$impl
        [ $impl = ka ] && name=keepalived
        echo "$name $interval $mode $run $ms" | tee -a "$RESULTS"
        ${impl}_stop
        for n in n1 n2; do ip -n "$(ns $n)" addr del 10.77.0.100/24 dev eth0 2>/dev/null || true; done
      done
    done
  done
done
echo
echo "| advert_int | stop | lvsd median ms (runs) | keepalived median ms (runs) | from last advert: lvsd / keepalived |"
echo "|---|---|---|---|---|"
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    impl, interval, mode, _, ms, adv, _sig = line.split()
    d = rows.setdefault((interval, mode), {})
    d.setdefault(impl, []).append(ms)
    d.setdefault(impl + "_adv", []).append(adv)
def cell(v):
    nums = sorted(float(x) for x in v if x != "timeout")
    med = "%.0f" % statistics.median(nums) if nums else "-"
    return "%s (%s)" % (med, ", ".join("%.0f" % x if x != "timeout" else x for x in
                                       [float(y) if y != "timeout" else y for y in v]))
def med(v):
    nums = [float(x) for x in v if x != "timeout"]
    return "%.0f" % statistics.median(nums) if nums else "-"
for (interval, mode), d in rows.items():
    print("| %s s | %s | %s | %s | %s / %s |" % (interval, mode, cell(d.get("lvsd", [])),
                                      cell(d.get("keepalived", [])),
                                      med(d.get("lvsd_adv", [])), med(d.get("keepalived_adv", []))))
PY
