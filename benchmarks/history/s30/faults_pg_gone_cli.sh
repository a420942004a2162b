#!/bin/bash
# s30 faults, case 3b: the read-only CLI commands and the dashboard against a PostgreSQL server
# that goes away and comes back. Our OWN cluster (never 15/main):
#   pg_createcluster 15 faults30 -p 5434 --start; user twf/twf superuser, database twfaults
# Usage: benchmarks/history/s30/faults_pg_gone_cli.sh [label]  (from /work/main)
set -u
LABEL=${1:-run}
PY=/work/main/.venv/bin/python
TW=/work/main/.venv/bin/tunewise
URL=postgresql+psycopg://twf:twf@127.0.0.1:5434/twfaults
export TUNEWISE_LOG_LEVEL=WARNING
$PY - <<EOF
import tunewise as tw
try:
    tw.delete_study(study_name="pg-gone", storage="$URL")
except Exception:
    pass
s = tw.create_study(study_name="pg-gone", storage="$URL")
s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=20)
print("study: 20 trials")
EOF

run() {  # command..., prints exit code, seconds, the last 2 lines of its output
  local t0=$(date +%s.%N)
  out=$(timeout 180 "$@" 2>&1); rc=$?
  local t1=$(date +%s.%N)
  printf '%s | rc=%s | %.1f s | %s\n' "$*" "$rc" "$(echo "$t1 - $t0" | bc)" "$(echo "$out" | tail -2 | tr '\n' ' ' | cut -c1-400)"
}

echo "== $LABEL: server up"
run $TW studies --storage $URL
echo "== $LABEL: server stopped (pg_ctlcluster 15 faults30 stop -m fast)"
pg_ctlcluster 15 faults30 stop -m fast
for c in "studies" "study-names" "trials pg-gone" "best pg-gone" "best-trial --study-name pg-gone" "export pg-gone"; do
  run $TW $c --storage $URL
done
run $TW report pg-gone --storage $URL -o /tmp/faults30/pg-gone.html

echo "== $LABEL: dashboard started while the server is down"
$TW dashboard --storage $URL --port 18431 > /tmp/faults30/dash_down.log 2>&1 &
DPID=$!
sleep 8
if kill -0 $DPID 2>/dev/null; then echo "dashboard still running after 8 s"; else wait $DPID; echo "dashboard exited rc=$?: $(tail -2 /tmp/faults30/dash_down.log | tr '\n' ' ' | cut -c1-300)"; fi
kill $DPID 2>/dev/null; wait $DPID 2>/dev/null

echo "== $LABEL: server started again"
pg_ctlcluster 15 faults30 start
$TW dashboard --storage $URL --port 18432 > /tmp/faults30/dash.log 2>&1 &
DPID=$!
for i in $(seq 1 60); do curl -s -o /dev/null http://127.0.0.1:18432/api/studies && break; sleep 0.5; done
api() { local t0=$(date +%s.%N); code=$(curl -s -m 120 -o /tmp/faults30/api.out -w '%{http_code}' "http://127.0.0.1:18432$1"); local t1=$(date +%s.%N); printf '  GET %s -> %s in %.1f s: %s\n' "$1" "$code" "$(echo "$t1 - $t0" | bc)" "$(head -c 200 /tmp/faults30/api.out)"; }
echo "dashboard up, server up:"; api /api/studies; api /api/studies/pg-gone
pg_ctlcluster 15 faults30 stop -m fast
sleep 6  # past the cached view's refresh
echo "dashboard up, server stopped (6 s after):"; api /api/studies; api /api/studies/pg-gone; api "/api/studies/pg-gone/trials?after=-1"
pg_ctlcluster 15 faults30 start
sleep 1
echo "dashboard up, server back:"; api /api/studies; api /api/studies/pg-gone; api "/api/studies/pg-gone/trials?after=-1"
kill $DPID; wait $DPID 2>/dev/null
echo "== $LABEL: server up again"
run $TW trials pg-gone --storage $URL
