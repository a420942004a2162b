"""What finishing a trial came to: recorded, or refused because the trial had finished already.

``Study._finish`` writes a trial's result in one storage step, which only a RUNNING trial takes.
When the storage refuses it, the trial was finished by someone else first, and what the caller
does about that depends on the caller: ``tell()`` raises Optuna's ValueError, ``optimize()`` logs
that its result does not count and goes on, the sweep runner and SearchCV say so and go on with
their next run. They all read one :class:`FinishOutcome` (the stored trial and why this finish was
refused), not a flag left on the trial object.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tunewise.trial import FrozenTrial

__all__ = ["FinishOutcome", "Refusal"]


class Refusal(enum.Enum):
    """Why the storage refused a finish: the trial was no longer RUNNING."""

    #: Finished before, by a tell (another process's, ``tunewise tell``, or an earlier one in this
    #: process): the stored result stays; this one does not count.
    ALREADY_FINISHED = "already finished"
    #: Failed meanwhile (as stale, its worker's heartbeats missed; or told FAILED elsewhere): a
    #: result other than FAILED is kept on it as ``system_attrs["late_result"]``.
    FAILED_MEANWHILE = "failed meanwhile"
    #: A retry, recorded meanwhile with the late result of the trial it retries (the same
    #: parameters): that result stays its one result.
    SETTLED_BY_RETRY = "settled by the late result of the trial it retries"


@dataclasses.dataclass(frozen=True)
class FinishOutcome:
    """A finish of a trial: ``trial`` is the trial as stored after it; ``refused`` is None when
    this finish was recorded, else why the storage refused it.

    >>> from tunewise.trial import TrialState, create_trial
    >>> stored = create_trial(state=TrialState.COMPLETE, value=4.0)
    >>> outcome = FinishOutcome(stored, Refusal.ALREADY_FINISHED)
    >>> outcome.recorded, outcome.stored_result()
    (False, 'COMPLETE with values [4.0]')
    """

    trial: FrozenTrial
    refused: Refusal | None = None

    @property
    def recorded(self) -> bool:
        """Whether this finish was the one stored."""
        return self.refused is None

    def stored_result(self) -> str:
        """The stored trial's state and values (or why it failed), for a message."""
        stored = self.trial
        what = stored.state.value
        if stored.values is not None:
            what += f" with values {stored.values}"
        elif stored.system_attrs.get("fail_reason"):
            what += f" ({stored.system_attrs['fail_reason']})"
        return what


def refusal_of(stored: FrozenTrial) -> Refusal:
    """Why a finish of a RUNNING trial was refused, read from the trial as stored now."""
    from tunewise.trial import TrialState

    if stored.state is TrialState.FAILED:
        return Refusal.FAILED_MEANWHILE
    if "late_result_of" in stored.system_attrs:
        return Refusal.SETTLED_BY_RETRY
    return Refusal.ALREADY_FINISHED
