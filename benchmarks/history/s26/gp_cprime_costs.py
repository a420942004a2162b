"""Session 26: sampler CPU per trial (``opt_cpu_ms``, the probes' CPU between objective calls) of C'
against C and the default, per problem, from the stored rows. Only C''s fresh rows are used (not the
ones copied from C). The rows come from different runs under different machine loads (the default's
from sessions 19-24, C's from session 25, C''s from session 26 under a load average of 5-12 on 2
cores), so only the C' / C ratio on problems where both run the same code path measures the load,
and the ratios on the problems with a categorical are read against it.

    .venv/bin/python benchmarks/history/s26/gp_cprime_costs.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CAND = "tw-default+_integer_search=True"
CP = "C'"
sys.path.insert(0, HERE)
from assemble_cprime import WITH_CATEGORICAL  # noqa: E402


def _rows(path: str) -> list[dict]:
    return [json.loads(x) for x in open(path) if x.strip()]


def main() -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        path = fh.name
    subprocess.run([sys.executable, os.path.join(HERE, "..", "s24", "probes_all.py"), path], check=True)
    default = [r for r in _rows(path) if r["method"] == "tw-default"]
    os.unlink(path)
    p5 = _rows(os.path.join(HERE, "..", "s25", "probe_real_hpo5.jsonl"))
    default += [r for r in p5 if r["method"] == "tw-default"]
    c_rows = [r for r in _rows(os.path.join(HERE, "..", "s25", "probes_c.jsonl")) + p5 if r["method"] == CAND]
    fresh = _rows(os.path.join(HERE, "probes_cprime.jsonl")) + _rows(os.path.join(HERE, "probe_real_hpo5_cprime.jsonl"))
    fresh = [r for r in fresh if r["method"] == CAND]
    print("| problem | categorical | C' runs | default ms | C ms | C' ms | C' / C (same seeds) |")
    print("|---|---|--:|--:|--:|--:|--:|")
    ratios: dict[bool, list[float]] = {True: [], False: []}
    for p in dict.fromkeys(r["problem"] for r in fresh):
        mine = [r for r in fresh if r["problem"] == p]
        seeds = {r["seed"] for r in mine}
        med = {
            name: statistics.median(r["opt_cpu_ms"] for r in rows if r["problem"] == p and r["seed"] in seeds)
            for name, rows in (("default", default), ("C", c_rows), (CP, mine))
        }
        cat = p in WITH_CATEGORICAL
        ratio = med[CP] / med["C"]
        ratios[cat].append(ratio)
        print(
            f"| {p} | {'yes' if cat else 'no'} | {len(mine)} | {med['default']:.1f} | {med['C']:.1f} | "
            f"{med[CP]:.1f} | {ratio:.2f} |"
        )
    for cat, v in ratios.items():
        gm = statistics.geometric_mean(v)
        print(
            f"\nC' / C, geometric mean over problems {'with' if cat else 'without'} a categorical: {gm:.2f} "
            f"({len(v)} problems)"
        )


if __name__ == "__main__":
    main()
