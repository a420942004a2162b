#!/bin/sh
# Slot 2 after 30·R seeds 20-39: bar 5 (fresh seeds), then bar 3 (default sampler; TPE_BW_CALLS counts
# every proposal of a TPESampler that carries a variant, i.e. of the AutoSampler's inner TPE).
cd /work/main
while kill -0 23686 2>/dev/null; do sleep 10; done
nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods "tw-tpe-asha-stop+_bw=A_fG" tw-tpe-asha-stop --seeds 20 --first-seed 60 --budget-factor 30 -j 1 --out benchmarks/history/s28/G_fresh_seeds60-79_b30.jsonl
TPE_BW_CALLS=benchmarks/history/s28/G_default_inner_tpe_calls.txt nice -n 10 .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families crossing-81 plateau-27 noisy-81 crossing-12-eta2 noisy-16-eta2 diverge-27 uninformative-27 uninformative-64-eta4 plateau-36-long noisy-36-heavy mfh3 --methods "tw-asha-stop+tpe._bw=A_fG" --seeds 10 --budget-factor 10 -j 1 --out benchmarks/history/s28/G_default_seeds0-9_b10.jsonl
