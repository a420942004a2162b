#!/bin/sh
# Usage: faults_budget_end.sh BEFORE_SRC AFTER_SRC REPEATS  (trees from `git archive <commit> src`)
cd "$(dirname "$0")/../../.."
for procs in 2 4; do
  for s in sqlite postgresql; do
    PYTHONPATH="$1" nice -n 10 .venv/bin/python benchmarks/history/s22/faults_budget_end.py --storage $s --procs $procs --repeats "$3"
    PYTHONPATH="$2" nice -n 10 .venv/bin/python benchmarks/history/s22/faults_budget_end.py --storage $s --procs $procs --repeats "$3"
  done
done
