#!/bin/sh
# Usage: faults_settled_retry_heartbeat.sh SRC OUT [REPEATS]  (SRC: a tree's src). SQLite and PostgreSQL.
cd "$(dirname "$0")/../../.."
for storage in sqlite postgresql; do
  PYTHONPATH="$1" nice -n 5 .venv/bin/python benchmarks/history/s25/faults_settled_retry_heartbeat.py \
    --storage $storage --repeats "${3:-3}" >> "$2"
done
