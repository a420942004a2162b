#!/bin/sh
# Bars 4, 5, 3 of tpe_bandwidth_decision.txt (today's bbob rows: s27's tpe_asha_A_bbob_dev_base.json).
cd /work/main
nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py se --split dev --hpo --dims 2 3 5 --seeds 3 --first-seed 2 --budgets 30 60 --no-overhead --methods "tw-tpe@set:_bw=A_fG" --json benchmarks/history/s28/G_bbob_dev_d2-5_seeds2-4.json
nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py se --split dev --hpo --dims 10 20 --seeds 5 --budgets 30 60 --no-overhead --methods "tw-tpe@set:_bw=A_fG" --json benchmarks/history/s28/G_bbob_dev_d10-20.json
nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods "tw-tpe-asha-stop+_bw=A_fG" tw-tpe-asha-stop --seeds 20 --first-seed 60 --budget-factor 30 -j 1 --out benchmarks/history/s28/G_fresh_seeds60-79_b30.jsonl
nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods tw-asha-stop "tw-asha-stop+tpe._bw=A_fG" --seeds 10 --budget-factor 10 -j 1 --out benchmarks/history/s28/G_default_seeds0-9_b10.jsonl
