"""The storage conformance suite: does a :class:`~tunewise.storage.BaseStorage` keep the contract
of tunewise's own storages (in memory, SQLite, PostgreSQL, a worker's view of its parent's)?

Run it from your tests by subclassing :class:`StorageTests` (pytest collects the subclass, whose
name must start with ``Test``) and overriding the ``make_storage`` fixture. It returns a factory:
every call opens a new handle on one storage shared by the test (for a database, a new
connection with its own caches; for an in-process storage, the same object), and the fixture
closes what it opened::

    import pytest
    from tunewise.testing.storage import StorageTests

    class TestRedisStorage(StorageTests):
        @pytest.fixture
        def make_storage(self, redis_url):
            opened = []

            def make():
                opened.append(RedisStorage(redis_url))
                return opened[-1]

            yield make
            for storage in opened:
                storage.close()

Or call the ``check_*`` functions yourself with such a factory; each creates studies with unique
names (the storage may hold other studies: a shared database) and raises ``AssertionError``
naming the rule that was broken. The rules:

- studies are created, found by name, listed with their summaries and deleted with all they
  hold; a taken name is refused (``DuplicatedStudyError``), a missing study raises
  ``StudyNotFoundError``, ids are never reused (:func:`check_create_get_delete_study` and the
  four checks after it);
- study attributes hold JSON values (:func:`check_study_attrs_are_json`);
  ``set_study_attr_item`` sets one item of a dict attribute, keeping the others
  (:func:`check_study_attr_items`), and items set at once by several handles are all kept
  (:func:`check_study_attr_items_are_atomic`);
- a parameter keeps the first distribution stored for it (:func:`check_distributions_first_one_wins`);
- trial numbers are dense and unique; WAITING trials are claimed oldest first, with their fixed
  params and attributes, each by exactly one of several concurrent workers
  (:func:`check_numbers_are_dense_and_trials_ordered`,
  :func:`check_enqueued_trials_are_claimed_oldest_first`,
  :func:`check_concurrent_start_trial_threads`); attributes prepared for a start are written in
  the same step, for the trial number they name only
  (:func:`check_prepared_attributes_are_written_with_the_start`);
- a running trial's params are replaced whole; its reports are merged step by step (a stored
  step keeps its value), so two handles reporting to one trial lose nothing
  (:func:`check_reports_of_two_handles_are_merged`); its attributes are merged per key
  (``tunewise.storage.attr_changes``: the keys a live trial set or removed since its last write),
  so two handles setting attributes of one trial lose none
  (:func:`check_attributes_of_two_handles_are_merged`); a finish is atomic and final, and a late result
  of a FAILED trial is kept apart (:func:`check_update_replaces_whole_fields_and_none_keeps`,
  :func:`check_finish_is_atomic_and_final`,
  :func:`check_every_finish_is_final_and_a_late_result_is_kept_apart`,
  :func:`check_multi_objective_values`);
- reads filter by state, in number order (:func:`check_state_filters`); handles see each
  other's writes (:func:`check_other_handles_see_changes`); values must be JSON
  (:func:`check_params_must_be_json`); an unknown trial raises ``KeyError``
  (:func:`check_unknown_trial`);
- ``try_claim`` is true exactly once per key and study, across handles and threads
  (:func:`check_try_claim_exactly_once`), and once released (``release_claim``) a key can be
  claimed again (:func:`check_a_released_claim_can_be_claimed_again`); a storage whose
  ``claims_at_start()`` is True claims ``PreparedStart.claim`` with the start, or starts nothing
  (:func:`check_a_start_claims_its_key_in_the_same_step`), and ``claim_for_trial`` claims a key
  for a running trial with its attributes, or writes nothing
  (:func:`check_a_claim_for_a_running_trial_is_written_with_its_attrs`); ``claim_and_enqueue``
  enqueues its trials with the claim only, exactly once across concurrent claimers
  (:func:`check_claim_and_enqueue_exactly_once`);
- heartbeats keep a trial alive; a stale trial is failed once, with its params and a
  ``fail_reason`` (:func:`check_heartbeats_and_stale_trials`); ``recover_stale_trials`` ends each
  one as its outcome says, with its retry, which ``has_waiting_retry`` sees
  (:func:`check_stale_trials_recovered_with_their_retry`) and ``start_retry_of`` starts once
  (:func:`check_start_retry_of_starts_only_that_waiting_retry`), but never one the caller says it runs
  itself (``alive``: it gets a heartbeat instead,
  :func:`check_trials_the_caller_runs_are_not_recovered`); ``recover_trial`` does the same for
  one trial whose worker died or was stopped (:func:`check_a_dead_trial_recovered_with_its_retry`);
  a detached trial is never stale, whatever writes or heartbeats follow, and still finishes
  (:func:`check_a_detached_trial_is_never_stale`);
- a capability (``shares_finished_trials``): finished trials read twice are the same objects,
  as a caching reader returns them (:func:`check_finished_trials_are_shared_not_copied`);
- a storage several processes share (``is_persistent``) overrides the defaults of
  :class:`~tunewise.storage.BaseStorage` that are atomic only within one process
  (:func:`non_atomic_defaults`, :func:`check_a_shared_storage_overrides_the_non_atomic_defaults`).
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tunewise import distributions as D
from tunewise.exceptions import DuplicatedStudyError, StudyNotFoundError, UpdateFinishedTrialError
from tunewise.storage import BaseStorage
from tunewise.storage._base import PreparedStart, StaleOutcome
from tunewise.trial import FrozenTrial, TrialState

__all__ = [
    "NON_ATOMIC_DEFAULTS",
    "StorageFactory",
    "StorageTests",
    "check_a_dead_trial_recovered_with_its_retry",
    "check_a_released_claim_can_be_claimed_again",
    "check_a_start_claims_its_key_in_the_same_step",
    "check_a_claim_for_a_running_trial_is_written_with_its_attrs",
    "check_a_shared_storage_overrides_the_non_atomic_defaults",
    "check_attributes_of_two_handles_are_merged",
    "check_a_detached_trial_is_never_stale",
    "check_claim_and_enqueue_exactly_once",
    "check_concurrent_start_trial_threads",
    "check_create_get_delete_study",
    "check_delete_study_removes_its_trials_and_frees_the_name",
    "check_distributions_first_one_wins",
    "check_duplicate_study_name_is_rejected",
    "check_enqueued_trials_are_claimed_oldest_first",
    "check_every_finish_is_final_and_a_late_result_is_kept_apart",
    "check_finish_is_atomic_and_final",
    "check_finished_trials_are_shared_not_copied",
    "check_heartbeats_and_stale_trials",
    "check_missing_study",
    "check_multi_objective_values",
    "check_numbers_are_dense_and_trials_ordered",
    "check_other_handles_see_changes",
    "check_params_must_be_json",
    "check_prepared_attributes_are_written_with_the_start",
    "check_reports_of_two_handles_are_merged",
    "check_stale_trials_recovered_with_their_retry",
    "check_start_retry_of_starts_only_that_waiting_retry",
    "check_trials_the_caller_runs_are_not_recovered",
    "check_state_filters",
    "check_study_attr_items",
    "check_study_attr_items_are_atomic",
    "check_study_attrs_are_json",
    "check_study_summaries",
    "check_try_claim_exactly_once",
    "check_unknown_trial",
    "non_atomic_defaults",
    "check_update_replaces_whole_fields_and_none_keeps",
]

StorageFactory = Callable[[], BaseStorage]
"""Opens a new handle on the storage under test (see the module docstring)."""


# ---- helpers -------------------------------------------------------------------------------------
def _unique(name: str) -> str:
    """A study name no other test uses (a shared database holds every test's studies)."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def _expect(actual: Any, expected: Any, what: str) -> None:
    if not actual == expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def _finish(storage: BaseStorage, t: FrozenTrial, value: float, **kw: Any) -> bool:
    return storage.finish_trial(t.trial_id, TrialState.COMPLETE, [value], **kw)


def _numbers(trials: list[FrozenTrial]) -> list[int]:
    return [t.number for t in trials]


def _run_threads(targets: list[Callable[[], None]]) -> None:
    """Run ``targets`` in threads at once; re-raise the first exception one of them raised."""
    errors: list[BaseException] = []

    def run(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as e:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise errors[0]


# ---- studies -------------------------------------------------------------------------------------
def check_create_get_delete_study(make_storage: StorageFactory) -> None:
    """A study is created, found by name, listed, and deleted."""
    storage = make_storage()
    name = _unique("study")
    sid = storage.create_study(name, ["maximize", "minimize"])
    _expect(storage.get_study_id(name), sid, "get_study_id of a new study")
    _expect(storage.get_study_directions(sid), ["maximize", "minimize"], "get_study_directions")
    assert name in [s.name for s in storage.get_all_studies()], "get_all_studies does not list a new study"
    storage.delete_study(sid)
    assert name not in [s.name for s in storage.get_all_studies()], "get_all_studies lists a deleted study"
    with pytest.raises(StudyNotFoundError, match=name):
        storage.get_study_id(name)


def check_duplicate_study_name_is_rejected(make_storage: StorageFactory) -> None:
    """A taken study name is refused with DuplicatedStudyError, which says how to resume it."""
    storage = make_storage()
    name = _unique("dup")
    storage.create_study(name, ["minimize"])
    with pytest.raises(DuplicatedStudyError, match="load_if_exists"):
        storage.create_study(name, ["minimize"])


def check_missing_study(make_storage: StorageFactory) -> None:
    """A study name or id the storage does not hold raises StudyNotFoundError."""
    storage = make_storage()
    with pytest.raises(StudyNotFoundError, match="no-such-study"):
        storage.get_study_id("no-such-study")
    with pytest.raises(StudyNotFoundError):
        storage.get_trials(987654321)
    with pytest.raises(StudyNotFoundError):
        storage.start_trial(987654321)


def check_delete_study_removes_its_trials_and_frees_the_name(make_storage: StorageFactory) -> None:
    """A deleted study takes its trials and attributes with it; its name is free, its id never reused."""
    storage = make_storage()
    name = _unique("gone")
    sid = storage.create_study(name, ["minimize"])
    _finish(storage, storage.start_trial(sid), 1.0, params={"x": 1})
    storage.set_study_attr(sid, "k", 1)
    storage.delete_study(sid)
    sid2 = storage.create_study(name, ["minimize"])
    assert sid2 != sid, "a study id was reused (readers' caches key on them)"
    _expect(storage.get_trials(sid2), [], "trials of a new study named as a deleted one")
    _expect(storage.get_study_attrs(sid2), {}, "attributes of a new study named as a deleted one")
    _expect(storage.start_trial(sid2).number, 0, "the first trial number of a new study")


def check_study_summaries(make_storage: StorageFactory) -> None:
    """``get_all_studies`` counts trials and finds the best value."""
    storage = make_storage()
    name = _unique("sum")
    sid = storage.create_study(name, ["maximize"])
    for v in (0.2, 0.9, 0.5):
        _finish(storage, storage.start_trial(sid), v)
    storage.start_trial(sid)  # running
    summary = next(s for s in storage.get_all_studies() if s.name == name)
    _expect((summary.study_id, summary.n_trials, summary.n_complete), (sid, 4, 3),
            "summary (study_id, n_trials, n_complete)")
    _expect(summary.best_value, pytest.approx(0.9), "summary best_value of a maximized study")
    _expect(summary.directions, ["maximize"], "summary directions")


def check_study_attrs_are_json(make_storage: StorageFactory) -> None:
    """Study attributes hold JSON values, replaced whole by ``set_study_attr``."""
    storage = make_storage()
    sid = storage.create_study(_unique("s"), ["minimize"])
    storage.set_study_attr(sid, "system", {"a": [1, 2], "b": None})
    storage.set_study_attr(sid, "user", {"note": "hi"})
    storage.set_study_attr(sid, "user", {"note": "changed"})
    _expect(storage.get_study_attrs(sid), {"system": {"a": [1, 2], "b": None}, "user": {"note": "changed"}},
            "study attributes")
    with pytest.raises(TypeError):
        storage.set_study_attr(sid, "bad", object())


def check_study_attr_items(make_storage: StorageFactory) -> None:
    """``set_study_attr_item`` sets one item of a dict attribute (creating the dict), keeps the
    items there (also those of a dict written whole) in their order, and refuses what JSON cannot
    hold or an attribute that holds no dict, changing nothing."""
    storage = make_storage()
    sid = storage.create_study(_unique("items"), ["minimize"])
    storage.set_study_attr(sid, "user", {"note": "hi", "nan": math.nan})
    storage.set_study_attr_item(sid, "user", "added", [1, {"k": None}])
    storage.set_study_attr_item(sid, "user", "note", "replaced")
    storage.set_study_attr_item(sid, "new", "first", 1.5)
    attrs = storage.get_study_attrs(sid)
    user = attrs["user"]
    _expect(list(user), ["note", "nan", "added"], "the items of a dict attribute, in order")
    _expect((user["note"], user["added"]), ("replaced", [1, {"k": None}]), "items set one by one")
    assert math.isnan(user["nan"]), f"a NaN item came back as {user['nan']!r}"
    _expect(attrs["new"], {"first": 1.5}, "an item of an attribute that did not exist")
    with pytest.raises(TypeError):
        storage.set_study_attr_item(sid, "user", "bad", object())
    storage.set_study_attr(sid, "listed", [1])
    with pytest.raises(TypeError, match="not a dict"):
        storage.set_study_attr_item(sid, "listed", "k", 1)
    attrs = storage.get_study_attrs(sid)
    _expect(attrs["listed"], [1], "an attribute holding no dict after a refused item")
    _expect(list(attrs["user"]), ["note", "nan", "added"], "a dict attribute after a refused item")


def check_study_attr_items_are_atomic(make_storage: StorageFactory, n_workers: int = 3, n_items: int = 30) -> None:
    """Workers (threads, each with its own handle) setting different items of one attribute at
    the same moments lose none of them: each call updates its item atomically."""
    storage = make_storage()
    sid = storage.create_study(_unique("atomic"), ["minimize"])
    storage.set_study_attr(sid, "user", {"before": True})
    handles = [make_storage() for _ in range(n_workers)]
    step = threading.Barrier(n_workers)

    def worker(w: int) -> Callable[[], None]:
        def run() -> None:
            for i in range(n_items):
                step.wait(60)  # every worker sets its i-th item at once
                handles[w].set_study_attr_item(sid, "user", f"w{w}-{i}", i)

        return run

    _run_threads([worker(w) for w in range(n_workers)])
    got = storage.get_study_attrs(sid)["user"]
    expected = {"before": True, **{f"w{w}-{i}": i for w in range(n_workers) for i in range(n_items)}}
    lost = sorted(set(expected) - set(got))
    assert not lost, f"{len(lost)} of {len(expected)} items set concurrently were lost, e.g. {lost[:5]}"
    _expect(got, expected, "a dict attribute after concurrent items")


# ---- distributions -------------------------------------------------------------------------------
def check_distributions_first_one_wins(make_storage: StorageFactory) -> None:
    """A parameter keeps the first distribution stored for it."""
    storage = make_storage()
    sid = storage.create_study(_unique("s"), ["minimize"])
    f = D.Float(0.0, 1.0)
    _expect(storage.add_distribution(sid, "x", f), f, "add_distribution of a new name")
    _expect(storage.add_distribution(sid, "x", D.Float(0.0, 2.0)), f, "add_distribution of a taken name")
    storage.add_distribution(sid, "c", D.Categorical(("a", 1, None)))
    _expect(storage.get_distributions(sid), {"x": f, "c": D.Categorical(("a", 1, None))}, "get_distributions")


# ---- trials --------------------------------------------------------------------------------------
def check_numbers_are_dense_and_trials_ordered(make_storage: StorageFactory) -> None:
    """Started and enqueued trials share one dense sequence of numbers; reads are in number order."""
    storage = make_storage()
    sid = storage.create_study(_unique("s"), ["minimize"])
    numbers = []
    for i in range(6):
        if i % 3 == 1:
            numbers.append(storage.enqueue_trial(sid, {"x": i}).number)
        else:
            numbers.append(storage.start_trial(sid, claim_waiting=False).number)
    _expect(numbers, list(range(6)), "numbers of started and enqueued trials")
    _expect(_numbers(storage.get_trials(sid)), list(range(6)), "numbers of get_trials")
    _expect(len({t.trial_id for t in storage.get_trials(sid)}), 6, "distinct trial ids")


def check_enqueued_trials_are_claimed_oldest_first(make_storage: StorageFactory) -> None:
    """WAITING trials are claimed oldest first, with their fixed params and attributes."""
    storage = make_storage()
    sid = storage.create_study(_unique("s"), ["minimize"])
    a = storage.enqueue_trial(sid, {"x": 0.1}, user_attrs={"src": "manual"})
    b = storage.enqueue_trial(sid, {"x": 0.2}, system_attrs={"retried_from": 7})
    _expect((a.state, b.state), (TrialState.WAITING, TrialState.WAITING), "states of enqueued trials")
    _expect(a.system_attrs["fixed_params"], {"x": 0.1}, "fixed_params of an enqueued trial")
    fresh = storage.start_trial(sid, claim_waiting=False)
    _expect((fresh.number, fresh.state), (2, TrialState.RUNNING), "a start with claim_waiting=False")
    t1 = storage.start_trial(sid)
    _expect((t1.number, t1.trial_id, t1.state), (0, a.trial_id, TrialState.RUNNING), "the first claimed trial")
    _expect((t1.user_attrs, t1.system_attrs["fixed_params"]), ({"src": "manual"}, {"x": 0.1}),
            "the attributes of a claimed trial")
    t2 = storage.start_trial(sid)
    _expect((t2.number, t2.system_attrs["retried_from"]), (1, 7), "the second claimed trial")
    _expect(storage.start_trial(sid).number, 3, "a start once the queue is empty")
    _expect(storage.get_trials(sid, states=(TrialState.WAITING,)), [], "WAITING trials once all are claimed")


def check_prepared_attributes_are_written_with_the_start(make_storage: StorageFactory) -> None:
    """A sampler's proposal goes into the start's own write; for a numbered trial only."""
    storage = make_storage()
    sid = storage.create_study(_unique("prep"), ["minimize"])
    reader = make_storage()
    proposal = {"proposal": {"x": 0.25, "opt": "adam"}}
    t0 = storage.start_trial(sid, prepared=PreparedStart(None, proposal, {"who": "w1"}))
    _expect((t0.number, t0.system_attrs, t0.user_attrs), (0, proposal, {"who": "w1"}), "a prepared start")
    seen = reader.get_trials(sid, states=(TrialState.RUNNING,))
    _expect([(t.number, t.system_attrs, t.user_attrs) for t in seen], [(0, proposal, {"who": "w1"})],
            "a prepared start as another handle reads it")
    # Prepared for trial 5, but the start gives 1: nothing is written.
    t1 = storage.start_trial(sid, prepared=PreparedStart(5, proposal))
    _expect((t1.number, t1.system_attrs, reader.get_trial(t1.trial_id).system_attrs), (1, {}, {}),
            "a start prepared for another number")
    t2 = storage.start_trial(sid, prepared=PreparedStart(2, proposal))
    _expect((t2.number, reader.get_trial(t2.trial_id).system_attrs), (2, proposal),
            "a start prepared for its number")
    # A claimed WAITING trial keeps its own attributes (fixed_params); the proposal is merged in.
    storage.enqueue_trial(sid, {"x": 0.5}, user_attrs={"src": "manual"})
    _expect((storage.next_trial_number(sid), storage.next_trial_number(sid, claim_waiting=False)), (3, 4),
            "next_trial_number (claiming, not claiming) with one trial WAITING")
    t3 = storage.start_trial(sid, prepared=PreparedStart(3, proposal, {"who": "w2"}))
    _expect((t3.number, t3.system_attrs), (3, {"fixed_params": {"x": 0.5}, **proposal}),
            "a claimed WAITING trial's system_attrs, with a proposal prepared for it")
    _expect(t3.user_attrs, {"src": "manual", "who": "w2"}, "a claimed WAITING trial's user_attrs")
    stored = reader.get_trial(t3.trial_id)
    _expect((stored.system_attrs, stored.user_attrs), (t3.system_attrs, t3.user_attrs),
            "a claimed WAITING trial's attributes as another handle reads them")
    _expect(storage.next_trial_number(sid), 4, "next_trial_number once the queue is empty")
    with pytest.raises(TypeError, match="JSON serializable|JSON-serializable"):
        storage.start_trial(sid, prepared=PreparedStart(None, {"bad": object()}))
    _expect(storage.start_trial(sid).number, 4, "a start after a refused start (which must write nothing)")
    # A patch without a number was prepared for a new trial: a WAITING trial claimed instead
    # (another worker enqueued it after the proposal) keeps only its own attributes.
    storage.enqueue_trial(sid, {"x": 0.75}, user_attrs={"src": "other worker"})
    t4 = storage.start_trial(sid, prepared=PreparedStart(None, proposal, {"who": "w3"}))
    stored = reader.get_trial(t4.trial_id)
    own = {"fixed_params": {"x": 0.75}}
    _expect((t4.number, t4.system_attrs, stored.system_attrs), (5, own, own),
            "a claimed WAITING trial's system_attrs, with a proposal prepared for a new trial")
    _expect((t4.user_attrs, stored.user_attrs), ({"src": "other worker"}, {"src": "other worker"}),
            "a claimed WAITING trial's user_attrs, with a proposal prepared for a new trial")
    _expect(storage.start_trial(sid, prepared=PreparedStart(None, proposal)).system_attrs, proposal,
            "a new trial, with a proposal prepared for a new trial")
    # An enqueued trial whose stored attributes hold NaN still takes the patch.
    storage.enqueue_trial(sid, {"x": 0.5}, user_attrs={"loss": math.nan})
    t5 = storage.start_trial(sid, prepared=PreparedStart(7, proposal))
    stored = reader.get_trial(t5.trial_id)
    _expect((t5.number, stored.system_attrs), (7, {"fixed_params": {"x": 0.5}, **proposal}),
            "a claimed WAITING trial holding NaN, with a proposal prepared for it")
    assert math.isnan(stored.user_attrs["loss"]), f"a NaN attribute came back as {stored.user_attrs['loss']!r}"


def check_update_replaces_whole_fields_and_none_keeps(make_storage: StorageFactory) -> None:
    """``update_trial`` replaces the fields it is given, whole, and keeps the others."""
    storage = make_storage()
    sid = storage.create_study(_unique("s"), ["minimize"])
    t = storage.start_trial(sid)
    storage.add_distribution(sid, "x", D.Float(0, 1))
    storage.update_trial(t.trial_id, params={"x": 0.5}, intermediate_values={0: 1.0, 3: 0.5},
                         user_attrs={"a": 1})
    storage.update_trial(t.trial_id, intermediate_values={0: 1.0, 3: 0.5, 4: -math.inf})
    got = storage.get_trial(t.trial_id)
    _expect(got.params, {"x": 0.5}, "params after an update that gave none")
    _expect(got.intermediate_values, {0: 1.0, 3: 0.5, 4: -math.inf}, "intermediate_values after a second report")
    assert all(isinstance(k, int) for k in got.intermediate_values), "intermediate steps came back as non-ints"
    _expect((got.user_attrs, got.system_attrs), ({"a": 1}, {}), "attributes after the updates")
    _expect(got.distributions, {"x": D.Float(0, 1)}, "a trial's distributions")
    _expect(got.state, TrialState.RUNNING, "the state of an updated trial")


def check_finish_is_atomic_and_final(make_storage: StorageFactory) -> None:
    """A finish writes every field at once; a finished trial never changes again."""
    storage = make_storage()
    sid = storage.create_study(_unique("s"), ["minimize"])
    t = storage.start_trial(sid)
    finished = storage.finish_trial(t.trial_id, TrialState.COMPLETE, [0.25], params={"x": 1},
                                    intermediate_values={1: 0.5}, user_attrs={"u": 1}, system_attrs={"s": 2})
    _expect(finished, True, "finish_trial of a RUNNING trial")
    done = storage.get_trial(t.trial_id)
    _expect((done.state, done.values, done.value, done.params), (TrialState.COMPLETE, [0.25], 0.25, {"x": 1}),
            "a finished trial")
    _expect((done.intermediate_values, done.user_attrs, done.system_attrs), ({1: 0.5}, {"u": 1}, {"s": 2}),
            "the fields written by a finish")
    assert done.datetime_complete is not None and done.duration is not None, "a finished trial has no end time"
    # Finished trials never change: a second finish is refused, an update raises (Optuna's error).
    _expect(storage.finish_trial(t.trial_id, TrialState.FAILED, None), False, "a second finish")
    with pytest.raises(UpdateFinishedTrialError, match="COMPLETE"):
        storage.update_trial(t.trial_id, params={"x": 2})
    again = storage.get_trial(t.trial_id)
    _expect((again.state, again.values, again.params), (TrialState.COMPLETE, [0.25], {"x": 1}),
            "a finished trial after a refused finish and update")


def check_every_finish_is_final_and_a_late_result_is_kept_apart(make_storage: StorageFactory) -> None:
    """PRUNED and FAILED are final too; a FAILED trial's late result is kept apart and counts nowhere."""
    storage = make_storage()
    sid = storage.create_study(_unique("s"), ["minimize"])
    p = storage.start_trial(sid)
    _expect(storage.finish_trial(p.trial_id, TrialState.PRUNED, [0.3]), True, "a PRUNED finish")
    _expect(storage.finish_trial(p.trial_id, TrialState.COMPLETE, [0.1]), False, "finishing a PRUNED trial")
    f = storage.start_trial(sid)
    _expect(storage.finish_trial(f.trial_id, TrialState.FAILED, None, system_attrs={"fail_reason": "stale"}),
            True, "a FAILED finish")
    # A trial declared failed (e.g. stale, and perhaps retried) is never finished again by its
    # late worker: its result is kept as data on the failed trial and counts nowhere.
    _expect(storage.finish_trial(f.trial_id, TrialState.COMPLETE, [0.2]), False, "finishing a FAILED trial")
    _expect(storage.record_late_result(f.trial_id, {"state": "COMPLETE", "values": [0.2]}), True,
            "record_late_result on a FAILED trial")
    late = storage.get_trial(f.trial_id)
    _expect((late.state, late.values), (TrialState.FAILED, None), "a FAILED trial with a late result")
    _expect(late.system_attrs["fail_reason"], "stale", "the fail_reason next to a late result")
    _expect(late.system_attrs["late_result"], {"state": "COMPLETE", "values": [0.2]}, "the late result")
    _expect([t.state for t in storage.get_trials(sid)], [TrialState.PRUNED, TrialState.FAILED],
            "states after the late finishes")
    # Only a FAILED trial takes a late result.
    _expect(storage.record_late_result(p.trial_id, {"state": "COMPLETE", "values": [0.1]}), False,
            "record_late_result on a PRUNED trial")
    assert "late_result" not in storage.get_trial(p.trial_id).system_attrs, "a PRUNED trial took a late result"


def check_multi_objective_values(make_storage: StorageFactory) -> None:
    """A trial keeps one value per objective."""
    storage = make_storage()
    sid = storage.create_study(_unique("mo"), ["minimize", "maximize"])
    t = storage.start_trial(sid)
    storage.finish_trial(t.trial_id, TrialState.COMPLETE, [1.5, -2.0])
    _expect(storage.get_trials(sid)[0].values, [1.5, -2.0], "the values of a multi-objective trial")


def check_state_filters(make_storage: StorageFactory) -> None:
    """``get_trials`` and ``count_trials`` filter by any container of states, in number order."""
    storage = make_storage()
    sid = storage.create_study(_unique("s"), ["minimize"])
    for s in [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAILED, TrialState.COMPLETE]:
        t = storage.start_trial(sid)
        storage.finish_trial(t.trial_id, s, [1.0] if s != TrialState.FAILED else None)
    storage.start_trial(sid)
    storage.enqueue_trial(sid, {})
    _expect(_numbers(storage.get_trials(sid, states=(TrialState.COMPLETE,))), [0, 3], "COMPLETE trials")
    _expect(_numbers(storage.get_trials(sid, states={TrialState.PRUNED, TrialState.COMPLETE})), [0, 1, 3],
            "PRUNED and COMPLETE trials (a set of states)")
    _expect(_numbers(storage.get_trials(sid, states=[TrialState.RUNNING])), [4], "RUNNING trials")
    _expect(_numbers(storage.get_trials(sid, states=[TrialState.WAITING])), [5], "WAITING trials")
    _expect(storage.count_trials(sid), 6, "count_trials")
    _expect(storage.count_trials(sid, states=(TrialState.FAILED,)), 1, "count_trials of FAILED trials")


def check_params_must_be_json(make_storage: StorageFactory) -> None:
    """What a storage cannot hold as JSON is refused with a TypeError."""
    storage = make_storage()
    sid = storage.create_study(_unique("s"), ["minimize"])
    t = storage.start_trial(sid)
    with pytest.raises(TypeError):
        storage.update_trial(t.trial_id, user_attrs={"bad": object()})
    with pytest.raises(TypeError):
        storage.enqueue_trial(sid, {"x": object()})


def check_unknown_trial(make_storage: StorageFactory) -> None:
    """A trial id the storage does not hold raises KeyError."""
    storage = make_storage()
    storage.create_study(_unique("s"), ["minimize"])
    with pytest.raises(KeyError):
        storage.get_trial(987654321)
    with pytest.raises(KeyError):
        storage.finish_trial(987654321, TrialState.COMPLETE, [1.0])


def check_finished_trials_are_shared_not_copied(make_storage: StorageFactory) -> None:
    """A finished trial read twice is the same object (finished trials never change, so readers
    cache them), also after other changes to the study."""
    storage = make_storage()
    sid = storage.create_study(_unique("s"), ["minimize"])
    _finish(storage, storage.start_trial(sid), 1.0)
    a = storage.get_trials(sid)[0]
    storage.start_trial(sid)  # another change to the study
    b = storage.get_trials(sid)[0]
    assert a is b, "a finished trial read twice came back as two objects (a copy per read)"


def check_other_handles_see_changes(make_storage: StorageFactory) -> None:
    """Two handles (for a database: two connections with their own caches) see each other's writes."""
    s1, s2 = make_storage(), make_storage()
    sid = s1.create_study(_unique("two"), ["minimize"])
    _expect(s2.get_trials(sid), [], "another handle's read of a new study")
    t = s1.start_trial(sid)
    s1.add_distribution(sid, "x", D.Float(0, 1))
    _expect([x.state for x in s2.get_trials(sid)], [TrialState.RUNNING], "another handle's read of a start")
    s1.update_trial(t.trial_id, intermediate_values={0: 0.7})
    _expect(s2.get_trials(sid)[0].intermediate_values, {0: 0.7}, "another handle's read of a report")
    s1.finish_trial(t.trial_id, TrialState.COMPLETE, [0.5], params={"x": 0.5})
    u = s2.start_trial(sid)
    seen = s2.get_trials(sid)
    _expect([(x.number, x.state, x.value) for x in seen],
            [(0, TrialState.COMPLETE, 0.5), (1, TrialState.RUNNING, None)],
            "another handle's read of a finish and of its own start")
    _expect(seen[0].distributions, {"x": D.Float(0, 1)}, "the distributions another handle added")
    s2.finish_trial(u.trial_id, TrialState.COMPLETE, [0.1])
    _expect([x.value for x in s1.get_trials(sid, states=(TrialState.COMPLETE,))], [0.5, 0.1],
            "the first handle's read of the other's finish")
    _expect(s1.get_distributions(sid), s2.get_distributions(sid), "the distributions two handles see")


def check_try_claim_exactly_once(make_storage: StorageFactory) -> None:
    """``try_claim`` is true for exactly one caller per key and study, across handles and threads."""
    s1, s2 = make_storage(), make_storage()
    sid = s1.create_study(_unique("claim"), ["minimize"])
    _expect(s1.try_claim(sid, "grid-3"), True, "the first claim of a key")
    _expect(s2.try_claim(sid, "grid-3"), False, "another handle's claim of a claimed key")
    _expect(s1.try_claim(sid, "grid-3"), False, "a second claim of a key")
    other = s1.create_study(_unique("claim2"), ["minimize"])
    _expect(s2.try_claim(other, "grid-3"), True, "a claim of the same key in another study")

    wins: list[int] = []
    handles = [make_storage() for _ in range(4)]

    def contend(s: BaseStorage) -> Callable[[], None]:
        def run() -> None:
            for k in range(20):
                if s.try_claim(sid, f"key-{k}"):
                    wins.append(k)

        return run

    _run_threads([contend(h) for h in handles])
    _expect(sorted(wins), list(range(20)), "the keys won by 4 concurrent claimers (each exactly once)")


def check_a_released_claim_can_be_claimed_again(make_storage: StorageFactory) -> None:
    """``release_claim`` gives a key back (True once), so that another handle's ``try_claim`` of
    it succeeds; other keys and other studies' claims stay."""
    s1, s2 = make_storage(), make_storage()
    sid, other = s1.create_study(_unique("release"), ["minimize"]), s1.create_study(_unique("release"), ["minimize"])
    for key in ("grid:1", "grid:2"):
        _expect(s1.try_claim(sid, key), True, f"the first claim of {key!r}")
    _expect(s1.try_claim(other, "grid:1"), True, "the same key in another study")
    _expect(s1.release_claim(sid, "grid:1"), True, "release_claim of a claimed key")
    _expect(s1.release_claim(sid, "grid:1"), False, "release_claim of a key released already")
    _expect(s2.try_claim(sid, "grid:1"), True, "a claim of the released key from another handle")
    _expect(s2.try_claim(sid, "grid:2"), False, "a claim of a key still held")
    _expect(s2.try_claim(other, "grid:1"), False, "the other study's claim of the key")


def check_a_start_claims_its_key_in_the_same_step(make_storage: StorageFactory) -> None:
    """With ``claims_at_start()`` True: ``start_trial`` claims ``prepared.claim`` exactly when it
    writes the prepared attributes (a new trial; not a queued one it takes instead, nor a start
    the budget refuses), and raises ``ClaimTaken``, starting nothing, for a key another handle
    holds; ``is_claimed`` sees the claim from every handle. Skipped for a storage that claims
    before the start (``claims_at_start()`` False)."""
    from tunewise.exceptions import MaxTrialsReached
    from tunewise.storage._base import ClaimTaken

    s1, s2 = make_storage(), make_storage()
    if not s1.claims_at_start():
        pytest.skip("claims_at_start() is False: ask() claims with try_claim before the start")
    sid = s1.create_study(_unique("claim-start"), ["minimize"])
    t = s1.start_trial(sid, prepared=PreparedStart(None, {"grid_id": 0}, {}, "grid:0"))
    _expect(t.system_attrs, {"grid_id": 0}, "the prepared attributes of the start that claimed grid:0")
    _expect(s2.is_claimed(sid, "grid:0"), True, "is_claimed of the key a start claimed, from another handle")
    _expect(s2.try_claim(sid, "grid:0"), False, "try_claim of the key a start claimed")
    try:
        s2.start_trial(sid, prepared=PreparedStart(None, {"grid_id": 0}, {}, "grid:0"))
    except ClaimTaken:
        pass
    else:
        raise AssertionError("start_trial with a claimed key did not raise ClaimTaken")
    _expect(len(s1.get_trials(sid)), 1, "trials after a start refused for its claim")
    s1.enqueue_trial(sid, {"x": 1.0})
    taken = s2.start_trial(sid, prepared=PreparedStart(None, {"grid_id": 1}, {}, "grid:1"))
    _expect("grid_id" in taken.system_attrs, False, "a queued trial taken instead got the prepared attributes")
    _expect(s1.is_claimed(sid, "grid:1"), False, "a key claimed with a start that took a queued trial")
    try:
        s2.start_trial(sid, max_started=2, prepared=PreparedStart(None, {"grid_id": 2}, {}, "grid:2"))
    except MaxTrialsReached:
        pass
    else:
        raise AssertionError("start_trial past max_started did not raise MaxTrialsReached")
    _expect(s1.is_claimed(sid, "grid:2"), False, "a key claimed with a start the budget refused")


def check_a_claim_for_a_running_trial_is_written_with_its_attrs(make_storage: StorageFactory) -> None:
    """``claim_for_trial`` claims a key for a RUNNING trial and sets the attributes given on it (the
    other stored ones kept): True; for a key held already, False and nothing written; for a
    finished trial, ``UpdateFinishedTrialError`` and nothing claimed. Skipped for a storage that
    keeps the default (it claims only; the loop writes the attributes after it)."""
    s1, s2 = make_storage(), make_storage()
    if type(s1).claim_for_trial is BaseStorage.claim_for_trial:
        pytest.skip("claim_for_trial is the default: it claims only, and the attributes are written after it")
    sid = s1.create_study(_unique("claim-for-trial"), ["minimize"])
    a, b = s1.start_trial(sid), s1.start_trial(sid)
    s1.update_trial(a.trial_id, system_attrs={"kept": 1})
    _expect(s1.claim_for_trial(sid, a.trial_id, "grid:0", {"grid_id": 0, "proposal": {"x": 0.0}}), True,
            "claim_for_trial of a free key")
    _expect(s2.get_trial(a.trial_id).system_attrs, {"kept": 1, "grid_id": 0, "proposal": {"x": 0.0}},
            "the attributes of the trial claim_for_trial wrote, from another handle")
    _expect(s2.try_claim(sid, "grid:0"), False, "try_claim of a key claim_for_trial took")
    _expect(s2.claim_for_trial(sid, b.trial_id, "grid:0", {"grid_id": 0}), False, "claim_for_trial of a held key")
    _expect(s1.get_trial(b.trial_id).system_attrs, {}, "the attributes of a trial whose claim was refused")
    s1.finish_trial(b.trial_id, TrialState.FAIL, None)
    try:
        s2.claim_for_trial(sid, b.trial_id, "grid:1", {"grid_id": 1})
    except UpdateFinishedTrialError:
        pass
    else:
        raise AssertionError("claim_for_trial of a finished trial did not raise UpdateFinishedTrialError")
    _expect(s1.try_claim(sid, "grid:1"), True, "try_claim of the key a claim for a finished trial did not take")


def check_start_retry_of_starts_only_that_waiting_retry(make_storage: StorageFactory) -> None:
    """``start_retry_of(study_id, number)`` starts the WAITING retry of trial ``number`` (RUNNING)
    once, and None after that, for a trial without one, or once a worker started it. Skipped for
    a storage without it (its default returns None: late results are then rerun)."""
    s1, s2 = make_storage(), make_storage()
    sid = s1.create_study(_unique("retry-of"), ["minimize"])
    first, second = s1.start_trial(sid), s1.start_trial(sid)
    time.sleep(0.05)
    ended = s1.recover_stale_trials(sid, 0.01, lambda t: StaleOutcome(retry=({"x": 0.5}, {"retried_from": t.number})))
    retries = {t.number: r for t, r in ended if r is not None}
    _expect(sorted(retries), [first.number, second.number], "the trials recovered with a retry")
    started = s2.start_retry_of(sid, second.number)
    if started is None and type(s2).start_retry_of is BaseStorage.start_retry_of:
        pytest.skip("start_retry_of is the default (None): a late result's retry reruns")
    assert started is not None, "start_retry_of of a WAITING retry returned None"
    _expect((started.number, started.state), (retries[second.number].number, TrialState.RUNNING),
            "the retry start_retry_of started")
    _expect(s1.start_retry_of(sid, second.number), None, "start_retry_of of a retry started already")
    _expect(s1.start_retry_of(sid, 10_000), None, "start_retry_of of a trial without a retry")
    _expect(s2.start_trial(sid).number, retries[first.number].number, "the other retry, started by a worker")
    _expect(s1.start_retry_of(sid, first.number), None, "start_retry_of of a retry a worker started")


def check_claim_and_enqueue_exactly_once(make_storage: StorageFactory) -> None:
    """``claim_and_enqueue`` enqueues its trials (in order, WAITING, with their attrs) only with a
    claim it takes: None and nothing enqueued for a key claimed already; of concurrent claimers of
    one key exactly one enqueues."""
    s1, s2 = make_storage(), make_storage()
    sid = s1.create_study(_unique("claim-enqueue"), ["minimize"])
    got = s1.claim_and_enqueue(sid, "gen:0", [({"x": 0.1}, {"continues": 0}), ({"x": 0.2}, {"continues": 1})])
    assert got is not None, "claim_and_enqueue of a new key returned None"
    _expect([(t.state, t.system_attrs["fixed_params"], t.system_attrs["continues"]) for t in got],
            [(TrialState.WAITING, {"x": 0.1}, 0), (TrialState.WAITING, {"x": 0.2}, 1)], "the trials enqueued")
    _expect(s2.claim_and_enqueue(sid, "gen:0", [({"x": 0.3}, {})]), None, "claim_and_enqueue of a claimed key")
    _expect(s2.try_claim(sid, "gen:0"), False, "try_claim of a key claim_and_enqueue took")
    s1.try_claim(sid, "gen:1")
    _expect(s2.claim_and_enqueue(sid, "gen:1", [({"x": 0.4}, {})]), None, "claim_and_enqueue of a key try_claim took")
    _expect([t.system_attrs["fixed_params"] for t in s2.get_trials(sid)], [{"x": 0.1}, {"x": 0.2}],
            "every trial of the study")
    started = s2.start_trial(sid)
    _expect(started.number, got[0].number, "the first trial claim_and_enqueue queued, started")

    handles = [make_storage() for _ in range(4)]

    def contend(s: BaseStorage, i: int) -> Callable[[], None]:
        def run() -> None:
            for k in range(10):
                s.claim_and_enqueue(sid, f"key-{k}", [({"k": k, "by": i}, {}), ({"k": k, "by": i}, {})])

        return run

    _run_threads([contend(h, i) for i, h in enumerate(handles)])
    queued = [t.system_attrs["fixed_params"] for t in s1.get_trials(sid) if "k" in t.system_attrs["fixed_params"]]
    _expect(sorted(q["k"] for q in queued), sorted(list(range(10)) * 2),
            "the trials 4 concurrent claimers of 10 keys enqueued (2 per key, each key once)")
    _expect(all(len({q["by"] for q in queued if q["k"] == k}) == 1 for k in range(10)), True,
            "each key's trials enqueued by one claimer")


def check_concurrent_start_trial_threads(make_storage: StorageFactory) -> None:
    """Workers starting trials at once (threads, each with its own handle) get unique, dense
    numbers; every WAITING trial runs exactly once."""
    s0 = make_storage()
    sid = s0.create_study(_unique("threads"), ["minimize"])
    for i in range(10):
        s0.enqueue_trial(sid, {"i": i})
    got: list[tuple[int, int]] = []
    lock = threading.Lock()

    def worker() -> None:
        s = make_storage()
        for _ in range(10):
            t = s.start_trial(sid)
            s.finish_trial(t.trial_id, TrialState.COMPLETE, [float(t.number)])
            with lock:
                got.append((t.number, t.trial_id))

    _run_threads([worker] * 3)
    _expect(sorted(n for n, _ in got), list(range(30)), "the numbers 3 concurrent workers started")
    enqueued = [t for t in s0.get_trials(sid) if "fixed_params" in t.system_attrs]
    _expect(sorted(t.system_attrs["fixed_params"]["i"] for t in enqueued), list(range(10)),
            "the enqueued trials that ran")
    unfinished = [t.number for t in s0.get_trials(sid) if t.state != TrialState.COMPLETE]
    _expect(unfinished, [], "trials left unfinished")


# ---- liveness ------------------------------------------------------------------------------------
def check_heartbeats_and_stale_trials(make_storage: StorageFactory) -> None:
    """A heartbeat keeps a trial alive; a stale one is failed exactly once, keeping its params."""
    s1, s2 = make_storage(), make_storage()
    sid = s1.create_study(_unique("hb"), ["minimize"])
    alive, dead = s1.start_trial(sid), s1.start_trial(sid)
    s1.update_trial(dead.trial_id, params={"x": 0.3})
    done = s1.start_trial(sid)
    _finish(s1, done, 1.0)
    _expect(s2.fail_stale_trials(sid, grace_seconds=3600), [], "stale trials with a grace period of an hour")
    time.sleep(0.3)
    s1.record_heartbeat(alive.trial_id)
    stale = s2.fail_stale_trials(sid, grace_seconds=0.2)
    _expect([t.trial_id for t in stale], [dead.trial_id], "the ids of the trials failed as stale")
    _expect((stale[0].state, stale[0].params), (TrialState.FAILED, {"x": 0.3}), "a trial failed as stale")
    assert stale[0].system_attrs["fail_reason"].startswith("stale: "), stale[0].system_attrs
    stored = s1.get_trial(dead.trial_id)
    _expect(stored.state, TrialState.FAILED, "the stored state of a stale trial")
    assert stored.system_attrs["fail_reason"].startswith("stale: "), stored.system_attrs
    _expect(s1.get_trial(alive.trial_id).state, TrialState.RUNNING, "a trial with a fresh heartbeat")
    _expect(s1.get_trial(done.trial_id).state, TrialState.COMPLETE, "a finished trial after the sweep")
    # Exactly once: a second sweep finds nothing to fail.
    _expect(s1.fail_stale_trials(sid, grace_seconds=0.2), [], "a second sweep for stale trials")


def check_stale_trials_recovered_with_their_retry(make_storage: StorageFactory) -> None:
    """``recover_stale_trials`` ends each stale trial in the state its outcome gives (FAILED or
    PRUNED), with ``fail_reason``, and enqueues the retry the outcome asks for; exactly once."""
    s1, s2 = make_storage(), make_storage()
    sid = s1.create_study(_unique("recover"), ["minimize"])
    retried, paused, alive = s1.start_trial(sid), s1.start_trial(sid), s1.start_trial(sid)
    s1.update_trial(retried.trial_id, params={"x": 0.3})
    s1.update_trial(paused.trial_id, system_attrs={"paused": True})
    time.sleep(0.3)
    s1.record_heartbeat(alive.trial_id)

    def outcome(t: FrozenTrial) -> StaleOutcome:  # may run in another process (a worker's storage)
        if t.state != TrialState.FAILED or not t.system_attrs.get("fail_reason", "").startswith("stale: "):
            raise AssertionError(f"recover_stale_trials asked outcome() about trial {t.number} in state "
                                 f"{t.state}, system_attrs {t.system_attrs}: expected FAILED with a fail_reason")
        if t.system_attrs.get("paused"):
            return StaleOutcome(TrialState.PRUNED)
        return StaleOutcome(retry=(dict(t.params), {"retried_from": t.number}))

    ended = s2.recover_stale_trials(sid, 0.2, outcome)
    by = {t.number: (t, r) for t, r in ended}
    _expect(sorted(by), sorted([retried.number, paused.number]), "the trials recover_stale_trials ended")
    t, r = by[retried.number]
    _expect(t.state, TrialState.FAILED, "a stale trial with a retry")
    assert r is not None, "recover_stale_trials returned no retry for a trial whose outcome asked for one"
    _expect((r.state, r.system_attrs["fixed_params"], r.system_attrs["retried_from"]),
            (TrialState.WAITING, {"x": 0.3}, retried.number), "the retry")
    _expect((by[paused.number][0].state, by[paused.number][1]), (TrialState.PRUNED, None), "a trial ended PRUNED")
    stored = {t.number: t for t in s1.get_trials(sid)}
    _expect([stored[n].state for n in (retried.number, paused.number, alive.number, r.number)],
            [TrialState.FAILED, TrialState.PRUNED, TrialState.RUNNING, TrialState.WAITING], "the stored states")
    assert stored[paused.number].system_attrs["fail_reason"].startswith("stale: "), stored[paused.number].system_attrs
    _expect(s1.recover_stale_trials(sid, 0.2, outcome), [], "a second recovery")
    _expect(s1.has_waiting_retry(sid), True, "has_waiting_retry with the retry queued")
    _expect(s1.start_trial(sid).number, r.number, "the start after the recovery (the retry)")
    s1.enqueue_trial(sid, {"x": 0.9})  # a queued trial that is no retry
    _expect(s2.has_waiting_retry(sid), False, "has_waiting_retry once the retry started")


def check_trials_the_caller_runs_are_not_recovered(make_storage: StorageFactory) -> None:
    """``recover_stale_trials(..., alive=ids)`` ends none of the trials the calling process runs
    (its heartbeat thread was starved, not dead), beats for them instead, and still ends the
    other stale ones; a later call without them ends them only once they are stale again."""
    s1, s2 = make_storage(), make_storage()
    sid = s1.create_study(_unique("alive"), ["minimize"])
    mine, dead = s1.start_trial(sid), s1.start_trial(sid)
    time.sleep(0.3)
    ended = s1.recover_stale_trials(sid, 0.2, lambda t: StaleOutcome(), alive={mine.trial_id})
    _expect([t.number for t, _ in ended], [dead.number], "the trials ended with the caller's own spared")
    _expect(s2.get_trial(mine.trial_id).state, TrialState.RUNNING, "a stale trial the caller runs")
    # It got a heartbeat in that step: another process finds it fresh, not stale.
    _expect(s2.recover_stale_trials(sid, 0.2, lambda t: StaleOutcome()), [], "a recovery right after")
    time.sleep(0.3)
    ended = s2.recover_stale_trials(sid, 0.2, lambda t: StaleOutcome())
    _expect([t.number for t, _ in ended], [mine.number], "another process's recovery once it is stale again")


def check_a_dead_trial_recovered_with_its_retry(make_storage: StorageFactory) -> None:
    """``recover_trial`` ends one RUNNING trial (its worker died or was stopped) as its outcome
    says, with ``fail_reason``, the given params added to the stored ones (a stored value stays)
    and the given reports merged, and enqueues the retry the outcome asks for; a trial that is
    not RUNNING any more is left alone (None)."""
    s1, s2 = make_storage(), make_storage()
    sid = s1.create_study(_unique("recover-one"), ["minimize"])
    dead, paused, done = s1.start_trial(sid), s1.start_trial(sid), s1.start_trial(sid)
    s1.update_trial(dead.trial_id, params={"x": 0.3}, intermediate_values={0: 1.0})
    s1.update_trial(paused.trial_id, system_attrs={"paused": True})
    _finish(s1, done, 0.5)

    def outcome(t: FrozenTrial) -> StaleOutcome:  # may run in another process (a worker's storage)
        if t.state != TrialState.FAILED or t.system_attrs.get("fail_reason") != "worker died: signal 9":
            raise AssertionError(f"recover_trial asked outcome() about trial {t.number} in state {t.state}, "
                                 f"system_attrs {t.system_attrs}: expected FAILED with the fail_reason given")
        if t.system_attrs.get("paused"):
            return StaleOutcome(TrialState.PRUNED)
        return StaleOutcome(retry=(dict(t.params), {"retried_from": t.number}))

    ended = s2.recover_trial(sid, dead.trial_id, "worker died: signal 9", outcome, params={"x": 0.9, "y": 2},
                             intermediate_values={1: 0.5})
    assert ended is not None, "recover_trial of a RUNNING trial returned None"
    t, r = ended
    _expect((t.state, t.params, t.intermediate_values), (TrialState.FAILED, {"x": 0.3, "y": 2}, {0: 1.0, 1: 0.5}),
            "the trial recover_trial ended (given params under the stored ones, reports merged)")
    assert r is not None, "recover_trial returned no retry for a trial whose outcome asked for one"
    _expect((r.state, r.system_attrs["fixed_params"], r.system_attrs["retried_from"]),
            (TrialState.WAITING, {"x": 0.3, "y": 2}, dead.number), "the retry")
    stored = s1.get_trial(dead.trial_id)
    _expect((stored.state, stored.params, stored.intermediate_values, stored.system_attrs["fail_reason"]),
            (TrialState.FAILED, {"x": 0.3, "y": 2}, {0: 1.0, 1: 0.5}, "worker died: signal 9"), "the stored trial")
    _expect(s2.recover_trial(sid, dead.trial_id, "worker died: signal 9", outcome), None, "a second recover_trial")
    _expect(s2.recover_trial(sid, done.trial_id, "worker died: signal 9", outcome), None,
            "recover_trial of a COMPLETE trial")
    _expect(s1.get_trial(done.trial_id).values, [0.5], "a COMPLETE trial after recover_trial")
    pruned = s2.recover_trial(sid, paused.trial_id, "worker died: signal 9", outcome,
                              system_attrs={"paused": True, "note": 1})
    assert pruned is not None, "recover_trial of a RUNNING trial returned None"
    _expect((pruned[0].state, pruned[1]), (TrialState.PRUNED, None), "a trial ended PRUNED")
    _expect(s1.get_trial(paused.trial_id).system_attrs, {"paused": True, "note": 1,
                                                         "fail_reason": "worker died: signal 9"},
            "the system attrs given, with the fail_reason")
    _expect([t.state for t in s1.get_trials(sid)],
            [TrialState.FAILED, TrialState.PRUNED, TrialState.COMPLETE, TrialState.WAITING], "the stored states")


def check_reports_of_two_handles_are_merged(make_storage: StorageFactory) -> None:
    """Reports written to one running trial by two handles (two processes reporting to it) are
    all kept: each write merges its steps into the stored ones, a stored step keeps its value,
    and a finish merges too."""
    s1, s2 = make_storage(), make_storage()
    sid = s1.create_study(_unique("reports"), ["minimize"])
    t = s1.start_trial(sid)
    s1.update_trial(t.trial_id, intermediate_values={0: 1.0})
    s2.update_trial(t.trial_id, intermediate_values={1: 0.9})  # knows nothing of step 0
    s1.update_trial(t.trial_id, intermediate_values={0: 1.0, 2: math.nan})
    s2.update_trial(t.trial_id, intermediate_values={1: 0.9, 3: 0.7, 0: 5.0}, user_attrs={"u": 1})
    got = s1.get_trial(t.trial_id)
    _expect(sorted(got.intermediate_values), [0, 1, 2, 3], "the steps reported through two handles")
    _expect((got.intermediate_values[0], got.intermediate_values[3], got.user_attrs), (1.0, 0.7, {"u": 1}),
            "a stored step keeps its first value")
    assert math.isnan(got.intermediate_values[2]), f"a NaN report came back as {got.intermediate_values[2]!r}"
    _expect(s1.finish_trial(t.trial_id, TrialState.PRUNED, [1.0], intermediate_values={0: 1.0, 2: math.nan, 4: 0.5}),
            True, "a finish with the first handle's reports")
    done = s2.get_trial(t.trial_id)
    _expect((done.state, sorted(done.intermediate_values)), (TrialState.PRUNED, [0, 1, 2, 3, 4]),
            "the reports of a trial finished by one handle")


def check_attributes_of_two_handles_are_merged(make_storage: StorageFactory) -> None:
    """Attributes set on one running trial through two handles (two processes holding it) are all
    kept: a write stores the keys its live trial set or removed since its last write
    (``LiveAttrs``), or every key of a plain dict, merged per key into the stored ones; a
    finish merges too."""
    from tunewise.trial import LiveAttrs

    s1, s2 = make_storage(), make_storage()
    sid = s1.create_study(_unique("attrs"), ["minimize"])
    t = s1.start_trial(sid)
    a_user, a_sys = LiveAttrs(), LiveAttrs()  # what each process's live trial holds
    b_user, b_sys = LiveAttrs(), LiveAttrs()
    for attrs, key, value in ((a_user, "a", 1), (a_sys, "mark", {"x": 1}), (a_sys, "nan", math.nan)):
        attrs[key] = value
    s1.update_trial(t.trial_id, user_attrs=a_user, system_attrs=a_sys)
    a_user.written()
    a_sys.written()
    b_user["b"] = 2
    b_sys["b_sys"] = [1, 2]
    s2.update_trial(t.trial_id, user_attrs=b_user, system_attrs=b_sys)  # knows nothing of a's keys
    b_user.written()
    b_sys.written()
    a_user["a"] = 3
    del a_sys["mark"]
    s1.update_trial(t.trial_id, user_attrs=a_user, system_attrs=a_sys)
    a_user.written()
    a_sys.written()
    s2.update_trial(t.trial_id, user_attrs={"plain": True})  # a plain dict sets its keys, keeps the others
    got = s2.get_trial(t.trial_id)
    _expect((got.user_attrs, {k: v for k, v in got.system_attrs.items() if k != "nan"}),
            ({"a": 3, "b": 2, "plain": True}, {"b_sys": [1, 2]}), "the attributes set through two handles")
    assert math.isnan(got.system_attrs["nan"]), f"a NaN attribute came back as {got.system_attrs.get('nan')!r}"
    b_user["b"] = 4
    _expect(s2.finish_trial(t.trial_id, TrialState.COMPLETE, [1.0], user_attrs=b_user, system_attrs=b_sys),
            True, "a finish from the second handle")
    done = s1.get_trial(t.trial_id)
    _expect((done.state, done.user_attrs), (TrialState.COMPLETE, {"a": 3, "b": 4, "plain": True}),
            "the attributes of a trial finished by the other handle")


#: The methods of :class:`~tunewise.storage.BaseStorage` whose default is atomic only within one
#: process (one step of theirs is two writes, or a read and a write), with what is lost otherwise.
NON_ATOMIC_DEFAULTS = {
    "set_study_attr_item": "two processes setting items of one study attribute at once: one item is lost",
    "claim_and_enqueue": "a process killed between the claim and the enqueue: the claimed continuations are lost",
    "recover_stale_trials": "a process killed between failing a stale trial and enqueueing its retry: the retry "
                            "is lost (and a PRUNED outcome is stored FAILED)",
    "claim_for_trial": "a process killed between a running trial's claim and the trial's next write: the claimed "
                       "work (a grid point) is recorded by no trial and never runs",
}


def non_atomic_defaults(storage: Any) -> dict[str, str]:
    """The defaults of :class:`~tunewise.storage.BaseStorage` that ``storage`` (an instance or a
    class) still inherits although they are atomic only within one process, each with what a
    storage shared by several processes loses with it (:data:`NON_ATOMIC_DEFAULTS`). A storage
    that several processes share overrides each of them with one atomic step (a transaction, a
    lock), as tunewise's SQL storages do; and its ``update_trial`` / ``finish_trial`` /
    ``recover_trial`` merge reports and attributes in one atomic step
    (:func:`check_reports_of_two_handles_are_merged`,
    :func:`check_attributes_of_two_handles_are_merged`).

    ``recover_trial``'s default is not listed: it is safe against a kill without a transaction
    (it queues the retry first and finds it again), at the cost of reading the study's trials.

    >>> from tunewise.storage import InMemoryStorage
    >>> non_atomic_defaults(InMemoryStorage)
    {}
    """
    from tunewise.storage import BaseStorage

    cls = storage if isinstance(storage, type) else type(storage)
    return {name: lost for name, lost in NON_ATOMIC_DEFAULTS.items()
            if getattr(cls, name, None) is getattr(BaseStorage, name)}


def check_a_shared_storage_overrides_the_non_atomic_defaults(make_storage: StorageFactory) -> None:
    """A storage several processes share (``is_persistent``) inherits none of
    :func:`non_atomic_defaults`."""
    storage = make_storage()
    if not storage.is_persistent:
        return
    missing = non_atomic_defaults(storage)
    assert not missing, (
        f"{type(storage).__name__} is shared by several processes (is_persistent) but inherits BaseStorage's "
        f"defaults that are atomic only within one process; override each with one atomic step: "
        + "; ".join(f"{name} ({lost})" for name, lost in missing.items()))


def check_a_detached_trial_is_never_stale(make_storage: StorageFactory) -> None:
    """A detached trial (``detach_trial``: its process let go of it) has no heartbeat, is never
    failed as stale, even after a live write or a heartbeat from a late thread, and still
    finishes; other trials are watched as before."""
    s1, s2 = make_storage(), make_storage()
    sid = s1.create_study(_unique("detach"), ["minimize"])
    detached, watched = s1.start_trial(sid), s1.start_trial(sid)
    s1.update_trial(detached.trial_id, params={"x": 0.5})
    _expect(s1.detach_trial(detached.trial_id), True, "detach_trial of a RUNNING trial")
    _expect(s2.get_trial(detached.trial_id).heartbeat_ts, None, "the heartbeat of a detached trial")
    _expect([t.heartbeat_ts for t in s2.get_trials(sid, (TrialState.RUNNING,)) if t.trial_id == detached.trial_id],
            [None], "the heartbeat of a detached trial read with get_trials (another handle's cache)")
    s1.update_trial(detached.trial_id, user_attrs={"note": "written after detaching"})  # e.g. a late beat
    s1.record_heartbeat(detached.trial_id)
    _expect(s2.get_trial(detached.trial_id).heartbeat_ts, None, "the heartbeat of a detached trial after a write")
    time.sleep(0.3)
    stale = s2.fail_stale_trials(sid, grace_seconds=0.2)
    _expect([t.trial_id for t in stale], [watched.trial_id], "the trials failed as stale (the detached one is not)")
    kept = s2.get_trial(detached.trial_id)
    _expect((kept.state, kept.params, kept.user_attrs), (TrialState.RUNNING, {"x": 0.5}, {"note": "written after "
            "detaching"}), "a detached trial after a sweep for stale trials")
    _expect(_finish(s2, kept, 0.25), True, "finishing a detached trial from another handle")
    _expect(s1.get_trial(detached.trial_id).values, [0.25], "the values of a finished detached trial")
    _expect(s1.detach_trial(detached.trial_id), False, "detach_trial of a finished trial")
    _expect(s1.detach_trial(watched.trial_id), False, "detach_trial of a trial failed as stale")
    with pytest.raises(KeyError):
        s1.detach_trial(10**9)


# ---- the suite as a test class ---------------------------------------------------------------------
class StorageTests:
    """Every check above as a pytest test. Subclass it as ``Test...`` and override ``make_storage``.

    ``make_storage``: a fixture returning a factory of handles on one storage (see the module
    docstring); it may use other fixtures (``tmp_path``, a server). ``shares_finished_trials``:
    False for a storage whose every read returns new objects (e.g. one reached over a socket
    without a cache of its own); the check that finished trials are shared is skipped then.
    """

    shares_finished_trials = True

    @pytest.fixture
    def make_storage(self) -> Iterator[StorageFactory]:
        raise NotImplementedError("override the make_storage fixture: it returns a factory of handles on the "
                                  "storage to check")

    def test_create_get_delete_study(self, make_storage: StorageFactory) -> None:
        check_create_get_delete_study(make_storage)

    def test_duplicate_study_name_is_rejected(self, make_storage: StorageFactory) -> None:
        check_duplicate_study_name_is_rejected(make_storage)

    def test_missing_study(self, make_storage: StorageFactory) -> None:
        check_missing_study(make_storage)

    def test_delete_study_removes_its_trials_and_frees_the_name(self, make_storage: StorageFactory) -> None:
        check_delete_study_removes_its_trials_and_frees_the_name(make_storage)

    def test_study_summaries(self, make_storage: StorageFactory) -> None:
        check_study_summaries(make_storage)

    def test_a_start_claims_its_key_in_the_same_step(self, make_storage: StorageFactory) -> None:
        check_a_start_claims_its_key_in_the_same_step(make_storage)

    def test_a_claim_for_a_running_trial_is_written_with_its_attrs(self, make_storage: StorageFactory) -> None:
        check_a_claim_for_a_running_trial_is_written_with_its_attrs(make_storage)

    def test_start_retry_of_starts_only_that_waiting_retry(self, make_storage: StorageFactory) -> None:
        check_start_retry_of_starts_only_that_waiting_retry(make_storage)

    def test_study_attrs_are_json(self, make_storage: StorageFactory) -> None:
        check_study_attrs_are_json(make_storage)

    def test_study_attr_items(self, make_storage: StorageFactory) -> None:
        check_study_attr_items(make_storage)

    def test_study_attr_items_are_atomic(self, make_storage: StorageFactory) -> None:
        check_study_attr_items_are_atomic(make_storage)

    def test_distributions_first_one_wins(self, make_storage: StorageFactory) -> None:
        check_distributions_first_one_wins(make_storage)

    def test_numbers_are_dense_and_trials_ordered(self, make_storage: StorageFactory) -> None:
        check_numbers_are_dense_and_trials_ordered(make_storage)

    def test_enqueued_trials_are_claimed_oldest_first(self, make_storage: StorageFactory) -> None:
        check_enqueued_trials_are_claimed_oldest_first(make_storage)

    def test_prepared_attributes_are_written_with_the_start(self, make_storage: StorageFactory) -> None:
        check_prepared_attributes_are_written_with_the_start(make_storage)

    def test_update_replaces_whole_fields_and_none_keeps(self, make_storage: StorageFactory) -> None:
        check_update_replaces_whole_fields_and_none_keeps(make_storage)

    def test_finish_is_atomic_and_final(self, make_storage: StorageFactory) -> None:
        check_finish_is_atomic_and_final(make_storage)

    def test_every_finish_is_final_and_a_late_result_is_kept_apart(self, make_storage: StorageFactory) -> None:
        check_every_finish_is_final_and_a_late_result_is_kept_apart(make_storage)

    def test_multi_objective_values(self, make_storage: StorageFactory) -> None:
        check_multi_objective_values(make_storage)

    def test_state_filters(self, make_storage: StorageFactory) -> None:
        check_state_filters(make_storage)

    def test_params_must_be_json(self, make_storage: StorageFactory) -> None:
        check_params_must_be_json(make_storage)

    def test_unknown_trial(self, make_storage: StorageFactory) -> None:
        check_unknown_trial(make_storage)

    def test_finished_trials_are_shared_not_copied(self, make_storage: StorageFactory) -> None:
        if not self.shares_finished_trials:
            pytest.skip("shares_finished_trials = False: every read returns new objects")
        check_finished_trials_are_shared_not_copied(make_storage)

    def test_other_handles_see_changes(self, make_storage: StorageFactory) -> None:
        check_other_handles_see_changes(make_storage)

    def test_try_claim_exactly_once(self, make_storage: StorageFactory) -> None:
        check_try_claim_exactly_once(make_storage)

    def test_claim_and_enqueue_exactly_once(self, make_storage: StorageFactory) -> None:
        check_claim_and_enqueue_exactly_once(make_storage)

    def test_stale_trials_recovered_with_their_retry(self, make_storage: StorageFactory) -> None:
        check_stale_trials_recovered_with_their_retry(make_storage)

    def test_a_released_claim_can_be_claimed_again(self, make_storage: StorageFactory) -> None:
        check_a_released_claim_can_be_claimed_again(make_storage)

    def test_trials_the_caller_runs_are_not_recovered(self, make_storage: StorageFactory) -> None:
        check_trials_the_caller_runs_are_not_recovered(make_storage)

    def test_a_dead_trial_recovered_with_its_retry(self, make_storage: StorageFactory) -> None:
        check_a_dead_trial_recovered_with_its_retry(make_storage)

    def test_reports_of_two_handles_are_merged(self, make_storage: StorageFactory) -> None:
        check_reports_of_two_handles_are_merged(make_storage)

    def test_attributes_of_two_handles_are_merged(self, make_storage: StorageFactory) -> None:
        check_attributes_of_two_handles_are_merged(make_storage)

    def test_a_shared_storage_overrides_the_non_atomic_defaults(self, make_storage: StorageFactory) -> None:
        check_a_shared_storage_overrides_the_non_atomic_defaults(make_storage)

    def test_concurrent_start_trial_threads(self, make_storage: StorageFactory) -> None:
        check_concurrent_start_trial_threads(make_storage)

    def test_heartbeats_and_stale_trials(self, make_storage: StorageFactory) -> None:
        check_heartbeats_and_stale_trials(make_storage)

    def test_a_detached_trial_is_never_stale(self, make_storage: StorageFactory) -> None:
        check_a_detached_trial_is_never_stale(make_storage)
