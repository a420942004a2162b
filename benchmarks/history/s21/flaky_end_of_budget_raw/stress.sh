#!/bin/bash
# usage: stress.sh LABEL SRCROOT N_REPRO N_PYTEST NBUSY
# Runs the standalone repro (cold, warm) and the pytest test (alone = cold, after a warm-up test = warm)
# against the tunewise in SRCROOT/src, with NBUSY busy-loop processes of our own as extra CPU load.
here=$(cd "$(dirname "$0")" && pwd)
label=$1; root=$2; nr=$3; np=$4; nbusy=$5
PY=${PY:-python}
out=$here/results_$label.txt; : > $out
pids=()
for i in $(seq 1 $nbusy); do $PY -c "while True: pass" & pids+=($!); done
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done' EXIT
T=tests/core/test_trial_faults.py::test_at_the_end_of_the_budget_a_dead_workers_trial_is_reaped_and_rerun
cd $root
for i in $(seq 1 $nr); do
  for warm in "" 1; do
    r=$(WARM=$warm PYTHONPATH=$root/src $PY $here/repro.py 2>/dev/null | head -1)
    echo "repro warm=${warm:-0} $r" >> $out
  done
done
for i in $(seq 1 $np); do
  PYTHONPATH=$root/src $PY -m pytest -q -p no:cacheprovider -p no:randomly $T > $here/pt.log 2>&1 && r=pass || r=FAIL
  echo "pytest warm=0 $r" >> $out
  PYTHONPATH=$root/src $PY -m pytest -q -p no:cacheprovider -p no:randomly --rootdir=$root $here/test_warm_gp.py $T > $here/pt.log 2>&1 && r=pass || { r=FAIL; cp $here/pt.log $here/pt_fail_$label.log; }
  echo "pytest warm=1 $r" >> $out
done
echo DONE >> $out
