"""The learning-curve benchmark's split (benchmarks/_curve_families.py): dev problems stay what they
were, and a test family's problem and random streams share nothing with the dev families' for the
same seed (benchmarks/history/s27/tpe_asha.md, section 1; fixed in session 28)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from _curve_families import (  # noqa: E402
    DEV_REAL,
    DEV_SEED_OFFSET,
    DEV_SHAPES,
    TEST_REAL,
    TEST_SHAPES,
    family_instance,
    problem_seed,
)

SEEDS = range(200)


def _old_instance_opt(seed: int) -> np.ndarray:
    # the draw every family made before session 28: the optimum from the seed alone
    rng = np.random.default_rng([seed, 7919])
    return np.array([rng.uniform(-3.5, -2.5), rng.uniform(0.3, 0.8), rng.uniform(-5.0, -2.5)])


def test_dev_problems_are_unchanged() -> None:
    for family in [*DEV_SHAPES, *DEV_REAL]:
        offset = DEV_SEED_OFFSET.get(family, 0)
        assert [problem_seed(family, s) for s in SEEDS] == [offset + s for s in SEEDS]
    # only families added with a seed range of their own (sessions 29, 32) are offset, below the test range
    assert set(DEV_SEED_OFFSET) == {"noisy-45-t", "sloped-81"}
    assert all(0 < o + max(SEEDS) < 2**30 for o in DEV_SEED_OFFSET.values())
    for family in DEV_SHAPES:
        if family in DEV_SEED_OFFSET:
            continue
        for s in range(5):
            np.testing.assert_array_equal(family_instance(family, s).opt, _old_instance_opt(s))
    # the target stored with crossing-81, seed 0, in session 27's dev results (tpe_asha_screen2_b10.jsonl)
    assert family_instance("crossing-81", 0).target() == 0.11094948088300126


def test_test_problems_are_independent_of_dev_and_of_each_other() -> None:
    dev_opts = np.array([family_instance("crossing-81", s).opt for s in SEEDS])
    seeds_seen: set[int] = set(SEEDS)  # every dev problem seed
    for family in [*TEST_SHAPES, *TEST_REAL]:
        ps = [problem_seed(family, s) for s in SEEDS]
        assert len(set(ps)) == len(ps)
        assert seeds_seen.isdisjoint(ps), family  # no stream or problem shared with dev or another test family
        seeds_seen.update(ps)
        assert all(2**30 <= p < 2**31 for p in ps)
        if family in TEST_SHAPES:
            opts = np.array([family_instance(family, s).opt for s in SEEDS])
            assert not np.any(np.all(np.isclose(opts, dev_opts), axis=1)), family
            # same seed, unrelated optimum: before session 28 the correlation was exactly 1
            for d in range(3):
                assert abs(np.corrcoef(opts[:, d], dev_opts[:, d])[0, 1]) < 0.3, (family, d)


def test_problem_seed_is_stable_across_processes() -> None:
    # the value session 28's test results were run with (their "problem_seed" field): a stored test
    # result must be rerunnable in another interpreter, where str hashes differ
    assert problem_seed("crossing-243-steep", 0) == 2003507780
    assert problem_seed("gb-digits", 0) == 1714271383
