"""Gaussian-process Bayesian optimization (numpy/scipy only)."""

from __future__ import annotations

import hashlib
import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.stats import qmc

from tunewise import distributions as D
from tunewise._blas import single_threaded_blas
from tunewise._gp_model import GPModel, transform_outputs_with_jacobian
from tunewise._interior import is_open, open_bounds, open_value
from tunewise.samplers._base import Sampler, running_params
from tunewise.samplers._context import Proposal
from tunewise.samplers._feasibility import ConstraintModel, apply_constraints, constraint_matrix, fit_constraint_models
from tunewise.samplers._gp_acq import AcquisitionOptimizer, Fantasies
from tunewise.samplers._gp_trust import search_box
from tunewise.samplers._optuna_options import WithIndependentSampler, check_optional_flag, warn_not_honoured
from tunewise.samplers._parego import objective_values
from tunewise.samplers._pruned_trust import PrunedCalibration
from tunewise.samplers._qmc import CENTRE_MIN_DIMS, all_numeric, design_slot
from tunewise.samplers._segments import configurations
from tunewise.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Sequence

    from tunewise.samplers._context import StudyContext, TrialContext

_OUTPUT_TRANSFORMS = ("loo", "hedge", "auto", "power", "rank", "standardize")
# output_transform="hedge": every _HEDGE_PERIOD-th model-based proposal uses plain standardization.
_HEDGE_PERIOD = 3


class GPSampler(WithIndependentSampler):
    """Bayesian optimization with a Gaussian-process surrogate and log expected improvement.

    The first ``n_startup_trials`` trials follow a scrambled Sobol design. After that, every
    proposal fits a GP (Matérn-5/2 kernel with one length scale per parameter, a Hamming kernel for
    categorical parameters, outputs Yeo-Johnson transformed or only standardized, whichever
    ranks the better trials best when each is left out (see ``output_transform``), optional
    Kumaraswamy input warping; maximum a
    posteriori hyperparameters by multi-start L-BFGS-B) and picks the point that maximizes log
    expected improvement (Ament et al. 2023), searched by L-BFGS-B from a Sobol sweep and from
    perturbations of the best trials. From 10 numeric parameters (single objective, no
    constraints) that search stays in a trust region around the best trial whose side shrinks
    after proposals that fail to improve and grows after ones that do (TuRBO, Eriksson et al.
    2019; ``tunewise.samplers._gp_trust``). Trials still running count as if they had returned the
    model's prediction (kriging believer, Ginsbourger et al. 2010), the incumbent included (which
    is then the best posterior mean at a result), so parallel workers and repeated ``ask()`` calls
    spread out instead of proposing the same point.

    Parameters are proposed jointly over those present in every finished trial; a parameter
    missing from some trials (a conditional one) or never seen before is sampled at random.
    Integer, stepped and log parameters are modelled on their unit scale and rounded on decoding.
    Trials whose objective failed (it raised or returned NaN: FAILED) or returned an infinite value
    are left out of the GP; a second GP of where they lie weighs the acquisition by the probability
    that the objective gives a result (an unknown constraint, Gelbart et al. 2014). PRUNED trials
    count with their last reported value when ``include_pruned`` (they mark a region as
    unpromising), but only once complete trials show
    that step ranking configurations like their final values (Kendall's tau >= 0.5 on 8+ complete
    trials): on learning curves that cross, a slow starter stopped early is no bad configuration
    (``tunewise.samplers._pruned_trust``). With one objective, that value is first put on the final
    values' scale (a line fitted on the complete trials' values at that step against their final
    ones), so a pruned trial counts by its rank there, not as worse than every complete trial
    because an early loss is high. With several objectives, each
    proposal models a random scalarization of them (ParEGO, Knowles 2006; see ``_parego``). Under
    constraints (``trial.set_constraint`` / ``constraints_func``) each constraint gets a GP of its
    own and the acquisition is log EI over the best feasible value plus the log probability of
    feasibility (Gardner et al. 2014).

    Args:
        seed: Seed for the Sobol design, the acquisition search and random fallbacks.
        n_startup_trials: Start-up trials before the GP takes over; default ``min(10, 2 * d + 1)``
            for ``d`` parameters (at least 2 finished trials are needed in any case): a scrambled
            Sobol sequence, with the centre of the space (every range's midpoint, on the log scale
            for a log range; Ax starts there) as the second trial from 5 parameters, none of
            them categorical.
        input_warping: Fit a Kumaraswamy CDF per numeric parameter (HEBO; Snoek et al. 2014).
            Off by default: its two extra hyperparameters per dimension over-fitted at budgets
            of 30-50 trials on bbob functions (1.5-2x the regret); worth it for long studies
            whose parameters were not given the right scale (``log=True``).
        output_transform: ``"loo"`` (the default): at each refit the GP is fitted under
            ``"power"`` and ``"standardize"``, and the one kept is the one whose leave-one-out
            means rank the better half of the trials closest to their values (Kendall's tau; the
            ordering near the best is what expected improvement needs). On the dev split of
            ``benchmarks/sample_efficiency.py`` (bbob d = 2-5, 720 paired runs) it had 0.86x the
            regret of ``"hedge"`` at 30 trials and 0.88x at 60; d = 10: 1.03x at 30, 0.79x at 100.
            ``"hedge"``: ``"power"`` for two proposals in three and
            ``"standardize"`` for the third. ``"power"``: Yeo-Johnson anchored at the best value,
            which resolves heavy-tailed and multi-scale objectives but, on ill-conditioned smooth
            bowls (its lambda < 0 saturates the large values), flattens the bowl the GP could
            otherwise extrapolate; the standardized view keeps that shape (measured in
            ``benchmarks/history/gp.md``). ``"auto"`` (at each refit, whichever of ``"power"`` and
            ``"standardize"`` makes the data more probable under the GP, Jacobian included),
            ``"rank"`` (normal scores; for very heavy-tailed objectives) or ``"standardize"``.
        include_pruned: Use PRUNED trials with their last intermediate value.
        consider_running_trials: Account for RUNNING trials (kriging believer).
        n_restarts: Acquisition starts refined by L-BFGS-B.
        independent_sampler: Optuna's keyword. Given, it proposes the start-up trials (instead of
            the Sobol design) and samples the parameters outside the GP's joint model (instead
            of uniform draws), as in Optuna.
        deterministic_objective: Optuna's keyword. ``True`` is accepted with a warning: the GP
            always fits its noise level (a deterministic objective gets a small one).
        warn_independent_sampling: Optuna's keyword; tunewise does not warn about parameters
            sampled outside the model, so it changes nothing.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.GPSampler(seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=12)
    >>> abs(study.best_params["x"] - 1) < 0.1
    True
    """

    def __init__(
        self,
        seed: int | None = None,
        n_startup_trials: int | None = None,
        *,
        input_warping: bool = False,
        output_transform: str = "loo",
        include_pruned: bool = True,
        consider_running_trials: bool = True,
        n_restarts: int = 8,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        independent_sampler: Sampler | None = None,
        deterministic_objective: bool = False,
        warn_independent_sampling: bool = True,
    ) -> None:
        self.constraints_func = constraints_func  # Optuna's place for the study's constraints_func
        self._take_independent_sampler(independent_sampler, seed)
        check_optional_flag("warn_independent_sampling", warn_independent_sampling)  # no warning to silence
        if check_optional_flag("deterministic_objective", deterministic_objective):
            warn_not_honoured(
                "GPSampler",
                "deterministic_objective",
                True,
                "the GP fits its noise level from "
                "the trials (its prior keeps it small), so a deterministic objective gets a small "
                "fitted noise instead of a fixed near-zero one",
            )
        if n_startup_trials is not None and (
            isinstance(n_startup_trials, bool) or not isinstance(n_startup_trials, int) or n_startup_trials < 0
        ):
            raise ValueError(f"n_startup_trials must be a non-negative integer or None, got {n_startup_trials!r}")
        if output_transform not in _OUTPUT_TRANSFORMS:
            raise ValueError(f"output_transform must be one of {_OUTPUT_TRANSFORMS}, got {output_transform!r}")
        if isinstance(n_restarts, bool) or not isinstance(n_restarts, int) or n_restarts < 1:
            raise ValueError(f"n_restarts must be a positive integer, got {n_restarts!r}")
        self.seed = seed
        self.n_startup_trials = n_startup_trials
        self.input_warping = bool(input_warping)
        self.output_transform = output_transform
        self.include_pruned = bool(include_pruned)
        # Pruned trials count only at steps measured to rank like the final value (_pruned_trust).
        self._check_pruned = True
        self._calibrate = True  # trusted pruned trials' values mapped to the final scale (calibrated_pruned)
        # Promote mode's segments read as one configuration (_segments); benchmark variant: False.
        self._merge_segments = True
        self._calibrated: dict[int, float] = {}
        self.consider_running_trials = bool(consider_running_trials)
        # > 0: EI averaged over this many joint draws of the running trials' values (q-EI with them
        # fixed, _gp_acq.Fantasies) instead of the believer's EI over finished trials. Off: with 4
        # workers it was 0.79x the believer's regret on the dev split but 1.31x (simulated workers)
        # and 1.45x (processes) on the test split (benchmarks/parallel_efficiency.py).
        self._pending_draws = 0
        # A trial a scheduler stopped as hopeless (ASHAScheduler's forecast) counts at the
        # scheduler's estimate of its final value (``asha.estimate``; else the bound that stopped
        # it) when its step is not trusted: left out, the GP would not know the region was tried
        # (issue 19, sessions 6 and 8).
        self._forecast_pruned = True
        self.n_restarts = n_restarts
        self._rng = np.random.default_rng(seed)
        # Parameters outside the joint proposal (the first trial, before the space is known, and
        # conditional parameters) are drawn from their own stream, so the model's stream (fit
        # restarts, acquisition sweep) does not depend on how many were drawn. Seeded like
        # QMCSampler's fallback stream: AutoSampler (Sobol first, then this GP) then reproduces
        # GPSampler(seed) exactly on numeric spaces.
        self._fallback_rng = np.random.default_rng(seed)
        # From CENTRE_MIN_DIMS numeric parameters (none categorical) the start-up design's trial 1
        # is the centre of the space (_qmc.design_slot, where the dev results are), as in
        # AutoSampler's design.
        self._centre_min_dims: int | None = CENTRE_MIN_DIMS
        # One scramble shared by every worker so the initial design is one Sobol sequence.
        self._qmc_seed = seed if seed is not None else int(np.random.default_rng().integers(2**31))
        self._sobol: dict[tuple[str, ...], tuple[Any, int]] = {}
        # In-process memory of proposals for trials still running: their parameters reach the
        # storage only when the trial reports or finishes.
        self._proposals: dict[int, dict[str, Any]] = {}
        self._codes: dict[tuple[int, str], float] = {}  # (trial_id, name) -> encoded value (finished trials)
        self._codes_history: Hashable = None  # the study (study.history_id) whose trials _codes holds
        self._pruned_calibration = PrunedCalibration()  # of that study's pruned trials (_pruned_trust)
        self._theta: dict[tuple[Any, ...], np.ndarray] = {}  # warm starts per encoded space
        self._fits: dict[tuple[Any, ...], int] = {}  # proposals per encoded space (refit schedule)
        self._chosen: dict[tuple[Any, ...], str] = {}  # output transform chosen per encoded space
        self._last_claim: str | None = None  # the last point this sampler claimed (see _point_claim)
        self._refused: dict[str, dict[str, Any]] = {}  # claim -> point held by another worker, not seen yet

    # ---- Sampler hooks --------------------------------------------------------------------------
    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._rng = np.random.default_rng(seed)
        self._fallback_rng = np.random.default_rng(seed)

    def describe(self) -> dict[str, Any]:
        return {
            "name": "GPSampler",
            "seed": self.seed,
            "n_startup_trials": self.n_startup_trials,
            "input_warping": self.input_warping,
            "output_transform": self.output_transform,
            "include_pruned": self.include_pruned,
            "consider_running_trials": self.consider_running_trials,
            "n_restarts": self.n_restarts,
            "independent_sampler": None if self.independent_sampler is None else self.independent_sampler.describe(),
        }

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        if self.independent_sampler is not None:
            return self.independent_sampler.sample(study, trial, name, distribution)
        return open_value(distribution, self._fallback_rng.random())

    def after_trial(self, study: StudyContext, trial: FrozenTrial) -> None:
        self._proposals.pop(trial.number, None)
        super().after_trial(study, trial)

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
        dists = study.distributions
        names = sorted(n for n, d in dists.items() if _modelled(d))
        if not names:
            return {}
        # One trial per configuration: promote mode's segments (a paused trial and the promotions
        # continuing it) are one curve, observed once at its deepest step (_segments).
        trials = configurations(study.get_trials()) if self._merge_segments else study.get_trials()
        if self._codes_history != study.history_id:  # trial ids name other trials now
            self._codes.clear()
            self._pruned_calibration = PrunedCalibration()
            self._codes_history = study.history_id
        observed = [t for t in trials if self._usable(t)]
        self._calibrated = {}
        if self.include_pruned and self._check_pruned:  # a pruned trial's last value is no result (issue 19)
            # Trusted pruned trials only, on the final values' scale where one objective makes that
            # a line (_pruned_trust); the calibration reads each finished trial once per study.
            calibrate = self._calibrate and len(study.directions) == 1
            counted = self._pruned_calibration(trials, calibrate=calibrate, hopeless=self._forecast_pruned)
            observed = [t for t in observed if t.state != TrialState.PRUNED or t.trial_id in counted]
            if calibrate:
                self._calibrated = {i: v for i, v in counted.items() if v is not None}
        space = [n for n in names if all(n in t.params for t in observed)]
        failed = [t for t in trials if _no_result(t) and all(n in t.params for n in space)] if observed else []
        n_startup = self.n_startup_trials if self.n_startup_trials is not None else min(10, 2 * len(names) + 1)
        claim = None
        if len(observed) < max(n_startup, 2) or not space:
            if self.independent_sampler is not None:  # Optuna's start-up: the independent sampler's
                return self.independent_sampler.propose(study, trial)
            out = self._sobol_point(names, dists, trial.number)
            self._proposals[trial.number] = out
        else:
            # Points whose claims other workers hold and whose trials this process has not seen
            # yet: pending like a running trial's, so the model steers away from them.
            trials = trials + self._unseen_refusals(trials)
            with single_threaded_blas():
                out = self._model_point(study, trial, space, dists, trials, observed, failed)
                # Workers in other processes may have started trials while this one computed (a
                # proposal takes a while): one that landed near this point is a near-copy, so the
                # point is proposed again with it among the pending ones (kriging believer).
                fresh = self._started_meanwhile(study, trial, trials, out, space, dists)
                if fresh:
                    trials = trials + fresh
                    out = self._model_point(study, trial, space, dists, trials, observed, failed)
                if not self.consider_running_trials:
                    claim = None
                elif len(space) < len(names):
                    # Conditional parameters outside the joint point: the point alone may rightly
                    # repeat (its branch's parameters differ), so the state it came from is claimed.
                    claim = self._state_claim(study, trial, trials, observed)
                else:
                    claim = self._point_claim(out)
                    # The points visible trials ran or run: their claims are held already (a trial's
                    # start claims its point), so claiming one again is refused by the storage. A
                    # refusal this process can see coming is handled here, as a refused claim is.
                    held = self._visible_claims(trials, space)
                    for _ in range(_REFUSED_ROUNDS):
                        if claim in held:
                            # A point a visible trial holds: pending or run, propose another one.
                            stand_ins = sum(1 for t in trials if t.number < 0)
                            trials = trials + [_pending_trial(out, dists, stand_ins + 1)]
                        elif claim != self._last_claim and claim not in self._refused:
                            break
                        else:
                            # Asked again for the point this process claimed last: another worker
                            # holds that claim (or the start took a queued trial instead) and its
                            # trial is not visible yet. The point is pending elsewhere: propose
                            # another one.
                            self._refused[claim] = dict(out)
                            stand_ins = sum(1 for t in trials if t.number < 0)
                            trials = trials + [_pending_trial(out, dists, stand_ins + 1)]
                        out = self._model_point(study, trial, space, dists, trials, observed, failed)
                        claim = self._point_claim(out)
                    else:  # every point near the optimum is held (a small space run through): no claim
                        claim = None
                    if claim in held:  # the last point asked for is held too: a deliberate repeat
                        claim = None
            if claim is not None:
                self._last_claim = claim
        # Published on the running trial, workers in other processes see it at once (a trial's
        # parameters reach the storage only when it reports or finishes): their kriging believer
        # steers away from it.
        if not self.consider_running_trials:
            return out
        return Proposal(out, publish=True, claim=claim, claim_runs=False)

    def _state_claim(
        self, study: StudyContext, trial: TrialContext, trials: list[FrozenTrial], observed: list[FrozenTrial]
    ) -> str | None:
        """A key naming the trials a proposal over part of the space (conditional parameters outside
        it) was computed from, claimed when workers run in parallel.

        Two workers that propose at the same moment from the same trials compute the same point;
        only one of them gets the claim, the other is asked again and by then sees the winner's
        trial as pending. Sequential studies claim nothing.
        """
        running = sorted(t.number for t in trials if t.state == TrialState.RUNNING and not _is_self(t, trial))
        if study.budget.n_jobs <= 1 and not running:
            return None
        state = repr((sorted(t.number for t in observed), running)).encode()
        key = "gp-proposal:" + hashlib.sha1(state).hexdigest()[:20]
        if key == self._last_claim:
            return None  # asked again from the same trials: the winner's trial is not visible yet
        return key

    @staticmethod
    def _point_claim(out: dict[str, Any]) -> str:
        """A key naming the proposed point, claimed with the trial's start.

        Workers compute the same point when they propose from the same trials (the model and its
        optimum are the same), or from trials that differ only in ways the optimum does not see,
        and neither sees the other's point until its trial starts. Only one of them gets the point's
        claim; the other is asked again and proposes another point. A claim on the state the
        proposal came from (the trial numbers) let the second case through, and a study that saw
        no other trial running claimed nothing, which is every worker of a study whose objective
        takes less time than a proposal: with ten integer parameters and an instant objective, 4
        workers ran 6 to 11 of 40 points twice. Every proposal claims now: tunewise's storages
        write the claim with the trial's start, so a sequential study pays no extra write.
        """
        return "gp-point:" + hashlib.sha1(repr(sorted(out.items())).encode()).hexdigest()[:20]

    def _visible_claims(self, trials: list[FrozenTrial], space: list[str]) -> set[str]:
        """The point claims of the visible trials (finished, or running with the whole point).

        A discrete space smaller than the budget is run through (a categorical of three choices
        and 50 trials, s33's warisa_s04 notebook): the model then asks for points that finished
        trials hold. Their claims were refused by the storage, and the refusals, forgotten once
        the holding trial is visible (``_unseen_refusals``), let the sampler ask for a refused
        point again, which the study refuses as a broken protocol (RuntimeError at the 7th to 20th
        trial of a sequential study). Held points are pending stand-ins instead, and a point
        still held after ``_REFUSED_ROUNDS`` is repeated without a claim.
        """
        held = set()
        for t in trials:
            params = running_params(t) if t.state == TrialState.RUNNING else t.params
            if all(n in params for n in space):
                held.add(self._point_claim({n: params[n] for n in space}))
        return held

    def _unseen_refusals(self, trials: list[FrozenTrial]) -> list[FrozenTrial]:
        """Pending stand-ins for refused points no visible trial holds yet (forgotten once one does)."""
        if not self._refused:
            return []
        shown = [running_params(t) if t.state == TrialState.RUNNING else t.params for t in trials]
        for key, point in list(self._refused.items()):
            if any(all(p.get(n) == v for n, v in point.items()) for p in shown):
                del self._refused[key]
        return [_pending_trial(point, None, k) for k, point in enumerate(self._refused.values(), start=1)]

    # ---- helpers ----------------------------------------------------------------------------------

    # Dev switches, default off. Expected improvement's incumbent is the best posterior mean at a
    # result instead of the best result (the plug-in of Picheny et al. 2013); a proposal whose log EI
    # is below _flat_log_ei (the model sees nothing to gain anywhere) is drawn at random instead.
    # Both on (issue 18, sessions 19-20): 0.89x / 0.92x the regret at 30 / 60 trials on held-out
    # real model tuning and 0.88x with 4 workers on test bbob, but 1.07x / 1.25x (test, d = 2-5,
    # 5 functions) and 1.18x at 30 (d = 10/20) sequential: not kept.
    _plugin_incumbent = False
    _flat_log_ei: float | None = None
    # Dev switch (issue 18, session 22), off (0): when the best log EI under the chosen output
    # transform is below this, the proposal comes from the GP fitted under the other transform.
    # At -20: 0.96x the regret at 60 trials on probes 1-2 (enet-poly 0.67), 1.015x on dev bbob and
    # 1.03x on probe 3 (held out): not kept (benchmarks/history/s22/README.md).
    _flat_other_transform: float = 0.0
    # On spaces with a discrete numeric or a categorical dimension the acquisition search ranks its
    # starts at their snapped points and runs a coordinate search over each discrete dimension's
    # cells and each categorical's choices, from one refined start per choice
    # (AcquisitionOptimizer._optimize_cells); continuous spaces take the same path as before.
    # Issue 18, candidate D (sessions 25-27): 0.92x the regret at 60 trials on probes 1-5 (dev),
    # 0.985x / 0.954x at 30 / 60 on probe 6 (held out, run once), 1.38x sampler CPU
    # (benchmarks/history/s27/README.md). Kept as an attribute so the old search can be measured.
    _integer_search = True
    # The plug-in incumbent while other trials are running (parallel workers, repeated ask()): the
    # believed values of running trials are posterior means, and so is the bar they are set
    # against. Issue 18, session 20, 4 simulated workers at 60 trials: 0.87x the regret on dev bbob
    # (358 cells), 0.87x on test (720), 0.89x on instances 16-25; sequential proposals unchanged.
    _plugin_when_pending = True

    def _usable(self, t: FrozenTrial) -> bool:
        if t.state == TrialState.COMPLETE or (t.state == TrialState.PRUNED and self.include_pruned):
            values = t.values
            return values is not None and len(values) > 0 and all(v is not None and math.isfinite(v) for v in values)
        return False

    def _sobol_point(self, names: list[str], dists: dict[str, D.Distribution], index: int) -> dict[str, Any]:
        """The start-up design's point for trial ``index``: the scrambled Sobol sequence, with the
        centre of the space at trial 1 from ``CENTRE_MIN_DIMS`` numeric parameters (``_qmc.design_slot``)."""
        index, centre = design_slot(index, len(names), all_numeric(names, dists), self._centre_min_dims)
        if centre:
            return {n: open_value(dists[n], 0.5) for n in names}
        key = tuple(names)
        engine, pos = self._sobol.get(key, (None, 0))
        if engine is None or pos > index:
            engine, pos = qmc.Sobol(len(names), scramble=True, seed=self._qmc_seed), 0
        if index > pos:
            engine.fast_forward(index - pos)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "balance properties" warning for single draws
            u = engine.random(1)[0]
        self._sobol[key] = (engine, index + 1)
        return {n: open_value(dists[n], float(x)) for n, x in zip(names, u, strict=True)}

    def _encode(self, t: FrozenTrial, name: str, dist: D.Distribution, finished: bool) -> float:
        key = (t.trial_id, name)
        code = self._codes.get(key) if finished else None
        if code is None:
            value = t.params[name]
            code = float(dist.index(value)) if isinstance(dist, D.Categorical) else float(dist.to_unit(value))
            if finished:
                self._codes[key] = code
        return code

    def _model_point(
        self,
        study: StudyContext,
        trial: TrialContext,
        space: list[str],
        dists: dict[str, D.Distribution],
        trials: list[FrozenTrial],
        observed: list[FrozenTrial],
        failed: list[FrozenTrial],
        transform: str | None = None,
    ) -> dict[str, Any]:
        num = [n for n in space if not isinstance(dists[n], D.Categorical)]
        cat = [n for n in space if isinstance(dists[n], D.Categorical)]
        x_num = np.array([[self._encode(t, n, dists[n], True) for n in num] for t in observed], dtype=float).reshape(
            len(observed), len(num)
        )
        x_cat = np.array([[self._encode(t, n, dists[n], True) for n in cat] for t in observed], dtype=float).reshape(
            len(observed), len(cat)
        )
        raw = objective_values(study.directions, observed, self._rng)  # several objectives: ParEGO
        if self._calibrated:  # trusted pruned trials, on the final values' scale (one objective)
            sign = 1.0 if study.directions[0] == "minimize" else -1.0
            raw = np.array(
                [
                    sign * self._calibrated[t.trial_id] if t.trial_id in self._calibrated else r
                    for t, r in zip(observed, raw, strict=True)
                ],
                dtype=float,
            )
        warp = self.input_warping and bool(num)
        space_key = (tuple(num), tuple(cat), warp)
        if transform is None:
            y, model = self._fit_best_transform(raw, x_num, x_cat, warp, space_key)
        else:  # the other view of the data, asked once when the chosen one sees nothing to gain
            y, _ = transform_outputs_with_jacobian(raw, transform)
            model = GPModel(x_num, x_cat, y, warp=warp)
            self._fit(model, (*space_key, transform), len(raw), True)

        pending_num, pending_cat = self._pending(trial, trials, num, cat, dists)
        fantasies = None
        if len(pending_num) and self._pending_draws:
            fantasies = Fantasies(model, pending_num, pending_cat, self._rng, self._pending_draws)
        elif len(pending_num):
            model.set_theta(model.theta, pending_num, pending_cat)  # type: ignore[arg-type]

        fixed = {**trial.fixed_params, **trial.params}  # enqueued or already-suggested values stay put
        fixed_num = {j: float(dists[n].to_unit(fixed[n])) for j, n in enumerate(num) if n in fixed}
        fixed_cat = {j: dists[n].index(fixed[n]) for j, n in enumerate(cat) if n in fixed}  # type: ignore[union-attr]

        lay = model.layout
        ls = np.exp(model.theta[: lay.n_num])  # type: ignore[index]
        scales = np.minimum(ls, 1.0)
        order = np.argsort(y)[: min(5, len(y))]
        # Continuous ranges are searched in their open interior, and no trial's point is proposed
        # again (tunewise._interior): the pending points are taken as well as the evaluated.
        taken_num, taken_cat = self._taken(
            trial, trials, observed, x_num, x_cat, pending_num, pending_cat, num, cat, dists
        )
        # From 10 numeric dimensions the search stays in a trust region around the incumbent (TuRBO).
        box = search_box(
            raw,
            x_num,
            ls,
            open_bounds([dists[n] for n in num]),
            self.n_startup_trials,
            single_objective=len(study.directions) == 1,
            constrained=constraint_matrix(observed) is not None,
        )
        # The believer's values count as results for the incumbent too (Ginsbourger et al. 2010):
        # a running trial predicted to beat the best result sets the bar for the next proposal, so
        # parallel proposals do not crowd around it. Dev split, 4 simulated workers (issue 18,
        # session 16): 0.89x the regret at 20 and 60 trials (bbob, 720 cells); curves 0.99x.
        incumbent = float(np.min(y))
        if self._plugin_incumbent or (self._plugin_when_pending and len(pending_num)):
            incumbent = float(np.min(model.mean_at_observed()))
        if fantasies is None and len(pending_num):
            incumbent = min(incumbent, float(np.min(model.believed_targets())))
        acq = AcquisitionOptimizer(
            model,
            incumbent,
            [len(dists[n].choices) for n in cat],  # type: ignore[union-attr]
            _snapper([dists[n] for n in num]),
            self._rng,
            fixed_num,
            fixed_cat,
            n_restarts=self.n_restarts,
            bounds=box,
            taken=(taken_num, taken_cat),
            open_dims=np.array([is_open(dists[n]) for n in num], dtype=bool),
            fantasies=fantasies,
        )
        if self._integer_search:
            acq.cells = _cell_axes([dists[n] for n in num])
        order = apply_constraints(acq, observed, y, x_num, x_cat, warp, self._rng, order)  # constrained BO
        if failed:
            acq.constraints = [*acq.constraints, self._failure_model(x_num, x_cat, failed, num, cat, dists, warp)]
        best_num, best_cat, best_value = acq.optimize(x_num[order], x_cat[order], scales)
        if (
            self._flat_other_transform
            and transform is None
            and best_value < self._flat_other_transform
            and self.output_transform in ("loo", "auto")
        ):
            other = "standardize" if self._chosen.get(space_key) == "power" else "power"
            return self._model_point(study, trial, space, dists, trials, observed, failed, transform=other)
        if self._flat_log_ei is not None and best_value < self._flat_log_ei:
            best_num = np.array([fixed_num.get(j, self._rng.random()) for j in range(len(num))], dtype=float)
            best_cat = np.array(
                [
                    fixed_cat.get(j, self._rng.integers(len(dists[n].choices)))  # type: ignore[union-attr]
                    for j, n in enumerate(cat)
                ],
                dtype=float,
            )
        out: dict[str, Any] = {n: open_value(dists[n], float(u)) for n, u in zip(num, best_num, strict=True)}
        for n, c in zip(cat, best_cat, strict=True):
            out[n] = dists[n].choices[int(c)]  # type: ignore[union-attr]
        return out

    def _failure_model(
        self,
        x_num: np.ndarray,
        x_cat: np.ndarray,
        failed: list[FrozenTrial],
        num: list[str],
        cat: list[str],
        dists: dict[str, D.Distribution],
        warp: bool,
    ) -> ConstraintModel:
        """Where the objective fails: a GP of -1 (a result) / +1 (no result) over the modelled and the
        failed points, whose probability of a result weighs the acquisition like an unknown constraint
        (Gelbart et al. 2014).

        A failed point left out of the model kept the value the GP predicted there, so a region where
        the objective raises or returns NaN or inf next to a good one drew near-copies of one failed
        point trial after trial; counted at the worst value instead, failures that do not depend on
        the point (a flaky objective) would mark good regions as bad.
        """
        f_num = np.array([[self._encode(t, n, dists[n], True) for n in num] for t in failed], dtype=float).reshape(
            len(failed), len(num)
        )
        f_cat = np.array([[self._encode(t, n, dists[n], True) for n in cat] for t in failed], dtype=float).reshape(
            len(failed), len(cat)
        )
        labels = np.concatenate([-np.ones(len(x_num)), np.ones(len(failed))])[:, None]
        key = ("failures", x_num.shape[1], x_cat.shape[1], warp)  # warm start of its hyperparameters
        previous = self._theta.get(key)
        (model,) = fit_constraint_models(
            np.vstack([x_num, f_num]),
            np.vstack([x_cat, f_cat]),
            labels,
            warp,
            self._rng,
            None if previous is None else [previous],
        )
        self._theta[key] = model.model.theta  # type: ignore[assignment]
        return model

    def _fit_best_transform(
        self, raw: np.ndarray, x_num: np.ndarray, x_cat: np.ndarray, warp: bool, space_key: tuple[Any, ...]
    ) -> tuple[np.ndarray, GPModel]:
        """Fit the GP under each candidate output transform; keep the best one.

        With ``output_transform="loo"`` the candidates are "power" and "standardize", compared by
        how well their leave-one-out means rank the better half of the trials (:func:`_loo_rank_score`).
        With ``"auto"``, by their MAP objective corrected by the transform's log-Jacobian (so both
        are densities of the same raw values; Snelson et al. 2004): that favours the power
        transform whenever the tails are heavy, even where the standardized model ranks the
        trials near the best better (ill-conditioned bowls).
        """
        n = len(raw)
        methods: tuple[str, ...]
        if self.output_transform == "hedge":
            # Round-robin portfolio of two views of the data (in the spirit of GP-Hedge, Hoffman et
            # al. 2011, with surrogates instead of acquisitions, on a fixed schedule): one proposal
            # in _HEDGE_PERIOD comes from the plainly standardized model, which keeps the quadratic
            # shape of ill-conditioned bowls that the power transform's lambda < 0 flattens; the
            # others from the power-transformed one, which resolves heavy tails.
            period = _HEDGE_PERIOD
            methods = ("standardize",) if self._fits.get(space_key, 0) % period == period - 1 else ("power",)
        elif self.output_transform in ("auto", "loo"):
            methods = ("power", "standardize")
        else:
            methods = (self.output_transform,)
        chosen = self._chosen.get(space_key)
        refit = self._refit_due(space_key, n)
        if chosen is not None and not refit and chosen in methods:
            methods = (chosen,)  # between refits, keep the transform chosen at the last refit
        best: tuple[float, np.ndarray, GPModel, str] | None = None
        for method in methods:
            y, log_jac = transform_outputs_with_jacobian(raw, method)
            model = GPModel(x_num, x_cat, y, warp=warp)
            score = self._fit(model, (*space_key, method), n, refit) - log_jac
            if self.output_transform == "loo" and len(methods) > 1:
                score = -_loo_rank_score(model, y)
            if best is None or score < best[0]:
                best = (score, y, model, method)
        assert best is not None
        self._chosen[space_key] = best[3]
        self._fits[space_key] = self._fits.get(space_key, 0) + 1
        return best[1], best[2]

    def _refit_due(self, space_key: tuple[Any, ...], n: int) -> bool:
        refit_every = 1 if n < 50 else (2 if n < 150 else 4)
        return self._fits.get(space_key, 0) % refit_every == 0

    def _fit(self, model: GPModel, key: tuple[Any, ...], n: int, refit: bool) -> float:
        """Fit hyperparameters, warm-started from the previous fit.

        The hyperparameter posterior moves little once there are many observations, so as n grows
        the refit happens every 2nd, then every 4th proposal (the model is still conditioned on
        all data every time), and fresh restarts from the default are added less often.
        """
        lay = model.layout
        prev = self._theta.get(key)
        with np.errstate(all="ignore"):
            if prev is not None and not refit:
                try:
                    model.set_theta(prev)
                    return 0.0  # only one transform is in play between refits: no score needed
                except np.linalg.LinAlgError:  # pragma: no cover - fall through to a refit
                    pass
            if prev is None:
                starts = [lay.default(), lay.random(self._rng), lay.random(self._rng)]
            else:
                starts = [prev]
                count = self._fits.get(key[:-1], 0)
                if count % (5 if n < 100 else 20) == 0:
                    starts.append(lay.default())
            self._theta[key] = model.fit(starts, maxiter=200 if n < 100 else 50)
            return model.fitted_objective

    def _started_meanwhile(
        self,
        study: StudyContext,
        trial: TrialContext,
        trials: list[FrozenTrial],
        out: dict[str, Any],
        space: list[str],
        dists: dict[str, D.Distribution],
    ) -> list[FrozenTrial]:
        """RUNNING trials that started after ``trials`` were read, with a point near ``out``."""
        if not self.consider_running_trials:
            return []
        known = {t.number for t in trials if t.state == TrialState.RUNNING}
        here = {n: dists[n].to_unit(out[n]) for n in space if not isinstance(dists[n], D.Categorical)}
        near = []
        for t in study.get_trials(states=(TrialState.RUNNING,)):
            if t.number in known or _is_self(t, trial):
                continue
            params = running_params(t)
            try:
                if all(
                    n in params
                    and (
                        params[n] == out[n]
                        if isinstance(dists[n], D.Categorical)
                        else abs(dists[n].to_unit(params[n]) - here[n]) < _NEAR
                    )
                    for n in space
                ):
                    near.append(t)
            except (ValueError, TypeError):
                continue
        return near

    def _taken(
        self,
        trial: TrialContext,
        trials: list[FrozenTrial],
        observed: list[FrozenTrial],
        x_num: np.ndarray,
        x_cat: np.ndarray,
        pending_num: np.ndarray,
        pending_cat: np.ndarray,
        num: list[str],
        cat: list[str],
        dists: dict[str, D.Distribution],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Codes of every point a trial holds: modelled, running, and failed or unusable ones."""
        used = {t.number for t in observed}
        rows_num, rows_cat = [x_num, pending_num], [x_cat, pending_cat]
        for t in trials:
            if t.number in used or not t.state.is_finished():
                continue
            if all(n in t.params for n in num + cat):
                try:
                    rows_num.append(np.array([[self._encode(t, n, dists[n], True) for n in num]]).reshape(1, len(num)))
                    rows_cat.append(np.array([[self._encode(t, n, dists[n], True) for n in cat]]).reshape(1, len(cat)))
                except (ValueError, TypeError):
                    continue
        if self.consider_running_trials:  # the pending points are already among the rows
            return np.vstack(rows_num), np.vstack(rows_cat)
        pend_num, pend_cat = self._pending_points(trial, trials, num, cat, dists)
        return np.vstack([*rows_num, pend_num]), np.vstack([*rows_cat, pend_cat])

    def _pending(
        self,
        trial: TrialContext,
        trials: list[FrozenTrial],
        num: list[str],
        cat: list[str],
        dists: dict[str, D.Distribution],
    ) -> tuple[np.ndarray, np.ndarray]:
        if not self.consider_running_trials:
            return np.zeros((0, len(num))), np.zeros((0, len(cat)))
        return self._pending_points(trial, trials, num, cat, dists)

    def _pending_points(
        self,
        trial: TrialContext,
        trials: list[FrozenTrial],
        num: list[str],
        cat: list[str],
        dists: dict[str, D.Distribution],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Codes of the points other RUNNING trials evaluate (published, or proposed here)."""
        rows_num, rows_cat = [], []
        for t in trials:
            # By id: before its start, a trial's number is only predicted, and another worker's
            # trial may hold it.
            if t.state != TrialState.RUNNING or _is_self(t, trial):
                continue
            # This process's memory of its own proposals fills in for one not yet published.
            params = {**self._proposals.get(t.number, {}), **running_params(t)}
            if not all(n in params for n in num + cat):
                continue
            try:
                rows_num.append([float(dists[n].to_unit(params[n])) for n in num])
                rows_cat.append([float(dists[n].index(params[n])) for n in cat])  # type: ignore[union-attr]
            except (ValueError, TypeError):
                continue
        k = len(rows_num)
        return (
            np.array(rows_num, dtype=float).reshape(k, len(num)),
            np.array(rows_cat, dtype=float).reshape(k, len(cat)),
        )


# A point another worker started while this one computed is a near-copy of this proposal when it is
# this close on every unit coordinate (a tenth of the range: well inside a typical length scale).
_NEAR = 0.1


def _loo_rank_score(model: GPModel, y: np.ndarray) -> float:
    """How well the model ranks the better half of the observations when each is left out:
    Kendall's tau between their leave-one-out means and their values (transforms keep order)."""
    import scipy.stats

    n = len(y)
    if n < 6:
        return 0.0
    best = np.argsort(y)[: max(4, n // 2)]
    tau = scipy.stats.kendalltau(model.loo_mean()[best], y[best]).statistic
    return float(tau) if np.isfinite(tau) else 0.0


def _no_result(t: FrozenTrial) -> bool:
    """Whether ``t``'s point was evaluated and gave no number: FAILED by its objective (not by a
    worker lost or stopped: that trial is retried or was interrupted), or an infinite value."""
    if t.state == TrialState.FAILED:
        return not str(t.system_attrs.get("fail_reason", "")).startswith(_NOT_THE_POINT)
    return (
        t.state == TrialState.COMPLETE
        and bool(t.values)
        and not all(v is not None and math.isfinite(v) for v in t.values)  # type: ignore[union-attr]
    )


# Failures of the run, not of the point: failed as stale, interrupted, its worker process died, or its
# result could not be written.
_NOT_THE_POINT = ("stale", "interrupted", "worker died", "its result could not be stored")


# Proposals tried in one propose() when each new point's claim is held by another worker already.
_REFUSED_ROUNDS = 5


def _pending_trial(point: dict[str, Any], dists: dict[str, D.Distribution] | None, k: int) -> FrozenTrial:
    """A RUNNING stand-in for a point another worker holds (negative number and id: never a real trial)."""
    return FrozenTrial(
        number=-k,
        trial_id=-k,
        state=TrialState.RUNNING,
        params=dict(point),
        distributions=None if dists is None else {n: dists[n] for n in point if n in dists},
    )


def _is_self(t: FrozenTrial, trial: TrialContext) -> bool:
    return trial.trial_id is not None and t.trial_id == trial.trial_id


def _modelled(d: D.Distribution) -> bool:
    if isinstance(d, D.Categorical):
        return not d.grid and d.n_values > 1
    return d.n_values != 1


def _snapper(dists: list[D.Distribution]) -> Any:
    """Map unit coordinates of discrete numeric parameters to the centre of their value's cell."""
    discrete = [j for j, d in enumerate(dists) if d.n_values is not None]

    def snap(x: np.ndarray) -> np.ndarray:
        if not discrete:
            return x
        out = x.copy()
        for j in discrete:
            d = dists[j]
            out[:, j] = [d.to_unit(d.from_unit(float(u))) for u in x[:, j]]
        return out

    return snap


_ALL_CELLS = 128  # a discrete dimension with more cells: 128 spread over it, and the current one's neighbours


def _cell_axes(dists: list[D.Distribution]) -> list[Any]:
    """Per numeric parameter, None for a continuous one, else a function from the rows' unit
    coordinates on it to the unit coordinates (cell centres) of the cells the acquisition's
    coordinate search tries there, one row each."""
    return [_cell_axis(d) if isinstance(d, (D.Int, D.Float)) and d.n_values is not None else None for d in dists]


def _cell_axis(d: D.Int | D.Float) -> Any:
    n = int(d.n_values)  # type: ignore[arg-type]
    if n <= _ALL_CELLS:
        every = np.array(sorted({d.to_unit(d.from_unit((k + 0.5) / n)) for k in range(n)}))
        if isinstance(d, D.Int) and d.log:  # cells of unequal width: every integer's own
            every = np.array(sorted({d.to_unit(v) for v in range(d.low, d.high + 1)}))
        return lambda u: np.tile(every, (len(u), 1))
    spread = np.array([d.to_unit(d.from_unit((k + 0.5) / _ALL_CELLS)) for k in range(_ALL_CELLS)])
    step = d.step or 1

    def cells(u: np.ndarray) -> np.ndarray:
        near = []
        for x in u:
            v = d.from_unit(float(x))
            near.append([d.to_unit(min(max(v + k * step, d.low), d.high)) for k in (-2, -1, 1, 2)])
        return np.hstack([np.tile(spread, (len(u), 1)), np.array(near, dtype=float).reshape(len(u), 4)])

    return cells
