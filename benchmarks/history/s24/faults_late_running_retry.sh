#!/bin/sh
# Usage: faults_late_running_retry.sh SRC OUT [REPEATS]  (SRC: a tree's src). SQLite and PostgreSQL.
cd "$(dirname "$0")/../../.."
for storage in sqlite postgresql; do
  PYTHONPATH="$1" nice -n 5 .venv/bin/python benchmarks/history/s24/faults_late_running_retry.py \
    --storage $storage --repeats "${3:-3}" >> "$2"
done
