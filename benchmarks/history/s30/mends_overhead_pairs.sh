#!/bin/bash
# Alternated before/after runs of benchmarks/overhead.py on two source trees (s30 mends, item 5).
#   git archive <before-commit> src | tar -x -C /tmp/mends30/before     (and the same for after)
#   benchmarks/history/s30/mends_overhead_pairs.sh /tmp/mends30/before /tmp/mends30/after 3 > out.txt
# Each run: overhead.py --quick --no-optuna --no-parallel --cpu --reports 1 (CPU ms/trial over the 100
# trials ending at trials 300, 1,000, 2,000; memory and SQLite), nice 10, one BLAS/OMP thread.
before=$1; after=$2; pairs=${3:-3}
here=$(cd "$(dirname "$0")/../../.." && pwd)
for i in $(seq 1 "$pairs"); do
  for tree in "$before" "$after"; do
    echo "=== $tree run $i $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH="$tree/src" nice -n 10 \
      "$here/.venv/bin/python" "$here/benchmarks/overhead.py" --quick --no-optuna --no-parallel --cpu --reports 1 \
      2>/dev/null | grep -E "^\| (memory|sqlite)|load average"
  done
done
