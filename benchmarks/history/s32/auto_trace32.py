"""Session 32 (auto32), issue 18: traced runs of the dev conditional problems of probes 1-9 (s31's
auto_trace9.py: losses, per-trial strategy, params, opt_cpu_ms, repeats), many runs in one process,
seed-major (for seed, for problem, for method), appended to OUT as they finish (a run cut short
loses only the run under way; rows already in OUT are skipped).

Memo: every dev problem fits through ``sklearn.model_selection.cross_val_score``; a repeat of a
configuration (same problem, same parameters, same call) is answered from a per-process memo
instead of fitted again. The probes' objectives are deterministic per configuration (fixed folds,
seeded models), except cond-clf's saga fits (not bit-exact, s29/s30): there the memo answers a
repeat with the first fit's value. Nothing else changes: the sampler sees the same trials, the rows
record the same losses a fit would give, and CPU is spent only on new configurations (so one
process can run a candidate right after the default of the same seed, and the candidate's trials
up to its first changed proposal cost nothing). ``AUTO32_MEMO=FILE`` keeps the memo in a scratch
pickle across processes (written by this script only, read back by it). ``AUTO32_REPLAY=FILES``:
stored default rows whose losses R's runs take until R first acts (see ``run``; rule revision 1).

    nice -n 19 .venv/bin/python benchmarks/history/s32/auto_trace32.py OUT.jsonl METHOD[,METHOD] PROBLEM[,PROBLEM] SEEDS
    (SEEDS: 0-9 or 0,1,2)
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s31"))
import auto_trace9  # noqa: E402  (probes 1-8's problems and method strings in trace_runs)
import probe_real_hpo9 as p9  # noqa: E402
import trace_runs as tr  # noqa: E402


def _problems() -> dict[str, Any]:
    out = auto_trace9.problems()
    out.update(p9.PROBLEMS)  # probe 9 is dev data since session 32
    return out


tr.problems = _problems

_MEMO: dict[tuple[str, str, int], Any] = {}
_CUR: list[Any] = [None]  # (problem, params so far, calls so far) of the evaluation under way
_ACTED: list[int] = []  # trials of the run under way where candidate R changed TPE's proposal
_REPLAY: list[bool] = [False]  # the trial under way takes the stored default loss (no fit)
_NEXT: list[int] = [0]  # index of the next trial of the run under way (proposals come before the objective)


class _ReplayStop(BaseException):
    """Raised at the fit of a replayed trial (a BaseException: the probes catch ValueError)."""


def _instrument() -> None:
    """Record the trials where R's rule changed the proposal (no change to what it proposes)."""
    from tunewise.samplers import _tpe

    raw = getattr(_tpe.TPESampler, "_untaken_active", None)
    if raw is None:
        return

    def wrapped(self: Any, groups: Any, h: Any, taken: Any, out: dict[str, Any], dists: Any) -> None:
        before = dict(out)
        raw(self, groups, h, taken, out, dists)
        if out != before:
            _ACTED.append(_NEXT[0])

    _tpe.TPESampler._untaken_active = wrapped


def _stored_defaults() -> dict[tuple[str, int], list[float]]:
    """AUTO32_REPLAY: stored tw-default rows (files, comma-separated): (problem, seed) -> losses."""
    out: dict[tuple[str, int], list[float]] = {}
    for f in filter(None, os.environ.get("AUTO32_REPLAY", "").split(",")):
        for r in map(json.loads, open(f)):
            if r["method"] == "tw-default":
                out[(r["problem"], r["seed"])] = r["losses"]
    return out


def _patch() -> None:
    import sklearn.model_selection as ms

    raw = ms.cross_val_score

    def cross_val_score(*a: Any, **k: Any) -> Any:
        cur = _CUR[0]
        if _REPLAY[0] and not _ACTED:
            raise _ReplayStop
        if cur is None:
            return raw(*a, **k)
        key = (cur[0], json.dumps(cur[1], sort_keys=True, default=str), cur[2])
        cur[2] += 1
        if key not in _MEMO:
            _MEMO[key] = raw(*a, **k)
        return _MEMO[key].copy()

    ms.cross_val_score = cross_val_score


class _Recording:
    def __init__(self, trial: Any, asked: dict[str, Any]) -> None:
        self._trial, self._asked = trial, asked

    def __getattr__(self, attr: str) -> Any:
        f = getattr(self._trial, attr)
        if not attr.startswith("suggest_"):
            return f

        def call(pname: str, *a: Any, **k: Any) -> Any:
            v = f(pname, *a, **k)
            self._asked[pname] = v
            return v

        return call


def run(problem: str, method: str, seed: int, stored: dict[tuple[str, int], list[float]]) -> dict[str, Any]:
    """One run. With R's method and a stored default row of (problem, seed): until R first changes a
    proposal, R's run IS the default's (nothing drawn or changed, tests/samplers/
    test_tpe_conditional_repeat.py), so each trial's suggestions are made as usual and its loss is
    the stored one (no fit); from R's first change on every trial is fitted."""
    logging.getLogger("tunewise").setLevel(logging.ERROR)
    replay = stored.get((problem, seed)) if "_conditional_no_repeat=True" in method else None
    _ACTED.clear()
    _NEXT[0] = 0
    replayed = [0]
    fn = tr.problems()[problem]
    study, auto = tr.make_study(method, seed)
    losses: list[float] = []
    used: list[str] = []
    opt_cpu = [0.0]
    last = [time.process_time()]

    def objective(trial: Any) -> float:
        t0 = time.process_time()
        opt_cpu[0] += t0 - last[0]
        if auto is not None:
            used.append(auto.choice["sampler"] if auto.choice else "?")
        asked: dict[str, Any] = {}
        _CUR[0] = [problem, asked, 0, len(losses)]
        _REPLAY[0] = replay is not None and len(losses) < len(replay)
        try:
            value = fn(_Recording(trial, asked))
        except _ReplayStop:
            value = replay[len(losses)]  # type: ignore[index]
            replayed[0] += 1
        finally:
            _CUR[0] = None
            _REPLAY[0] = False
        losses.append(value)
        _NEXT[0] = len(losses)
        last[0] = time.process_time()
        return value

    w0 = time.perf_counter()
    study.optimize(objective, n_trials=60)
    params = [dict(t.params) for t in study.trials]
    keys = [json.dumps(p, sort_keys=True, default=str) for p in params]
    return {"problem": problem, "method": method, "seed": seed, "losses": losses,
            "repeats": len(keys) - len(set(keys)), "opt_cpu_ms": 1000 * opt_cpu[0] / len(losses),
            "wall": time.perf_counter() - w0, "used": used, "params": params, "acted": list(_ACTED),
            "replayed": replayed[0]}


def _seeds(s: str) -> list[int]:
    if "-" in s:
        a, b = s.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(x) for x in s.split(",")]


def main() -> None:
    out, methods, problems, seeds = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(","), _seeds(sys.argv[4])
    _patch()
    _instrument()
    stored = _stored_defaults()
    memo_file = os.environ.get("AUTO32_MEMO")  # the memo kept across processes (a scratch pickle)
    if memo_file and os.path.exists(memo_file):
        with open(memo_file, "rb") as fh:
            _MEMO.update(pickle.load(fh))
    done = set()
    if os.path.exists(out):
        done = {(r["problem"], r["method"], r["seed"]) for r in map(json.loads, open(out))}
    for seed in seeds:
        for problem in problems:
            for method in methods:
                if (problem, method, seed) in done:
                    continue
                r = run(problem, method, seed, stored)
                with open(out, "a") as fh:
                    fh.write(json.dumps(r, default=str) + "\n")
                if memo_file:
                    with open(memo_file + ".tmp", "wb") as fh:
                        pickle.dump(_MEMO, fh)
                    os.replace(memo_file + ".tmp", memo_file)
                print(problem, method, seed, f"repeats {r['repeats']}", f"acted {r['acted'][:3]}",
                      f"replayed {r['replayed']}", f"{r['wall']:.0f}s", flush=True)


if __name__ == "__main__":
    main()
