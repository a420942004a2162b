"""TPESampler proposes exactly what it proposed before its per-suggestion cost was cut (issue 18).

``tpe_identity_reference.json`` holds, per scenario, a short digest of every trial's parameters
(floats in hex, so exact to the bit) as the sampler before session 30 proposed them (main at
f2215ec, ``src/tunewise/samplers/_tpe.py`` of 83799cf). The scenarios cover what a cache across
suggestions has to follow: new trials, PRUNED and FAILED trials, trials told out of order or
added from outside (``add_trial``), RUNNING trials (constant liar), two workers sharing one
storage, the rank-stratified subset of bad trials, several objectives and constraints, and the
conditional, unconditional and mixed (categorical + log-int + stepped + float) spaces, and ranges
and choices that change mid-study.

Regenerate the reference only from the pre-change code (``PYTHONPATH=<checkout of 66a0a04>/src python
tests/samplers/test_tpe_identity.py --write``), never to make a change pass. The digests are those of this
machine's numpy / OpenBLAS build (numpy 2.4, x86-64 AVX2); another build may round a score differently.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tunewise as tw
from tunewise import distributions as D
from tunewise.trial import TrialState

logging.getLogger("tunewise").setLevel(logging.ERROR)

REFERENCE = Path(__file__).with_name("tpe_identity_reference.json")


SAMPLER: dict[str, type[tw.samplers.TPESampler]] = {"class": tw.samplers.TPESampler}  # what the scenarios use


def _sampler(**kwargs: Any) -> tw.samplers.TPESampler:
    return SAMPLER["class"](**kwargs)


def _digest(params: dict[str, Any]) -> str:
    parts = []
    for k in sorted(params):
        v = params[k]
        if isinstance(v, bool) or isinstance(v, str):
            parts.append(f"{k}={v!r}")
        elif isinstance(v, int):
            parts.append(f"{k}=i{v}")
        else:
            parts.append(f"{k}={float(v).hex()}")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:12]


def _conditional(t: tw.Trial) -> float:
    # The space of the s29 cost benchmark (benchmarks/history/s29/tpe_h_cost.py).
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


def _unconditional(t: tw.Trial) -> float:
    x = [t.suggest_float(f"x{i}", -5.0, 5.0) for i in range(3)]
    lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
    return sum((xi - 0.5 * i) ** 2 for i, xi in enumerate(x)) + (math.log10(lr) + 3.0) ** 2


def _mixed(t: tw.Trial) -> float:
    kind = t.suggest_categorical("kind", ["p", "q", "r", "s"])
    n = t.suggest_int("n", 1, 1000, log=True)
    x = t.suggest_float("x", 0.0, 1.0)
    k = t.suggest_int("k", 0, 50, step=5)
    s = t.suggest_float("s", 0.0, 2.0, step=0.25)
    return {"p": 0.0, "q": 0.3, "r": 0.6, "s": 0.9}[kind] + abs(math.log(n) - 3) + (x - 0.2) ** 2 + abs(k - 20) / 50 \
        + abs(s - 1.25)


def _pruned_failed(t: tw.Trial) -> float:
    value = _conditional(t)
    for step in range(3):
        t.report(value + (3 - step) * 0.1, step)
    if t.number % 7 == 3:
        raise tw.TrialPruned()
    if t.number % 11 == 5:
        raise ValueError("a failing objective")
    return value


def _run(study: tw.Study, objective: Callable[[tw.Trial], float], n: int) -> None:
    study.optimize(objective, n_trials=n, catch=(ValueError,))


def _params(study: tw.Study) -> list[dict[str, Any]]:
    return [t.params for t in study.trials]


def scenario_conditional() -> list[dict[str, Any]]:
    study = tw.create_study(sampler=_sampler(seed=1))
    _run(study, _conditional, 220)
    return _params(study)


def scenario_unconditional() -> list[dict[str, Any]]:
    study = tw.create_study(sampler=_sampler(seed=2))
    _run(study, _unconditional, 220)
    return _params(study)


def scenario_mixed() -> list[dict[str, Any]]:
    study = tw.create_study(sampler=_sampler(seed=3))
    _run(study, _mixed, 220)
    return _params(study)


def scenario_pruned_failed() -> list[dict[str, Any]]:
    study = tw.create_study(sampler=_sampler(seed=4))
    _run(study, _pruned_failed, 150)
    return _params(study)


def scenario_ask_tell_out_of_order() -> list[dict[str, Any]]:
    """Batches of three asked trials (two RUNNING while the third is proposed: constant liar),
    told in reverse order, some PRUNED or FAILED; trials added from outside in between."""
    study = tw.create_study(sampler=_sampler(seed=5))
    for b in range(45):
        batch = [study.ask() for _ in range(3)]
        values = [_conditional(t) for t in batch]
        for j in (2, 1, 0):
            t = batch[j]
            if (b + j) % 9 == 4:
                study.tell(t, state=TrialState.PRUNED)
            elif (b + j) % 13 == 6:
                study.tell(t, state=TrialState.FAILED)
            else:
                study.tell(t, values[j])
        if b % 10 == 9:
            model = ["m1", "m2", "m3"][b % 3]
            branches: dict[str, dict[str, Any]] = {"m1": {"c1": 0.5, "k1": 3}, "m2": {"n2": 40, "w2": "d"},
                                                   "m3": {"f3": 0.3, "g3": 0.01}}
            extra = branches[model]
            dists: dict[str, D.Distribution] = {"a": D.Float(-3.0, 3.0), "b": D.Float(0.0, 1.0),
                                                    "model": D.Categorical(("m1", "m2", "m3"))}
            extra_dists: dict[str, D.Distribution] = {"c1": D.Float(1e-4, 1e2, log=True), "k1": D.Int(1, 20),
                           "n2": D.Int(1, 500, log=True), "w2": D.Categorical(("u", "d")),
                           "f3": D.Float(0.0, 1.0), "g3": D.Float(1e-3, 1.0, log=True)}
            params = {"a": 1.0, "b": 0.1 * (b % 7), "model": model, **extra}
            study.add_trial(tw.create_trial(params=params, value=0.05 * b,
                                            distributions={**dists, **{k: extra_dists[k] for k in extra}}))
    return _params(study)


def scenario_two_workers() -> list[dict[str, Any]]:
    """Two studies (each with its own sampler and cache) on one storage, interleaved."""
    storage = tw.storage.InMemoryStorage()
    a = tw.create_study(name="shared", storage=storage, sampler=_sampler(seed=6))
    b = tw.load_study(name="shared", storage=storage, sampler=_sampler(seed=7))
    pending: list[tuple[tw.Study, tw.Trial]] = []
    for i in range(140):
        study = a if i % 3 else b
        pending.append((study, study.ask()))
        if len(pending) == 2 or i % 5 == 0:
            s, t = pending.pop(0)
            s.tell(t, _conditional(t))
    for s, t in pending:
        s.tell(t, _conditional(t))
    return _params(a)


def scenario_bad_subset_and_variants() -> list[dict[str, Any]]:
    """max_above_kernels below the bad set (the rank-stratified subset), group=False, multivariate=False."""
    out: list[dict[str, Any]] = []
    for seed, kw in ((8, {"max_above_kernels": 30}), (9, {"group": False}), (10, {"multivariate": False}),
                     (11, {"max_above_kernels": 25, "n_startup_trials": 5})):
        study = tw.create_study(sampler=_sampler(seed=seed, **kw))
        _run(study, _conditional if seed != 11 else _mixed, 110)
        out += _params(study)
    return out


def scenario_multiobjective_constraints() -> list[dict[str, Any]]:
    def two(t: tw.Trial) -> tuple[float, float]:
        v = _mixed(t)
        return v, (t.params["x"] - 0.8) ** 2 + t.params["k"] / 50

    mo = tw.create_study(directions=["minimize", "minimize"], sampler=_sampler(seed=12))
    mo.optimize(two, n_trials=90)
    con = tw.create_study(sampler=_sampler(seed=13, constraints_func=lambda t: [t.params["b"] - 0.5]))
    con.optimize(_conditional, n_trials=90)
    return _params(mo) + _params(con)


def scenario_evolving_space() -> list[dict[str, Any]]:
    """Ranges widened and a choice added mid-study: the sampler's per-space cache must follow them."""
    def objective(t: tw.Trial) -> float:
        late = t.number >= 60
        x = t.suggest_float("x", 0.0, 2.0 if late else 1.0)
        n = t.suggest_int("n", 1, 1000 if late else 100, log=True)
        c = t.suggest_categorical("c", ("a", "b", "c") if late else ("a", "b"))
        k = t.suggest_int("k", 0, 40 if late else 20, step=2)
        return (x - 1.3) ** 2 + abs(math.log(n) - 5) + (c != "c") + abs(k - 30) / 30

    study = tw.create_study(sampler=_sampler(seed=14))
    _run(study, objective, 130)
    return _params(study)


SCENARIOS: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "evolving_space": scenario_evolving_space,
    "conditional": scenario_conditional,
    "unconditional": scenario_unconditional,
    "mixed": scenario_mixed,
    "pruned_failed": scenario_pruned_failed,
    "ask_tell_out_of_order": scenario_ask_tell_out_of_order,
    "two_workers": scenario_two_workers,
    "bad_subset_and_variants": scenario_bad_subset_and_variants,
    "multiobjective_constraints": scenario_multiobjective_constraints,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_tpe_proposes_exactly_the_reference_sequence(name: str) -> None:
    expected = json.loads(REFERENCE.read_text())[name]
    got = [_digest(p) for p in SCENARIOS[name]()]
    assert len(got) == len(expected)
    first = next((i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e), None)
    assert first is None, f"{name}: trial {first} differs from the reference (of {len(got)})"


def test_kernel_draws_are_numpys_choice() -> None:
    # _Parzen.sample draws kernels with numpy's own steps of Generator.choice(p=...): if a numpy release
    # changes them, this says so (the proposals would still be valid, no longer the reference ones).
    import numpy as np

    from tunewise.samplers._tpe import _choice

    for seed in range(300):
        r = np.random.default_rng(seed)
        p = r.random(int(r.integers(1, 400))) ** 3
        p /= p.sum()
        size = int(r.integers(1, 64))
        a, b = np.random.default_rng(seed + 1), np.random.default_rng(seed + 1)
        cdf = p.cumsum()
        cdf /= cdf[-1]
        assert np.array_equal(a.choice(len(p), size=size, p=p), _choice(b, cdf, size))
        assert a.random() == b.random()


class _RebuildEveryTime(tw.samplers.TPESampler):
    """TPESampler without its estimators of the previous proposal (the path before they were kept)."""

    def _model_proposal(self, trial: Any, h: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        h.estimators = {}
        return super()._model_proposal(trial, h, *args, **kwargs)


@pytest.mark.parametrize("name", ["conditional", "pruned_failed", "ask_tell_out_of_order", "two_workers",
                                  "evolving_space"])
def test_reused_estimators_propose_what_rebuilt_ones_propose(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same scenario with the estimators rebuilt at every proposal: the same parameters, here on any
    # platform (the digests above are this machine's).
    kept = SCENARIOS[name]()
    monkeypatch.setitem(SAMPLER, "class", _RebuildEveryTime)
    rebuilt = SCENARIOS[name]()
    assert kept == rebuilt


def test_estimators_are_kept_for_unchanged_rows_and_rebuilt_for_new_ones() -> None:
    from tunewise.samplers import _tpe

    built: list[int] = []

    class Counting(_tpe._Parzen):
        def __init__(self, space: Any, obs: Any, *args: Any, **kwargs: Any) -> None:
            built.append(obs.shape[0])
            super().__init__(space, obs, *args, **kwargs)

    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
    study.optimize(_conditional, n_trials=60)
    original = _tpe._Parzen
    _tpe._Parzen = Counting  # type: ignore[misc]
    try:
        per_proposal = []
        for _ in range(20):
            built.clear()
            t = study.ask()
            study.tell(t, _conditional(t))
            per_proposal.append(len(built))
    finally:
        _tpe._Parzen = original  # type: ignore[misc]
    # 4 groups x 2 estimators per proposal. The last trial told adds a row to the shared group's bad set
    # (or its good set) and to its branch's: those are built again; the other branches' are kept while
    # the study's good set stays.
    assert all(2 <= k <= 8 for k in per_proposal), per_proposal
    assert sum(per_proposal) < 0.75 * 8 * 20, per_proposal


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    REFERENCE.write_text(json.dumps({k: [_digest(p) for p in f()] for k, f in SCENARIOS.items()}, indent=0) + "\n")
