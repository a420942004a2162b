"""The sampler interface every strategy plugs into (random, grid, QMC, TPE, GP, auto, transfer)."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

from tunewise import distributions as D

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial, Trial


# Where a RUNNING trial's joint proposal is stored, so samplers in other processes can account
# for points already being evaluated (TPE's constant liar, GP's kriging believer). One key for
# every sampler: an AutoSampler that switches from GP to TPE still sees the GP's proposals.
PROPOSAL_ATTR = "proposal"


def publish_proposal(study: Study, trial: Trial, proposal: dict[str, Any]) -> None:
    """Store ``proposal`` on the trial for other workers to see while it runs, not at its first
    report: proposed before the trial starts (the usual case), it goes into the start's own
    write; proposed later (the fallback), it costs one storage write now."""
    trial.set_system_attr(PROPOSAL_ATTR, proposal)
    study._write_progress(trial, {})


def running_params(trial: FrozenTrial) -> dict[str, Any]:
    """A running trial's parameters as far as they are known: its published proposal, overridden
    by the values it has already suggested (which reach the storage at its reports)."""
    published = trial.system_attrs.get(PROPOSAL_ATTR)
    return {**(published if isinstance(published, dict) else {}), **trial.params}


class Sampler(abc.ABC):
    """Proposes parameters. Pure computation, no I/O beyond reading the study's trials.

    The study calls, for each trial:

    1. ``before_trial(study)`` before the trial exists (claim work, or raise SearchExhausted);
    2. ``propose(study, trial)`` once, just before the trial's start is written: values for
       any of the parameters the study has seen (``study.distributions``), chosen jointly.
       ``trial.number`` is then the number the start is predicted to give; if another worker
       takes it first, a proposal that read it is discarded and ``propose`` is called again
       at the first ``suggest`` (also the fallback when ``propose`` raised);
    3. ``sample(study, trial, name, distribution)`` for each parameter ``propose`` did not cover;
    4. ``after_trial(study, trial)`` once the trial is finished.

    Samplers read history with ``study.get_trials(states=...)`` (cached by the storage, no copies)
    and see RUNNING trials too, so parallel workers can avoid proposing the same point.
    """

    def before_trial(self, study: Study) -> None:  # noqa: B027 - optional hook
        """Called before a trial is created. Raise SearchExhausted to end the search."""

    def propose(self, study: Study, trial: Trial) -> dict[str, Any]:
        """Joint proposal over the known search space; the default proposes nothing."""
        return {}

    @abc.abstractmethod
    def sample(self, study: Study, trial: Trial, name: str, distribution: D.Distribution) -> Any:
        """Value for one parameter that ``propose`` did not cover."""

    def after_trial(self, study: Study, trial: FrozenTrial) -> None:  # noqa: B027 - optional hook
        """Called once a trial has finished (any state)."""

    def reseed(self, seed: int | None) -> None:  # noqa: B027 - optional hook
        """Give a copy of this sampler its own random stream (one per parallel worker)."""

    def describe(self) -> dict[str, Any]:
        """What the study records about the sampler (its name and settings)."""
        return {"name": type(self).__name__}
