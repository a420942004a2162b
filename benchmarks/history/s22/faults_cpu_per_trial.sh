#!/bin/sh
# Usage: faults_cpu_per_trial.sh BEFORE_SRC AFTER_SRC ROUNDS  (trees from `git archive <commit> src`)
# Alternates the two trees ROUNDS times.
cd "$(dirname "$0")/../../.."
i=0
while [ $i -lt "$3" ]; do
  PYTHONPATH="$1" nice -n 10 .venv/bin/python benchmarks/history/s22/faults_cpu_per_trial.py
  PYTHONPATH="$2" nice -n 10 .venv/bin/python benchmarks/history/s22/faults_cpu_per_trial.py
  i=$((i + 1))
done
