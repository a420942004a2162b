#!/bin/sh
# Slot 1 after bar 2's seeds 40-59: bar 3 on seeds 1-9 (seed 0: G_default_seed0_b10.jsonl).
cd /work/main
while kill -0 31617 2>/dev/null; do sleep 10; done
TPE_BW_CALLS=benchmarks/history/s28/G_default_inner_tpe_calls.txt nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods "tw-asha-stop+tpe._bw=A_fG" --seeds 9 --first-seed 1 --budget-factor 10 -j 1 --out benchmarks/history/s28/G_default_seeds1-9_b10.jsonl
