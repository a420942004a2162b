"""What tunewise's own loops on top of the study need beyond its public API.

The sweep runner and agent (``sweeps/``) and ``SearchCV`` (``integrations/sklearn``) run trials
through ``ask()`` and ``tell()`` as a user's ask-and-tell loop does, with two needs the public API
does not cover:

- :func:`tell` finishes a trial and says what the finish came to (a :class:`FinishOutcome`)
  instead of raising when someone else finished the trial first (``tunewise tell`` on a running
  trial, another worker, a stale check): the loop says so and goes on with its next run.
- :func:`planned` gives the sampler the plan of trials the loop means to run, as ``optimize()``
  gives it (``StudyContext.budget``: AutoSampler plans with it).

They are not public API (their contract may change with the loops); they are the one door those
folders use into the study (``tests/test_layering.py`` refuses a private attribute of a study or
trial outside the study's own layer).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tunewise._finish_outcome import FinishOutcome

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import Trial, TrialState

__all__ = ["loop", "planned", "tell"]


def tell(study: Study, trial: Trial | int, values: float | Sequence[float] | None = None,
         state: TrialState | None = None, fail_reason: str | None = None) -> FinishOutcome:
    """``study.tell(trial, values, state, fail_reason)``, returning what the finish came to.

    The same checks, and the same errors for a bad argument, as :meth:`Study.tell`. Where
    ``tell()`` raises ValueError for a trial that was finished already (here before, or by another
    process meanwhile), this returns the :class:`FinishOutcome` with ``refused`` set and the
    stored trial, which keeps its stored result; a trial failed as stale meanwhile gives
    ``Refusal.FAILED_MEANWHILE`` (its result kept as ``late_result``), as in ``tell()``.

    >>> import tunewise as tw
    >>> from tunewise._finish_outcome import Refusal
    >>> study = tw.create_study()
    >>> trial = study.ask()
    >>> tell(study, trial, 1.0).recorded
    True
    >>> again = tell(study, trial, 2.0)   # tell() would raise ValueError here
    >>> again.refused is Refusal.ALREADY_FINISHED, again.trial.value
    (True, 1.0)
    """
    return study._tell(trial, values, state, fail_reason)


@contextmanager
def planned(study: Study, n_trials: int | None, timeout: float | None = None) -> Iterator[None]:
    """Inside the block, the sampler sees the plan of ``n_trials`` trials (and ``timeout``
    seconds from now) in ``StudyContext.budget``, as under ``optimize(n_trials, timeout)``; a
    plan already given (inside ``optimize()``, or an outer block) stays.

    >>> import tunewise as tw
    >>> study = tw.create_study()
    >>> with planned(study, 8):
    ...     study._budget.n_trials   # what the sampler reads as StudyContext.budget
    8
    """
    with study._planned(n_trials, timeout):
        yield


@contextmanager
def loop(study: Study) -> Iterator[None]:
    """Inside the block a loop of the caller's runs trials on ``study``: ``study.stop()`` (from a
    callback) is allowed and asks the loop to end, as inside ``optimize()``; outside both it raises.

    >>> import tunewise as tw
    >>> study = tw.create_study()
    >>> with loop(study):
    ...     study.stop()
    """
    with study._running_loop():
        yield
