"""Do the stored rows behind BENCHMARKS.md's test figures still reproduce at today's code?

Session 28 found that the stored bbob test rows had been made by the default of 5 Dec and no
longer reproduced: each session compared a candidate with its own default, never with the stored
file. This script reruns, for each stored result file behind a ``BENCHMARKS.md`` row whose runs
are deterministic given their seed, two cheap cells (2 problems x 1 seed, or 1 problem x 2 seeds)
with the same harness function that made them (``sample_efficiency.run_one``,
``curves.run_one``) at the code of this checkout, and compares them with the stored records
exactly: the objective values trial by trial (sample efficiency), or compute to target, final
value and trials (curves). Per row it prints

  reproduced          every compared number is bit-identical;
  float noise         equal to 1e-9 (relative), not bit-identical (BLAS / summation order);
  differs             from trial k (the first trial whose value differs), also on a second rerun;
  not deterministic   two reruns here differ from each other (the stored row cannot be checked);
  not checkable       no per-run records in the repository, or the cell costs too much here.

Only the trials compared are run: peers' samplers (optuna, hyperopt) do not know the run's
length, so their rows are checked on a prefix (``prefix`` below) where a full run costs minutes;
tunewise's samplers are told the budget (AutoSampler plans with it), so their cells run in full.
A differing row is a finding to report, not something this script fixes. Total: 423 s on one
core at load 12-16 (s29; ``--quick``: the first cell of each row only, about half). Exit status 0 whatever the
rows say (it is a report), 2 if a stored file named here is missing.

    nice -n 10 .venv/bin/python benchmarks/check_stored_rows.py            # every row
    nice -n 10 .venv/bin/python benchmarks/check_stored_rows.py --only se  # rows whose label starts so
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

D2_5 = "history/s28/gp_test_rerun/se_test_d2_d5_tw_s28.json"
D10_20 = "history/s28/gp_test_rerun/se_test_d10_d20_tw_s28.json"
HPO_TW = "history/s28/gp_test_rerun/se_test_hpo_tw_s28.json"


@dataclasses.dataclass
class Row:
    label: str  # the BENCHMARKS.md row it backs
    file: str | None  # relative to benchmarks/ (None: nothing stored per run)
    method: str
    cells: list[tuple[str, int]]  # (problem or family, seed)
    kind: str = "se"  # "se" (sample_efficiency.py), "curves" (curves.py, budget factor 10), "none"
    prefix: int | None = None  # compare the first trials only (samplers that do not know the budget)
    note: str = ""


ROWS = [
    Row("se test d2-5: tw-auto (s28 rerun)", D2_5, "tw-auto", [("bbob-f4-d2", 0), ("bbob-f9-d2", 0)]),
    Row(
        "se test d2-5: optuna-gp",
        "results/se_test_d2_d5_b100.json",
        "optuna-gp",
        [("bbob-f4-d2", 0), ("bbob-f9-d2", 0)],
        prefix=40,
    ),
    Row(
        "se test d2-5: optuna-tpe",
        "results/se_test_d2_d5_b100.json",
        "optuna-tpe",
        [("bbob-f4-d2", 0), ("bbob-f9-d2", 0)],
    ),
    Row(
        "se test d2-5: hyperopt-tpe",
        "results/se_test_d2_d5_b100.json",
        "hyperopt-tpe",
        [("bbob-f4-d2", 0), ("bbob-f9-d2", 0)],
    ),
    Row(
        "se test d2-5: random (tw-random)",
        "results/se_test_d2_d5_b100.json",
        "tw-random",
        [("bbob-f4-d2", 0), ("bbob-f9-d2", 0)],
    ),
    Row("se test d10/20: tw-auto (s28 rerun)", D10_20, "tw-auto", [("bbob-f4-d10", 0), ("bbob-f9-d10", 0)]),
    Row(
        "se test d10/20: optuna-gp",
        "results/se_test_d10_d20_peers.json",
        "optuna-gp",
        [("bbob-f4-d10", 0), ("bbob-f9-d10", 0)],
        prefix=25,
    ),
    Row(
        "se test d10/20: optuna-tpe",
        "results/se_test_d10_d20_peers.json",
        "optuna-tpe",
        [("bbob-f4-d10", 0), ("bbob-f9-d10", 0)],
    ),
    Row(
        "se test HPO: tw-auto (s28 rerun; reg-diabetes only)",
        HPO_TW,
        "tw-auto",
        [("reg-diabetes", 0), ("reg-diabetes", 1)],
        note="clf-digits and torch-mlp-digits cells cost 2-25 min each here: not rerun",
    ),
    Row(
        "se test HPO: optuna-tpe (reg-diabetes)",
        "results/se_test_hpo_diabetes_mlp.json",
        "optuna-tpe",
        [("reg-diabetes", 0), ("reg-diabetes", 1)],
    ),
    Row(
        "se test HPO: optuna-gp (reg-diabetes)",
        "results/se_test_hpo_diabetes_mlp.json",
        "optuna-gp",
        [("reg-diabetes", 0), ("reg-diabetes", 1)],
        prefix=30,
    ),
    Row(
        "se test CmaEsSampler: tw-cmaes",
        "results/se_test_cmaes.json",
        "tw-cmaes",
        [("bbob-f4-d5", 0), ("bbob-f9-d5", 0)],
    ),
    Row(
        "se test CmaEsSampler: optuna-cmaes",
        "results/se_test_cmaes.json",
        "optuna-cmaes",
        [("bbob-f4-d5", 0), ("bbob-f9-d5", 0)],
    ),
    *[
        Row(
            f"curves test 10R: {m}",
            "results/curves_test_s28_b10.jsonl",
            m,
            [("crossing-9-eta2", 0), ("noisy-27-heavy", 0)],
            kind="curves",
        )
        for m in ("optuna-hb-tpe", "tw-none", "tw-asha-stop", "tw-asha-promote", "tw-asha-stop@4")
    ],
    Row(
        "curves test 10R: tw-tpe-asha-stop (G)",
        "results/curves_test_s28_tpeG_b10.jsonl",
        "tw-tpe-asha-stop",
        [("crossing-9-eta2", 0), ("noisy-27-heavy", 0)],
        kind="curves",
    ),
    Row(
        "transfer (dev): cold / warm / unrelated",
        None,
        "",
        [],
        kind="none",
        note="benchmarks/transfer.py keeps no per-run records in the repository (its table only)",
    ),
    Row(
        "multi-objective and constraints",
        None,
        "",
        [],
        kind="none",
        note="benchmarks/multi_objective.py caches its runs in out/ (not in the repository)",
    ),
    Row(
        "parallel proposals (test)",
        "results/parallel_test_simulate_all24.jsonl",
        "",
        [],
        kind="none",
        note="parallel_efficiency.py's records are not wired into this check yet",
    ),
]


def _stored(path: str, kind: str, method: str, cell: tuple[str, int]) -> dict[str, Any] | None:
    name, seed = cell
    if kind == "curves":
        with open(path) as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        key = "family"
    else:
        with open(path) as fh:
            rows = json.load(fh)["results"]
        key = "problem"
    found = [r for r in rows if r[key] == name and r["method"] == method and r["seed"] == seed]
    return found[-1] if found else None


def _rerun(row: Row, cell: tuple[str, int], stored: dict[str, Any]) -> dict[str, Any]:
    name, seed = cell
    if row.kind == "curves":
        import curves

        return curves.run_one((name, row.method, seed, 10.0))  # type: ignore[no-any-return]
    import sample_efficiency as se

    problem = (
        se.hpo_problem(name)
        if stored["kind"] == "hpo"
        else se.bbob_problem(int(name.split("-f")[1].split("-")[0]), int(name.split("-d")[1]))
    )
    budget = row.prefix or stored["budget"]
    return se.run_one((problem, row.method, budget, seed, stored["split"]))  # type: ignore[no-any-return]


def _numbers(row: Row, rec: dict[str, Any], n: int | None) -> list[float]:
    if row.kind == "curves":
        return [float(rec["ctt"]), float(rec["final"]), float(rec["trials"])]
    return [float(v) for v in rec["values"][:n]]


def _compare(a: list[float], b: list[float]) -> tuple[str, int | None]:
    """("same" | "close" | "differs", first differing index)."""
    if len(a) != len(b):
        return "differs", min(len(a), len(b))
    first = next((i for i, (x, y) in enumerate(zip(a, b)) if not (x == y or (math.isnan(x) and math.isnan(y)))), None)
    if first is None:
        return "same", None
    close = all(x == y or abs(x - y) <= 1e-9 * max(abs(x), abs(y)) for x, y in zip(a, b))
    return ("close" if close else "differs"), first


def check(row: Row, quick: bool) -> str:
    if row.kind == "none" or row.file is None:
        return f"not checkable: {row.note}"
    path = os.path.join(HERE, row.file)
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    verdicts = []
    for cell in row.cells[:1] if quick else row.cells:
        stored = _stored(path, row.kind, row.method, cell)
        if stored is None:
            verdicts.append(f"{cell[0]} s{cell[1]}: no stored record")
            continue
        n = row.prefix if row.kind == "se" else None
        want = _numbers(row, stored, n)
        got = _numbers(row, _rerun(row, cell, stored), n)
        what, first = _compare(want, got)
        if what == "differs":
            again = _numbers(row, _rerun(row, cell, stored), n)
            if _compare(got, again)[0] != "same":
                what = "not deterministic"
        where = ""
        if first is not None and row.kind == "se":
            where = f" from trial {first}"
        elif first is not None:
            where = f" ({['ctt', 'final', 'trials'][first]}: stored {want[first]:.6g}, now {got[first]:.6g})"
        shown = {"same": "reproduced", "close": "float noise", "differs": "differs"}.get(what, what)
        span = f"{len(want)} trials" if row.kind == "se" else "ctt/final/trials"
        verdicts.append(f"{cell[0]} s{cell[1]}: {shown}{where} ({span})")
    return "; ".join(verdicts) + (f" [{row.note}]" if row.note else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="the first cell of each row only")
    ap.add_argument("--only", default=None, help="rows whose label starts with this")
    args = ap.parse_args()
    import logging

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    t0 = time.time()
    missing = False
    for row in ROWS:
        if args.only and not row.label.startswith(args.only):
            continue
        t = time.time()
        try:
            verdict = check(row, args.quick)
        except FileNotFoundError as e:
            verdict, missing = f"stored file missing: {e}", True
        print(f"{row.label:52s} {verdict} ({time.time() - t:.0f} s)", flush=True)
    print(f"total {time.time() - t0:.0f} s")
    sys.exit(2 if missing else 0)


if __name__ == "__main__":
    main()
