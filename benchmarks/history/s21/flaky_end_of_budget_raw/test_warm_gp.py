"""Runs first in a pytest session, as earlier fast-lane tests do: the default sampler's GP path imported
and compiled."""
import tunewise as tw


def test_warm_up_the_default_sampler():
    study = tw.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=6)
    assert len(study.trials) == 6
