"""Studies shaped like real ones: log, int, categorical and conditional parameters, with
pruned and failed trials and learning curves."""

from __future__ import annotations

import math

import tunewise as tw
from tunewise.trial import FrozenTrial, TrialState

XSS = "<script>alert(1)</script>"


def mixed_objective(trial: tw.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    opt = trial.suggest_categorical("optimizer", ["adam", "sgd", XSS])
    layers = trial.suggest_int("layers", 1, 8)
    momentum = trial.suggest_float("momentum", 0.0, 0.99) if opt == "sgd" else 0.0
    if layers >= 7 and lr > 0.01:
        raise ValueError("diverged")
    base = 0.1 * (math.log10(lr) + 2.5) ** 2 + 0.05 * abs(layers - 4) + 0.1 * (1 - momentum) * (opt == "sgd")
    for step in range(8):
        value = base + 1.0 / (step + 1)
        trial.report(value, step)
        if trial.number % 4 == 0 and step == 3:
            raise tw.TrialPruned()
    return base + 1.0 / 8


def make_mixed_study(n_trials: int = 80, name: str = "mixed", storage: object = None) -> tw.Study:
    study = tw.create_study(name=name, storage=storage, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(mixed_objective, n_trials=n_trials, catch=(ValueError,))
    return study




class FakeStudy:
    """A study-shaped object over hand-made FrozenTrials (fast to build at 10,000+ trials)."""

    def __init__(self, trials: list[FrozenTrial], directions: list[str] | None = None, name: str = "fake",
                 distributions: dict | None = None) -> None:
        self.study_name = name
        self.directions = directions or ["minimize"]
        self._trials = trials
        self.distributions = distributions or {}

    def get_trials(self, deepcopy: bool = False, states: object = None) -> list[FrozenTrial]:
        if states is None:
            return list(self._trials)
        return [t for t in self._trials if t.state in states]  # type: ignore[operator]


def big_fake_study(n: int, seed: int = 0, steps: int = 20) -> FakeStudy:
    import numpy as np

    from tunewise import distributions as D

    rng = np.random.default_rng(seed)
    dists = {"lr": D.Float(1e-5, 1e-1, log=True), "units": D.Int(16, 512), "act": D.Categorical(("relu", "tanh"))}
    trials = []
    t0 = 1_700_000_000.0
    for i in range(n):
        lr = float(10 ** rng.uniform(-5, -1))
        units = int(rng.integers(16, 513))
        act = "relu" if rng.random() < 0.5 else "tanh"
        value = (math.log10(lr) + 3) ** 2 + 0.001 * units + rng.normal(0, 0.05)
        state = TrialState.COMPLETE
        if i % 10 == 3:
            state = TrialState.PRUNED
        elif i % 50 == 7:
            state = TrialState.FAILED
        iv = {s: value + 1.0 / (s + 1) for s in range(steps if state == TrialState.COMPLETE else steps // 2)}
        trials.append(FrozenTrial(
            number=i, trial_id=i, state=state, values=[value] if state == TrialState.COMPLETE else None,
            params={"lr": lr, "units": units, "act": act}, distributions=dists, intermediate_values=iv,
            system_attrs={"worker": f"w{i % 4}"}, datetime_start=t0 + i * 0.25, datetime_complete=t0 + i * 0.25 + 0.9,
        ))
    return FakeStudy(trials, distributions=dists, name=f"big-{n}")
