"""The median/percentile rule reads each finished trial's reports once (session 30).

Each decision looked up its step in every peer trial's reports, so the cost of a report grew with
the study (``benchmarks/overhead.py --reports 1``: 1.4 ms a trial at 300 trials, 5.1 ms at 2,000,
in memory). Finished trials never change: their values now go into the context's scratch once, and
only unfinished peers are read at each decision. The decisions are the same (checked against the
rule written out by hand, on a seeded run with several trials running at once, PRUNED peers and NaN
reports).
"""

from __future__ import annotations

import logging

import numpy as np
import pytest

import tunewise as tw
from tunewise.schedulers._decision import Decision
from tunewise.trial import FrozenTrial, TrialState

pytestmark = pytest.mark.filterwarnings("ignore:.*reported NaN:RuntimeWarning")


@pytest.fixture(autouse=True)
def _quiet_logger():
    """The runs below log every trial; quiet for this module's tests only (set at import, it also
    dropped the warnings later tests in the same process wait for: s33, suite.md)."""
    logger = logging.getLogger("tunewise")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def _by_hand(sched: tw.schedulers.PercentileScheduler, ctx, trial: FrozenTrial) -> Decision:
    """The rule as documented, reading every peer at every decision."""
    values = trial.intermediate_values
    if not values:
        return Decision.CONTINUE
    sign = -1.0 if ctx.directions[0] == "maximize" else 1.0
    step = max(values)
    if step < sched.n_warmup_steps:
        return Decision.CONTINUE
    start = (step - sched.n_warmup_steps) // sched.interval_steps * sched.interval_steps + sched.n_warmup_steps
    if max((s for s in values if s != step), default=-1) >= start:
        return Decision.CONTINUE
    n_complete = ctx.count_trials((TrialState.COMPLETE,))
    if n_complete == 0 or n_complete < sched.n_startup_trials:
        return Decision.CONTINUE
    own = [sign * v for v in values.values() if v == v]
    if not own:
        return Decision.stop()
    peers = ctx.get_trials(states=getattr(type(sched), "_peer_states", (TrialState.COMPLETE, TrialState.PRUNED,
                                                                       TrialState.RUNNING)))
    others = [t.reports[step] for t in peers if t.number != trial.number and step in t.reports]
    others = [v for v in others if v == v]
    if len(others) < sched.n_min_trials:
        return Decision.CONTINUE
    threshold = float(np.percentile(sign * np.asarray(others, dtype=float), sched.percentile))
    return Decision.stop() if min(own) > threshold else Decision.CONTINUE


def _run(sched, direction: str, seed: int) -> list[tuple[int, int, bool, bool]]:
    """Trials asked and told out of order (up to 4 running), reports with NaN, some told PRUNED
    when the rule says stop; (trial, step, decision, the rule by hand's decision) per report."""
    rng = np.random.default_rng(seed)
    study = tw.create_study(direction=direction, pruner=sched, sampler=tw.samplers.RandomSampler(seed=seed))
    from tunewise._decisions import context

    running: list[tuple[tw.Trial, int]] = []
    out = []
    for _ in range(160):
        if len(running) < 4 and (not running or rng.random() < 0.5):
            running.append((study.ask(), 0))
        i = int(rng.integers(len(running)))
        trial, step = running[i]
        x = trial.suggest_float("x", 0, 1)
        value = float("nan") if rng.random() < 0.05 else x + 1.0 / (step + 1) + 0.1 * rng.normal()
        trial.report(value, step)
        expected = _by_hand(sched, context(study), trial._frozen_view()).prunes
        prunes = trial.should_prune()
        out.append((trial.number, step, prunes, expected))
        if prunes or step == 5:
            if prunes:
                study.tell(trial, state=TrialState.PRUNED)
            else:
                study.tell(trial, value if value == value else 9.0)
            running.pop(i)
        else:
            running[i] = (trial, step + 1)
    return out


@pytest.mark.parametrize("make", [
    lambda: tw.schedulers.MedianScheduler(n_startup_trials=2),
    lambda: tw.schedulers.PercentileScheduler(25.0, n_startup_trials=1, n_warmup_steps=1, interval_steps=2),
    lambda: tw.pruners.MedianPruner(n_startup_trials=2),
    lambda: tw.schedulers.PercentileScheduler(75.0, n_startup_trials=3, n_min_trials=4),
])
@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_the_decisions_are_the_rules(make, direction) -> None:
    for seed in range(2):
        decisions = _run(make(), direction, seed)
        assert [d[2] for d in decisions] == [d[3] for d in decisions]
        assert any(d[2] for d in decisions) and not all(d[2] for d in decisions)  # the rule did decide


def test_each_finished_trial_is_read_once(monkeypatch) -> None:
    reads: dict[int, int] = {}
    plain = FrozenTrial.reports

    def counted(self):
        if self.state.is_finished():
            reads[self.number] = reads.get(self.number, 0) + 1
        return plain.fget(self)

    monkeypatch.setattr(FrozenTrial, "reports", property(counted))
    study = tw.create_study(pruner=tw.schedulers.MedianScheduler(n_startup_trials=1),
                            sampler=tw.samplers.RandomSampler(seed=0))

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        for step in range(3):
            trial.report(x + step, step)
            trial.should_prune()  # the decision only: every trial completes
        return x

    study.optimize(objective, n_trials=30)
    assert len(reads) == 29 and set(reads.values()) == {1}  # every finished peer, once (was: at every decision)


def test_optunas_median_pruner_reads_the_trials_once_a_decision() -> None:
    # Its peers are the COMPLETE trials, which it also counts: one read serves both (was two: a
    # count, then the trials; on SQLite each a round trip).
    from tunewise.storage import InMemoryStorage

    class Counting(InMemoryStorage):
        reads = 0

        def get_trials(self, study_id, states=None):
            Counting.reads += 1
            return super().get_trials(study_id, states)

    study = tw.create_study(storage=Counting(), pruner=tw.pruners.MedianPruner(n_startup_trials=1),
                            sampler=tw.samplers.RandomSampler(seed=0))
    per_decision = []
    for _ in range(8):
        trial = study.ask()
        trial.report(trial.suggest_float("x", 0, 1), 0)
        before = Counting.reads
        trial.should_prune()
        per_decision.append(Counting.reads - before)
        study.tell(trial, trial.params["x"])
    assert per_decision[1:] == [1] * 7  # (the first has no COMPLETE trial to compare with)
