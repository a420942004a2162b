"""A RUNNING trial's published proposal: where its joint proposal is stored, and its parameters
as far as they are known.

Samplers publish and read it (``samplers._base.publish_proposal``, ``Proposal(publish=True)``),
the loop writes it with the trial's start, and the heartbeat's retry of a dead trial
(``storage._heartbeat``) gives the retry the parameters its run was proposed; the storage sits
below the samplers, so this sits at the package's top level (``tests/test_layering.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tunewise.trial import FrozenTrial

__all__ = ["PROPOSAL_ATTR", "running_params"]

# Where a RUNNING trial's joint proposal is stored, so samplers in other processes can account
# for points already being evaluated (TPE's constant liar, GP's kriging believer). One key for
# every sampler: an AutoSampler that switches from GP to TPE still sees the GP's proposals.
PROPOSAL_ATTR = "proposal"


def running_params(trial: FrozenTrial) -> dict[str, Any]:
    """A running trial's parameters as far as they are known: its published proposal, overridden
    by the values it has already suggested (which reach the storage at its reports)."""
    published = trial.system_attrs.get(PROPOSAL_ATTR)
    return {**(published if isinstance(published, dict) else {}), **trial.params}
