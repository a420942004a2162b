"""Session 27: the per-problem table of ``gp_d.md`` read from the reports (D's ``gp_d_report.txt``,
session 26's ``../s26/gp_cprime_report.txt`` for C').

    .venv/bin/python benchmarks/history/s27/gp_d_tables.py > benchmarks/history/s27/gp_d_tables.txt
"""

from __future__ import annotations

import os

HERE = os.path.dirname(os.path.abspath(__file__))
R = os.path.join(HERE, "gp_d_report.txt")
CAT = {
    "mlp-moons", "kr-friedman2", "cond-clf", "sgd-classif", "knn-classif", "svc-circles", "tree-regression",
    "dtc-classif-acc", "rfc-multiclass-acc",
}  # fmt: skip


def table(path: str, section: str, method: str) -> dict[str, dict[str, str]]:
    lines = open(path).read().split("\n")
    s = lines.index(section)
    e = next(i for i in range(s + 1, len(lines)) if lines[i].startswith("#"))
    hdr = lines[s + 2].split("|")
    out: dict[str, dict[str, str]] = {}
    for line in lines[s:e]:
        c = line.split("|")
        if len(c) > 3 and c[1].strip() == method:
            row = {hdr[j].strip(): c[j].strip() for j in range(3, len(c) - 3)}
            row["all"], row["n>1.3"] = c[-3].strip(), c[-2].strip()
            out[c[2].strip()] = row
    return out


def main() -> None:
    d = table(R, "## ratio to tw-default", "D")
    cp = table(os.path.join(HERE, "..", "s26", "gp_cprime_report.txt"), "## ratio to tw-default", "C'")
    tpe = table(R, "## ratio to optuna-tpe", "D")
    tpe0 = table(R, "## ratio to optuna-tpe", "tw-default")
    print(
        "| problem | categorical | D / default at 30 | at 60 | C' / default at 30 | at 60 | D / TPE at 60 "
        "| default / TPE at 60 |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|")
    for p in d["30"]:
        if p in ("all", "n>1.3"):
            continue
        cells = [d["30"][p], d["60"][p], cp["30"][p], cp["60"][p], tpe["60"][p], tpe0["60"][p]]
        print(f"| {p} | {'yes' if p in CAT else ''} | " + " | ".join(cells) + " |")
    for b in ("30", "60"):
        print(f"D / default at {b}: {d[b]['all']}, problems > 1.30: {d[b]['n>1.3']}")
    for ref in ("optuna-tpe", "optuna-gp"):
        t, t0 = table(R, "## ratio to " + ref, "D"), table(R, "## ratio to " + ref, "tw-default")
        print(
            f"vs {ref}: D {t['30']['all']} / {t['60']['all']}; default {t0['30']['all']} / {t0['60']['all']} (30 / 60)"
        )


if __name__ == "__main__":
    main()
