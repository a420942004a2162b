"""Which PRUNED trials a model may learn from: those stopped at a step that ranks like the end.

A pruned trial's last value says how it looked when it was stopped, not how it would have
finished. On learning curves that cross (small learning rates start slowly and finish best) the
two rank configurations the other way round, so a model that counts the last value as the
result learns that the best region is bad, and early stopping then feeds it only fast starters.
So a pruned trial's value is used only where it has been checked: at its last step ``s``, the
COMPLETE trials' values at ``s`` rank them like their final values (Kendall's tau at least
``threshold`` on at least ``min_pairs`` complete trials). Until that is measured, pruned trials
are left out, as optuna's GP sampler always does (trust earned, not assumed, as
``ASHAScheduler`` earns trust in a rung before it cuts there). Measured on the dev families of
``benchmarks/curves.py`` (issue 19).

Where it is trusted, a pruned trial's value is still not a final value: a loss after 3 epochs is
far above any final loss, so counted as it is every pruned trial looks worse than every complete
one whatever its rank. ``calibrated_pruned`` puts it on the final scale first, by a line fitted on
the complete trials (their value at that step against their final value): its rank at the step
it reached is what it counts for (mfh3, dev, 10 seeds, compute to target vs optuna's Hyperband:
default sampler + ASHA 0.62x -> 0.52x; TPE + ASHA 1.33x -> 1.18x).
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

import numpy as np

from tunewise.trial import TrialState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tunewise.trial import FrozenTrial

__all__ = ["PrunedCalibration", "calibrated_pruned", "trusted_pruned"]

# A scheduler's trial system attr whose "forecast" is the optimistic final value of a trial it
# stopped as hopeless, and "estimate" (where recorded) a point estimate of that final value
# (ASHAScheduler: tunewise.schedulers._asha.ATTR).
_SCHEDULER_ATTR = "asha"

# Complete trials a step's verdict and line are measured on at most (the latest ones): Kendall's tau
# here is quadratic in them, and a sampler asks at every proposal.
_MAX_PAIRS = 300

_Curve = tuple[list[float], list[float]]


def _tau(a: np.ndarray, b: np.ndarray) -> float:
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    iu = np.triu_indices(len(x), k=1)
    prod = np.sign(x[:, None] - x[None, :])[iu] * np.sign(y[:, None] - y[None, :])[iu]
    return float(prod.sum() / max(len(prod), 1))


def _value_at(curve: _Curve, step: float) -> float | None:
    """The first report at or past ``step`` (None if the trial never got there)."""
    i = bisect.bisect_left(curve[0], step)
    return curve[1][i] if i < len(curve[0]) else None


class PrunedCalibration:
    """Which PRUNED trials of one study count, and for what value on the final scale (module doc).

    Called with the study's trials at every proposal (or fed each new finished trial with
    ``add``): finished trials never change, so each is read once, and the verdict and line of a
    step (``step``) are measured again only after a complete trial was added. One per study.

    >>> PrunedCalibration()([])
    {}
    """

    def __init__(self, threshold: float = 0.5, min_pairs: int = 8) -> None:
        self.threshold = threshold
        self.min_pairs = min_pairs
        self._complete: dict[int, tuple[_Curve, float]] = {}
        self._pruned: dict[int, tuple[float, float]] = {}  # trial id -> (last step, value there)
        self._hopeless: dict[int, float] = {}  # trial id -> estimate (else forecast) of a hopeless trial
        self._read: set[int] = set()  # ids of the finished trials read (they never change)
        self._steps: dict[float, tuple[bool, tuple[float, float] | None]] = {}  # step -> (trusted, line)
        self._out: tuple[tuple[bool, bool], dict[int, float | None]] | None = None  # ((calibrate, hopeless), answer)

    def step(self, step: float) -> tuple[bool, tuple[float, float] | None]:
        """Whether ``step`` ranks configurations like their final values, and the line
        ``(a, b)`` with ``final = a + b * value_at_step`` over the complete trials read (None: too
        few, or their values there all equal)."""
        found = self._steps.get(step)
        if found is None:
            pairs = np.array([(v, final) for curve, final in list(self._complete.values())[-_MAX_PAIRS:]
                              if (v := _value_at(curve, step)) is not None], dtype=float).reshape(-1, 2)
            trusted = len(pairs) >= self.min_pairs and _tau(pairs[:, 0], pairs[:, 1]) >= self.threshold
            line = None
            if len(pairs) >= 2 and np.all(np.isfinite(pairs)) and np.ptp(pairs[:, 0]) > 0:
                slope = max(float(np.polyfit(pairs[:, 0], pairs[:, 1], 1)[0]), 0.0)
                line = (float(np.mean(pairs[:, 1]) - slope * np.mean(pairs[:, 0])), slope)
            found = self._steps[step] = (trusted, line)
        return found

    def add(self, t: FrozenTrial) -> bool:
        """Read a finished trial once (a sampler that reads each new trial calls this itself);
        True if it was a PRUNED trial with reports."""
        if t.trial_id in self._read or t.state not in (TrialState.PRUNED, TrialState.COMPLETE):
            return False
        self._read.add(t.trial_id)
        iv = t.intermediate_values  # (built anew at every access: read once)
        if not iv:
            return False
        if t.state == TrialState.PRUNED:
            last = max(iv)
            self._pruned[t.trial_id] = (float(last), float(iv[last]))
            st = t.system_attrs.get(_SCHEDULER_ATTR)
            value = st.get("estimate", st.get("forecast")) if isinstance(st, dict) else None
            if isinstance(value, (int, float)) and np.isfinite(value):
                self._hopeless[t.trial_id] = float(value)
            return True
        if t.values and t.values[0] is not None:
            steps = sorted(iv)
            self._complete[t.trial_id] = (([float(s) for s in steps], [float(iv[s]) for s in steps]),
                                          float(t.values[0]))
            self._steps.clear()
            self._out = None
        return False

    def __call__(self, trials: Sequence[FrozenTrial], calibrate: bool = True,
                 hopeless: bool = False) -> dict[int, float | None]:
        """Trial id -> value of every trusted PRUNED trial: its last value on the final values'
        scale (``calibrate``; None where no line could be fitted), or as reported (not). With
        ``hopeless`` (and ``calibrate``), a trial a scheduler stopped as hopeless at a step not
        trusted counts at the scheduler's estimate of its final value (``system_attrs["asha"]
        ["estimate"]``; else the optimistic forecast that stopped it, ``["forecast"]``, a bound on
        it): left out, the model would not know the region was tried (issue 19). The answer is
        kept for the next call: read it, do not change it."""
        new = [t.trial_id for t in trials if self.add(t)]
        if self._out is None or self._out[0] != (calibrate, hopeless):
            self._out = ((calibrate, hopeless), {})
            new = list(self._pruned)
        out = self._out[1]
        for i in new:
            at, value = self._pruned[i]
            trusted, line = self.step(at)
            if not trusted:
                if hopeless and calibrate and i in self._hopeless:
                    out[i] = self._hopeless[i]
                continue
            if not calibrate:
                out[i] = value
            elif line is not None and np.isfinite(value):
                out[i] = line[0] + line[1] * value
            else:
                out[i] = None
        return out


def trusted_pruned(trials: Sequence[FrozenTrial], threshold: float = 0.5, min_pairs: int = 8) -> set[int]:
    """Trial ids of the PRUNED trials whose last value may stand for their result (see module doc).

    >>> trusted_pruned([])
    set()
    """
    return set(PrunedCalibration(threshold, min_pairs)(trials, calibrate=False))


def calibrated_pruned(trials: Sequence[FrozenTrial], ids: set[int] | None = None) -> dict[int, float]:
    """The trusted PRUNED trials' last values mapped onto the scale of final values (of ``ids``
    only, if given): per step, the least-squares line ``final = a + b * value_at_step`` over the
    COMPLETE trials that reported there (slope at least 0). A trusted step ranks like the end, but
    its values are not final values (a loss at epoch 3 is well above any final loss): counted as
    they are, every pruned trial would look worse than every complete one, whatever its rank.

    >>> calibrated_pruned([])
    {}
    """
    return {i: v for i, v in PrunedCalibration()(trials).items() if v is not None and (ids is None or i in ids)}
