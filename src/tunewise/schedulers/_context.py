"""What a scheduler may read about the study it decides for: :class:`SchedulerContext`."""

from __future__ import annotations

import abc
from typing import Any

from tunewise._study_view import StudyView

__all__ = ["SchedulerContext"]


class SchedulerContext(StudyView):
    """A small, read-only view of a study, given to every :class:`Scheduler` hook.

    It is all a scheduler sees of the study: its objectives, its parameters and its trials. It
    writes nothing: what a scheduler wants written (attrs, continuations) it returns in a
    :class:`Decision`, and the loop writes it. The loop gives its schedulers a context over the
    study's storage; a test or a simulator can give them any other implementation.

    Its names are those of :class:`~tunewise.study.Study`. Trials are read whole (``get_trials``)
    from the storage's cache; a scheduler that derives something from every finished trial keeps
    it in :meth:`scratch` and reads each finished trial once (finished trials never change), as
    ASHA's rung table does.

    >>> import tunewise as tw
    >>> from tunewise.schedulers import Decision, Scheduler
    >>> class WorseThanEveryFinished(Scheduler):   # for a minimized objective
    ...     def on_report(self, ctx, trial):
    ...         done = [t.value for t in ctx.get_trials(states=(tw.TrialState.COMPLETE,))]
    ...         last = trial.intermediate_values[max(trial.intermediate_values)]
    ...         return Decision.stop() if done and last > max(done) else Decision.CONTINUE
    >>> study = tw.create_study(scheduler=WorseThanEveryFinished())
    >>> first = study.ask(); first.report(1.0, 0); first.should_prune()
    False
    >>> _ = study.tell(first, 1.0)
    >>> second = study.ask(); second.report(3.0, 0); second.should_prune()
    True
    """

    __slots__ = ()

    @abc.abstractmethod
    def scratch(self, owner: object) -> dict[str, Any]:
        """A dict private to ``owner`` (a scheduler) for this study in this process: a cache
        for what it derives from finished trials. Never shipped to other processes."""
