#!/bin/bash
# Run the s28 fault probes against one tree: faults_probes_run.sh <tree> <label>
# (tree: a checkout whose src/ is used, e.g. a `git worktree add --detach /tmp/x <commit>`).
# Writes faults_probes_<label>.txt next to this script. PostgreSQL: TUNEWISE_TEST_POSTGRES_URL.
set -u
TREE=$1; LABEL=$2; HERE=$(cd "$(dirname "$0")" && pwd); PY=/work/main/.venv/bin/python
OUT=$HERE/faults_probes_$LABEL.txt; : > "$OUT"
export PYTHONPATH=$TREE/src
run() { echo "### $*" >> "$OUT"; timeout 600 nice -n 5 "$@" 2>&1 | grep -v '^\[I ' | grep -v '^\[W ' >> "$OUT"; echo >> "$OUT"; }
mkdir -p /tmp/s28f
echo "tree: $TREE ($(git -C "$TREE" rev-parse --short HEAD))" >> "$OUT"
rm -f /tmp/s28f/pa.db; run $PY "$HERE/faults_probe_asktell.py" sqlite:////tmp/s28f/pa.db
run $PY "$HERE/faults_probe_asktell.py" "$TUNEWISE_TEST_POSTGRES_URL"
rm -f /tmp/s28f/ph.db; run $PY "$HERE/faults_probe_hostile.py" sqlite:////tmp/s28f/ph.db
run $PY "$HERE/faults_probe_hostile.py"
rm -f /tmp/s28f/pw.db; run $PY "$HERE/faults_probe_trialwrites.py" sqlite:////tmp/s28f/pw.db
rm -f /tmp/s28f/pv.db; run $PY "$HERE/faults_probe_values.py" sqlite:////tmp/s28f/pv.db
rm -f /tmp/s28f/pr.db; run $PY "$HERE/faults_probe_resume.py" sqlite:////tmp/s28f/pr.db
rm -f /tmp/s28f/pe.db; run $PY "$HERE/faults_probe_enqueue.py" sqlite:////tmp/s28f/pe.db
run $PY "$HERE/faults_probe_sigterm.py"
run bash "$HERE/faults_probe_corrupt.sh" "$PY -m tunewise" $PY
run bash "$HERE/faults_probe_dashboard.sh" "$PY -m tunewise"
