"""PBT through ask-and-tell (``study.ask()`` / ``study.tell()`` outside ``optimize()``).

``optimize()`` holds a worker while the whole population trains and nothing is queued
(``_decisions.hold_new_trial``); ``ask()`` did not, so an ask/tell loop running members side by
side got a trial with no work: it ended as ``excess`` and used a trial of the budget, and with
``max_trials=trials_needed()`` the last generation never ran. Now ``ask()`` returns the queued
segment when there is one (as Optuna's ``ask()`` runs an enqueued WAITING trial first), queues a
generation nobody resolved, and otherwise raises :class:`~tunewise.exceptions.TrialNotAdmitted`
naming the running members: a trial asked then could only wait for them, and in an ask/tell loop
they progress only when the caller trains them (a blocking ask would wait for ever).
"""

from __future__ import annotations

import pytest

import tunewise as tw
from tests.storage._backends import SQLStorageClaimingBeforeStart
from tunewise.trial import TrialState

MAX_STEP, INTERVAL, POPULATION = 6, 2, 2


def _study(tmp_path, **kw):
    pbt = tw.schedulers.PBTScheduler(
        perturbation_interval=INTERVAL,
        population_size=POPULATION,
        max_step=MAX_STEP,
        seed=0,
        checkpoint_dir=str(tmp_path / "ck"),
    )
    return tw.create_study(
        direction="maximize",
        sampler=tw.samplers.RandomSampler(seed=0),
        scheduler=pbt,
        max_trials=pbt.trials_needed(),
        **kw,
    ), pbt


class _Member:
    """One asked trial, trained one step at a time by the ask/tell loop."""

    def __init__(self, study, trial):
        self.study, self.trial = study, trial
        self.lr = trial.suggest_float("lr", 0.01, 1.0)
        state = trial.load_checkpoint()
        self.step, self.acc = (0, 0.0) if state is None else (state["step"], state["acc"])

    def train_one_step(self) -> bool:
        """One step; True when the trial ended (told)."""
        self.step += 1
        self.acc += self.lr
        self.trial.report(self.acc, self.step)
        self.trial.save_checkpoint({"step": self.step, "acc": self.acc})
        if self.trial.should_prune():
            self.study.tell(self.trial, state=TrialState.PRUNED)
            return True
        if self.step >= MAX_STEP:
            self.study.tell(self.trial, self.acc)
            return True
        return False


def _excess(study):
    return [t.number for t in study.trials if t.system_attrs.get("pbt", {}).get("excess")]


def test_an_ask_tell_loop_training_members_side_by_side_finishes_the_population_within_trials_needed(tmp_path):
    # A loop with POPULATION slots that asks for a trial whenever a slot is free (as a user
    # training members side by side does); before, the slot freed by the first member to
    # arrive got an excess trial.
    study, pbt = _study(tmp_path)
    running: list[_Member] = []
    refused = 0

    def fill() -> None:
        nonlocal refused
        while len(running) < POPULATION:
            try:
                running.append(_Member(study, study.ask()))
            except tw.exceptions.MaxTrialsReached:
                return
            except tw.exceptions.TrialNotAdmitted as e:
                refused += 1
                assert "population" in str(e) and "is running" in str(e), str(e)
                return

    fill()
    while running:
        for member in list(running):
            if member.train_one_step():
                running.remove(member)
                fill()
    trials = study.trials
    assert _excess(study) == []
    assert len(trials) == pbt.trials_needed() == 6
    assert [t.number for t in trials if t.state != TrialState.PRUNED and t.state != TrialState.COMPLETE] == []
    assert sorted(t.number for t in trials if t.state == TrialState.COMPLETE) == [4, 5]  # both lineages finish
    assert refused > 0  # the loop did ask while every member trained


def test_ask_while_every_member_trains_names_them_and_starts_nothing(tmp_path):
    study, _ = _study(tmp_path)
    a, b = _Member(study, study.ask()), _Member(study, study.ask())
    while not a.train_one_step():
        pass
    with pytest.raises(tw.exceptions.TrialNotAdmitted, match=r"trial 1 is running"):
        study.ask()
    assert len(study.trials) == 2  # nothing started
    while not b.train_one_step():
        pass
    # b's arrival queued the next generation: ask() returns its segments, oldest first, as Optuna's
    # ask() returns an enqueued trial.
    c = study.ask()
    assert (c.number, c.system_attrs["pbt"]["generation"]) == (2, 1)
    assert _Member(study, c).step == INTERVAL  # it continues from a checkpoint of generation 0
    assert study.ask().number == 3
    assert _excess(study) == []


def test_ask_queues_a_generation_nobody_resolved_instead_of_an_excess_trial(tmp_path):
    # The last member of generation 0 failed in its objective: nothing trains, nothing is queued.
    study, _ = _study(tmp_path)
    a, b = _Member(study, study.ask()), study.ask()
    while not a.train_one_step():
        pass
    study.tell(b, state=TrialState.FAILED)
    c = study.ask()
    assert c.number == 2 and c.system_attrs.get("pbt", {}).get("generation") == 1, c.system_attrs
    assert _excess(study) == []


def test_ask_is_not_held_without_a_scheduler_that_admits_trials(tmp_path):
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), scheduler=tw.schedulers.ASHAScheduler(1, 9, 3))
    trials = [study.ask() for _ in range(3)]  # as many as the caller wants, as in Optuna
    assert [t.number for t in trials] == [0, 1, 2]


def test_ask_does_not_take_a_segment_an_optimize_worker_reserved(tmp_path, monkeypatch):
    # ask() and optimize() workers on one PBT study (session 21), on a storage that does not claim
    # at the start. A worker of optimize() reserves a queued segment (claim "start:<number>") and
    # then starts: the start claims the oldest WAITING trial. Before, ask() took a queued segment
    # even when every one was reserved, so the worker whose segment it took found none and created
    # a trial with no work: an excess trial, using the budget (here trial 4), and the population
    # could not finish in trials_needed(). Now ask() waits for the reserved segments to be
    # started, then decides again.
    import threading

    from tunewise import _decisions

    url = f"sqlite:///{tmp_path / 'pbt.db'}"
    study, _ = _study(tmp_path, storage=SQLStorageClaimingBeforeStart(url), study_name="pbt-mixed")
    a, b = _Member(study, study.ask()), _Member(study, study.ask())
    for m in (a, b):
        while not m.train_one_step():
            pass
    assert [t.number for t in study.get_trials(states=(TrialState.WAITING,))] == [2, 3]  # generation 1 queued
    # Two optimize() workers (their own study objects and connections) reserve the two segments.
    workers = [
        tw.load_study(
            study_name="pbt-mixed",
            storage=SQLStorageClaimingBeforeStart(url),
            scheduler=study.scheduler,
            sampler=tw.samplers.RandomSampler(seed=1),
        )
        for _ in range(2)
    ]
    assert all(_decisions.hold_new_trial(w, wait=False) for w in workers)
    started = []
    sleep, main = _decisions.time.sleep, threading.current_thread()

    def workers_start(seconds):  # the workers start while ask() waits
        if threading.current_thread() is not main:
            return sleep(seconds)
        if not started:
            started.extend(w._storage.start_trial(w._study_id).number for w in workers)
        return None

    monkeypatch.setattr(_decisions.time, "sleep", workers_start)
    with pytest.raises(tw.exceptions.TrialNotAdmitted, match=r"trials 2, 3 are running"):
        study.ask()
    assert sorted(started) == [2, 3]  # each worker started the segment it reserved
    assert len(study.trials) == 4 and _excess(study) == []


def test_ask_and_optimize_workers_admitted_for_the_same_segments_start_no_excess_trial(tmp_path):
    # As above on tunewise's storage, which claims at the start (s27): the admissions reserve
    # nothing, so a worker killed between its admission and its start holds up no segment (it
    # held one until excess_wait, 60 s). Each optimize() worker's start carries the claim
    # QUEUED_ONLY: it takes a queued segment or starts nothing (ClaimTaken). ask() takes a
    # segment at once; the worker whose segment it took starts nothing: no excess trial.
    from tunewise import _decisions
    from tunewise.storage._base import ClaimTaken

    url = f"sqlite:///{tmp_path / 'pbt.db'}"
    study, _ = _study(tmp_path, storage=url, study_name="pbt-mixed")
    a, b = _Member(study, study.ask()), _Member(study, study.ask())
    for m in (a, b):
        while not m.train_one_step():
            pass
    assert [t.number for t in study.get_trials(states=(TrialState.WAITING,))] == [2, 3]  # generation 1 queued
    workers = [
        tw.load_study(
            study_name="pbt-mixed", storage=url, scheduler=study.scheduler, sampler=tw.samplers.RandomSampler(seed=1)
        )
        for _ in range(2)
    ]
    assert all(_decisions.hold_new_trial(w, wait=False) for w in workers)
    assert [w._admission_claim for w in workers] == [_decisions.QUEUED_ONLY] * 2  # nothing reserved
    assert study._storage.is_claimed(study._study_id, _decisions.QUEUED_ONLY)
    assert not any(study._storage.is_claimed(study._study_id, f"start:{n}") for n in (2, 3))
    assert study.ask().number == 2  # not held for the workers' admissions
    w0, w1 = workers
    assert w0._storage.start_trial(w0._study_id, prepared=w0._admission_prepared(None)).number == 3
    with pytest.raises(ClaimTaken):  # no segment left: nothing starts (before s27's claim: a new trial)
        w1._storage.start_trial(w1._study_id, prepared=w1._admission_prepared(None))
    assert len(study.trials) == 4 and _excess(study) == []
