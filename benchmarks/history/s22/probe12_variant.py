"""Session 22: a GP dev variant (``tw-default+KEY=VAL``, as in ``probe_real_hpo3.py``) on the real
model tuning problems of probes 1 and 2 (``../s19/``), which have been run and read: its
development set, not a held-out check. Report against the stored rows of ``../s19/*.jsonl``
(tw-default there is today's default: the rows rerun identically).

    nice -n 10 .venv/bin/python benchmarks/history/s22/probe12_variant.py --seeds 10 -j 2 \\
        --methods "tw-default+_flat_other_transform=-20" --out probe12_flat_other.jsonl
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "s19"))
import probe_real_hpo as base  # noqa: E402
import probe_real_hpo2  # noqa: E402
from probe_real_hpo3 import with_variants  # noqa: E402


def main() -> None:
    base.PROBLEMS.update(probe_real_hpo2.PROBLEMS)
    base.make_study = with_variants(base.make_study)
    if "--problems" not in sys.argv:
        sys.argv += ["--problems", *base.PROBLEMS]
    base.main()


if __name__ == "__main__":
    main()
