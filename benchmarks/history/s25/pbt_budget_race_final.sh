export TUNEWISE_TEST_POSTGRES_URL=$(cat /tmp/pgurl)
for backend in sqlite postgresql; do
  PYTHONPATH=/work/main/src nice -n 5 /work/main/.venv/bin/python pbt_budget_race.py --backend $backend --repeats 10 \
    --delay 0.2 --jitter > pbt_budget_race_raw/final_${backend}_jitter0.2.jsonl 2>/dev/null
  PYTHONPATH=/work/main/src nice -n 5 /work/main/.venv/bin/python pbt_budget_race.py --backend $backend --repeats 5 \
    --delay 0.3 --delay-worker 1 > pbt_budget_race_raw/final_${backend}_delay0.3w1.jsonl 2>/dev/null
  PYTHONPATH=/work/main/src nice -n 5 /work/main/.venv/bin/python pbt_budget_race.py --backend $backend --repeats 10 \
    > pbt_budget_race_raw/final_${backend}_nodelay.jsonl 2>/dev/null
done
