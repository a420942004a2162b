#!/bin/sh
# Usage: faults_late_retry.sh SRC OUT  (SRC: a tree's src). SQLite and PostgreSQL, both variants.
cd "$(dirname "$0")/../../.."
for storage in sqlite postgresql; do
  for params in saved unsaved; do
    PYTHONPATH="$1" nice -n 5 .venv/bin/python benchmarks/history/s23/faults_late_retry.py \
      --storage $storage --params $params --repeats 3 >> "$2"
  done
done
