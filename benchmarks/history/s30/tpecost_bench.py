"""Session 30, issue 18 target "TPE per-suggest cost <= 1/5 of optuna's at 1,000 trials": CPU time
per suggestion of tunewise's TPESampler before and after the s30 cost work, and optuna's
TPESampler (default settings), side by side in one process.

Three spaces: ``conditional`` (the s29 space of ``benchmarks/history/s29/tpe_h_cost.py``: two shared
floats, a three-way model choice, 2 parameters per branch), ``unconditional`` (four floats, one
log), ``mixed`` (categorical + log-int + float + stepped int + stepped float). For each space and
each size N (200 / 500 / 1,000), N random trials prefill a study per arm (tunewise's RandomSampler
for both tunewise arms, optuna's RandomSampler for optuna), then the TPE sampler takes over and
rounds of ``--per-round`` suggestions are timed with ``time.process_time`` (objective and study
bookkeeping included, as s29), arms alternated within a round. The "before" arm is
``src/tunewise/samplers/_tpe.py`` of commit ``--before`` loaded as a module of its own.

One JSON line per (space, N, round, arm) is appended to ``--out`` as it is measured.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 nice -n 10 \\
        /work/main/.venv/bin/python benchmarks/history/s30/tpecost_bench.py --out tpecost_runs.jsonl
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
sys.path.insert(0, os.path.join(ROOT, "src"))


def conditional(t: Any) -> float:
    a = t.suggest_float("a", -3.0, 3.0)
    b = t.suggest_float("b", 0.0, 1.0)
    model = t.suggest_categorical("model", ["m1", "m2", "m3"])
    if model == "m1":
        v = (t.suggest_float("c1", 1e-4, 1e2, log=True) - 1.0) ** 2 + t.suggest_int("k1", 1, 20)
    elif model == "m2":
        v = abs(t.suggest_int("n2", 1, 500, log=True) - 40) / 40 + (t.suggest_categorical("w2", ["u", "d"]) == "u")
    else:
        v = (t.suggest_float("f3", 0.0, 1.0) - 0.3) ** 2 + t.suggest_float("g3", 1e-3, 1.0, log=True)
    return (a - 1.0) ** 2 + b + v


def unconditional(t: Any) -> float:
    x = [t.suggest_float(f"x{i}", -5.0, 5.0) for i in range(3)]
    lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
    return sum((xi - 0.5 * i) ** 2 for i, xi in enumerate(x)) + (math.log10(lr) + 3.0) ** 2


def mixed(t: Any) -> float:
    kind = t.suggest_categorical("kind", ["p", "q", "r", "s"])
    n = t.suggest_int("n", 1, 1000, log=True)
    x = t.suggest_float("x", 0.0, 1.0)
    k = t.suggest_int("k", 0, 50, step=5)
    s = t.suggest_float("s", 0.0, 2.0, step=0.25)
    return {"p": 0.0, "q": 0.3, "r": 0.6, "s": 0.9}[kind] + abs(math.log(n) - 3) + (x - 0.2) ** 2 \
        + abs(k - 20) / 50 + abs(s - 1.25)


SPACES = {"conditional": conditional, "unconditional": unconditional, "mixed": mixed}


def load_before(commit: str) -> Any:
    """TPESampler of ``_tpe.py`` at ``commit``, as a module beside the current one."""
    text = subprocess.run(["git", "-C", ROOT, "show", f"{commit}:src/tunewise/samplers/_tpe.py"], check=True,
                          capture_output=True, text=True).stdout
    path = os.path.join(tempfile.mkdtemp(prefix="tpecost_"), "_tpe_before.py")
    with open(path, "w") as f:
        f.write(text)
    spec = importlib.util.spec_from_file_location("tunewise.samplers._tpe_before", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod.TPESampler


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="200,500,1000")
    ap.add_argument("--spaces", default="conditional,unconditional,mixed")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--per-round", type=int, default=10)
    ap.add_argument("--before", default="66a0a04")
    ap.add_argument("--no-optuna", action="store_true")
    ap.add_argument("--out", default=os.path.join(HERE, "tpecost_runs.jsonl"))
    args = ap.parse_args()
    import optuna

    import tunewise as tw

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    before_cls = load_before(args.before)
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    for space in args.spaces.split(","):
        objective = SPACES[space]
        for n in [int(x) for x in args.sizes.split(",")]:
            studies: dict[str, Any] = {}
            for key, cls in (("tw-before", before_cls), ("tw-after", tw.samplers.TPESampler)):
                st = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
                st.optimize(objective, n_trials=n)
                st.sampler = cls(seed=0)
                st.optimize(objective, n_trials=1)  # builds the incremental cache once
                studies[key] = st
            if not args.no_optuna:
                so = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
                so.optimize(objective, n_trials=n)
                so.sampler = optuna.samplers.TPESampler(seed=0)
                studies["optuna-tpe"] = so
            times: dict[str, list[float]] = {k: [] for k in studies}
            for r in range(args.rounds):
                for key, st in studies.items():
                    t0 = time.process_time()
                    st.optimize(objective, n_trials=args.per_round)
                    ms = 1000 * (time.process_time() - t0) / args.per_round
                    times[key].append(ms)
                    with open(args.out, "a") as f:
                        f.write(json.dumps({"space": space, "n": n, "round": r, "arm": key, "ms_per_suggest": ms,
                                            "per_round": args.per_round, "load1": os.getloadavg()[0],
                                            "before": args.before, "after": head}) + "\n")
            med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
            line = f"{space:13s} N={n:5d} " + " ".join(f"{k} {v:6.2f}" for k, v in med.items())
            if "optuna-tpe" in med:
                line += f"  after/optuna {med['tw-after'] / med['optuna-tpe']:.3f}"
            print(line + f"  after/before {med['tw-after'] / med['tw-before']:.3f}", flush=True)


if __name__ == "__main__":
    main()
