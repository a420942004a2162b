"""``Study.ask``: the sampler proposes before the trial starts and its proposal is written with
the start (one storage write per trial fewer); the study's stored trial budget applies outside
``optimize()`` too; worker processes learn the search space without a round trip per trial."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

import tunewise as tw
from tunewise import distributions as D
from tunewise.exceptions import MaxTrialsReached, SearchExhausted
from tunewise.samplers._base import PROPOSAL_ATTR, Sampler, publish_proposal
from tunewise.storage import InMemoryStorage
from tunewise.trial import TrialState


def _url(kind: str, tmp_path) -> Any:
    return InMemoryStorage() if kind == "memory" else f"sqlite:///{tmp_path / 'ask.db'}"


def _objective(trial: tw.Trial) -> float:
    return trial.suggest_float("x", 0, 1) + trial.suggest_float("y", 0, 1)


def _count_updates(study: tw.Study) -> list[Any]:
    calls: list[Any] = []
    original = study._storage.update_trial

    def update_trial(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        original(*args, **kwargs)

    study._storage.update_trial = update_trial  # type: ignore[method-assign]
    return calls


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_constant_liar_proposal_is_stored_with_the_start(kind: str, tmp_path) -> None:
    url = _url(kind, tmp_path)
    sampler = tw.samplers.TPESampler(seed=0, n_startup_trials=100)  # constant liar: publishes each proposal
    study = tw.create_study(name="p", storage=url, sampler=sampler)
    study.optimize(_objective, n_trials=3)
    updates = _count_updates(study)
    trial = study.ask()
    other = tw.load_study("p", url) if kind == "sqlite" else study  # another worker's view
    running = other.get_trials(states=(TrialState.RUNNING,))
    assert [t.number for t in running] == [3] == [trial.number]
    proposal = running[0].system_attrs[PROPOSAL_ATTR]
    assert set(proposal) == {"x", "y"}
    assert updates == []  # visible to others, and no write besides the start
    assert trial.suggest_float("x", 0, 1) == proposal["x"] and trial.suggest_float("y", 0, 1) == proposal["y"]
    study.tell(trial, 1.0)
    assert updates == [] and study.trials[3].system_attrs[PROPOSAL_ATTR] == proposal


class _NumberedSampler(Sampler):
    """Proposes x = number / 100. With ``steal`` set to a study, another worker starts a trial of it
    meanwhile (a sampler sees only its StudyContext: the rival goes through the study itself)."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.steal: tw.Study | None = None

    def propose(self, study: Any, trial: Any) -> dict[str, Any]:
        number = trial.number
        self.calls.append(number)
        if self.steal is not None:
            rival, self.steal = self.steal, None
            rival._storage.start_trial(rival._study_id)  # a rival worker takes the predicted number
        if "x" not in study.distributions:
            return {}
        out = {"x": number / 100}
        publish_proposal(study, trial, out)
        return out

    def sample(self, study: tw.Study, trial: tw.Trial, name: str, distribution: D.Distribution) -> Any:
        return 0.5


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_proposal_for_a_number_another_worker_took_is_made_again(kind: str, tmp_path) -> None:
    sampler = _NumberedSampler()
    study = tw.create_study(storage=_url(kind, tmp_path), sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    # Predicted numbers were right: one proposal per trial, used as made.
    assert sampler.calls == [0, 1] and [t.params["x"] for t in study.trials] == [0.5, 0.01]
    sampler.steal = study
    trial = study.ask()
    assert trial.number == 3 and PROPOSAL_ATTR not in trial.system_attrs  # made for 2: not stored
    assert trial.suggest_float("x", 0, 1) == 0.03  # proposed again, for its real number
    assert sampler.calls == [0, 1, 2, 3]
    stored = {t.number: t for t in study.get_trials()}
    assert stored[3].system_attrs[PROPOSAL_ATTR] == {"x": 0.03}
    assert PROPOSAL_ATTR not in stored[2].system_attrs  # the rival's trial got nothing of ours


class _FailingSampler(Sampler):
    def __init__(self) -> None:
        self.calls = 0

    def propose(self, study: tw.Study, trial: tw.Trial) -> dict[str, Any]:
        self.calls += 1
        raise ValueError("the model cannot fit this study")

    def sample(self, study: tw.Study, trial: tw.Trial, name: str, distribution: D.Distribution) -> Any:
        return 0.5


def test_a_sampler_error_still_fails_the_trial_that_suggests() -> None:
    sampler = _FailingSampler()
    study = tw.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2, catch=(ValueError,))
    assert [t.state for t in study.trials] == [TrialState.FAILED] * 2
    assert "the model cannot fit this study" in study.trials[0].system_attrs["fail_reason"]
    assert sampler.calls == 4  # before the start, then again at the first suggest


class _ExhaustedSampler(_FailingSampler):
    def propose(self, study: tw.Study, trial: tw.Trial) -> dict[str, Any]:
        raise SearchExhausted("nothing left to propose")


def test_search_exhausted_in_propose_starts_no_trial() -> None:
    study = tw.create_study(sampler=_ExhaustedSampler())
    with pytest.raises(SearchExhausted, match="nothing left"):
        study.ask()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert study.trials == []


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_ask_outside_optimize_applies_the_stored_budget(kind: str, tmp_path) -> None:
    url = _url(kind, tmp_path)
    study = tw.create_study(name="b", storage=url, max_trials=2, sampler=tw.samplers.RandomSampler(seed=0))
    for _ in range(2):
        t = study.ask()
        study.tell(t, t.suggest_float("x", 0, 1))
    with pytest.raises(MaxTrialsReached, match="budget of 2 trials"):
        study.ask()
    assert len(study.trials) == 2
    tw.load_study("b", url, max_trials=3)  # another process raises the stored budget: read at each ask
    running = study.ask()
    assert running.number == 2
    with pytest.raises(MaxTrialsReached):
        study.ask()
    # Inside optimize(), an explicit max_trials replaces the stored one for that call.
    study.optimize(lambda t: t.suggest_float("x", 0, 1), max_trials=5)
    study.tell(running, 0.5)
    assert len(study.trials) == 5 and all(t.state == TrialState.COMPLETE for t in study.trials)
    assert isinstance(MaxTrialsReached("x"), SearchExhausted)  # ask loops that stop on SearchExhausted stop


class _Coordinator:
    """A worker's connection to the parent, answering from ``backing`` as the parent would."""

    def __init__(self, backing: InMemoryStorage) -> None:
        self.backing = backing
        self.sent: list[str] = []
        self.reply: Any = None

    def send(self, msg: Any) -> None:
        _, name, args, kwargs = msg
        self.sent.append(name)
        self.reply = ("ok", pickle.loads(pickle.dumps(getattr(self.backing, name)(*args, **kwargs))))

    def recv(self) -> Any:
        return self.reply


def test_worker_storage_learns_distributions_without_a_round_trip() -> None:
    from tunewise.execution._worker import _RemoteStorage

    backing = InMemoryStorage()
    sid = backing.create_study("r", ["minimize"])
    backing.add_distribution(sid, "x", D.Float(0, 1))
    conn = _Coordinator(backing)
    remote = _RemoteStorage(conn)  # type: ignore[arg-type]
    remote.start_trial(sid)
    assert remote.known_distributions(sid) == {"x": D.Float(0, 1)}
    backing.add_distribution(sid, "y", D.Int(1, 3))  # another worker adds a parameter
    remote.start_trial(sid)
    assert remote.known_distributions(sid) == {"x": D.Float(0, 1), "y": D.Int(1, 3)}
    assert conn.sent == ["start_trial", "start_trial"]  # the space came with the starts


class _CountingSampler(Sampler):
    def __init__(self) -> None:
        self.proposals = 0

    def propose(self, study: Any, trial: Any) -> dict[str, Any]:
        self.proposals += 1
        return {}

    def sample(self, study: Any, trial: Any, name: str, dist: Any) -> Any:
        return dist.from_unit(0.5)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_claiming_an_enqueued_trial_makes_no_proposal(kind: str, tmp_path) -> None:
    # An enqueued trial (or an ASHA continuation) has fixed parameters: a model fit for it
    # before the start would be wasted.
    sampler = _CountingSampler()
    study = tw.create_study(storage=_url(kind, tmp_path), sampler=sampler)
    study.optimize(_objective, n_trials=1)
    before = sampler.proposals
    study.enqueue_trial({"x": 0.25, "y": 0.5})
    trial = study.ask()
    assert trial.suggest_float("x", 0, 1) == 0.25 and trial.suggest_float("y", 0, 1) == 0.5
    study.tell(trial, 0.75)
    assert sampler.proposals == before
    study.optimize(_objective, n_trials=1)  # a fresh trial is proposed for as usual
    assert sampler.proposals == before + 1


def test_a_trial_another_worker_claimed_is_no_longer_expected(tmp_path) -> None:
    # Worker A enqueues (an ASHA continuation, say), worker B claims it: once A reads the
    # trials, A neither predicts that number nor skips its next proposal.
    url = f"sqlite:///{tmp_path / 'claim.db'}"
    a = tw.create_study(name="s", storage=url)
    b = tw.load_study("s", url)
    a.enqueue_trial({"x": 0.5, "y": 0.5})
    assert a._storage.expects_waiting(a._study_id)
    claimed = b.ask()
    assert claimed.number == 0
    a.get_trials()  # A learns the trial is RUNNING now
    assert not a._storage.expects_waiting(a._study_id)
    assert a._storage.next_trial_number(a._study_id) == 1


def test_worker_storage_expects_what_it_enqueued_until_it_is_claimed() -> None:
    # In a worker process the hint costs no round trip: an ASHA continuation this worker
    # enqueued is expected until a start shows it (or an older one) claimed.
    from tunewise.execution._worker import _RemoteStorage

    backing = InMemoryStorage()
    sid = backing.create_study("r", ["minimize"])
    mine, other = _RemoteStorage(_Coordinator(backing)), _RemoteStorage(_Coordinator(backing))  # type: ignore[arg-type]
    assert not mine.expects_waiting(sid)
    queued = mine.enqueue_trial(sid, {"x": 0.5})
    assert mine.expects_waiting(sid)
    assert mine.start_trial(sid).number == queued.number  # claimed by this worker
    assert not mine.expects_waiting(sid)
    queued = mine.enqueue_trial(sid, {"x": 0.25})
    assert other.start_trial(sid).number == queued.number  # another worker claims it ...
    assert mine.expects_waiting(sid)  # ... which this worker cannot know yet (a hint: costs a proposal)
    assert mine.start_trial(sid).number > queued.number  # a new trial: nothing of ours waits any more
    assert not mine.expects_waiting(sid)


class _PublishingSampler(_CountingSampler):
    """Proposes x = 0.9 and publishes it on the trial (as GP and BOHB samplers do)."""

    def propose(self, study: Any, trial: Any) -> dict[str, Any]:
        from tunewise.samplers._base import publish_proposal

        super().propose(study, trial)
        publish_proposal(study, trial, {"x": 0.9})
        return {"x": 0.9}


def test_a_proposal_for_a_new_trial_is_not_applied_to_a_queued_one_claimed_instead(tmp_path) -> None:
    # Worker B enqueues after worker A's last read, so A's hint says nothing waits: A proposes
    # for a new trial, but the start claims B's queued trial. Its fixed parameters stay, the
    # proposal is neither written on it nor used, and the sampler proposes again knowing them.
    url = f"sqlite:///{tmp_path / 'late.db'}"
    sampler = _PublishingSampler()
    a = tw.create_study(name="s", storage=url, sampler=sampler)
    b = tw.load_study("s", url)
    b.enqueue_trial({"y": 0.25}, user_attrs={"from": "B"})
    assert not a._storage.expects_waiting(a._study_id)
    trial = a.ask()
    assert sampler.proposals == 1 and trial.number == 0  # B's trial, claimed
    assert "proposal" not in trial.system_attrs
    assert trial.suggest_float("y", 0, 1) == 0.25  # fixed by B
    assert trial.suggest_float("x", 0, 1) == 0.9 and sampler.proposals == 2  # proposed again, at the suggest
    a.tell(trial, 1.0)
    stored = b.get_trials()[0]
    assert stored.params == {"y": 0.25, "x": 0.9} and stored.user_attrs == {"from": "B"}
    assert stored.system_attrs.get("proposal") == {"x": 0.9}  # published by the second proposal
    fresh = a.ask()  # nothing waits now: a new trial takes the proposal made before its start
    assert fresh.number == 1 and fresh.system_attrs["proposal"] == {"x": 0.9} and sampler.proposals == 3


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_a_finished_trial_refuses_what_it_could_no_longer_store(tmp_path, storage) -> None:
    # set_user_attr and suggest on the live trial after tell used to be accepted and silently lost.
    url = None if storage == "memory" else f"sqlite:///{tmp_path / 'f.db'}"
    study = tw.create_study(storage=url)
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    trial.set_user_attr("before", 1)
    study.tell(trial, x)
    with pytest.raises(tw.exceptions.UpdateFinishedTrialError, match=r"trial 0 is already COMPLETE: set_user_attr"):
        trial.set_user_attr("after", 2)
    with pytest.raises(RuntimeError, match="suggesting 'y'"):  # Optuna's except clause catches it too
        trial.suggest_float("y", 0, 1)
    stored = study.trials[0]
    assert stored.user_attrs == {"before": 1} and stored.params == {"x": x} and stored.value == x
    # in an objective, the trial optimize() finished is the same object: kept by the user, it refuses too
    kept: list[tw.Trial] = []
    study.optimize(lambda t: kept.append(t) or t.suggest_float("x", 0, 1), n_trials=1)
    with pytest.raises(tw.exceptions.UpdateFinishedTrialError):
        kept[0].set_user_attr("late", True)
