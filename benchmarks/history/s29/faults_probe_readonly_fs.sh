#!/bin/sh
# s29 probe: a SQLite study on a filesystem remounted read-only (a full/failed disk goes read-only,
# a snapshot is mounted ro): what reading commands, a worker and the Python API do.
# (the worker objective: /tmp/s29f/objmod/faults_obj.py, def objective(t): return t.suggest_float("x", 0, 1))
# Needs root (mount). Usage: faults_probe_readonly_fs.sh /path/to/venv/bin
BIN=${1:-/work/main/.venv/bin}
D=/tmp/s29f/ro
mountpoint -q $D || mount -t tmpfs -o size=8m tmpfs $D
rm -f $D/*
$BIN/python - <<PY
import tunewise as tw
s = tw.create_study(study_name="s", storage="sqlite:///$D/tw.db", sampler=tw.samplers.RandomSampler(seed=0))
s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
PY
ls $D
mount -o remount,ro $D
echo "== studies"; $BIN/tunewise studies --storage sqlite:///$D/tw.db; echo "rc=$?"
echo "== trials"; $BIN/tunewise trials s --storage sqlite:///$D/tw.db | tail -2; echo "rc=$?"
echo "== worker"; PYTHONPATH=/tmp/s29f/objmod timeout 60 $BIN/tunewise worker --study s --storage sqlite:///$D/tw.db --objective faults_obj:objective --n-trials 2 2>&1 | tail -3; echo "rc=$?"
echo "== optimize"; timeout 120 $BIN/python - <<PY 2>&1 | tail -4
import tunewise as tw
s = tw.load_study("s", "sqlite:///$D/tw.db")
print("loaded, trials:", len(s.trials))
try:
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
except Exception as e:
    print("optimize raised", type(e).__name__, str(e)[:300])
print("trials after:", [t.state.name for t in s.trials][-3:])
PY
echo "== new study on ro fs"; $BIN/tunewise create-study --storage sqlite:///$D/new.db --study-name n 2>&1 | tail -2; echo "rc=$?"
mount -o remount,rw $D
