#!/bin/bash
# Hostile servers, 1,000 probe runs each: accepts and never answers, answers garbage, endless
# body, closes after headers, resets mid-TLS-handshake. Every run must give the right outcome
# (down, for the right reason) within its timeout, and the prober's descriptor count and RSS
# must stay bounded over the 1,000 cycles.
source "$(dirname "$0")/lib_check.sh"
CYCLES=${CYCLES:-1000}
RSS_SLACK_KB=${RSS_SLACK_KB:-4096}

# hostile NAME MODE REASON_REGEX TIMEOUT_MS TIMEOUTS_ALLOWED DRIVER_ARGS...
hostile() {
  local name=$1 mode=$2 reason=$3 tmo=$4 timeouts=$5; shift 5
  responder "$mode"
  local start end first summary
  start=$(date +%s%N)
  local out
  out=$("$DRIVER" --port "$PORT" --timeout-ms "$tmo" --count "$CYCLES" "$@")
  end=$(date +%s%N)
  first=$(head -n1 <<<"$out")
  summary=$(tail -n1 <<<"$out")
  local verdict
  verdict=$("$PY" - "$summary" "$first" "$reason" "$tmo" "$timeouts" "$CYCLES" "$RSS_SLACK_KB" <<'PYEOF'
import json, re, sys
s, first = json.loads(sys.argv[1]), json.loads(sys.argv[2])
reason, tmo, timeouts_ok, cycles, slack = sys.argv[3], float(sys.argv[4]), sys.argv[5] == "yes", int(sys.argv[6]), int(sys.argv[7])
problems = []
if s["runs"] != cycles or s["down"] != cycles:
    problems.append(f'{s["down"]}/{s["runs"]} down, wanted {cycles}/{cycles}')
if not re.search(reason, first["reason"]):
    problems.append(f'reason {first["reason"]!r} !~ /{reason}/')
if not timeouts_ok and s["timeouts"]:
    problems.append(f'{s["timeouts"]} runs needed the timeout')
# Slack for a loaded 2-core CI machine: a probe that ignored its deadline would hang for good,
# so 3 s over the timeout still tells "bounded by its timeout" from "stuck".
if s["max_latency_ms"] > tmo + 3000:
    problems.append(f'max latency {s["max_latency_ms"]:.0f} ms > timeout {tmo:.0f} ms + 3000')
if s["fds_end"] > s["fds_start"]:
    problems.append(f'descriptors grew {s["fds_start"]} -> {s["fds_end"]}')
if s["rss_end_kb"] - s["rss_start_kb"] > slack:
    problems.append(f'RSS grew {s["rss_start_kb"]} -> {s["rss_end_kb"]} kB')
print("; ".join(problems) if problems else "OK")
PYEOF
)
  local secs=$(( (end - start) / 1000000 ))
  if [ "$verdict" = OK ]; then
    echo "ok   $name: $CYCLES runs in ${secs} ms; $summary"
  else
    echo "FAIL $name: $verdict; first: $first; summary: $summary" >&2
    FAILS=$((FAILS + 1))
  fi
}

hostile "http, never answers" silent '^timeout$' 20 yes --kind http
hostile "tcp expect, never answers" silent '^timeout$' 20 yes --kind tcp --send ping --expect pong
hostile "agent, never answers" silent '^timeout$' 20 yes --kind agent
hostile "http, garbage" garbage '^http: ' 2000 no --kind http
hostile "http, endless body" endless '^http: body exceeds 65536 bytes$' 2000 no --kind http --max-body 65536
hostile "http, close after headers" headers-close '^http: (partial message|end of stream)' 2000 no --kind http
hostile "https, reset mid-handshake" reset '^tls: ' 2000 no --kind https
hostile "https, never answers the handshake" silent '^timeout$' 20 yes --kind https
hostile "agent, garbage without newline" garbage-now '^agent: unrecognised reply' 2000 no --kind agent
finish
