"""Session 19: the candidate GP change set (``probe_real_hpo2.VARIANT``: a plug-in incumbent and a
random proposal when log EI is flat) on the first probe's problems, which it was designed from
(so this is its development set, not a held-out check), as method ``tw-default+s19``.

    nice -n 10 .venv/bin/python benchmarks/history/s19/probe_real_hpo_variant.py --seeds 10 -j 2 \\
        --out probe_real_hpo_variant.jsonl   # then --report on it concatenated with probe_real_hpo.jsonl
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe_real_hpo as base  # noqa: E402
from probe_real_hpo2 import with_variant  # noqa: E402


def main() -> None:
    base.make_study = with_variant(base.make_study)
    if "--methods" not in sys.argv:
        sys.argv += ["--methods", "tw-default+s19"]
    base.main()


if __name__ == "__main__":
    main()
