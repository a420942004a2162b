"""TPE in a conditional space with finite branches proposes no configuration already evaluated while
unevaluated ones remain (issue 18, session 32): a configuration is a trial's active parameters."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

import tunewise as tw

logging.getLogger("tunewise").setLevel(logging.ERROR)

N_CONFIGS = 4 * 2 + 3 * 4 + 1  # branch a: 4 x 2, branch b: 3 x 4, branch c: one configuration


def objective(t: Any) -> float:
    model = t.suggest_categorical("model", ["a", "b", "c"])
    if model == "a":
        return 1.0 + 0.1 * t.suggest_int("a_depth", 1, 4) + 0.01 * (t.suggest_categorical("a_crit", ["g", "e"]) == "e")
    if model == "b":
        return 0.5 + 0.1 * ["x", "y", "z"].index(t.suggest_categorical("b_kind", ["x", "y", "z"])) \
            + 0.01 * t.suggest_int("b_k", 0, 30, step=10)
    return 0.0  # branch c, no parameter: the best configuration, which TPE would take again and again


def _keys(study: tw.Study) -> list[str]:
    return [json.dumps(t.params, sort_keys=True) for t in study.trials]


def _run(switch: bool, seed: int) -> list[str]:
    sampler = tw.samplers.TPESampler(seed=seed, n_startup_trials=5)
    sampler._conditional_no_repeat = switch
    study = tw.create_study(sampler=sampler)
    study.optimize(objective, n_trials=N_CONFIGS + 3)
    return _keys(study)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_evaluated_configuration_again_while_new_ones_remain(seed: int) -> None:
    keys = _run(True, seed)
    seen: set[str] = set(keys[:5])  # the random start-up may repeat
    for k in keys[5:]:
        if len(seen) < N_CONFIGS:
            assert k not in seen
        seen.add(k)
    assert len(set(keys)) == N_CONFIGS  # every configuration evaluated; then repeats are allowed


def test_without_the_rule_tpe_repeats() -> None:
    keys = _run(False, 0)
    assert len(keys) - len(set(keys)) > 5


def test_proposals_unchanged_where_nothing_repeats() -> None:
    """A continuous parameter in every branch: no configuration can repeat, the rule never acts and
    the proposals are the same bit for bit."""

    def cont(t: Any) -> float:
        if t.suggest_categorical("m", ["a", "b"]) == "a":
            return (t.suggest_float("x", -1, 1) - 0.3) ** 2 + 0.1 * t.suggest_int("i", 0, 2)
        return abs(t.suggest_float("y", 0, 1) - 0.5)

    runs = []
    for switch in (False, True):
        sampler = tw.samplers.TPESampler(seed=3, n_startup_trials=5)
        sampler._conditional_no_repeat = switch
        study = tw.create_study(sampler=sampler)
        study.optimize(cont, n_trials=40)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]
