#!/bin/sh
# s28 mends: the suite's cost by directory, one directory at a time (nice -n 10), each test phase's
# duration streamed to $OUT (tw_durations.py). Usage: sh durations_run.sh OUT DIR...
OUT=$1; shift
cd /work/main || exit 1
export TUNEWISE_TEST_POSTGRES_URL="$(cat /tmp/pgurl)" TW_DURATIONS_OUT="$OUT" PYTHONPATH=benchmarks/history/s28
for d in "$@"; do
  start=$(date +%s)
  nice -n 10 .venv/bin/python -m pytest -q -p no:cacheprovider -p tw_durations "$d" > "$OUT.$(echo "$d" | tr / _).log" 2>&1
  echo "$d rc=$? wall=$(( $(date +%s) - start ))s" >> "$OUT.dirs"
done
