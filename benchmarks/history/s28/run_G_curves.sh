#!/bin/sh
# Bars 1-2 of tpe_bandwidth_decision.txt: candidate G on the dev curves (today's rows: s27 files).
# In seed chunks (10·R first: the cheaper bar), so an unfinished run still covers every family.
# (A first 30·R start was stopped after 13 rows to put 10·R first: G_dev_seeds20-59_b30_part0.jsonl.)
cd /work/main
for lo in 0 20 40; do
  nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods "tw-tpe-asha-stop+_bw=A_fG" --seeds 20 --first-seed $lo --budget-factor 10 -j 1 --out benchmarks/history/s28/G_dev_seeds${lo}_b10.jsonl
done
nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long mfh3 --methods "tw-tpe-asha-stop+_bw=A_fG" --seeds 20 --budget-factor 30 -j 1 --out benchmarks/history/s28/G_dev_seeds0_b30.jsonl
for lo in 20 40; do
  nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods "tw-tpe-asha-stop+_bw=A_fG" --seeds 20 --first-seed $lo --budget-factor 30 -j 1 --out benchmarks/history/s28/G_dev_seeds${lo}_b30.jsonl
done
