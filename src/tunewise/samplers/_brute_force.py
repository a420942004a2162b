"""Exhaustive search of a finite define-by-run search space, conditional branches included.

The trials seen so far form a tree: a node is "parameter ``p`` is suggested next", its children
are ``p``'s values, and each trial is a path from the root, its parameters in the order it
suggested them. A node no trial has gone past is *open*: what lies below it (which parameter
comes next, if any) is unknown until a trial tries it. Every open node is one combination still
to try; the search is done when none is left.

A proposal walks from the root to an open node, with each branch drawn in proportion to half
the open nodes below it and half uniformly over the branches that have any (as Optuna's
``BruteForceSampler``, so a wide branch does not starve the others), claims it in the storage
and publishes it on its running trial: parallel workers never take the same node, and a node a
RUNNING trial holds counts as taken. Parameters below the open node are drawn as the trial
suggests them, each published at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise.exceptions import SearchExhausted
from tunewise.samplers._base import PROPOSAL_ATTR, Sampler, running_params
from tunewise.samplers._context import Proposal, StudyContext, TrialContext, TrialCursor

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = ["BruteForceSampler"]

_OPEN, _INNER, _LEAF = 0, 1, 2
_CLAIM = "bruteforce:{}"


def _kind(dist: D.Distribution) -> str:
    return "c" if isinstance(dist, D.Categorical) else "i" if isinstance(dist, D.Int) else "f"


def _key(kind: str, value: Any) -> Hashable:
    """A value as a child key: equal for the same value however it was computed (a stepped float
    is compared to 12 significant digits, so 0.1 + 0.2 is 0.3)."""
    if kind == "c":
        return json.dumps(value, sort_keys=True)
    if kind == "i":
        return int(value)
    return float(f"{float(value):.12g}")


class _Node:
    """A node of the tree: which parameter comes next here and its values (see the module doc).

    ``n_open`` / ``n_idle`` count the open nodes of the subtree: all of them / those no RUNNING
    trial holds. Children are made when a path first goes through them; a value without one is
    an open node. A node claimed in the storage (by this process, or refused to it) counts as
    neither: another trial has it for good.
    """

    __slots__ = ("children", "claimed", "kind", "n_idle", "n_open", "name", "parent", "running", "state", "values")

    def __init__(self, parent: _Node | None) -> None:
        self.parent = parent
        self.state = _OPEN
        self.name: str | None = None
        self.kind = ""
        self.values: dict[Hashable, Any] = {}  # child key -> the parameter's value
        self.children: dict[Hashable, _Node] = {}
        self.running = 0
        self.claimed = 0
        self.n_open = 1
        self.n_idle = 1

    def own(self) -> tuple[int, int]:
        """What this node counts itself for (open, idle)."""
        if self.state != _OPEN or self.claimed:
            return 0, 0
        return 1, 0 if self.running else 1

    def bubble(self, d_open: int, d_idle: int) -> None:
        node: _Node | None = self
        while node is not None and (d_open or d_idle):
            node.n_open += d_open
            node.n_idle += d_idle
            node = node.parent

    def child(self, key: Hashable) -> _Node:
        node = self.children.get(key)
        if node is None:  # an open node without an object of its own yet: same counts
            node = self.children[key] = _Node(self)
        return node

    def counts(self, key: Hashable, idle: bool) -> int:
        node = self.children.get(key)
        if node is None:
            return 1
        return node.n_idle if idle else node.n_open


class _Tree:
    __slots__ = ("cursor", "marked", "root")

    def __init__(self, cursor: TrialCursor) -> None:
        self.cursor = cursor
        self.root = _Node(None)
        self.marked: list[tuple[_Node, str]] = []  # (node, "running" | "claimed"), cleared at each refresh

    def mark(self, node: _Node, what: str) -> None:
        o0, i0 = node.own()
        setattr(node, what, getattr(node, what) + 1)
        o1, i1 = node.own()
        node.bubble(o1 - o0, i1 - i0)
        self.marked.append((node, what))

    def unmark_all(self) -> None:
        for node, what in self.marked:
            o0, i0 = node.own()
            setattr(node, what, getattr(node, what) - 1)
            o1, i1 = node.own()
            node.bubble(o1 - o0, i1 - i0)
        self.marked.clear()


class BruteForceSampler(Sampler):
    """Tries every combination of a finite search space once, then ends the study's search.

    The space is whatever the objective suggests, define-by-run: which parameters a trial has
    may depend on the values of earlier ones (an optimizer's own hyperparameters), and a range
    may depend on an earlier value (``suggest_int("b", a, 3)``). Every parameter must have
    finitely many values: categorical, integer, or float with a ``step`` (a float without one
    raises ValueError). FAILED and PRUNED trials count as tried, as in Optuna. When every
    combination has been tried, ``study.optimize`` (without ``n_trials``) stops by itself.

    With several workers (``n_jobs``, processes or machines sharing a storage) each
    combination is claimed in the storage before its trial starts, so none runs twice, and
    RUNNING trials count as taken. A worker that finds every remaining combination held by a
    RUNNING trial stops; the workers running them go on with whatever their trials reveal of a
    conditional space, so the whole space is still tried.

    Args:
        seed: seed of the order in which combinations are tried (they are tried in a random
            order, as in Optuna).
        avoid_premature_stop: when every remaining combination is held by a RUNNING trial, run
            one of them again instead of stopping this worker (Optuna's strict mode; it can
            repeat work, and tunewise's default already covers the space in the end).

    >>> import tunewise as tw
    >>> def objective(trial):
    ...     if trial.suggest_categorical("opt", ["adam", "sgd"]) == "adam":
    ...         return trial.suggest_float("beta", 0.9, 0.99, step=0.09)
    ...     return trial.suggest_int("momentum", 0, 2)
    >>> study = tw.create_study(sampler=tw.samplers.BruteForceSampler(seed=0))
    >>> study.optimize(objective)   # no n_trials: 2 + 3 combinations, then it stops
    >>> sorted(tuple(sorted(t.params.items())) for t in study.trials)  # doctest: +NORMALIZE_WHITESPACE
    [(('beta', 0.9), ('opt', 'adam')), (('beta', 0.99), ('opt', 'adam')), (('momentum', 0), ('opt', 'sgd')),
     (('momentum', 1), ('opt', 'sgd')), (('momentum', 2), ('opt', 'sgd'))]
    """

    def __init__(self, seed: int | None = None, avoid_premature_stop: bool = False) -> None:
        if seed is not None and (isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be an integer or None, got {seed!r}")
        if not isinstance(avoid_premature_stop, (bool, np.bool_)):
            raise TypeError(f"avoid_premature_stop must be True or False, got {avoid_premature_stop!r}")
        self.seed = seed
        self.avoid_premature_stop = bool(avoid_premature_stop)
        self._rng = np.random.default_rng(seed)
        self._tree: _Tree | None = None
        # Per study, the paths this sampler claimed (or was refused): taken for good, until trials show them.
        self._claims: dict[str, list[list[Hashable]]] = {}
        self._values: dict[D.Distribution, list[tuple[Hashable, Any]]] = {}

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._rng = np.random.default_rng(seed)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_tree"] = None  # a worker rebuilds it from its own storage
        state["_claims"] = {}
        return state

    # ---- the search space -------------------------------------------------------------------
    def _candidates(self, name: str, dist: D.Distribution) -> list[tuple[Hashable, Any]]:
        """Every value of ``dist`` as (key, value); ValueError for a range with infinitely many."""
        out = self._values.get(dist)
        if out is None:
            kind = _kind(dist)
            if isinstance(dist, D.Categorical):
                values: Iterable[Any] = dist.choices
            elif isinstance(dist, D.Int):
                values = range(dist.low, dist.high + 1, dist.step)
            else:
                n = dist.n_values
                if n is None:
                    raise ValueError(
                        f"BruteForceSampler tries every value of each parameter, but float parameter {name!r} "
                        f"({dist!r}) has infinitely many: give it a step, suggest_float({name!r}, {dist.low!r}, "
                        f"{dist.high!r}, step=...), or use suggest_int / suggest_categorical")
                values = [_lattice_value(dist, k) for k in range(n)]
            out = self._values[dist] = [(_key(kind, v), v) for v in values]
        return out

    def _extend(self, node: _Node, name: str, dist: D.Distribution) -> bool:
        """Record at ``node`` that parameter ``name`` comes next, with the values of ``dist``
        (merged with those other trials gave it there); False if another parameter comes next."""
        if node.state == _INNER and node.name != name:
            return False
        try:
            values = self._candidates(name, dist)
        except ValueError:
            return False  # an infinite range in another trial: that path is not on the grid
        o0, i0 = node.own()
        if node.state != _INNER:
            node.state, node.name, node.kind = _INNER, name, _kind(dist)
        elif node.kind != _kind(dist):
            return False
        added = 0
        for key, value in values:
            if key not in node.values:
                node.values[key] = value
                added += 1
        node.bubble(added - o0, added - i0)
        return True

    def _add(self, tree: _Tree, params: Mapping[str, Any], dists: Mapping[str, D.Distribution],
             fallback: Mapping[str, D.Distribution]) -> _Node | None:
        """Add the path of a trial's parameters (in the order suggested); its last node, or None
        if the path leaves the tree (a value off every range, another parameter than others had)."""
        node = tree.root
        for name, value in params.items():
            dist = dists.get(name) or fallback.get(name)
            if dist is None or not self._extend(node, name, dist):
                return None
            key = _key(node.kind, value)
            if key not in node.values:
                return None
            node = node.child(key)
        return node

    def _refresh(self, study: StudyContext, skip: int | None = None) -> _Tree:
        """The tree with every trial of the study, RUNNING ones (but trial id ``skip``) marked."""
        tree = self._tree
        if tree is None or not tree.cursor.follows(study):
            tree = self._tree = _Tree(TrialCursor(study))
        tree.unmark_all()
        finished, running = study.read_new(tree.cursor)
        fallback = study.distributions if (finished or running) else {}
        for t in finished:  # COMPLETE, PRUNED and FAILED trials have all been tried
            node = self._add(tree, t.params, t.distributions, fallback)
            if node is not None and node.state == _OPEN:
                o0, i0 = node.own()
                node.state = _LEAF
                node.bubble(-o0, -i0)
        for t in running:
            if skip is not None and t.trial_id == skip:
                continue
            params = running_params(t)
            if not params:
                continue  # nothing known of it yet: it holds no combination
            node = self._add(tree, params, t.distributions, fallback)
            if node is not None:
                tree.mark(node, "running")
        claims = self._claims.get(study.study_name)
        if claims:
            kept = []
            for path in claims:
                node = self._walk(tree, path)
                if node is not None and node.state == _OPEN:
                    tree.mark(node, "claimed")
                    kept.append(path)
            self._claims[study.study_name] = kept
        return tree

    @staticmethod
    def _walk(tree: _Tree, path: list[Hashable]) -> _Node | None:
        node = tree.root
        for key in path:
            if node.state != _INNER or key not in node.values:
                return None
            node = node.child(key)
        return node

    def _pick(self, node: _Node, keys: list[Hashable], idle: bool) -> Hashable | None:
        """A branch of ``node`` among ``keys``: half by the open nodes below, half uniformly over
        the branches that have any (Optuna's blend, so no branch starves); None if none has."""
        counts = np.array([node.counts(k, idle) for k in keys], dtype=float)
        total = counts.sum()
        if total <= 0:
            return None
        has = (counts > 0).astype(float)
        weights = 0.5 * counts / total + 0.5 * has / has.sum()
        return keys[int(self._rng.choice(len(keys), p=weights / weights.sum()))]

    def _exhausted(self, tree: _Tree) -> bool:
        root = tree.root
        if root.n_idle > 0:
            return False
        return root.n_open == 0 or not self.avoid_premature_stop

    # ---- the sampler hooks ----------------------------------------------------------------
    def before_trial(self, study: StudyContext) -> None:
        super().before_trial(study)
        tree = self._refresh(study)
        if self._exhausted(tree):
            raise SearchExhausted(f"BruteForceSampler has tried every combination of the search space of study "
                                  f"{study.study_name!r}")

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
        if trial.fixed_params:
            return {}  # an enqueued trial: its own values; the others are drawn as it suggests them
        tree = self._refresh(study, skip=trial.trial_id)
        if tree.root.state == _OPEN:
            return {}  # nothing known yet: every parameter is drawn as it is suggested
        if self._exhausted(tree):
            raise SearchExhausted(f"BruteForceSampler has tried every combination of the search space of study "
                                  f"{study.study_name!r}")
        idle = tree.root.n_idle > 0  # else (avoid_premature_stop) a combination a RUNNING trial holds
        node, path, params = tree.root, [], {}
        while node.state == _INNER:
            key = self._pick(node, list(node.values), idle)
            if key is None:  # pragma: no cover - the counts say a branch has an open node
                break
            assert node.name is not None
            params[node.name] = node.values[key]
            path.append(key)
            node = node.child(key)
        if not idle:
            return Proposal(params, publish=True)
        # Taken from now on, whether the claim succeeds or is refused (then another worker has it).
        self._claims.setdefault(study.study_name, []).append(path)
        claim = _CLAIM.format(hashlib.sha1(json.dumps(path).encode()).hexdigest())
        return Proposal(params, publish=True, claim=claim)

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        values = self._candidates(name, distribution)
        if len(values) == 1:
            return values[0][1]
        tree = self._refresh(study, skip=trial.trial_id)
        node = self._add(tree, trial.params, study.distributions, {})
        keys = [k for k, _ in values]
        key = None
        if node is not None and self._extend(node, name, distribution):
            key = self._pick(node, keys, idle=True)
            if key is None and self.avoid_premature_stop:
                key = self._pick(node, keys, idle=False)
        if key is None:  # off the tree, or every value below here is taken: any value
            key = keys[int(self._rng.integers(len(keys)))]
        value = dict(values)[key]
        # Published at once: another worker counts this combination as taken from now on.
        trial.set_system_attr(PROPOSAL_ATTR, {**trial.params, name: value})
        return value

    def is_exhausted(self, study: StudyContext | Study) -> bool:
        """Whether every combination has been tried (or is held by a RUNNING trial)."""
        from tunewise.samplers._context import as_study_context

        return self._exhausted(self._refresh(as_study_context(study)))

    def describe(self) -> dict[str, Any]:
        return {"name": "BruteForceSampler", "seed": self.seed, "avoid_premature_stop": self.avoid_premature_stop}


def _lattice_value(dist: D.Float, k: int) -> float:
    """Value ``k`` of a stepped float range, in decimal arithmetic where it is exact (0.009, not
    0.009000000000000001, for ``low=0.001, step=0.001``), as Optuna enumerates it."""
    assert dist.step is not None
    exact = float(Decimal(repr(dist.low)) + k * Decimal(repr(dist.step)))
    if dist.contains(exact):
        return exact
    return dist.from_unit((k + 0.5) / (dist.n_values or 1))
