"""The scheduler (pruner) interface: decide from intermediate reports whether a trial stops."""

from __future__ import annotations

import abc
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import Trial


class Scheduler(abc.ABC):
    """Called by ``trial.should_prune()`` after the trial has reported at least once.

    ``trial`` is the live trial (``number``, ``params``, ``intermediate_values``); other trials
    come from ``study.get_trials(states=...)``.

    Schedulers that give trials a training budget (ASHA, Hyperband) also implement
    :meth:`budget`, which ``trial.budget`` returns.
    """

    @abc.abstractmethod
    def should_prune(self, study: Study, trial: Trial) -> bool: ...

    def budget(self, study: Study, trial: Trial) -> float | None:
        """The resource (e.g. epochs) ``trial`` should train to, or None if the scheduler sets none."""
        return None

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__}


# ---- helpers shared by the schedulers ----------------------------------------------------
def _sign(study: Study) -> float:
    """+1 to minimize, -1 to maximize: schedulers compare ``sign * value`` (lower is better)."""
    if len(study.directions) != 1:
        raise ValueError(
            f"schedulers compare one objective, but study {study.study_name!r} has {len(study.directions)} "
            f"(directions={study.directions}); prune multi-objective studies by hand"
        )
    return 1.0 if study.directions[0] == "minimize" else -1.0


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def _check_number(name: str, value: Any, minimum: float, *, strict: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = value > minimum if strict else value >= minimum
    if not ok:
        bound = f"> {minimum}" if strict else f">= {minimum}"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return float(value)


def _flush_system_attrs(study: Study, trial: Trial) -> None:
    """Write the live trial's system attrs now, so other workers' decisions see them."""
    study._storage.update_trial(trial._trial_id, system_attrs=trial.system_attrs)
