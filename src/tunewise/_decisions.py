"""The loop's side of scheduling: ask the study's scheduler for a decision, and carry it out.

Schedulers (``tunewise/schedulers/``) only decide: ``on_report`` reads a read-only
:class:`~tunewise.schedulers.SchedulerContext` and returns a
:class:`~tunewise.schedulers.Decision`. Everything a decision asks to be written is written
here, in one place:

1. the system attrs it records on the trial (at once when it is ``publish``-ed, so that other
   workers' decisions see it; else with the trial's next write);
2. with ``suggest``, the scheduler's :meth:`~tunewise.schedulers.Scheduler.suggest` is asked
   *after* that write, and each :class:`~tunewise.schedulers.Continuation` it returns is
   claimed (``storage.try_claim``: exactly one worker carries it out), handed the checkpoint it
   starts from (``_checkpoint.handoff``) and enqueued as a WAITING trial that ``continues`` the
   paused one;
3. a WAIT decision is asked again until it turns into another, or times out into ``then``.

``trial.should_prune()`` answers True for STOP and PAUSE. A report on a study without a
scheduler never comes here.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
import time
import weakref
from typing import TYPE_CHECKING, Any

from tunewise._continuation import CONTINUES_ATTR
from tunewise._study_view import StudyReader
from tunewise.schedulers import _checkpoint
from tunewise.schedulers._base import Scheduler, _interface
from tunewise.schedulers._context import SchedulerContext
from tunewise.schedulers._decision import Action, Continuation, Decision
from tunewise.storage import _heartbeat
from tunewise.testing.faults import crash_point
from tunewise.trial import TrialState

if TYPE_CHECKING:

    from tunewise.storage import BaseStorage
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial, Trial

__all__ = ["QUEUED_ONLY", "act", "admit_asked_trial", "budget", "checkpoint_root", "context", "hold_new_trial",
           "load_checkpoint", "resume_suggestions", "save_checkpoint", "should_prune"]

#: The claim of a start admitted for a queued trial (see :func:`_admitted`). The key is claimed
#: once in the study, before any start carries it, and never given back: by the contract of
#: ``PreparedStart.claim`` a start claims its key only when it creates a new trial, so a start
#: carrying this key takes a queued (WAITING) trial or raises ``ClaimTaken`` and starts nothing.
QUEUED_ONLY = "start:queued"


class _StudyLoop:
    """What the loop keeps per study and process between decisions."""

    __slots__ = ("checkpoint_root", "claimed", "ids", "scratch", "storage", "study_id")

    def __init__(self, study: Study) -> None:
        self.storage: BaseStorage = study.storage
        self.study_id = self.storage.get_study_id(study.study_name)
        self.scratch: dict[int, tuple[object, dict[str, Any]]] = {}  # id(owner) -> (owner kept alive, dict)
        self.claimed: set[str] = set()  # claim keys this process has asked the storage for: never twice
        self.ids: dict[int, int] = {}  # trial number -> trial id
        self.checkpoint_root: str | None = None  # see checkpoint_root()

    def trial_id(self, study: Study, number: int) -> int:
        tid = self.ids.get(number)
        if tid is None:  # learn every trial's id at once: continuations mostly resume older trials
            self.ids.update((t.number, t.trial_id) for t in study.get_trials())
            tid = self.ids.get(number)
            if tid is None:
                raise ValueError(f"a continuation names trial {number}, but study {study.study_name!r} has no "
                                 f"such trial")
        return tid


_LOOPS: weakref.WeakKeyDictionary[Study, _StudyLoop] = weakref.WeakKeyDictionary()
_LOOPS_LOCK = threading.Lock()
_LAST: tuple[weakref.ref[Study], _StudyLoop] | None = None  # the study decided for last: one report after another


def _loop_of(study: Study) -> _StudyLoop:
    global _LAST
    last = _LAST
    if last is not None and last[0]() is study:
        return last[1]
    with _LOOPS_LOCK:
        loop = _LOOPS.get(study)
        if loop is None:
            loop = _LOOPS[study] = _StudyLoop(study)
    _LAST = (weakref.ref(study), loop)
    return loop


# ---- checkpoints: where a study keeps them (the files themselves: schedulers/_checkpoint.py) ----
_ROOT_ATTR = "checkpoint_dir"  # study system attr: the directory every process of the study uses


def checkpoint_root(study: Study) -> str:
    """The directory holding ``study``'s checkpoints (created on first use): under the scheduler's
    ``checkpoint_dir`` if it has one, else the study's recorded one, else next to an SQLite file
    (``study.db`` -> ``study.db.checkpoints/``), else a temporary directory recorded in the study
    so that every worker process uses the same one."""
    loop = _loop_of(study)
    root = loop.checkpoint_root
    if root is not None:
        return root
    base = getattr(study.scheduler, "checkpoint_dir", None)
    if base is None:
        base = study.system_attrs.get(_ROOT_ATTR)
    if base is None:
        url = study.storage.url
        if url and url.startswith("sqlite:///"):
            base = url[len("sqlite:///"):] + ".checkpoints"
    if base is None:
        base = _shared_temp_root(study, loop)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", study.study_name)
    root = os.path.join(os.path.abspath(str(base)), f"{safe}-{loop.study_id}")
    os.makedirs(root, exist_ok=True)
    loop.checkpoint_root = root
    return root


def _shared_temp_root(study: Study, loop: _StudyLoop) -> str:
    # In-memory storage served to worker processes: one process creates the directory and
    # records it in the study; the others wait for the record.
    if loop.storage.try_claim(loop.study_id, _ROOT_ATTR):
        path = tempfile.mkdtemp(prefix="tunewise-checkpoints-")
        study.set_system_attr(_ROOT_ATTR, path)
        return path
    for _ in range(400):
        recorded = study.system_attrs.get(_ROOT_ATTR)
        if recorded is not None:
            return str(recorded)
        time.sleep(0.025)
    raise RuntimeError("no checkpoint directory was recorded for this study; pass checkpoint_dir= to the scheduler")


def save_checkpoint(trial: Trial, obj: Any, step: int | None) -> str:
    """:meth:`Trial.save_checkpoint`: ``obj`` at ``step`` (default: the trial's last reported step),
    keeping the scheduler's ``keep_checkpoints`` newest (default 2)."""
    if step is None:
        step = max(trial.intermediate_values) if trial.intermediate_values else 0
    keep = getattr(trial.study.scheduler, "keep_checkpoints", None) or _checkpoint.DEFAULT_KEEP
    return _checkpoint.save(checkpoint_root(trial.study), trial._trial_id, obj, step, keep)


def load_checkpoint(trial: Trial) -> Any:
    """:meth:`Trial.load_checkpoint`: the trial's latest checkpoint, else the one handed to it."""
    return _checkpoint.load(checkpoint_root(trial.study), trial._trial_id,
                            trial.system_attrs.get(_checkpoint.RESUME_ATTR), trial.number)


class _StudyContext(StudyReader, SchedulerContext):
    """The context the loop gives schedulers: reads through the study, writes nothing."""

    __slots__ = ("_loop", "_trial")

    def __init__(self, study: Study, loop: _StudyLoop, trial: Trial | None) -> None:
        super().__init__(study)
        self._loop = loop
        self._trial = trial  # the live trial being decided on (for earlier-interface schedulers)

    def scratch(self, owner: object) -> dict[str, Any]:
        held = self._loop.scratch.get(id(owner))
        if held is None or held[0] is not owner:
            held = self._loop.scratch[id(owner)] = (owner, {})
        return held[1]

    # A scheduler written for the earlier interface, delegated to by another one.
    def _legacy_should_prune(self, scheduler: Any) -> bool:
        if self._trial is None:
            raise TypeError(f"{type(scheduler).__name__}.should_prune(study, trial) needs a live trial")
        return bool(scheduler.should_prune(self._study, self._trial))

    def _legacy_budget(self, scheduler: Any) -> float | None:
        fn = getattr(scheduler, "budget", None)
        return None if fn is None or self._trial is None else fn(self._study, self._trial)


def context(study: Study, trial: Trial | None = None) -> SchedulerContext:
    """The scheduler context of ``study`` (in this process)."""
    return _StudyContext(study, _loop_of(study), trial)


def _is_legacy(scheduler: Any) -> bool:
    """Whether ``scheduler`` decides through the earlier interface, ``should_prune(study, trial) -> bool``."""
    if isinstance(scheduler, Scheduler):
        return _interface(type(scheduler)) == "should_prune"
    if callable(getattr(scheduler, "on_report", None)):
        return False
    if callable(getattr(scheduler, "should_prune", None)):
        return True
    raise TypeError(f"the study's scheduler must be a tunewise.schedulers.Scheduler (with on_report(ctx, trial) "
                    f"-> Decision), got {scheduler!r}")


def should_prune(trial: Trial) -> bool:
    """``trial.should_prune()``: the study's scheduler decides, this module acts; whether the trial ends now."""
    study = trial.study
    scheduler: Any = study.scheduler
    if _is_legacy(scheduler):
        return bool(scheduler.should_prune(study, trial))
    return act(trial, scheduler)


def act(trial: Trial, scheduler: Any) -> bool:
    """Ask ``scheduler``'s ``on_report`` for a decision on ``trial``, carry it out, and say whether
    the trial ends now."""
    study = trial.study
    loop = _loop_of(study)
    ctx = _StudyContext(study, loop, trial)
    view = trial._frozen_view()
    decision = _checked(scheduler, scheduler.on_report(ctx, view))
    return _carry_out(loop, scheduler, ctx, trial, view, decision).prunes


def hold_new_trial(study: Study, *, wait: bool = True) -> bool:
    """Before a worker of ``optimize()`` starts a trial: wait while the study's scheduler says a
    new trial would find no work now but some will be queued soon (its ``admits_new_trial(ctx)``
    answers False: PBT while the whole population trains and no segment is queued).

    Such a trial would end at its first report as "excess" and still use one trial of the budget:
    with 2 workers, PBT's 4 members x 5 generations took 24-33 trials of ``max_trials`` instead of
    20, so the last generation stayed queued. The wait ends when the scheduler admits a new trial
    (a continuation is queued: the start claims it; or nothing trains, and then the scheduler's
    ``idle_suggestions(ctx)`` are enqueued first; the start then takes a queued trial or
    nothing, and a new trial the scheduler admits in limited number claims one of its
    ``admission_claims(ctx)``, see :func:`_admitted`), when the study is told to stop, at the
    running ``optimize()``'s timeout, or after the scheduler's ``excess_wait`` seconds (default 60);
    dead workers' trials are failed and retried meanwhile (a retry is work too).

    Without ``wait`` (``study.ask()`` outside ``optimize()``: see :func:`admit_asked_trial`) it
    checks once. Whether the trial may start: False when the wait ended without admission."""
    scheduler: Any = study.scheduler
    admits = getattr(scheduler, "admits_new_trial", None)
    if admits is None or _is_legacy(scheduler):
        return True
    loop = _loop_of(study)
    ctx = _StudyContext(study, loop, None)
    claims = getattr(scheduler, "admission_claims", None)
    give_up = time.monotonic() + float(getattr(scheduler, "excess_wait", 60.0))
    deadline = getattr(study, "_deadline", None)
    study._admission_claim = None
    while not _admitted(loop, ctx, admits, claims, study):
        if not wait or study._stop_requested or time.monotonic() >= give_up or (
                deadline is not None and time.monotonic() >= deadline):
            return False
        if study._in_optimize and ctx.count_trials((TrialState.WAITING,)) > 0 and study._budget_used(study._max_trials):
            # Every queued trial is reserved, and the budget is used: the holder's start was (or
            # will be) refused, so waiting would last excess_wait for nothing. The start decides:
            # refused, or a queued retry starts. (Not whenever the budget is used: while members
            # train, the hold's 0.05 s poll ends this worker sooner than the end-of-budget wait's.)
            return True
        _heartbeat.on_ask(study)  # a dead worker's trial: failed and retried, which is work to start
        time.sleep(0.05)
    # Work nobody queued (a generation whose last member's worker died before enqueueing it, or
    # failed): queue it now, and the trial about to start claims it.
    idle = getattr(scheduler, "idle_suggestions", None)
    if idle is not None:
        _enqueue_all(loop, study, idle(ctx), f"{type(scheduler).__name__}.idle_suggestions")
    return True


def admit_asked_trial(study: Study) -> None:
    """Before ``study.ask()`` outside ``optimize()`` starts a trial: as :func:`hold_new_trial`,
    without waiting for work. A queued trial (a PBT segment) is reserved for this start and a
    generation nobody resolved is queued first; with nothing queued and the scheduler admitting
    no new trial now, :class:`~tunewise.exceptions.TrialNotAdmitted` names the running trials,
    and nothing starts.

    Waiting for work here would wait for ever in the common ask-and-tell loop, whose running
    trials progress only when the same caller trains them; Optuna's ``ask()`` never waits either.
    With a storage that claims at the start (tunewise's), the start takes a queued trial or
    nothing (``ClaimTaken``: another worker took the last one first; then this admission runs
    again). With another storage a queued trial reserved by another worker (an ``optimize()``
    worker about to start it, another process's ``ask()``) is that worker's: taking it would
    leave the worker to start a trial with no work (PBT: an excess trial, which uses the
    budget). So while every queued trial is reserved, ``ask()`` waits for them to be started (a
    moment), then decides again; a reservation whose holder died before starting it is taken
    after the scheduler's ``excess_wait``, as ``optimize()``'s workers take it. The same holds
    for the members not started yet (``admission_claims``) while every one of them is claimed by
    another worker."""
    from tunewise.exceptions import TrialNotAdmitted

    scheduler: Any = study.scheduler
    claims = getattr(scheduler, "admission_claims", None)
    give_up = time.monotonic() + float(getattr(scheduler, "excess_wait", 60.0))
    while True:
        if hold_new_trial(study, wait=False):
            return
        trials = study._storage.get_trials(study._study_id, (TrialState.RUNNING, TrialState.WAITING))
        # Refused while new trials are still due: every one is claimed by a worker about to start it.
        claimed = claims is not None and bool(claims(context(study)))
        if not claimed and not any(t.state == TrialState.WAITING for t in trials):
            break
        if time.monotonic() >= give_up:
            return  # reserved by a worker that died before starting it: the start claims the oldest
        _heartbeat.on_ask(study)
        time.sleep(0.05)
    running = [t.number for t in trials]
    raise TrialNotAdmitted(
        f"study {study.study_name!r}: {type(study.scheduler).__name__} has no work for a new trial now "
        f"(admits_new_trial is False; for PBT: every member of the population is training and no segment is "
        f"queued), and {_trials_named(running)} {'is' if len(running) == 1 else 'are'} running. A trial "
        f"started now could only wait and end unused, spending a trial of the budget, so ask() started "
        f"nothing. Train a running trial to its next decision (report, should_prune, tell) and ask again: "
        f"ask() then returns the segment it queued.")


def _trials_named(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:10])) + (", ..." if len(numbers) > 10 else "")
    return f"trial{'s' if len(numbers) > 1 else ''} {shown}"


def _admitted(loop: _StudyLoop, ctx: SchedulerContext, admits: Any, claims: Any = None,
              study: Study | None = None) -> bool:
    """Whether this worker may start a trial now. With WAITING trials queued: yes, for a start
    that takes one of them or starts nothing, whatever else holds: two workers admitted at once
    for one queued segment would otherwise both start, and the one finding it taken would
    create a new trial with no work (PBT: an excess trial, which uses the budget). With a
    storage that claims at the start (``claims_at_start``), ``study``'s next start carries the
    claim :data:`QUEUED_ONLY` (``study._admission_claim``): it takes a queued trial, or
    ``ClaimTaken`` (another worker took the last one first) and this worker is admitted again;
    nothing is reserved, so a worker killed between its admission and its start leaves nothing
    behind (s27). Otherwise a queued trial is reserved first (a claim on ``start:<n>``, in a step
    of its own), and False while every queued trial is reserved by other workers; a reservation
    whose worker died is taken only after ``excess_wait``. With none queued: when the scheduler
    admits a new trial, and nothing was queued meanwhile (then reserve).

    A new trial the scheduler admits only in limited number (PBT: the members not started yet,
    ``admission_claims(ctx)``) is admitted only with a claim on one of its keys, taken in one
    atomic storage step: the check and the claim cannot be split by another worker's start, as
    the check and the start can (two workers both saw the last member unstarted, and the second
    trial to start was an excess one, using the budget: s25). With a storage that claims at the
    start (``claims_at_start``), the first key not claimed is handed to ``study``'s next start
    (``study._admission_claim``), which claims it in its own atomic step (ClaimTaken: another
    worker started that member first, and this one is admitted again): a worker killed between
    its admission and its start leaves no key claimed (s26; before, the last member then
    started only after ``excess_wait``)."""
    def waiting() -> list[int]:
        return [t.number for t in ctx.get_trials(states=(TrialState.WAITING,))]

    queued = waiting()
    if queued:
        if study is not None and loop.storage.claims_at_start():
            # No reservation of a queued trial: the start takes one or starts nothing (QUEUED_ONLY).
            # Reserved in a step of its own (a claim on ``start:<n>``), a queued trial whose
            # worker died before its start stayed reserved, and the other workers were held
            # excess_wait (60 s) for it (s26, left open; s27: 61-64 s of a 7-10 s run).
            if QUEUED_ONLY not in loop.claimed:
                loop.storage.try_claim(loop.study_id, QUEUED_ONLY)  # True the first time in the study
                loop.claimed.add(QUEUED_ONLY)
            study._admission_claim = QUEUED_ONLY
            return True
        return any(loop.storage.try_claim(loop.study_id, f"start:{n}") for n in queued)
    if not admits(ctx):
        return False
    keys = () if claims is None else claims(ctx)
    if not keys:
        return not waiting()
    if study is not None and loop.storage.claims_at_start():
        free = next((k for k in keys if not loop.storage.is_claimed(loop.study_id, k)), None)
        if free is None or waiting():  # every slot left is being started; or queued meanwhile (a retry)
            return False
        study._admission_claim = free
        return True
    held = next((k for k in keys if loop.storage.try_claim(loop.study_id, k)), None)
    if held is None:
        return False  # every slot left is another worker's, who is about to start it
    if waiting():  # queued meanwhile (a retry): the start would claim it, not use the slot
        with contextlib.suppress(NotImplementedError):
            loop.storage.release_claim(loop.study_id, held)
        return False
    return True


def budget(trial: Trial) -> float | None:
    """``trial.budget``: the resource the study's scheduler gives the trial, or None."""
    study = trial.study
    scheduler = study.scheduler
    fn = getattr(scheduler, "budget", None)
    if fn is None:
        return None
    if _is_legacy(scheduler):
        return fn(study, trial)  # type: ignore[no-any-return]
    return fn(_StudyContext(study, _loop_of(study), trial), trial._frozen_view())  # type: ignore[no-any-return]


def _checked(scheduler: Any, decision: Any) -> Decision:
    if not isinstance(decision, Decision):
        raise TypeError(f"{type(scheduler).__name__}.on_report returned {decision!r}; it must return a "
                        f"tunewise.schedulers.Decision (Decision.CONTINUE, Decision.stop(), Decision.pause(at=...))")
    return decision


def _carry_out(loop: _StudyLoop, scheduler: Any, ctx: SchedulerContext, trial: Trial, view: FrozenTrial,
               decision: Decision) -> Decision:
    waiting_since: float | None = None
    while True:
        if decision.attrs:
            for key, value in decision.attrs.items():
                trial.set_system_attr(key, value)
            if decision.publish:
                _publish(loop, trial, decision)
        enqueued = _run_suggestions(loop, scheduler, ctx, trial.study, view) if decision.suggest else 0
        if decision.action is not Action.WAIT:
            if decision.publish and decision.prunes:
                crash_point("pause:finish")
            return decision
        now = time.monotonic()
        if waiting_since is None:
            waiting_since = now
        if now - waiting_since >= decision.timeout:
            assert decision.then is not None  # checked when the decision was made
            decision = decision.then
            continue
        if not enqueued:
            time.sleep(decision.retry_after)
        decision = _checked(scheduler, scheduler.on_report(ctx, view))


def _publish(loop: _StudyLoop, trial: Trial, decision: Decision) -> None:
    """Write the decision's attrs now, for other workers' decisions to see.

    A decision that ends the trial (PAUSE, STOP) is written with the trial's reports and
    parameters and the mark ``_heartbeat.ENDS_PRUNED``: from here on only the PRUNED finish is
    missing, so if this worker dies before it, the trial is ended PRUNED where it stands (and
    its suggestions asked again) instead of retried: a retry would train the same segment again,
    next to a promotion of it that may have happened meanwhile."""
    attrs = trial.system_attrs
    if not decision.prunes:
        loop.storage.update_trial(trial._trial_id, system_attrs=attrs)
        attrs.written()
        return
    mark = {"action": decision.action.value, "suggest": decision.suggest}
    attrs[_heartbeat.ENDS_PRUNED] = mark
    loop.storage.update_trial(trial._trial_id, system_attrs=attrs, intermediate_values=trial.intermediate_values,
                              params=trial.params)
    attrs.written()
    # The mark is not kept on the live trial: its own finish removes it (a write of the removal).
    del attrs[_heartbeat.ENDS_PRUNED]


def resume_suggestions(study: Study, trial: FrozenTrial) -> int:
    """Ask the study's scheduler again for what ``trial`` (ended by a published PAUSE/STOP whose
    worker died before finishing it: see :func:`_publish`) suggests, and carry it out; how many
    continuations were enqueued. Claims make this safe to repeat: what the dead worker enqueued
    already is not enqueued twice."""
    scheduler: Any = study.scheduler
    if scheduler is None or _is_legacy(scheduler):
        return 0
    loop = _loop_of(study)
    return _run_suggestions(loop, scheduler, _StudyContext(study, loop, None), study, trial)


def _run_suggestions(loop: _StudyLoop, scheduler: Any, ctx: SchedulerContext, study: Study,
                     view: FrozenTrial) -> int:
    """Claim, hand over and enqueue what the scheduler suggests now; how many were enqueued.

    Continuations sharing a claim key are enqueued together with the claim, in one storage
    transaction (``storage.claim_and_enqueue``): a worker killed in between would otherwise have
    taken the claim for good and enqueued nothing (a promotion, a PBT generation lost)."""
    fn = getattr(scheduler, "suggest", None)
    suggestions = () if fn is None else fn(ctx, view)
    loop.ids[view.number] = view.trial_id  # continuations resume paused trials: this one, or earlier ones
    return _enqueue_all(loop, study, suggestions, f"{type(scheduler).__name__}.suggest")


def _enqueue_all(loop: _StudyLoop, study: Study, suggestions: Any, source: str) -> int:
    """Claim, hand over and enqueue ``suggestions`` (continuations); how many were enqueued."""
    groups: dict[str | None, list[Continuation]] = {}
    for c in suggestions:
        if not isinstance(c, Continuation):
            raise TypeError(f"{source} returned {c!r}; it must return tunewise.schedulers.Continuation objects")
        groups.setdefault(c.claim, []).append(c)
    n = 0
    for key, group in groups.items():
        if key is None:
            for c in group:
                loop.storage.enqueue_trial(loop.study_id, dict(c.params), system_attrs=_start_attrs(loop, study, c))
                n += 1
            continue
        if key in loop.claimed:  # a claim is permanent: a key this process asked for once is never asked again
            continue
        # The hand-offs first (hard links: cheap), so that the claim and the trials are one write.
        planned = [(c, _start_attrs(loop, study, c)) for c in group]
        enqueued = loop.storage.claim_and_enqueue(loop.study_id, key,
                                                  [(dict(c.params), attrs) for c, attrs in planned])
        loop.claimed.add(key)
        if enqueued is None:  # another worker claimed it first: its hand-offs are the ones used
            for _, attrs in planned:
                _checkpoint.discard_handoff(checkpoint_root(study), attrs.get(_checkpoint.RESUME_ATTR))
            continue
        n += len(enqueued)
    return n


def _start_attrs(loop: _StudyLoop, study: Study, c: Continuation) -> dict[str, Any]:
    """The system attrs continuation ``c`` is enqueued with (its checkpoint handed over)."""
    attrs = dict(c.attrs)
    attrs[CONTINUES_ATTR] = c.continues
    source = c.continues if c.checkpoint_from is None else c.checkpoint_from
    rel = _checkpoint.handoff(checkpoint_root(study), loop.trial_id(study, source), c.max_step)
    if rel is not None:
        attrs[_checkpoint.RESUME_ATTR] = rel
    # A retry of this trial (its worker died) must be the same continuation again, or the promotion
    # or population slot it carries out is lost: the heartbeat's retry starts with these attrs.
    attrs[_heartbeat.RETRY_ATTRS] = dict(attrs)
    return attrs
