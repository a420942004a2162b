"""Successive halving, asynchronously: ASHA (Li et al. 2018, "A System for Massively Parallel
Hyperparameter Tuning", Alg. 2) and asynchronous Hyperband (ASHA over several brackets,
Li et al. 2017/2018).

Rungs are resources ``r_k = r_min * eta**k`` below ``max_resource``. When a trial first reports
at a step ``>= r_k`` its value there is recorded as its rung-``k`` result (system attr ``asha``),
so every decision is computed from the trials in storage, which all workers share.

- ``mode="stop"``: the trial continues past rung ``k`` only if it ranks in the top
  ``max(1, floor(n / eta))`` of the ``n`` results at that rung (the best so far always continues).
- ``mode="promote"`` (ASHA proper): a trial *pauses* at the rung it was started for: it ends as
  PRUNED with ``asha.paused = k``. Whenever a result arrives, every paused trial in the top
  ``floor(n / eta)`` of its rung that was not promoted yet is promoted, exactly once across
  workers (the suggested continuation carries a claim key, which the loop claims in the
  storage): a continuation with the same parameters is enqueued, starts
  from the paused trial's checkpoint and trains to the next rung (``trial.budget``). Workers run
  queued continuations before new configurations, as ASHA's ``get_job`` does (top rungs first).

  An objective for promote mode trains (or evaluates) up to ``trial.budget``, reports there,
  saves its state with ``trial.save_checkpoint`` and then asks ``trial.should_prune()``; a
  continuation gets that state back from ``trial.load_checkpoint()`` (None: start from scratch).
  A segment that returns without asking is recorded as COMPLETE at its low budget, so ask.
  ``n_trials`` counts segments (a promoted configuration is one trial per rung it runs).

The cut into ``max_resource`` (``top_reduction_factor``, default ``"auto"``): full-budget runs
are the most expensive segments, so when the rungs rank configurations the way the next level
does, only the top ``1/eta**2`` of the last rung needs the full budget. ``"auto"`` measures this
online: Kendall's tau between consecutive levels (rung ``k`` and rung ``k+1``, the last rung and
``max_resource``) on the configurations seen at both (:func:`choose_top_cut`). Until anything
is measured, promote mode sends the last rung's best configuration so far on to
``max_resource`` at once: plain ASHA's first full-budget run waits for ``eta**K`` configurations
(27 first-rung runs, 81 epochs of rung work, for rungs 1/3/9 below 27), and on learning curves
whose score peaks during training that wait was most of the compute to a good score
(benchmarks/history/schedulers.md, session 5).
"""

from __future__ import annotations

import copy
import math
import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise.schedulers._base import Scheduler, _as_context, _check_int, _check_number, _sign
from tunewise.schedulers._decision import Continuation, Decision
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.schedulers._context import SchedulerContext
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial, Trial

ATTR = "asha"
_MODES = ("stop", "promote")
_RECORDED = (TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED)


AUTO = "auto"
_MAX_TAU_CONFIGS = 400  # configurations per pair of levels used to measure rank agreement


def kendall_tau(a: Sequence[float], b: Sequence[float]) -> float:
    """Kendall's tau-a of two equally long sequences: (concordant - discordant) / (n (n - 1) / 2).

    Tied pairs count as neither, so ties pull tau towards 0. 0.0 for fewer than two items.

    >>> kendall_tau([1, 2, 3], [10, 30, 20])   # 2 concordant, 1 discordant of 3 pairs
    0.3333333333333333
    """
    if len(a) != len(b):
        raise ValueError(f"kendall_tau needs sequences of equal length, got {len(a)} and {len(b)}")
    n = len(a)
    if n < 2:
        return 0.0
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    iu = np.triu_indices(n, k=1)
    prod = np.sign(x[:, None] - x[None, :])[iu] * np.sign(y[:, None] - y[None, :])[iu]
    return float(prod.sum() / len(prod))


def level_agreement(levels: Sequence[Mapping[Any, float]], min_pairs: int
                    ) -> list[tuple[int, float, int]]:
    """Kendall's tau between consecutive levels on the configurations seen at both.

    ``levels[k]`` maps a configuration (ASHA: its lineage, the number of its first trial) to its
    loss at level ``k`` (the rungs, then ``max_resource``). Returns ``(k, tau, n_pairs)`` for
    every ``k`` whose pair of levels ``k, k+1`` shares at least ``min_pairs`` configurations.
    """
    out = []
    for k in range(len(levels) - 1):
        lo, hi = levels[k], levels[k + 1]
        common = sorted((c for c in lo if c in hi), key=repr)
        if len(common) > _MAX_TAU_CONFIGS:
            # tau costs O(n^2) memory and time: an evenly spaced subsample of a few hundred
            # configurations estimates it to about +-0.05, plenty for a threshold decision.
            step = len(common) / _MAX_TAU_CONFIGS
            common = [common[int(i * step)] for i in range(_MAX_TAU_CONFIGS)]
        if len(common) >= min_pairs:
            out.append((k, kendall_tau([lo[c] for c in common], [hi[c] for c in common]), len(common)))
    return out


def choose_top_cut(levels: Sequence[Mapping[Any, float]], reduction_factor: int,
                   threshold: float = 0.8, min_pairs: int = 10) -> tuple[int, float | None]:
    """The ``"auto"`` rule for the cut into ``max_resource``: ``(cut, agreement)``.

    ``agreement`` is the mean Kendall's tau over the pairs of consecutive levels with at least
    ``min_pairs`` shared configurations (:func:`level_agreement`; None if there is none yet). The
    cut is ``reduction_factor**2`` when ``agreement >= threshold``, else ``reduction_factor``:
    only the top ``1/eta**2`` of the last rung runs to the full budget when cheap budgets are
    seen to rank configurations like the next budget up. Why a rank statistic: successive
    halving only uses ranks, and a lower rung predicts the full budget's winner exactly when it
    orders configurations the same way (the rank-agreement measure of MFES-HB, Li et al. 2021,
    used here for promotion instead of for model weights). Measured on the benchmark
    (``benchmarks/history/schedulers.md``): mean tau 0.9+ on multi-fidelity Hartmann, 0.3-0.7 on
    SGD learning curves, whose late epochs reorder the configurations.

    >>> levels = [{0: 1.0, 1: 2.0, 2: 3.0}, {0: 1.5, 1: 2.5, 2: 3.5}]   # tau = 1 on 3 pairs
    >>> choose_top_cut(levels, 3, threshold=0.8, min_pairs=3)
    (9, 1.0)
    >>> choose_top_cut(levels, 3, threshold=0.8, min_pairs=4)             # too few pairs yet
    (3, None)
    """
    taus = level_agreement(levels, min_pairs)
    if not taus:
        return reduction_factor, None
    agreement = sum(t for _, t, _ in taus) / len(taus)
    return (reduction_factor ** 2 if agreement >= threshold else reduction_factor), agreement


def hyperband_weights(min_resource: float, max_resource: float, reduction_factor: int) -> list[int]:
    """Hyperband's bracket sizes ``ceil((s_max+1)/(s+1) * eta**s)``, ``s = s_max - b``, for brackets
    ``b = 0..s_max`` (bracket ``b`` first compares trials at ``min_resource * eta**b``), so that
    every bracket receives about the same compute (Li et al. 2018, Alg. 1).

    >>> hyperband_weights(1, 27, 3)
    [27, 12, 6, 4]
    """
    n = int(math.floor(math.log(max_resource / min_resource) / math.log(reduction_factor) + 1e-9)) + 1
    s_max = n - 1
    return [int(math.ceil((s_max + 1) / (s_max - b + 1) * reduction_factor ** (s_max - b))) for b in range(n)]


def _hash_bracket(number: int, weights: Sequence[int]) -> int:
    # A hash of the number alone: reproducible across runs, spread evenly over brackets.
    h = zlib.crc32(f"trial:{number}".encode()) % sum(weights)
    for b, w in enumerate(weights):
        if h < w:
            return b
        h -= w
    return len(weights) - 1  # pragma: no cover - unreachable


class _SuccessiveHalving(Scheduler):
    def __init__(self, min_resource: float, max_resource: float, reduction_factor: int, mode: str,
                 checkpoint_dir: str | None, keep_checkpoints: int | None,
                 top_reduction_factor: int | str | None = AUTO, agreement_threshold: float = 0.8,
                 min_agreement_pairs: int = 10) -> None:
        self.min_resource = _check_number("min_resource", min_resource, 0.0, strict=True)
        self.max_resource = _check_number("max_resource", max_resource, 0.0, strict=True)
        if self.min_resource > self.max_resource:
            raise ValueError(
                f"min_resource ({min_resource!r}) must not exceed max_resource ({max_resource!r})"
            )
        if isinstance(reduction_factor, bool) or not isinstance(reduction_factor, int) or reduction_factor < 2:
            raise ValueError(f"reduction_factor must be an integer >= 2, got {reduction_factor!r}")
        self.reduction_factor = reduction_factor
        if top_reduction_factor is not None and top_reduction_factor != AUTO and (
                isinstance(top_reduction_factor, bool) or not isinstance(top_reduction_factor, int)
                or top_reduction_factor < reduction_factor):
            raise ValueError(f"top_reduction_factor must be 'auto', None or an integer >= reduction_factor "
                             f"({reduction_factor}), got {top_reduction_factor!r}")
        self.top_reduction_factor = top_reduction_factor
        if (isinstance(agreement_threshold, bool) or not isinstance(agreement_threshold, (int, float))
                or not -1.0 <= agreement_threshold <= 1.0):
            raise ValueError(f"agreement_threshold must be a number in [-1, 1] (a Kendall's tau), "
                             f"got {agreement_threshold!r}")
        self.agreement_threshold = float(agreement_threshold)
        self.min_agreement_pairs = _check_int("min_agreement_pairs", min_agreement_pairs, 2)
        if mode not in _MODES:
            raise ValueError(f"mode must be 'stop' or 'promote', got {mode!r}")
        self.mode = mode
        self.checkpoint_dir = checkpoint_dir
        self.keep_checkpoints = (None if keep_checkpoints is None
                                 else _check_int("keep_checkpoints", keep_checkpoints, 1))
        self._int_resources = isinstance(min_resource, int) and isinstance(max_resource, int)

    # ---- brackets and rungs ------------------------------------------------------------
    def _n_brackets(self) -> int:
        return 1

    def _bracket_min(self, bracket: int) -> float:
        return float(self.min_resource * self.reduction_factor ** bracket)

    def _assign_bracket(self, number: int) -> int:
        return 0

    def _first_bracket(self, ctx: SchedulerContext, number: int) -> int:
        """The bracket a new trial joins at its first report (the study's state may decide it)."""
        return self._assign_bracket(number)

    def rungs(self, bracket: int = 0) -> list[float]:
        """The resources at which trials of ``bracket`` are compared (all below ``max_resource``)."""
        out: list[float] = []
        r = self._bracket_min(bracket)
        while r < self.max_resource * (1 - 1e-12):
            out.append(int(round(r)) if self._int_resources else r)
            r *= self.reduction_factor
        return out

    def _state(self, trial: FrozenTrial | Trial) -> dict[str, Any]:
        """The trial's record (system attr ``asha``), or the one a new trial starts with."""
        st = trial.system_attrs.get(ATTR)
        if st is None:
            st = {"bracket": self._assign_bracket(trial.number), "segment_rung": 0,
                  "lineage": trial.number, "rungs": {}}
        return st

    def budget(self, ctx: SchedulerContext | Study, trial: FrozenTrial | Trial) -> float | None:
        """``max_resource`` when stopping; in promote mode the rung this trial (segment) trains to."""
        if self.mode == "stop":
            return int(self.max_resource) if self._int_resources else self.max_resource
        st = self._state(trial)
        rungs = self.rungs(st["bracket"])
        k = st["segment_rung"]
        if k < len(rungs):
            return float(rungs[k]) if not self._int_resources else int(rungs[k])
        return int(self.max_resource) if self._int_resources else self.max_resource

    # ---- decisions ---------------------------------------------------------------------
    def _table(self, ctx: SchedulerContext, bracket: int) -> dict[int, list[tuple[float, FrozenTrial]]]:
        """Rung index -> [(loss, trial)] of every result recorded in ``bracket``.

        Finished trials never change, so their records are collected once per study and process
        (in the context's scratch); only RUNNING trials are re-read on each call.
        """
        sign = _sign(ctx)
        cache = ctx.scratch(self)
        seen: set[int] = cache.setdefault("seen", set())
        finished: dict[tuple[int, int], list[tuple[float, FrozenTrial]]] = cache.setdefault("rows", {})
        out: dict[int, list[tuple[float, FrozenTrial]]] = {}

        def rows(t: FrozenTrial, dest: Any) -> None:
            st = t.system_attrs.get(ATTR)
            if st is None:
                return
            for key, v in st.get("rungs", {}).items():
                dest(st.get("bracket"), int(key), (sign * float(v), t))
            # The level above the last rung: the first report at or past max_resource (used
            # only to measure rank agreement for the "auto" top cut).
            reports = t.reports
            full = [s for s in reports if s >= self.max_resource * (1 - 1e-12)]
            if full:
                b = st.get("bracket")
                dest(b, len(self.rungs(b)), (sign * float(reports[min(full)]), t))

        for t in ctx.get_trials(states=_RECORDED):
            if t.trial_id in seen:
                continue
            if t.state.is_finished():
                seen.add(t.trial_id)
                rows(t, lambda b, k, row: finished.setdefault((b, k), []).append(row))
            else:
                rows(t, lambda b, k, row: out.setdefault(k, []).append(row) if b == bracket else None)
        for (b, k), lst in finished.items():
            if b == bracket:
                out.setdefault(k, []).extend(lst)
        return out

    def _records(self, ctx: SchedulerContext, bracket: int, rung: int) -> list[tuple[float, FrozenTrial]]:
        return self._table(ctx, bracket).get(rung, [])

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        values = trial.intermediate_values
        if not values:
            return Decision.CONTINUE
        sign = _sign(ctx)
        recorded = ATTR in trial.system_attrs
        st = copy.deepcopy(self._state(trial))
        if not recorded:
            st["bracket"] = self._first_bracket(ctx, trial.number)
        rungs = self.rungs(st["bracket"])
        steps = sorted(values)
        last = steps[-1]
        changed = pause = prune = False
        for k, r in enumerate(rungs):
            if last < r:
                break
            if str(k) in st["rungs"] or (self.mode == "promote" and k < st["segment_rung"]):
                continue
            # The rung result is the first report at or past the rung's resource.
            value = values[next(s for s in steps if s >= r)]
            st["rungs"][str(k)] = value
            changed = True
            if self.mode == "stop":
                others = [loss for loss, t in self._records(ctx, st["bracket"], k) if t.number != trial.number]
                loss = sign * value
                rank = sum(1 for o in others if o < loss)
                eta = self.top_cut(ctx, st["bracket"]) if k == len(rungs) - 1 else self.reduction_factor
                keep = max(1, (len(others) + 1) // eta)
                if rank >= keep:
                    prune = True
                    break
            elif k >= st["segment_rung"]:
                st["paused"] = k
                pause = prune = True
                break
        # A new rung result is published at once: the other workers rank against it. A trial's
        # first record (its bracket) goes with its next write.
        attrs = {ATTR: st} if changed or not recorded else None
        if pause:
            # Paused at rung k: once that is published, promote whatever is ready (suggest).
            return Decision.pause(at=rungs[st["paused"]], attrs=attrs, publish=True, suggest=True)
        if prune:
            return Decision.stop(attrs, publish=changed)
        return Decision.proceed(attrs, publish=changed)

    def suggest(self, ctx: SchedulerContext, trial: FrozenTrial) -> Sequence[Continuation]:
        st = trial.system_attrs.get(ATTR)
        if self.mode != "promote" or st is None or st.get("paused") is None:
            return ()
        return self._promote_ready(ctx, st["bracket"])

    def _promote_ready(self, ctx: SchedulerContext, bracket: int) -> list[Continuation]:
        """Promote every paused trial in the top ``floor(n / eta)`` of its rung (top rungs first).

        From the last rung (into ``max_resource``) only the top ``floor(n / top_cut)`` are
        promoted (:meth:`top_cut`): full-fidelity runs are the most expensive segments, and
        when the last rung already ranks configurations like the full budget, a stricter cut
        there saves most of the compute without changing which configuration wins. With
        ``"auto"``, until the agreement is measured the last rung's best configuration so far
        is promoted at once, even with fewer than ``top_cut`` results there.

        Each promotion is suggested once per process (the loop claims its key in the storage,
        so exactly one worker enqueues it).
        """
        table = self._table(ctx, bracket)
        suggested: set[str] = ctx.scratch(self).setdefault("suggested", set())
        out: list[Continuation] = []
        n_rungs = len(self.rungs(bracket))
        for k in reversed(range(n_rungs)):
            records = sorted(table.get(k, []), key=lambda x: (x[0], x[1].number))
            count = len(records) // self.reduction_factor
            if k == n_rungs - 1:
                cut, agreement = self._top_cut(table, n_rungs)
                count = len(records) // cut
                if self.top_reduction_factor == AUTO and agreement is None:
                    # Nothing measured yet, so the cut is not known: the last rung's best
                    # configuration so far goes on to max_resource without waiting for
                    # ``cut`` peers (stop mode's "the best so far continues", at this rung).
                    count = max(1, count)
            for _, t in records[:count]:
                st = t.system_attrs[ATTR]
                if st.get("paused") != k:
                    continue
                key = f"asha:promote:{t.trial_id}:{k}"
                if key in suggested:
                    continue
                suggested.add(key)
                attrs = {ATTR: {"bracket": bracket, "segment_rung": k + 1, "lineage": st.get("lineage", t.number),
                                "rungs": {}}}
                out.append(Continuation(continues=t.number, params=t.params, attrs=attrs, claim=key))
        return out

    def _levels(self, table: dict[int, list[tuple[float, FrozenTrial]]], n_rungs: int
                ) -> list[dict[int, float]]:
        levels: list[dict[int, float]] = []
        for k in range(n_rungs + 1):
            lv: dict[int, float] = {}
            for loss, t in table.get(k, []):
                lv.setdefault(t.system_attrs[ATTR].get("lineage", t.number), loss)
            levels.append(lv)
        return levels

    def _top_cut(self, table: dict[int, list[tuple[float, FrozenTrial]]], n_rungs: int) -> tuple[int, float | None]:
        if self.top_reduction_factor is None:
            return self.reduction_factor, None
        if self.top_reduction_factor != AUTO:
            return int(self.top_reduction_factor), None
        return choose_top_cut(self._levels(table, n_rungs), self.reduction_factor,
                              self.agreement_threshold, self.min_agreement_pairs)

    def top_cut(self, study: Study | SchedulerContext, bracket: int = 0) -> int:
        """The cut now used into ``max_resource``: the top ``1/top_cut`` of the last rung continue.

        ``reduction_factor`` or a fixed ``top_reduction_factor``; with ``"auto"``,
        ``reduction_factor**2`` while the mean Kendall's tau between consecutive levels of
        ``bracket`` is at least ``agreement_threshold`` (see :func:`choose_top_cut`).
        """
        return self._top_cut(self._table(_as_context(study), bracket), len(self.rungs(bracket)))[0]

    def rung_agreement(self, study: Study | SchedulerContext, bracket: int = 0) -> list[tuple[int, float, int]]:
        """``(k, tau, n_pairs)``: Kendall's tau between level ``k`` and ``k+1`` (the last level is
        ``max_resource``) on the configurations seen at both, for pairs with at least
        ``min_agreement_pairs`` shared configurations."""
        n_rungs = len(self.rungs(bracket))
        return level_agreement(self._levels(self._table(_as_context(study), bracket), n_rungs),
                               self.min_agreement_pairs)

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__, "min_resource": self.min_resource,
                "max_resource": self.max_resource, "reduction_factor": self.reduction_factor, "mode": self.mode,
                "top_reduction_factor": self.top_reduction_factor,
                "agreement_threshold": self.agreement_threshold, "min_agreement_pairs": self.min_agreement_pairs}


class ASHAScheduler(_SuccessiveHalving):
    """Asynchronous successive halving (Li et al. 2018).

    Resources are the ``step`` of ``trial.report(value, step)`` (epochs, iterations, data
    fraction x 100...). Rungs sit at ``min_resource * reduction_factor**k`` below
    ``max_resource``. ``mode="stop"`` stops trials outside the top ``1/reduction_factor`` at a
    rung; ``mode="promote"`` pauses every trial at its rung and resumes the best ones later as
    continuations that load the paused trial's checkpoint (``trial.load_checkpoint()``) and
    train to ``trial.budget``.

    ``top_reduction_factor`` is the cut used at the last rung only, i.e. for the runs to
    ``max_resource``. ``"auto"`` (default): ``reduction_factor**2`` while the levels seen so far
    rank configurations alike (mean Kendall's tau between consecutive levels, each pair measured
    on at least ``min_agreement_pairs`` configurations, is ``>= agreement_threshold``), else
    ``reduction_factor`` -- so a problem whose cheap budgets predict the expensive ones (e.g.
    multi-fidelity simulations) spends fewer full runs, and one whose learning curves cross keeps
    plain successive halving. Before any agreement is measured, promote mode also sends the last
    rung's best configuration so far on to ``max_resource`` at once, without waiting for
    ``reduction_factor`` results there. See :meth:`top_cut` / :meth:`rung_agreement`. An integer
    fixes the cut; ``None`` is plain ASHA (``reduction_factor`` everywhere).

    ``hedge_threshold`` (stop mode): trust in a rung is earned, not assumed. Rank agreement is
    Kendall's tau between a rung and the next level, on at least ``min_agreement_pairs``
    configurations seen at both, from every trial's reports. A rung measured below
    ``hedge_threshold`` stops cutting new trials, and so does every rung below it. A new trial
    joins bracket ``first`` alone (first compared at the lowest rung above every misleading one,
    plain ASHA when that is rung 0) once that rung is measured to agree (tau >=
    ``hedge_threshold``); until then it is spread over Hyperband's brackets starting at ``first``
    (the bracket that never prunes included), as :class:`HyperbandScheduler` (and optuna's
    ``HyperbandPruner``) spread trials over all brackets. So configurations that start slowly
    and finish best (small learning rates, warm-ups) are not all cut by a rung nobody has checked,
    the trials in the higher brackets measure the rungs they skip, and when every rung misleads
    nothing is cut at all (no early stopping, the floor). Trials are compared within their
    bracket. ``None``: plain ASHA, one bracket always. The threshold 0.5 was chosen on the dev
    families of ``benchmarks/curves.py`` (first-rung tau: about 0.95 on multi-fidelity Hartmann,
    -0.4 to 0.4 on crossing and noisy curves). See :meth:`first_trusted_rung` / :meth:`hedging`.

    >>> import tunewise as tw
    >>> sched = tw.schedulers.ASHAScheduler(min_resource=1, max_resource=27, reduction_factor=3)
    >>> sched.rungs()
    [1, 3, 9]
    >>> study = tw.create_study(direction="maximize", scheduler=sched)
    >>> sched.top_cut(study)   # nothing measured yet: 1/3 (and the last rung's leader goes on)
    3
    >>> sched.hedging(study)   # no rung has earned trust yet: new trials spread over the brackets
    True
    """

    def __init__(self, min_resource: float = 1, max_resource: float = 100, reduction_factor: int = 3,
                 mode: str = "stop", *, checkpoint_dir: str | None = None,
                 keep_checkpoints: int | None = None, top_reduction_factor: int | str | None = AUTO,
                 agreement_threshold: float = 0.8, min_agreement_pairs: int = 10,
                 hedge_threshold: float | None = 0.5) -> None:
        super().__init__(min_resource, max_resource, reduction_factor, mode, checkpoint_dir, keep_checkpoints,
                         top_reduction_factor, agreement_threshold, min_agreement_pairs)
        if hedge_threshold is not None and (isinstance(hedge_threshold, bool)
                                            or not isinstance(hedge_threshold, (int, float))
                                            or not -1.0 <= hedge_threshold <= 1.0):
            raise ValueError(f"hedge_threshold must be None or a number in [-1, 1] (a Kendall's tau), "
                             f"got {hedge_threshold!r}")
        self.hedge_threshold = None if hedge_threshold is None else float(hedge_threshold)
        self._weights = hyperband_weights(self.min_resource, self.max_resource, self.reduction_factor)
        # True: a rung not measured yet is trusted (plain ASHA until a rung is seen to mislead);
        # kept for benchmarks/curves.py's before/after comparison.
        self._assume_trust = False

    def _first_bracket(self, ctx: SchedulerContext, number: int) -> int:
        first, earned = self._trust(ctx)
        if earned:
            return first  # the first rung a new trial meets is measured to rank like the next level
        # Hyperband's shares over the brackets that start at or above the first rung not known to
        # mislead (the last bracket, which never prunes, included): hedged until trust is earned.
        weights = [w if b >= first else 0 for b, w in enumerate(self._weights)]
        if not sum(weights):  # every rung misleads and no Hyperband bracket skips them all
            return first  # a bracket that starts past the last rung: never pruned
        return _hash_bracket(number, weights)

    def _trust(self, ctx: SchedulerContext) -> tuple[int, bool]:
        """``(first, earned)``: ``first`` is 1 + the highest rung measured to mislead (0 if none);
        ``earned``: rung ``first`` is measured to rank like the next level (or nothing is left to
        prune), so new trials join bracket ``first`` alone instead of Hyperband's brackets above."""
        if self.mode != "stop" or self.hedge_threshold is None or len(self._weights) < 2:
            return 0, True
        measured = {k: (tau, j) for k, j, tau, _ in self._report_agreement(ctx, furthest=not self._assume_trust)}
        first = max((k + 1 for k, (tau, _) in measured.items() if tau < self.hedge_threshold), default=0)
        n_rungs = len(self.rungs(0))
        if self._assume_trust:  # the rule before trust had to be earned: hedge only past misleading rungs
            return first, first == 0 or first >= n_rungs
        # Trust is earned against a level at least eta**2 times the rung's resource (or the full
        # budget): the next level alone is too close (see _report_agreement).
        earned = first >= n_rungs or (first in measured and measured[first][1] >= min(first + 2, n_rungs))
        return first, earned

    def first_trusted_rung(self, study: Study | SchedulerContext) -> int:
        """Stop mode with ``hedge_threshold``: 1 + the highest rung seen to rank configurations
        unlike the next level (Kendall's tau below ``hedge_threshold``), 0 when none is; new
        trials are first compared at that rung or above (``len(rungs())``: never pruned)."""
        return self._trust(_as_context(study))[0]

    def _report_agreement(self, ctx: SchedulerContext, furthest: bool = True
                          ) -> list[tuple[int, int, float, int]]:
        """``(k, j, tau, n)``: Kendall's tau between rung ``k`` (bracket 0's rungs) and level ``j``, the furthest
        level above it (a rung or ``max_resource``) seen with ``k`` on at least
        ``min_agreement_pairs`` configurations (``furthest=False``: the next level), from every
        trial's reports, whichever bracket it is in: a trial first compared at rung ``b`` reported
        the steps below it too, unselected, so it measures the rungs it skipped.

        Why the furthest level: what a cut at rung ``k`` needs is that rung ``k`` ranks like the
        end of training; neighbouring levels can each agree fairly (crossing curves, dev family
        crossing-81: tau 0.62 between epochs 1 and 3, 0.41 between 3 and 9) while epoch 1 ranks
        nothing like epoch 81."""
        rungs = [*self.rungs(0), self.max_resource]
        sign = _sign(ctx)
        cache: dict[int, list[float]] = ctx.scratch(self).setdefault("levels", {})
        levels: list[dict[int, float]] = [{} for _ in rungs]
        for t in ctx.get_trials(states=_RECORDED):
            vals = cache.get(t.trial_id)
            if vals is None:
                reports = t.reports
                steps = sorted(reports)
                vals = []
                for r in rungs:
                    s = next((s for s in steps if s >= r * (1 - 1e-12)), None)
                    if s is None:
                        break
                    vals.append(sign * float(reports[s]))
                if t.state.is_finished():
                    cache[t.trial_id] = vals
            for k, v in enumerate(vals):
                levels[k][t.number] = v
        if not furthest:
            return [(k, k + 1, tau, n) for k, tau, n in level_agreement(levels, self.min_agreement_pairs)]
        out = []
        for k in range(len(levels) - 1):
            for j in reversed(range(k + 1, len(levels))):
                found = level_agreement([levels[k], levels[j]], self.min_agreement_pairs)
                if found:
                    out.append((k, j, found[0][1], found[0][2]))
                    break
        return out

    def hedging(self, study: Study | SchedulerContext) -> bool:
        """Whether new trials are spread over Hyperband's brackets (the rung they would first be
        cut at is not measured yet) or skip rungs seen to mislead (see :meth:`first_trusted_rung`)."""
        first, earned = self._trust(_as_context(study))
        return first > 0 or not earned

    def describe(self) -> dict[str, Any]:
        return dict(super().describe(), hedge_threshold=self.hedge_threshold)


class HyperbandScheduler(_SuccessiveHalving):
    """Asynchronous Hyperband: several ASHA brackets that trade breadth for budget (Li et al.).

    Bracket ``b`` (``0 <= b <= s_max = floor(log_eta(max/min))``) starts trials at
    ``min_resource * eta**b``; bracket ``s_max`` trains every trial to ``max_resource``. Trials
    are assigned to brackets deterministically from a hash of the trial number,
    in proportion to Hyperband's bracket sizes ``ceil((s_max+1)/(s+1) * eta**s)`` with
    ``s = s_max - b``, so every bracket receives about the same compute. Results are compared
    only within a bracket, and the ``"auto"`` top cut (see :class:`ASHAScheduler`) is measured
    per bracket.

    >>> import tunewise as tw
    >>> hb = tw.schedulers.HyperbandScheduler(min_resource=1, max_resource=27, reduction_factor=3)
    >>> [hb.rungs(b) for b in range(hb.n_brackets)]
    [[1, 3, 9], [3, 9], [9], []]
    """

    def __init__(self, min_resource: float = 1, max_resource: float = 100, reduction_factor: int = 3,
                 mode: str = "stop", *, checkpoint_dir: str | None = None,
                 keep_checkpoints: int | None = None, top_reduction_factor: int | str | None = AUTO,
                 agreement_threshold: float = 0.8, min_agreement_pairs: int = 10) -> None:
        super().__init__(min_resource, max_resource, reduction_factor, mode, checkpoint_dir, keep_checkpoints,
                         top_reduction_factor, agreement_threshold, min_agreement_pairs)
        self._weights = hyperband_weights(self.min_resource, self.max_resource, self.reduction_factor)
        self.n_brackets = len(self._weights)

    def _n_brackets(self) -> int:
        return self.n_brackets

    def _assign_bracket(self, number: int) -> int:
        return _hash_bracket(number, self._weights)

    def bracket_of(self, study: Study | SchedulerContext | None, number: int) -> int:
        """The bracket a new trial with this number joins (the same in every study)."""
        return self._assign_bracket(number)

    def describe(self) -> dict[str, Any]:
        return dict(super().describe(), n_brackets=self.n_brackets)
