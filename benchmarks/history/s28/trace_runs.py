"""Session 28: runs of probes 1-6 (dev) with each trial's parameters and, for the tunewise default,
which strategy AutoSampler used for it (the probe rows keep only the losses). One problem per
process (the probes' data caches share names across probes). Methods: tw-default, optuna-tpe,
optuna-gp, ``tw-default+KEY=VAL[+...]`` with KEY an attribute of the default's GP, ``auto.KEY`` of
the AutoSampler, ``tpe.KEY`` of its TPE. Losses are the probes' (same objectives, same CPU
accounting as ``../s19/probe_real_hpo.py``'s ``run_one``: rows it writes can stand for probe rows).

    nice -n 10 .venv/bin/python benchmarks/history/s28/trace_runs.py OUT.jsonl METHOD PROBLEM SEED [SEED ...]
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
for d in ("s19", "s22", "s23", "s24", "s25"):
    sys.path.insert(0, os.path.join(HERE, "..", d))
import probe_real_hpo as base  # noqa: E402
from probe_real_hpo3 import _parse  # noqa: E402


def problems() -> dict[str, Any]:
    import probe_real_hpo2
    import probe_real_hpo3
    import probe_real_hpo4
    import probe_real_hpo5
    import probe_real_hpo6

    out = dict(base.PROBLEMS)
    for mod in (probe_real_hpo2, probe_real_hpo3, probe_real_hpo4, probe_real_hpo5, probe_real_hpo6):
        out.update(mod.PROBLEMS)
    return out


def make_study(method: str, seed: int) -> tuple[Any, Any]:
    if not method.startswith("tw-default"):
        return base.make_study(method, seed), None
    import tunewise as tw

    tw.logging.set_verbosity(tw.logging.ERROR)
    sampler = tw.samplers.AutoSampler(seed=seed)
    for part in method.split("+")[1:]:
        key, _, value = part.partition("=")
        owner, _, attr = key.rpartition(".")
        target = {"": sampler._gp_sampler(), "auto": sampler, "tpe": sampler._tpe}.get(owner)
        if target is None or not hasattr(target, attr):
            raise SystemExit(f"no attribute {attr!r} on {owner or 'gp'} ({method!r})")
        setattr(target, attr, _parse(value))
    return tw.create_study(sampler=sampler), sampler


def run(problem: str, method: str, seed: int) -> dict[str, Any]:
    logging.getLogger("tunewise").setLevel(logging.ERROR)
    fn = problems()[problem]
    study, auto = make_study(method, seed)
    losses: list[float] = []
    used: list[str] = []
    opt_cpu = [0.0]
    last = [time.process_time()]

    def objective(trial: Any) -> float:
        t0 = time.process_time()
        opt_cpu[0] += t0 - last[0]
        if auto is not None:
            used.append(auto.choice["sampler"] if auto.choice else "?")
        value = fn(trial)
        losses.append(value)
        last[0] = time.process_time()
        return value

    w0 = time.perf_counter()
    study.optimize(objective, n_trials=60)
    params = [dict(t.params) for t in study.trials]
    keys = [json.dumps(p, sort_keys=True, default=str) for p in params]
    return {
        "problem": problem,
        "method": method,
        "seed": seed,
        "losses": losses,
        "repeats": len(keys) - len(set(keys)),
        "opt_cpu_ms": 1000 * opt_cpu[0] / len(losses),
        "wall": time.perf_counter() - w0,
        "used": used,
        "params": params,
    }


def main() -> None:
    out, method, problem = sys.argv[1:4]
    for seed in map(int, sys.argv[4:]):
        r = run(problem, method, seed)
        with open(out, "a") as fh:
            fh.write(json.dumps(r, default=str) + "\n")
        print(problem, method, seed, f"{min(r['losses']):.4f}", f"{r['wall']:.0f}s", flush=True)


if __name__ == "__main__":
    main()
