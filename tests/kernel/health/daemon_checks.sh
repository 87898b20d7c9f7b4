#!/bin/bash
# Health checks driving IPVS in the guest with the real lvsd: a failing backend leaves the table
# within fall x interval (+ timeout), recovery ramps the weight back through slow start (each
# step one edit, visible in ipvsadm -Ln), and dynamic feedback orders two backends with different
# response times. Backends: busybox httpd (a CGI that sleeps for the slow one).
# Files: lvsd, lvsctl, lib.sh, daemon_lib.sh (tests/kernel/ipvs).
. "$TEST_DIR/lib.sh"
. "$TEST_DIR/daemon_lib.sh"
ip link add d0 type dummy
ip addr add 10.0.2.1/24 dev d0
for a in 11 12 13 14; do ip addr add 10.0.2.$a/32 dev d0; done
ip link set d0 up
mkdir -p "$T/www/cgi-bin"
echo ok > "$T/www/index.html"
printf '#!/bin/sh\nsleep 0.3\nprintf "Content-Type: text/plain\\r\\n\\r\\nslow\\n"\n' > "$T/www/cgi-bin/slow"
chmod +x "$T/www/cgi-bin/slow"
httpd_on() { busybox httpd -f -p "10.0.2.$1:80" -h "$T/www" & eval "H$1=\$!"; }
for a in 11 12 13 14; do httpd_on $a; done
trap 'kill -9 $H11 $H12 $H13 $H14 2>/dev/null; [ -z "$LVSD_PID" ] || kill -9 "$LVSD_PID" 2>/dev/null; true' EXIT

CONF=$T/lvsd.conf
cat > "$CONF" <<C
global = { log_target = "stderr"; };
virtual_servers = (
  { name = "a"; address = "$VIP"; port = 80; scheduler = "wrr"; delay_loop = 0.5;
    real_servers = (
      { address = "10.0.2.11"; weight = 4; slow_start = 3;
        checks = ( { type = "http"; path = "/index.html"; timeout = 0.5; rise = 1; fall = 2; } ); },
      { address = "10.0.2.12"; weight = 4;
        checks = ( { type = "tcp"; timeout = 0.5; rise = 1; fall = 2; } ); } ); },
  { name = "fb"; address = "$VIP"; port = 81; scheduler = "wrr"; delay_loop = 0.3;
    real_servers = (
      { address = "10.0.2.13"; port = 80; weight = 2; feedback = { response_time_ratio = 1.0; agent_ratio = 0.0; };
        checks = ( { type = "http"; path = "/index.html"; timeout = 2; } ); },
      { address = "10.0.2.14"; port = 80; weight = 2; feedback = { response_time_ratio = 1.0; agent_ratio = 0.0; };
        checks = ( { type = "http"; path = "/cgi-bin/slow"; timeout = 2; } ); } ); }
);
C
"$LVSD" -t -f "$CONF" >/dev/null || { cat "$CONF"; "$LVSD" -t -f "$CONF"; fail "test config invalid"; }
start_lvsd "$CONF"
weight_of() {  # weight_of PORT ADDR -> weight in ipvsadm -Ln, or "absent"
  ipvsadm -Ln -t "$VIP:$1" | awk -v a="$2:80" '$2 == a { print $4; f=1 } END { if (!f) print "absent" }'
}
poll() {  # poll SECONDS WHAT CMD...
  local s=$1 w=$2; shift 2
  local deadline=$(( $(date +%s) + s ))
  until "$@"; do
    [ "$(date +%s)" -lt $deadline ] || { ipvsadm -Ln; ctl checks; fail "timed out: $w"; }
    sleep 0.1
  done
}
w_is() { [ "$(weight_of "$1" "$2")" = "$3" ]; }

step "both backends in with their configured weight"
poll 20 "10.0.2.11 weight 4" w_is 80 10.0.2.11 4
poll 20 "10.0.2.12 weight 4" w_is 80 10.0.2.12 4

step "backend 10.0.2.11 fails: out of IPVS within fall x interval + timeout"
kill -9 "$H11"
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
t0=$(now_ms)
poll 10 "10.0.2.11 removed" w_is 80 10.0.2.11 absent
ms=$(( $(now_ms) - t0 ))
echo "removed after ${ms} ms (fall 2 x interval 0.5 s + timeout 0.5 s = 1.5 s; TCG guest)"
[ "$ms" -le 4000 ] || fail "removal took ${ms} ms"
ipvs_json
[ "$(last_trigger)" = health ] || fail "last sync not a health sync"
[ "$(last_ops)" = 1 ] || { cat "$T/ipvs.json"; fail "removal was not one op"; }

step "recovery: the weight ramps 1 -> 4 over slow_start 3 s, one edit per step"
httpd_on 11
seen=""
deadline=$(( $(date +%s) + 20 ))
while :; do
  w=$(weight_of 80 10.0.2.11)
  case " $seen " in *" $w "*) ;; *) seen="$seen $w" ;; esac
  [ "$w" = 4 ] && break
  [ "$(date +%s)" -lt $deadline ] || fail "ramp did not finish: seen$seen"
  sleep 0.05
done
echo "weights seen:$seen"
echo "$seen" | grep -Eq '^ (absent )?1( 2)?( 3)? 4$' || fail "not a ramp from 1 to 4:$seen"
echo "$seen" | grep -Eq ' [23] ' || fail "no intermediate weight visible:$seen"
ipvs_json
[ "$(last_trigger)" = "slow start" ] || fail "last sync not a slow-start step"
[ "$(last_ops)" = 1 ] || fail "a slow-start step was not one op"

step "feedback: the fast backend ends above the slow one"
fast_above() {
  local f s
  f=$(weight_of 81 10.0.2.13)
  s=$(weight_of 81 10.0.2.14)
  [ "$f" != absent ] && [ "$s" != absent ] && [ "$f" -gt "$s" ] && [ "$f" -ge 6 ]
}
poll 60 "fast backend weight above the slow one" fast_above
echo "feedback weights: fast $(weight_of 81 10.0.2.13), slow $(weight_of 81 10.0.2.14)"
ctl checks
stop_lvsd TERM
