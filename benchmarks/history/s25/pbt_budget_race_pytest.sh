#!/bin/sh
# The original test, repeated (both backends each time), before (8d3d730's tree in /tmp/tw_before,
# with this tree's test file copied in) and after (this tree). One line per run: the pytest summary.
export TUNEWISE_TEST_POSTGRES_URL=$(cat /tmp/pgurl)
T=tests/faults/test_attack_pbt_budget.py::test_two_worker_processes_finish_the_population_within_trials_needed
for i in $(seq 10); do
  echo "before $i: $(cd /tmp/tw_before && PYTHONPATH=/tmp/tw_before/src:/tmp/tw_before nice -n 5 /work/main/.venv/bin/python -m pytest -q -p no:cacheprovider $T 2>&1 | tail -1)"
done
for i in $(seq 10); do
  echo "after $i: $(cd /work/main && nice -n 5 .venv/bin/python -m pytest -q -p no:cacheprovider $T 2>&1 | tail -1)"
done
