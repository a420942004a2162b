#!/bin/sh
# Stress counts for pbt_budget_race.md: each configuration before the fix (HEAD 8d3d730's src,
# exported to /tmp/tw_before/src with `git archive 8d3d730 src`) and after (this tree's src).
# Run from benchmarks/history/s25 with TUNEWISE_TEST_POSTGRES_URL set; the machine was already
# busy (load average ~6 on 2 cores, other agents' benchmarks).
set -e
for tree in before after; do
  src=/work/main/src; [ $tree = before ] && src=/tmp/tw_before/src
  for backend in sqlite postgresql; do
    PYTHONPATH=$src nice -n 5 /work/main/.venv/bin/python pbt_budget_race.py --backend $backend --repeats 20 \
      > pbt_budget_race_raw/${tree}_${backend}_nodelay.jsonl 2>/dev/null
    PYTHONPATH=$src nice -n 5 /work/main/.venv/bin/python pbt_budget_race.py --backend $backend --repeats 5 \
      --delay 0.3 --delay-worker 1 > pbt_budget_race_raw/${tree}_${backend}_delay0.3w1.jsonl 2>/dev/null
  done
done
# Second batch: both workers sleep a random time in [0, 0.2] s after every hold (jitter).
for tree in before after; do
  src=/work/main/src; [ $tree = before ] && src=/tmp/tw_before/src
  for backend in sqlite postgresql; do
    PYTHONPATH=$src nice -n 5 /work/main/.venv/bin/python pbt_budget_race.py --backend $backend --repeats 10 \
      --delay 0.2 --jitter > pbt_budget_race_raw/${tree}_${backend}_jitter0.2.jsonl 2>/dev/null
  done
done
