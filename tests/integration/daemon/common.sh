#!/bin/bash
# Helpers for the daemon integration tests. Usage: . common.sh LVSD LVSCTL
# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

LVSD=${1:?usage: $0 LVSD LVSCTL [SRCDIR]}
LVSCTL=${2:?usage: $0 LVSD LVSCTL [SRCDIR]}
LVSD=$(realpath "$LVSD")
LVSCTL=$(realpath "$LVSCTL")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CTL_RAW="$HERE/ctl_raw.py"

# write_config FILE DIR [MODE] [EXTRA] : a minimal valid config with socket/pid under DIR.
write_config() {
  local file=$1 dir=$2 mode=${3:-0660} extra=${4:-}
  cat >"$file" <<CONF
global = {
  router_id = "it";
  control_socket = "$dir/lvsd.sock";
  control_socket_mode = "$mode";
  pid_file = "$dir/lvsd.pid";
  log_target = "stderr";
};
$extra
CONF
}

# One VRRP instance, so reloads change something visible (counts.vrrp_instances).
VRRP_ONE='vrrp_instances = ( { name = "VI_1"; interface = "lo"; vrid = 51; priority = 100;
  virtual_ipaddresses = ( "10.200.0.100/24" ); } );'

# start_lvsd VAR NS CONF LOG [ARGS...] : starts lvsd in NS (foreground), waits for the socket.
start_lvsd() {
  local var=$1 ns=$2 conf=$3 log=$4
  shift 4
  spawn_bg "$var" ip netns exec "$ns" "$LVSD" --foreground -f "$conf" "$@" 2>>"$log"
}

ctl() { "$LVSCTL" -s "$SOCK" "$@"; }

# json_get EXPR : reads JSON on stdin, prints python expression EXPR over it (variable d).
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

child_pid() { ctl status --json | json_get "[c['pid'] for c in d['children'] if c['name']=='$1'][0]"; }
child_field() {
  ctl status --json | json_get "[c['$2'] for c in d['children'] if c['name']=='$1'][0]"
}
children_running() {
  [ "$(ctl status --json | json_get "all(c['state']=='running' for c in d['children'])")" = True ]
}
