"""s33 par33: where the 4-worker run's extra compute goes (issue 19 item 3), dev families only.

Per run (benchmarks/curves.py's accounting, 10·R): compute to target; for 4 workers also the
*oracle* compute to target, the sequential-equivalent of the same trials and decisions: the clock
stops the moment the target-reaching report is made, and the compute counted is that trial's
epochs so far plus every epoch of the trials started before it (to their end, as the run went on:
a sequential run would have trained them first), leaving out the trials started after it
(``inflight`` is the cruder measure: the run's compute then, minus every epoch that other workers
had trained on trials still running); the number of
start-up (QMC) trials the default sampler proposed, the compute spent when the first model
proposal started, the number of trials trained to R uncut and the compute at the first stop.

    nice -n 19 .venv/bin/python benchmarks/history/s33/par_diag.py OUT.jsonl --seeds 100-119 \
        --methods tw-asha-stop tw-asha-stop@4 tw-asha-stop-s4@4 tw-random-asha-stop tw-random-asha-stop@4
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
import curves  # noqa: E402
import par_candidate  # noqa: E402  (the candidate's switch, inert unless set)

import tunewise as tw  # noqa: E402

DEV = ["crossing-81", "plateau-27", "noisy-81", "crossing-12-eta2", "noisy-16-eta2", "diverge-27",
       "uninformative-27", "uninformative-64-eta4", "plateau-36-long", "noisy-36-heavy", "noisy-45-t",
       "inverted-81", "scrambled-81", "sloped-81", "mfh3"]


def _source(sampler: Any) -> str:
    choice = getattr(sampler, "_choice", None)
    return "?" if choice is None else str(choice[0])


def run_seq(b: Any, method: str, seed: int) -> dict[str, Any]:
    sampler, sched = curves.tw_setup(b, method, seed)
    tr = curves.Tracker(b)
    study = tw.create_study(sampler=sampler, scheduler=sched)
    info: dict[str, Any] = {"qmc": 0, "model_at": None, "uncut_R": 0, "first_stop": None, "target_idx": None}
    per: list[list[Any]] = []  # per trial, by start order: [epochs, outcome P/C/R, source Q(mc)/M(odel)]

    def objective(trial: tw.Trial) -> float:
        tr.trials += 1
        cfg = curves._suggest(trial, b.space)
        src = _source(sampler)
        per.append([0, "R", "Q" if src == "QMCSampler" else "M"])
        me = per[-1]
        if src == "QMCSampler":
            info["qmc"] += 1
        elif info["model_at"] is None:
            info["model_at"] = tr.spent
        start, state, value = 0, None, math.nan
        for step in b.steps:
            if tr.exhausted:
                raise curves.StopBudget
            value, truth, state = b.advance(cfg, start, step, state)
            before = tr.best
            tr.add(step - start, truth, step)
            me[0] += step - start
            if before > b.target >= tr.best and info["target_idx"] is None:
                info["target_idx"] = len(per) - 1
            start = step
            trial.report(value, step)
            if sched is not None and trial.should_prune():
                if info["first_stop"] is None:
                    info["first_stop"] = tr.spent
                me[1] = "P"
                raise tw.TrialPruned()
        info["uncut_R"] += 1
        me[1] = "C"
        return value

    def stop_when_spent(study: tw.Study, _t: Any) -> None:
        if tr.exhausted:
            study.stop()

    try:
        study.optimize(objective, n_trials=1_000_000, callbacks=[stop_when_spent])
    except curves.StopBudget:
        pass
    ctt = tr.compute_to_target()
    return {"ctt": ctt, "oracle": ctt, "trials": tr.trials, **info, "per_trial": per}


def run_async(b: Any, method: str, seed: int, workers: int) -> dict[str, Any]:
    sampler, sched = curves.tw_setup(b, method, seed)
    tr = curves.Tracker(b)
    study = tw.create_study(sampler=sampler, scheduler=sched)
    info: dict[str, Any] = {"qmc": 0, "model_at": None, "uncut_R": 0, "first_stop": None}
    per: list[list[Any]] = []  # per trial, by start order: [epochs, outcome P/C/R, source Q(mc)/M(odel)]
    inflight = math.inf
    target_at: tuple[int, int] | None = None  # (start index of the target-reaching trial, its epochs)
    epochs: list[int] = []  # per trial, by start order

    def start() -> dict[str, Any]:
        tr.trials += 1
        epochs.append(0)
        t = study.ask()
        cfg = curves._suggest(t, b.space)
        src = _source(sampler)
        per.append([0, "R", "Q" if src == "QMCSampler" else "M"])
        if src == "QMCSampler":
            info["qmc"] += 1
        elif info["model_at"] is None:
            info["model_at"] = tr.spent
        return {"trial": t, "cfg": cfg, "start": 0, "state": None, "todo": list(b.steps), "idx": len(epochs) - 1}

    slots = [start() for _ in range(workers)]
    clocks = [0.0] * workers
    while not tr.exhausted:
        i = min(range(workers), key=lambda j: (clocks[j], j))
        w = slots[i]
        step = w["todo"].pop(0)
        value, truth, w["state"] = b.advance(w["cfg"], w["start"], step, w["state"])
        clocks[i] += step - w["start"]
        before = tr.best
        tr.add(step - w["start"], truth, step)
        epochs[w["idx"]] += step - w["start"]
        if before > b.target >= tr.best and target_at is None:
            # in flight: epochs the other workers trained on trials that are still running
            inflight = tr.spent - sum(s["start"] for j, s in enumerate(slots) if j != i)
            target_at = (w["idx"], epochs[w["idx"]])
        w["start"] = step
        t = w["trial"]
        t.report(value, step)
        if sched is not None and t.should_prune():
            if info["first_stop"] is None:
                info["first_stop"] = tr.spent
            study.tell(t, state=tw.TrialState.PRUNED)
            per[w["idx"]][1] = "P"
        elif not w["todo"]:
            info["uncut_R"] += 1
            per[w["idx"]][1] = "C"
            study.tell(t, value)
        else:
            continue
        slots[i] = start()
    oracle = math.inf if target_at is None else float(sum(epochs[: target_at[0]]) + target_at[1])
    for k, e in enumerate(epochs):
        per[k][0] = e
    return {"ctt": tr.compute_to_target(), "oracle": oracle, "inflight": inflight, "trials": tr.trials, **info,
            "target_idx": None if target_at is None else target_at[0], "per_trial": per}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seeds", default="100-119")
    ap.add_argument("--families", nargs="*", default=DEV)
    ap.add_argument("--methods", nargs="+", required=True)
    ap.add_argument("--budget-factor", type=float, default=10.0)
    args = ap.parse_args()
    logging.getLogger("tunewise").setLevel(logging.ERROR)
    lo, _, hi = args.seeds.partition("-")
    seeds = range(int(lo), int(hi or lo) + 1)
    done = set()
    if os.path.exists(args.out):
        with open(args.out) as fh:
            done = {(r["family"], r["method"], r["seed"]) for r in map(json.loads, fh)}
    for seed in seeds:  # seed-major: a run cut short still holds every family for its seeds
        for fam in args.families:
            for m in args.methods:
                if (fam, m, seed) in done:
                    continue
                b = curves.make_bench(fam, seed, args.budget_factor)
                t0 = time.time()
                par_candidate.FIRED[0] = 0
                if "@" in m:
                    base, k = m.split("@")
                    r = run_async(b, base, b.seed, int(k))
                else:
                    r = run_seq(b, m, b.seed)
                row = {"family": fam, "method": m, "seed": seed, "budget": b.compute, "target": b.target,
                       "wall": round(time.time() - t0, 2), "fired": par_candidate.FIRED[0], **r}
                with open(args.out, "a") as fh:
                    fh.write(json.dumps(row) + "\n")
        print(f"seed {seed} done", flush=True)


if __name__ == "__main__":
    main()
