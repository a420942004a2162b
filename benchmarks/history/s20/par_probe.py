"""Session 20: session 15's parallel runner (``s15/par.py``) on bbob instances outside both splits.

    .venv/bin/python benchmarks/history/s20/par_probe.py OUT.jsonl METHOD WORKERS --split probe16 [--seeds 0 ...]

``probe16`` = bbob instances 16-25 (dev is 1-5, test 6-15): a held-out set for a change chosen after
a test-split figure was seen. Seed ``s`` runs instance ``16 + s % 10``.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "s15"))

import parallel_efficiency  # noqa: E402
import sample_efficiency  # noqa: E402

sample_efficiency.SPLITS["probe16"] = {"bbob_instances": tuple(range(16, 26)), "hpo": ()}
parallel_efficiency.SUITE_INSTANCES = "instances: 1-25"

import par  # noqa: E402

if __name__ == "__main__":
    par.main()
