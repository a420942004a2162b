#!/bin/sh
# TransMux/Wandb-Showcase's own workflow (start_agents.sh: NUM_AGENTS=3 `wandb agent SWEEP_ID` in parallel) under
# tunewise: make the sweep (`tunewise sweep run FILE --count 1`), then three `tunewise sweep agent NAME --count 2`
# at once on the same SQLite file. Usage: sh wandb_wild6_transmux_agents.sh TUNEWISE_SRC REPO_DIR
# (REPO_DIR: main.py and sweep-grid-hyperband.yaml of f21e8950; the harness's stand-ins in /tmp/s26w6/wb).
set -e
SRC=$1; cd "$2"
PY=/work/main/.venv/bin/python
export PYTHONPATH="/tmp/s26w6/wb/before/standins_tunewise:$SRC:/tmp/s26w6/extra:/tmp/s25/extra" OMP_NUM_THREADS=1 MPLBACKEND=Agg
DB="sqlite:///$PWD/agents.db"
rm -f agents.db
nice -n 10 $PY -m tunewise sweep run sweep-grid-hyperband.yaml --count 1 --storage "$DB" > make.log 2>&1
NAME=$($PY -c "import sys, tunewise as tw; print(tw.get_all_study_names(sys.argv[1])[0])" "$DB")
for i in 1 2 3; do nice -n 10 $PY -m tunewise sweep agent "$NAME" --count 2 --storage "$DB" > agent_$i.log 2>&1 & done
wait
$PY - "$DB" <<'PYEOF'
import collections, json, sys
import tunewise as tw
s = sys.argv[1]
for n in tw.get_all_study_names(s):
    trials = tw.load_study(study_name=n, storage=s).trials
    keys = [json.dumps(t.params, sort_keys=True) for t in trials]
    dup = [k for k, c in collections.Counter(keys).items() if c > 1]
    print(json.dumps({"study": n, "runs": len(trials),
                      "states": dict(collections.Counter(t.state.name for t in trials)),
                      "iterations": [len(t.intermediate_values) for t in trials],
                      "duplicate_grid_points": dup,
                      "params": [t.params for t in trials]}))
PYEOF
