#!/bin/bash
# Session 30, issue 19: the peers on the s28 test problems, one process at a time, in the order given.
# Runs from a snapshot of the commit (git archive f2215ec | tar -x -C /tmp/peers19/snap), resumable (--skip-done).
# usage: bash peers_run.sh STEP...   (each appends to benchmarks/history/s30/peers_<method>_b<f>.jsonl)
set -u
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
SNAP=${SNAP:-/tmp/peers19/snap}
RES=/work/main/benchmarks/history/s30
V=/work/venvs
STOP_AT=${STOP_AT:-19:20}   # no new step starts after this (UTC)
peer() {  # venv method budget first-seed n-seeds [families...]
  local venv=$1 m=$2 bf=$3 first=$4 n=$5; shift 5
  if [[ "$(date -u +%H:%M)" > "$STOP_AT" ]]; then echo "== $(date -u +%T) past $STOP_AT: $m b$bf not started"; return; fi
  echo "== $(date -u +%T) $m b$bf seeds $first..$((first + n - 1)) ${*:-all families}"
  (cd "$SNAP" && nice -n 10 "$V/$venv/bin/python" benchmarks/curves_peers.py --methods "$m" --budget-factor "$bf" \
      --first-seed "$first" --seeds "$n" ${1:+--families "$@"} --out "$RES/peers_${m}_b${bf}.jsonl" --skip-done \
      | grep -E "^[0-9]+ runs|records|total wall")
}
ALL7="crossing-9-eta2 noisy-27-heavy mfh6 plateau-81-eta4 diverge-81 uninformative-81 crossing-243-steep"
for step in "$@"; do
  case $step in
    # step = <method><budget>_<first seed>_<n seeds>[_<family>], e.g. bohb10_0_5, ht10_3_7_plateau-81-eta4
    *_*_*) IFS=_ read -r mb first n fam <<<"$step"
      m=${mb%%[0-9]*}; bf=${mb#"$m"}
      case $m in
        dehb) venv=dehb; meth=dehb ;;
        smac) venv=smac241; meth=smac-hb ;;
        asha) venv=synetune013; meth=st-asha ;;
        bohb) venv=synetune013; meth=st-bohb ;;
        mob) venv=synetune013; meth=st-mobster ;;
        ht) venv=synetune013; meth=st-hypertune ;;
        *) echo "unknown method in $step"; continue ;;
      esac
      peer "$venv" "$meth" "$bf" "$first" "$n" ${fam:+$fam} ;;
    *) echo "unknown step $step" ;;
  esac
done
echo "== $(date -u +%T) done"
