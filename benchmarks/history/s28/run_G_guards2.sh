#!/bin/sh
# Second chain (replaces the tail of run_G_guards.sh, reordered for CPU: bar 2 before bars 5 and 3).
cd /work/main
while kill -0 13372 2>/dev/null; do sleep 10; done
nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods "tw-tpe-asha-stop+_bw=A_fG" --seeds 20 --first-seed 20 --budget-factor 30 -j 1 --out benchmarks/history/s28/G_dev_seeds20_b30.jsonl
nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods "tw-tpe-asha-stop+_bw=A_fG" tw-tpe-asha-stop --seeds 20 --first-seed 60 --budget-factor 30 -j 1 --out benchmarks/history/s28/G_fresh_seeds60-79_b30.jsonl
nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods tw-asha-stop "tw-asha-stop+tpe._bw=A_fG" --seeds 10 --budget-factor 10 -j 1 --out benchmarks/history/s28/G_default_seeds0-9_b10.jsonl
