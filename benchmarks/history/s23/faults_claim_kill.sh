#!/bin/sh
# Usage: faults_claim_kill.sh SRC OUT  (SRC: a tree's src, e.g. from `git archive <commit> src`)
# Both windows on SQLite and PostgreSQL (TUNEWISE_TEST_POSTGRES_URL). The refused window is rare
# (a start the budget refuses needs a worker that has not read the others' starts): 4 workers,
# p = 1, 6 repeats.
cd "$(dirname "$0")/../../.."
for storage in sqlite postgresql; do
  PYTHONPATH="$1" nice -n 5 .venv/bin/python benchmarks/history/s23/faults_claim_kill.py \
    --storage $storage --window start --repeats 3 >> "$2"
  PYTHONPATH="$1" nice -n 5 .venv/bin/python benchmarks/history/s23/faults_claim_kill.py \
    --storage $storage --window refused --procs 4 --p 1.0 --repeats 6 >> "$2"
done
