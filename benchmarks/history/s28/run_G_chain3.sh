#!/bin/sh
# Slot 1 after 30·R seeds 0-19: bar 2's seeds 40-59 (replaces the tail of run_G_curves.sh).
cd /work/main
while kill -0 24997 2>/dev/null; do sleep 10; done
nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods "tw-tpe-asha-stop+_bw=A_fG" --seeds 20 --first-seed 40 --budget-factor 30 -j 1 --out benchmarks/history/s28/G_dev_seeds40_b30.jsonl
