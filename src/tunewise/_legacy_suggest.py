"""Optuna's old ``suggest_*`` names (``suggest_uniform``, ``suggest_loguniform``,
``suggest_discrete_uniform``), as a mixin over ``suggest_float``.

Shared by the trials (``tunewise.trial.BaseTrial``) and ``TorchDistributedTrial``
(``tunewise.integrations.torch``), so it sits at the package's top level: integrations do not
import the trial module's private names (``tests/test_layering.py``).
"""

from __future__ import annotations

__all__ = ["LegacySuggest"]


class LegacySuggest:
    """Optuna's old ``suggest_*`` names, on anything with ``suggest_float`` (:class:`~tunewise.trial.BaseTrial`,
    ``TorchDistributedTrial``)."""

    def suggest_float(self, name: str, low: float, high: float, *, step: float | None = None,
                      log: bool = False) -> float:
        raise NotImplementedError

    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        return self.suggest_float(name, low, high, step=q)
