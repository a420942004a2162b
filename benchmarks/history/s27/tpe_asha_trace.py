"""Trace one tunewise run of benchmarks/curves.py (issue 19, s27): per trial its state (C complete,
P pruned, F stopped by the budget), last step, and whether ASHA stopped it as hopeless (H) or cut it
at a rung (c).

    .venv/bin/python benchmarks/history/s27/tpe_asha_trace.py crossing-81 tw-tpe-asha-stop 0 10
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import curves  # noqa: E402

import tunewise as tw  # noqa: E402


def main() -> None:
    family, method, seed, factor = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    logging.getLogger("tunewise").setLevel(logging.ERROR)
    bench = curves.make_bench(family, seed, factor)
    captured: dict[str, Any] = {}
    create = tw.create_study

    def create_study(**kw: Any) -> Any:
        captured["study"] = create(**kw)
        return captured["study"]

    curves.tw.create_study = create_study
    tracker = curves.run_tunewise(bench, method, seed)
    cells = []
    for t in captured["study"].get_trials():
        iv = t.intermediate_values
        attr = t.system_attrs.get("asha", {})
        how = "" if t.state.name == "COMPLETE" else ("H" if isinstance(attr, dict) and "forecast" in attr else "c")
        cells.append(f"{t.state.name[0]}{max(iv) if iv else '-'}{how}")
    print(family, method, seed, "compute to target", tracker.compute_to_target(), "trials", len(cells),
          "complete", sum(c.startswith("C") for c in cells), "hopeless", sum(c.endswith("H") for c in cells))
    print(" ".join(cells))


if __name__ == "__main__":
    main()
