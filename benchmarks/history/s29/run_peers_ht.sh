#!/bin/bash
# Session 29, issue 19: the peers on the s28 test problems, one process, in order of priority.
# (a copy of run_peers.sh with the steps added at 16:26, when the load fell to 3: bash reads a running script as it goes)
# Runs from a snapshot of the commit (git archive <sha> | tar -x -C /tmp/s29_snap), resumable (--skip-done).
# usage: bash run_peers.sh STEP...   (steps below; each appends to benchmarks/results/curves_peers_s29_<method>_b<f>.jsonl)
set -u
SNAP=${SNAP:-/tmp/s29_snap}
RES=/work/main/benchmarks/results
V=/work/venvs
peer() {  # venv method budget first-seed n-seeds [families...]
  local venv=$1 m=$2 bf=$3 first=$4 n=$5; shift 5
  echo "== $(date -u +%T) $m b$bf seeds $first..$((first + n - 1)) $*"
  (cd "$SNAP" && nice -n 10 "$V/$venv/bin/python" benchmarks/curves_peers.py --methods "$m" --budget-factor "$bf" \
      --first-seed "$first" --seeds "$n" ${1:+--families "$@"} --out "$RES/curves_peers_s29_${m}_b${bf}.jsonl" --skip-done \
      | grep -E "^[0-9]+ runs|records|total wall")
}
for step in "$@"; do
  case $step in
    dehb10) peer dehb dehb 10 0 25 ;;
    asha10) peer synetune013 st-asha 10 0 25 ;;
    ht10a) peer synetune013 st-hypertune 10 0 5 ;;
    smac10a) peer smac241 smac-hb 10 0 5 ;;
    bohb10a) peer synetune013 st-bohb 10 0 5 ;;
    dehb30) peer dehb dehb 30 0 25 ;;
    asha30) peer synetune013 st-asha 30 0 25 ;;
    ht10b) peer synetune013 st-hypertune 10 5 5 ;;
    smac10b) peer smac241 smac-hb 10 5 5 ;;
    bohb10b) peer synetune013 st-bohb 10 5 5 ;;
    mob10a) peer synetune013 st-mobster 10 0 2 ;;
    # 15:43: at the load of the session (16-18 on 2 cores) a Hyper-Tune seed of all 7 families takes ~21 min:
    # the families where the default's margin over the best peer was smallest (s29 ASHA/DEHB, s17 Hyper-Tune)
    ht10focus) peer synetune013 st-hypertune 10 0 10 plateau-81-eta4 mfh6 uninformative-81 ;;
    # 15:53: a Hyper-Tune mfh6 run took 443 s wall at load 16 (s17: 90 s): mfh6 alone, the family where
    # Hyper-Tune was the one peer that reached the target (s17, old problems)
    ht10mfh6) peer synetune013 st-hypertune 10 0 12 mfh6 ;;
    ht10unin) peer synetune013 st-hypertune 10 0 10 uninformative-81 ;;  # next after mfh6 (s17: 10/10 reached)
    ht10c243) peer synetune013 st-hypertune 10 0 5 crossing-243-steep ;;
    # 16:26, load 3: a Hyper-Tune mfh6 run now takes 50-80 s
    ht10plat) peer synetune013 st-hypertune 10 0 10 plateau-81-eta4 ;;  # where the default trails Syne Tune ASHA
    ht10rest) peer synetune013 st-hypertune 10 0 10 crossing-9-eta2 noisy-27-heavy diverge-81 ;;
    *) echo "unknown step $step" ;;
  esac
done
echo "== $(date -u +%T) done"
