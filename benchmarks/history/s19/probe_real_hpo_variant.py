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
import probe_real_hpo2  # noqa: E402
from probe_real_hpo2 import with_variant  # noqa: E402


def main() -> None:
    # --only KEY=VALUE (repeatable): a part of the candidate instead of all of it, e.g.
    # --only _flat_log_ei=-20 (the method keeps its name; keep the output file apart)
    while "--only" in sys.argv:
        i = sys.argv.index("--only")
        key, _, raw = sys.argv[i + 1].partition("=")
        parts = {} if not hasattr(main, "_parts") else main._parts  # type: ignore[attr-defined]
        parts[key] = float(raw) if raw not in ("True", "False") else raw == "True"
        main._parts = parts  # type: ignore[attr-defined]
        del sys.argv[i:i + 2]
    if hasattr(main, "_parts"):
        probe_real_hpo2.VARIANT.clear()
        probe_real_hpo2.VARIANT.update(main._parts)  # type: ignore[attr-defined]
    base.make_study = with_variant(base.make_study)
    if "--methods" not in sys.argv:
        sys.argv += ["--methods", "tw-default+s19"]
    base.main()


if __name__ == "__main__":
    main()
