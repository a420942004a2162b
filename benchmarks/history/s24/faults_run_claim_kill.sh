#!/bin/sh
# Usage: faults_run_claim_kill.sh SRC OUT [REPEATS]  (SRC: a tree's src, e.g. from `git archive <commit> src`)
# SQLite and PostgreSQL (TUNEWISE_TEST_POSTGRES_URL).
cd "$(dirname "$0")/../../.."
for storage in sqlite postgresql; do
  PYTHONPATH="$1" nice -n 5 .venv/bin/python benchmarks/history/s24/faults_run_claim_kill.py \
    --storage $storage --repeats "${3:-3}" >> "$2"
done
