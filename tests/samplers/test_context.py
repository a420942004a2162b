"""What a sampler sees (StudyContext, TrialContext) and hands back (Proposal), and how the loop
writes what a proposal asks for."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

import tunewise as tw
from tunewise import distributions as D
from tunewise.samplers import Proposal, Sampler, StudyContext, TrialContext, TrialCursor
from tunewise.samplers._base import PROPOSAL_ATTR
from tunewise.storage import InMemoryStorage
from tunewise.trial import TrialState


def _x(trial: tw.Trial) -> float:
    return trial.suggest_float("x", 0, 1)


def _count_updates(storage: InMemoryStorage) -> list[Any]:
    calls: list[Any] = []
    original = storage.update_trial

    def update_trial(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        original(*args, **kwargs)

    storage.update_trial = update_trial  # type: ignore[method-assign]
    return calls


class _Scripted(Sampler):
    """Returns the proposals of ``script`` in turn (the last one again once it runs out)."""

    def __init__(self, *script: Any) -> None:
        self.script = list(script)
        self.seen: list[tuple[StudyContext, TrialContext]] = []

    def propose(self, study: StudyContext, trial: TrialContext) -> Any:
        self.seen.append((study, trial))
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        return distribution.from_unit(0.5)


def test_samplers_get_contexts_not_the_study_or_its_storage() -> None:
    sampler = _Scripted({})
    study = tw.create_study(sampler=sampler)
    study.optimize(_x, n_trials=2)
    ctx, trial = sampler.seen[-1]
    assert isinstance(ctx, StudyContext) and not isinstance(ctx, tw.Study)
    assert isinstance(trial, TrialContext) and not isinstance(trial, tw.Trial)
    assert ctx.study_name == study.study_name and ctx.directions == ["minimize"]
    assert ctx.distributions == {"x": D.Float(0, 1)} and ctx.count_trials() == 2
    assert [t.number for t in ctx.get_trials(states=(TrialState.COMPLETE,))] == [0, 1]
    with pytest.raises(AttributeError, match="StudyContext has no attribute '_storage'; it offers study_name"):
        ctx._storage  # noqa: B018
    with pytest.raises(AttributeError, match="TrialContext has no attribute '_trial_id'"):
        trial._trial_id  # noqa: B018


def test_a_proposal_goes_with_the_start_in_one_write() -> None:
    storage = InMemoryStorage()
    proposal = Proposal({"x": 0.25}, publish=True, trial_attrs={"why": "scripted"}, study_attrs={"chose": "me"})
    study = tw.create_study(storage=storage, sampler=_Scripted(proposal))
    study.optimize(_x, n_trials=1)
    updates = _count_updates(storage)
    t = study.ask()
    stored = study.get_trials(states=(TrialState.RUNNING,))[0]  # what other workers see
    assert stored.system_attrs[PROPOSAL_ATTR] == {"x": 0.25} and stored.system_attrs["why"] == "scripted"
    assert updates == []  # no write besides the start
    assert t.suggest_float("x", 0, 1) == 0.25
    assert study.system_attrs["chose"] == "me"


def test_a_proposal_made_once_the_trial_runs_is_published_with_one_write() -> None:
    # An enqueued trial is started before anything is proposed; a parameter it does not fix is
    # proposed at its first suggest, and published at once.
    storage = InMemoryStorage()
    study = tw.create_study(storage=storage, sampler=_Scripted(Proposal({"x": 0.25}, publish=True,
                                                                        trial_attrs={"why": "late"})))
    study.enqueue_trial({"y": 0.5})
    updates = _count_updates(storage)
    t = study.ask()
    assert t.suggest_float("y", 0, 1) == 0.5 and updates == []
    assert t.suggest_float("x", 0, 1) == 0.25
    assert len(updates) == 1
    stored = study.get_trials(states=(TrialState.RUNNING,))[0]
    assert stored.system_attrs[PROPOSAL_ATTR] == {"x": 0.25} and stored.system_attrs["why"] == "late"


def test_a_refused_claim_drops_the_proposal_and_asks_again() -> None:
    storage = InMemoryStorage()
    sampler = _Scripted(*(Proposal({"x": k / 10}, claim=f"k:{k}", trial_attrs={"k": k}) for k in range(3)),
                        {"x": 0.9})
    study = tw.create_study(storage=storage, sampler=sampler)
    sid = storage.get_study_id(study.study_name)
    assert storage.try_claim(sid, "k:0") and storage.try_claim(sid, "k:1")  # another worker holds them
    study.optimize(_x, n_trials=2)
    assert [t.params["x"] for t in study.trials] == [0.2, 0.9]
    assert study.trials[0].system_attrs["k"] == 2 and "k" not in study.trials[1].system_attrs
    assert len(sampler.seen) == 4  # asked again after each refused claim
    assert not storage.try_claim(sid, "k:2")  # what the first trial ran is claimed


def test_claiming_the_same_key_again_after_a_refusal_is_an_error() -> None:
    study = tw.create_study(sampler=_Scripted(Proposal({"x": 0.1}, claim="same")))
    study.optimize(_x, n_trials=1)
    with pytest.raises(RuntimeError, match="claimed 'same' again after another worker held it"):
        study.optimize(_x, n_trials=1)


def test_a_proposal_can_enqueue_configurations() -> None:
    # Queued after the trial it came with starts: that trial runs the proposal, a later one the queued values.
    study = tw.create_study(sampler=_Scripted(Proposal({"x": 0.1}, enqueue=[{"x": 0.9}]), {"x": 0.2}))
    study.optimize(_x, n_trials=3)
    assert [t.params["x"] for t in study.trials] == [0.1, 0.9, 0.2]
    assert study.trials[1].system_attrs["fixed_params"] == {"x": 0.9}


@pytest.mark.parametrize("bad", [["x", 0.1], 0.5, "x"])
def test_a_proposal_of_the_wrong_type_fails_the_trial_and_names_the_sampler(bad: Any) -> None:
    study = tw.create_study(sampler=_Scripted(bad))
    study.optimize(_x, n_trials=1, catch=(TypeError,))
    reason = study.trials[0].system_attrs["fail_reason"]
    assert "_Scripted.propose returned" in reason and "tunewise.samplers.Proposal" in reason


def test_proposal_checks_its_fields() -> None:
    with pytest.raises(TypeError, match="Proposal.params must be a dict"):
        Proposal(["x"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Proposal.claim must be a non-empty string"):
        Proposal({}, claim="")
    with pytest.raises(TypeError, match="Proposal.enqueue must be a list"):
        Proposal({}, enqueue={"x": 1})  # type: ignore[arg-type]


def test_read_new_returns_each_finished_trial_once_and_the_running_ones() -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    context = study._sampler_context()
    cursor = TrialCursor(context)
    first = study.ask()
    study.optimize(_x, n_trials=2)
    finished, running = context.read_new(cursor)
    assert [t.number for t in finished] == [1, 2] and [t.number for t in running] == [0]
    study.tell(first, 0.5)
    study.optimize(_x, n_trials=1)
    finished, running = context.read_new(cursor)
    assert [t.number for t in finished] == [0, 3] and running == []
    assert context.read_new(cursor) == ([], [])
    other = tw.create_study()._sampler_context()
    with pytest.raises(ValueError, match="make a new TrialCursor"):
        other.read_new(cursor)
    # A copy of the study (another process) is another history.
    assert pickle.loads(pickle.dumps(study))._sampler_context().history_id != context.history_id


class _Legacy(Sampler):
    """A sampler written for the hooks of before: reads the Study's other attributes."""

    def __init__(self) -> None:
        self.bests: list[Any] = []

    def propose(self, study: Any, trial: Any) -> dict[str, Any]:
        complete = study.get_trials(states=(TrialState.COMPLETE,))
        if complete:
            self.bests.append(study.best_value)  # not in the context: reaches through, with a warning
        return {"x": (trial.number % 10) / 10} if "x" in study.distributions else {}

    def sample(self, study: Any, trial: Any, name: str, distribution: D.Distribution) -> Any:
        return distribution.from_unit(0.5)


def test_a_sampler_written_for_the_earlier_hooks_keeps_working_with_a_deprecation_warning() -> None:
    sampler = _Legacy()
    study = tw.create_study(sampler=sampler)
    with pytest.warns(DeprecationWarning, match=r"StudyContext.best_value reaches through to the Study"):
        study.optimize(_x, n_trials=3)
    assert [t.params["x"] for t in study.trials] == [0.5, 0.1, 0.2]
    assert sampler.bests == [0.5, 0.1]


def test_two_workers_run_every_grid_point_once(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'grid.db'}"
    grid = {"x": [0.0, 0.5, 1.0], "c": ["a", "b"]}
    a = tw.create_study(name="g", storage=url, sampler=tw.samplers.GridSampler(grid))
    b = tw.load_study("g", url, sampler=tw.samplers.GridSampler(grid))

    def objective(t: tw.Trial) -> float:
        return t.suggest_float("x", 0, 1) + (t.suggest_categorical("c", ["a", "b"]) == "b")

    for _ in range(4):  # the workers alternate; each claims points the other has not
        for study in (a, b):
            study.optimize(objective, n_trials=1)
    trials = tw.load_study("g", url).trials
    assert len(trials) == 6 and sorted(t.system_attrs["grid_id"] for t in trials) == list(range(6))
    assert sorted((t.params["x"], t.params["c"]) for t in trials) == sorted(
        (x, c) for x in grid["x"] for c in grid["c"])
    with pytest.raises(tw.SearchExhausted):
        a.ask()


def test_two_workers_run_each_warm_start_configuration_once(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'warm.db'}"
    configs = [{"x": 0.1}, {"x": 0.2}, {"x": 0.3}]

    def make() -> tw.samplers.WarmStartSampler:
        return tw.samplers.WarmStartSampler(tw.samplers.RandomSampler(seed=0), [], initial_configs=configs,
                                            n_unconditional=3, seed=0)

    a = tw.create_study(name="w", storage=url, sampler=make())
    b = tw.load_study("w", url, sampler=make())
    for _ in range(3):
        for study in (a, b):
            study.optimize(_x, n_trials=1)
    trials = tw.load_study("w", url).trials
    from_configs = sorted(t.params["x"] for t in trials if t.system_attrs.get("transfer", {}).get("kind") == "config")
    assert from_configs == [0.1, 0.2, 0.3]  # each once, although both workers hold all three
