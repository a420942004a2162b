#!/bin/sh
# Slot 2, reordered at 12:52 for CPU (load ~30 on 2 cores): bar 3 on seed 0 only (an indication: does the
# default sampler's inner TPE ever propose?), then bar 5's fresh seeds in chunks of 5 so that a
# partial run covers every family. (The first fresh start, family by family, was stopped after 20
# rows: G_fresh_seeds60-79_b30_part0.jsonl.)
cd /work/main
TPE_BW_CALLS=benchmarks/history/s28/G_default_inner_tpe_calls.txt nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods "tw-asha-stop+tpe._bw=A_fG" --seeds 1 --budget-factor 10 -j 1 --out benchmarks/history/s28/G_default_seed0_b10.jsonl
for lo in 60 65 70 75; do
  nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods "tw-tpe-asha-stop+_bw=A_fG" tw-tpe-asha-stop --seeds 5 --first-seed $lo --budget-factor 30 -j 1 --out benchmarks/history/s28/G_fresh_seeds${lo}_b30.jsonl
done
