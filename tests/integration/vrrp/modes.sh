#!/bin/bash
# Three lvsd nodes + a client: IPv6 (VRRPv3, unsolicited NA moves the client's neighbour entry),
# unicast mode, nopreempt, priority tracking (file and script, run as the script user), sync
# groups (a fault in one member takes the group over), notify scripts and the generic notify.
source "$(dirname "$0")/lib_vrrp.sh" "$1"
require_netns
topology 3
TRACK=$TMP/track
mkdir -p "$TRACK"
chmod 777 "$TRACK"

# ---------------------------------------------------------------- IPv6
for n in 1 2; do
  node_conf "n$n" "vrrp_instances = ( {
    name = \"V6\"; interface = \"eth0\"; vrid = 61; priority = $((200 - n * 50)); version = 3;
    advert_int = 0.1; virtual_ipaddresses = ( \"fd77::100/64\" ); garp = { master_delay = 0; };
  } );" >/dev/null
  start_node "n$n"
done
check "v6: n1 master" wait_for 5 is_state n1 master
check "v6: n2 backup" wait_for 5 is_state n2 backup
check "v6: master address is n1's link-local" bash -c "field n1 master_address | grep -q '^fe80:'" 
check "v6: VIP usable at once (NODAD, not tentative)" bash -c \
  "ip -n $(ns n1) -6 addr show dev eth0 | grep 'fd77::100' | grep -vq tentative"
check "v6: client reaches the VIP" wait_for 5 bash -c "ip netns exec $(ns c) ping -6 -c1 -W1 fd77::100"
kill -9 "$(vrrp_child_pid n1)" "$(node_pid n1)"
check "v6: n2 takes over after SIGKILL" wait_for 3 is_state n2 master
check "v6: client neighbour entry moves to n2 (unsolicited NA)" wait_for 5 bash -c \
  "ip -n $(ns c) -6 neigh show fd77::100 | grep -qi 'lladdr $(mac_of n2)'"
kill -TERM "$(node_pid n2)"
wait "$(node_pid n2)" 2>/dev/null || true
ip -n "$(ns n1)" addr del fd77::100/64 dev eth0 2>/dev/null || true

# ---------------------------------------------------------------- unicast + nopreempt
for n in 1 2 3; do
  peers=$(for p in 1 2 3; do [ "$p" = "$n" ] || printf '"10.77.0.%s", ' "$p"; done)
  node_conf "n$n" "vrrp_instances = ( {
    name = \"U\"; interface = \"eth0\"; vrid = 71; priority = $((250 - n * 50)); version = 3;
    advert_int = 0.1; preempt = false; unicast_peers = ( ${peers%, } );
    virtual_ipaddresses = ( \"10.77.0.171/24\" ); garp = { master_delay = 0; };
  } );" >/dev/null
done
start_node n2
start_node n3
check "unicast: n2 master while n1 is away" wait_for 5 is_state n2 master
check "unicast: n3 backup" wait_for 5 is_state n3 backup
check "unicast: mode reported" test "$(field n2 mode)" = unicast
start_node n1
check "nopreempt: higher-priority n1 joins as backup" wait_for 5 is_state n1 backup
check "nopreempt: n2 stays master" holds 2 is_state n2 master
check "unicast: n1 knows n2 is master" test "$(field n1 master_address)" = 10.77.0.2
for n in 1 2 3; do kill -TERM "$(node_pid n$n)"; done
for n in 1 2 3; do wait "$(node_pid n$n)" 2>/dev/null || true; done

# ---------------------------------------------------------------- tracking + notify + sync group
cat >"$TRACK/check.sh" <<'SH'
#!/bin/sh
# Fails while the flag file exists; records who ran it.
id -un > "$(dirname "$0")/ran_as"
[ ! -e "$(dirname "$0")/fail" ]
SH
cat >"$TRACK/notify.sh" <<'SH'
#!/bin/sh
echo "$*" >> "$(dirname "$0")/notify.log"
SH
chmod 755 "$TRACK/check.sh" "$TRACK/notify.sh"
echo 0 >"$TRACK/weight"
chmod 666 "$TRACK/weight"
for n in 1 2; do
  prio=$((200 - n * 50))
  node_conf "n$n" "
vrrp_scripts = ( { name = \"chk\"; path = \"$TRACK/check.sh\"; interval = 0.2; weight = -80;
                   rise = 1; fall = 2; } );
vrrp_track_files = ( { name = \"w\"; path = \"$TRACK/weight\"; weight = -1; } );
vrrp_instances = (
  { name = \"A\"; interface = \"eth0\"; vrid = 81; priority = $prio; version = 3; advert_int = 0.1;
    virtual_ipaddresses = ( \"10.77.0.181/24\" ); garp = { master_delay = 0; };
    $( [ "$n" = 1 ] && echo 'track_scripts = ( "chk" ); track_files = ( "w" );
    notify = "'"$TRACK"'/notify.sh"; notify_master = "'"$TRACK"'/notify.sh master-A";' ) },
  { name = \"B\"; interface = \"eth0\"; vrid = 82; priority = $prio; version = 3; advert_int = 0.1;
    virtual_ipaddresses = ( \"10.77.0.182/24\" ); garp = { master_delay = 0; };
    $( [ "$n" = 1 ] && echo 'track_interfaces = ( "trk0" );' ) }
);
vrrp_sync_groups = ( { name = \"G\"; members = ( \"A\", \"B\" ); } );" >/dev/null
done
# n1: the default script user (absent on most hosts → "nobody", warned once) and a notify FIFO
# read by a reader that holds it open read-write (so it never sees EOF between transitions).
FIFO=$TMP/n1/notify.fifo
sed -i -e '/script_user = "nobody";/d' \
  -e "s|^  router_id = \"n1\";|&\n  notify_fifo = \"$FIFO\";|" "$TMP/n1/lvsd.conf"
mkfifo "$FIFO"
cat <>"$FIFO" >"$TRACK/fifo.log" &
PIDS+=($!)
EXPECT_USER=nobody
id lvsd_script >/dev/null 2>&1 && EXPECT_USER=lvsd_script
ip -n "$(ns n1)" link add trk0 type veth peer name trk1
ip -n "$(ns n1)" link set trk1 up
ip -n "$(ns n1)" link set trk0 up
start_node n1
start_node n2
check "group: n1 master of A and B" wait_for 5 bash -c "$(declare -f is_state state ctl); TMP=$TMP LVSCTL=$LVSCTL; is_state n1 master 0 && is_state n1 master 1"
check "notify_master ran" wait_for 5 grep -q "^master-A$" "$TRACK/notify.log"
check "generic notify ran with INSTANCE A MASTER 150" wait_for 5 grep -q "^INSTANCE A MASTER 150$" "$TRACK/notify.log"
check "track script runs as the script user ($EXPECT_USER)" wait_for 5 grep -qx "$EXPECT_USER" "$TRACK/ran_as"
if [ "$EXPECT_USER" = nobody ]; then
  check "default script user missing: one warning naming lvsd_script and nobody" \
    test "$(grep -c 'script user "lvsd_script" does not exist; running scripts as "nobody"' "$TMP/n1/log")" = 1
fi
check "notify FIFO: INSTANCE \"A\" MASTER 150 (keepalived format)" wait_for 5 grep -qx 'INSTANCE "A" MASTER 150' "$TRACK/fifo.log"

echo 10 >"$TRACK/weight"
check "track file: effective priority 140" wait_for 5 bash -c "[ \$($(declare -f field ctl); TMP=$TMP LVSCTL=$LVSCTL field n1 effective_priority) = 140 ]"
check "track file: still master above n2 (100)" is_state n1 master
touch "$TRACK/fail"
check "track script (weight -80): priority 60, n2 preempts" wait_for 5 is_state n2 master
check "sync group: B follows A to n2" wait_for 3 is_state n2 master 1
check "notify FIFO: INSTANCE \"A\" BACKUP after the failover" wait_for 3 grep -q '^INSTANCE "A" BACKUP [0-9]*$' "$TRACK/fifo.log"
check "base priority still reported as 150" test "$(field n1 base_priority)" = 150
rm -f "$TRACK/fail"
echo 0 >"$TRACK/weight"
check "tracking recovered: n1 master again" wait_for 5 bash -c "$(declare -f is_state state ctl); TMP=$TMP LVSCTL=$LVSCTL; is_state n1 master 0 && is_state n1 master 1"
ip -n "$(ns n1)" link set trk0 down
check "tracked interface down: B in fault on n1" wait_for 3 is_state n1 fault 1
check "sync group: A in fault with it" wait_for 3 is_state n1 fault 0
check "sync group: n2 master of both" wait_for 3 bash -c "$(declare -f is_state state ctl); TMP=$TMP LVSCTL=$LVSCTL; is_state n2 master 0 && is_state n2 master 1"
ip -n "$(ns n1)" link set trk0 up
check "interface up: n1 master of both again" wait_for 5 bash -c "$(declare -f is_state state ctl); TMP=$TMP LVSCTL=$LVSCTL; is_state n1 master 0 && is_state n1 master 1"
for n in 1 2; do kill -TERM "$(node_pid n$n)"; done
for n in 1 2; do wait "$(node_pid n$n)" 2>/dev/null || true; done

# ---------------------------------------------------------------- notify_fifo_script lifetime
# The reader script lives as long as the VRRP child: SIGTERMed (then SIGKILLed) and reaped when
# lvsd stops, and gone with a killed child (the restarted child starts a new one).
cat >"$TRACK/fifo_reader.sh" <<'SH'
#!/bin/sh
echo $$ >> "$(dirname "$0")/reader.pids"
exec 3<>"$1"
while read -r line <&3; do echo "$line" >> "$(dirname "$0")/reader.log"; done
SH
chmod 755 "$TRACK/fifo_reader.sh"
node_conf n3 "vrrp_instances = ( { name = \"F\"; interface = \"eth0\"; vrid = 91; priority = 100;
  version = 3; advert_int = 0.1; virtual_ipaddresses = ( \"10.77.0.191/24\" ); } );" >/dev/null
sed -i "s|^  router_id = \"n3\";|&\n  notify_fifo = \"$TMP/n3/f.fifo\";\n  notify_fifo_script = \"$TRACK/fifo_reader.sh\";|" \
  "$TMP/n3/lvsd.conf"
start_node n3
check "notify_fifo_script reads the FIFO" wait_for 5 grep -q '^INSTANCE "F" MASTER' "$TRACK/reader.log"
reader1=$(sed -n 1p "$TRACK/reader.pids")
kill -9 "$(vrrp_child_pid n3)"
check "VRRP child SIGKILLed: its notify_fifo_script is gone" wait_for 3 bash -c "! kill -0 $reader1"
check "restarted VRRP child starts a new reader" wait_for 15 bash -c "[ \$(wc -l <$TRACK/reader.pids) -ge 2 ]"
reader2=$(sed -n 2p "$TRACK/reader.pids")
check "second reader runs" kill -0 "$reader2"
kill -TERM "$(node_pid n3)"
wait "$(node_pid n3)" 2>/dev/null || true
check "lvsd stopped: notify_fifo_script already gone" bash -c "! kill -0 $reader2"
finish
