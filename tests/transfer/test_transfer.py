"""Knowledge base, similarity ranking, space mapping, the fading prior and warm starts."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, backend_url, unique
from tunewise.distributions import Categorical, Float, Int
from tunewise.transfer import (
    FromSimilarTasks,
    KnowledgeBase,
    KnowledgeBaseError,
    KnowledgeBaseWarning,
    TaskRecord,
    WarmStartSampler,
    add_to_knowledge_base,
    compute_meta_features,
    map_config,
    rank_tasks,
)
from tunewise.transfer._store import KB_STUDY_NAME


def _quadratic_study(storage, name, centre, n_trials=25, direction="minimize", seed=0):
    study = tw.create_study(name=name, storage=storage, direction=direction,
                            sampler=tw.samplers.RandomSampler(seed=seed))
    sign = 1.0 if direction == "minimize" else -1.0

    def obj(t):
        return sign * ((t.suggest_float("x", -5, 5) - centre) ** 2 + 0.1 * t.suggest_int("n", 1, 8))

    study.optimize(obj, n_trials=n_trials)
    return study


# ---- knowledge base -------------------------------------------------------------------------
def test_add_to_knowledge_base_normalizes_scores_direction_aware():
    storage = tw.storage.InMemoryStorage()
    for direction in ("minimize", "maximize"):
        study = _quadratic_study(storage, f"s-{direction}", 1.0, direction=direction)
        rec = add_to_knowledge_base(study, task=f"t-{direction}", tags=["toy"], top_k=5)
        assert len(rec.top) == 5
        scores = [c["score"] for c in rec.top]
        assert scores[0] == 0.0 and scores == sorted(scores) and all(0 <= s <= 1 for s in scores)
        assert rec.top[0]["value"] == study.best_value
        assert rec.top[0]["params"] == study.best_params
        assert rec.space == study.distributions
    kb = KnowledgeBase(storage)
    assert kb.task_names() == ["t-maximize", "t-minimize"]
    assert kb.get("t-maximize").direction == "maximize"
    kb.remove("t-maximize")
    assert kb.task_names() == ["t-minimize"]


def test_knowledge_base_rejects_bad_input_clearly():
    storage = tw.storage.InMemoryStorage()
    study = tw.create_study(storage=storage)
    with pytest.raises(ValueError, match="no COMPLETE trial"):
        add_to_knowledge_base(study, task="empty")
    study = _quadratic_study(storage, "s", 0.0)
    with pytest.raises(ValueError, match="top_k must be an integer >= 1, got 0"):
        add_to_knowledge_base(study, task="x", top_k=0)
    with pytest.raises(TypeError, match="tags must be a list of strings"):
        add_to_knowledge_base(study, task="x", tags="svm")
    with pytest.raises(ValueError, match=r"meta_features\['n'\] must be finite"):
        add_to_knowledge_base(study, task="x", meta_features={"n": float("nan")})
    with pytest.raises(KnowledgeBaseError, match="no task 'nope'.*known tasks: none"):
        KnowledgeBase(storage).get("nope")


def test_empty_knowledge_base_warns_and_starts_cold():
    storage = tw.storage.InMemoryStorage()
    with pytest.warns(KnowledgeBaseWarning, match="knowledge base is empty"):
        study = tw.create_study(storage=storage, warm_start=FromSimilarTasks(tags=["svm"]),
                                sampler=tw.samplers.RandomSampler(seed=0))
    assert isinstance(study.sampler, tw.samplers.RandomSampler)  # nothing to wrap: a plain cold start
    with pytest.raises(KnowledgeBaseError, match="knowledge base is empty"):
        tw.create_study(storage=storage, warm_start=FromSimilarTasks(strict=True))


def test_corrupted_entry_is_named_and_skipped():
    storage = tw.storage.InMemoryStorage()
    add_to_knowledge_base(_quadratic_study(storage, "good", 1.0), task="good", tags=["toy"])
    kb_id = storage.get_study_id(KB_STUDY_NAME)
    storage.set_study_attr(kb_id, "task:broken", {"task": "broken", "top": [{"params": 3}]})
    storage.set_study_attr(kb_id, "task:junk", "not a record")
    with pytest.raises(KnowledgeBaseError, match="'broken' is corrupted"):
        KnowledgeBase(storage).get("broken")
    with pytest.raises(KnowledgeBaseError, match="'junk' is corrupted: expected a JSON object"):
        KnowledgeBase(storage).get("junk")
    with pytest.raises(KnowledgeBaseError, match="'broken' is corrupted"):
        KnowledgeBase(storage).tasks()
    ws = FromSimilarTasks(top_k=2, tags=["toy"])
    with pytest.warns(UserWarning, match="skipping knowledge-base entry .(broken|junk). is corrupted"):
        study = tw.create_study(storage=storage, warm_start=ws)
    assert [r.record.task for r in ws.chosen] == ["good"]
    assert isinstance(study.sampler, WarmStartSampler)
    with pytest.raises(KnowledgeBaseError, match="corrupted"):
        tw.create_study(storage=storage, warm_start=FromSimilarTasks(strict=True))


def test_unknown_format_version_is_a_clear_error():
    storage = tw.storage.InMemoryStorage()
    add_to_knowledge_base(_quadratic_study(storage, "good", 1.0), task="good")
    storage.set_study_attr(storage.get_study_id(KB_STUDY_NAME), "kb:format", {"version": 99})
    with pytest.raises(KnowledgeBaseError, match="format .*99.*reads version 1"):
        KnowledgeBase(storage).tasks()


# ---- meta-features and similarity -----------------------------------------------------------
def test_meta_features_of_real_data():
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris

    iris = compute_meta_features(*load_iris(return_X_y=True))
    assert (iris["n_rows"], iris["n_features"], iris["n_classes"]) == (150, 4, 3)
    assert iris["class_imbalance"] == 0.0 and iris["class_entropy"] == pytest.approx(1.0)
    assert 0.5 < iris["landmark_stump"] < iris["landmark_1nn"] <= 1.0  # a stump can split off one class only
    bc = compute_meta_features(*load_breast_cancer(return_X_y=True))
    assert bc["class_imbalance"] == pytest.approx(1 - 212 / 357)
    reg = compute_meta_features(*load_diabetes(return_X_y=True))
    assert reg["n_classes"] == 0.0 and "landmark_stump" in reg
    import pandas as pd

    df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0] * 5, "b": list("xyzw") * 5})
    mf = compute_meta_features(df, [0, 1] * 10, landmarkers=False)
    assert mf["categorical_share"] == 0.5
    with pytest.raises(ValueError, match="same number of rows, got 20 and 3"):
        compute_meta_features(df, [0, 1, 0])


def _rec(name, meta=None, tags=(), space=None):
    space = space if space is not None else {"x": Float(0, 1)}
    return TaskRecord(task=name, tags=tuple(tags), meta_features=meta or {}, space=space,
                      top=({"params": {"x": 0.5}, "value": 0.0, "score": 0.0},))


def test_similarity_ranking_on_constructed_tasks():
    records = [
        _rec("far", {"n_rows": 100000, "n_features": 500, "landmark_1nn": 0.2}, ["xgboost"]),
        _rec("near", {"n_rows": 1100, "n_features": 22, "landmark_1nn": 0.85}, ["svm", "tabular"]),
        _rec("middle", {"n_rows": 5000, "n_features": 40, "landmark_1nn": 0.6}, ["svm"]),
        _rec("other-space", {"n_rows": 1000, "n_features": 20, "landmark_1nn": 0.9}, ["svm"],
             space={"depth": Int(1, 5)}),
    ]
    query = _rec("new", {"n_rows": 1000, "n_features": 20, "landmark_1nn": 0.9}, ["svm", "tabular"])
    ranked = rank_tasks(query, records)
    assert [r.record.task for r in ranked] == ["near", "middle", "far"]  # no shared parameter: left out
    assert ranked[0].similarity > ranked[1].similarity > ranked[2].similarity
    # Tags alone decide when there are no meta-features.
    q_tags = _rec("new", tags=["xgboost"])
    assert rank_tasks(q_tags, records)[0].record.task == "far"
    # A user similarity replaces the default.
    by_name = rank_tasks(query, records, similarity=lambda a, b: -len(b.task))
    assert [r.record.task for r in by_name] == ["far", "near", "middle"]
    with pytest.raises(TypeError, match="must return a number"):
        rank_tasks(query, records, similarity=lambda a, b: "close")


def test_warm_start_uses_user_similarity_and_exclude():
    storage = tw.storage.InMemoryStorage()
    for name, centre in (("a", -3.0), ("b", 3.0)):
        add_to_knowledge_base(_quadratic_study(storage, name, centre), task=name)
    ws = FromSimilarTasks(top_k=1, n_tasks=1, similarity=lambda q, r: 1.0 if r.task == "b" else 0.0)
    study = tw.create_study(storage=storage, warm_start=ws, sampler=tw.samplers.RandomSampler(seed=1))
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 3) ** 2 + 0.1 * t.suggest_int("n", 1, 8), n_trials=1)
    assert [r.record.task for r in ws.chosen] == ["b"]
    assert study.trials[0].params == KnowledgeBase(storage).get("b").top[0]["params"]
    ws2 = FromSimilarTasks(top_k=1, exclude=["a", "b"])
    with pytest.warns(KnowledgeBaseWarning, match="no knowledge-base task"):
        tw.create_study(storage=storage, warm_start=ws2)


# ---- space mapping ------------------------------------------------------------------------
def test_space_mapping_rename_missing_narrower_and_categorical():
    space = {"lr": Float(1e-4, 1e-2, log=True), "units": Int(32, 256, step=32), "opt": Categorical(["adam", "sgd"]),
             "dropout": Float(0.0, 0.5, step=0.1)}
    # renamed ("learning_rate") and removed ("momentum") parameters are dropped; ranges clipped and snapped
    cfg = {"learning_rate": 0.1, "lr": 0.05, "units": 300, "opt": "sgd", "momentum": 0.9, "dropout": 0.33}
    assert map_config(cfg, space) == {"lr": 1e-2, "units": 256, "opt": "sgd", "dropout": pytest.approx(0.3)}
    assert map_config({"units": 70}, space) == {"units": 64}
    assert map_config({"lr": 1e-6}, space) == {"lr": 1e-4}
    # a categorical value the new space lacks: the configuration does not fit
    assert map_config({"lr": 1e-3, "opt": "rmsprop"}, space) is None
    # nothing shared: does not fit either
    assert map_config({"momentum": 0.9}, space) is None
    # a number where a string is expected does not fit; a string where a number is expected neither
    assert map_config({"opt": 1}, space) is None
    assert map_config({"lr": "fast"}, space) is None


def test_enqueued_configs_are_mapped_into_the_new_space():
    storage = tw.storage.InMemoryStorage()
    src = tw.create_study(name="src", storage=storage, sampler=tw.samplers.RandomSampler(seed=0))

    def src_obj(t):
        return (t.suggest_float("x", -10, 10) - 8) ** 2 + (t.suggest_categorical("k", ["a", "b", "c"]) != "c") \
            + t.suggest_float("old_name", 0, 1)

    src.optimize(src_obj, n_trials=40)
    add_to_knowledge_base(src, task="src", top_k=10)
    space = {"x": Float(-2, 2), "k": Categorical(["a", "b"]), "new_name": Float(0, 1)}
    ws = FromSimilarTasks(top_k=10, space=space)
    study = tw.create_study(storage=storage, warm_start=ws, sampler=tw.samplers.RandomSampler(seed=0))
    waiting = [t for t in study.trials if t.state == tw.TrialState.WAITING]
    src_top = KnowledgeBase(storage).get("src").top
    fitting = [c for c in src_top if c["params"]["k"] != "c"]
    assert len(waiting) == 2  # n_unconditional; the others are served while their source ranks well
    assert 2 <= len(ws.initial_configs) <= len(fitting)  # "c" configs skipped; duplicates after clipping merged
    for c in ws.initial_configs:
        assert set(c) == {"x", "k"} and -2 <= c["x"] <= 2 and c["k"] in ("a", "b")
    for t in waiting:
        fixed = t.system_attrs["fixed_params"]
        assert set(fixed) == {"x", "k"} and -2 <= fixed["x"] <= 2 and fixed["k"] in ("a", "b")
    study.optimize(lambda t: sum(float(t.suggest(n, d)) if n != "k" else 0.0 for n, d in space.items()),
                   n_trials=len(waiting) + 2)
    assert all(t.state == tw.TrialState.COMPLETE for t in study.trials)


def test_unknown_space_configs_are_clipped_when_suggested():
    storage = tw.storage.InMemoryStorage()
    add_to_knowledge_base(_quadratic_study(storage, "src", 4.5), task="src")
    ws = FromSimilarTasks(top_k=3)  # the new study's space is unknown until its first trial
    study = tw.create_study(storage=storage, warm_start=ws, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 2) - 2) ** 2 + t.suggest_int("n", 2, 4), n_trials=8)
    configs = [t for t in study.trials if t.system_attrs.get("transfer", {}).get("kind") == "config"]
    assert [t.number for t in configs[:2]] == [0, 1]
    # The third waits until the source's configurations have beaten three quarters of the study's
    # own trials (at least 2 of them); the configurations (x clipped to 2, the optimum) rank best,
    # so it is served then.
    assert len(configs) == 3 and configs[2].number >= 4
    assert all(t.params["x"] == 2.0 for t in configs)  # ~4.5 in the source, clipped to the new high
    assert all(2 <= t.params["n"] <= 4 for t in configs)


def test_misleading_configs_stop_after_the_unconditional_ones():
    storage = tw.storage.InMemoryStorage()
    add_to_knowledge_base(_quadratic_study(storage, "src", -4.5, n_trials=40), task="src")
    ws = FromSimilarTasks(top_k=8, n0=0)  # configurations only, no prior
    study = tw.create_study(storage=storage, warm_start=ws, sampler=tw.samplers.RandomSampler(seed=1))
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 4) ** 2 + 0.1 * t.suggest_int("n", 1, 8), n_trials=20)
    served = [t.number for t in study.trials if "transfer" in t.system_attrs]
    assert len(ws.initial_configs) == 8
    assert served == [0, 1]  # the unconditional ones rank worst: the other six are never run


# ---- the prior and its fading -------------------------------------------------------------
def test_prior_fades_as_trials_accumulate():
    prior = [{"x": 0.8 + 0.01 * i} for i in range(5)]
    sampler = WarmStartSampler(tw.samplers.RandomSampler(seed=0), prior, n0=5, adaptive=False, seed=0)
    study = tw.create_study(sampler=sampler)
    probs = []

    def obj(t):
        probs.append(sampler.prior_probability(study))
        return (t.suggest_float("x", -5, 5) - 0.8) ** 2

    study.optimize(obj, n_trials=200)
    from_prior = np.array(["transfer" in t.system_attrs for t in study.trials])
    assert probs[0] == 0.5  # capped, so that the study's own trials arrive from the start
    assert probs[20] == pytest.approx(5 / (5 + 20)) and probs[-1] == pytest.approx(5 / (5 + 199))
    # Expected shares: ~0.36 in the first 20 trials, ~0.03 after trial 100.
    early, middle, late = from_prior[:20].mean(), from_prior[20:100].mean(), from_prior[100:].mean()
    assert early > middle > late and early > 0.15 and late < 0.08 and early > 3 * late
    xs = np.array([t.params["x"] for t in study.trials])
    assert np.all(np.abs(xs[from_prior] - 0.8) < 2.0)  # prior draws stay near the prior's configurations


def test_misleading_prior_loses_trust():
    prior = [{"x": -4.5}, {"x": -4.6}, {"x": -4.4}]  # the optimum is at +3
    sampler = WarmStartSampler(tw.samplers.RandomSampler(seed=1), prior, n0=20, seed=1)
    study = tw.create_study(sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 3) ** 2, n_trials=40)
    assert sampler.trust(study) < 0.2
    n_prior_late = sum("transfer" in t.system_attrs for t in study.trials[20:])
    # Without trust a prior worth 20 observations would still drive ~40% of these trials.
    assert n_prior_late <= 3


def test_warm_sampler_checks_its_arguments():
    base = tw.samplers.RandomSampler()
    with pytest.raises(TypeError, match="base must be a tunewise Sampler"):
        WarmStartSampler("tpe", [{"x": 1}])
    with pytest.raises(ValueError, match="weights must be 1 finite numbers >= 0"):
        WarmStartSampler(base, [{"x": 1}], weights=[1, 2])
    with pytest.raises(ValueError, match="n0 must be a finite number >= 0"):
        WarmStartSampler(base, [{"x": 1}], n0=-1)
    with pytest.raises(ValueError, match="top_k must be an integer >= 0, got -1"):
        FromSimilarTasks(top_k=-1)
    with pytest.raises(TypeError, match="warm_start must have an apply"):
        tw.create_study(warm_start="similar")


def test_warm_start_with_tpe_beats_cold_on_related_task():
    storage = tw.storage.InMemoryStorage()
    for i, c in enumerate((2.9, 3.1, 3.3)):
        s = tw.create_study(name=f"src{i}", storage=storage, sampler=tw.samplers.TPESampler(seed=i))
        s.optimize(lambda t, c=c: (t.suggest_float("x", -10, 10) - c) ** 2 + (t.suggest_float("y", -10, 10) + c) ** 2,
                   n_trials=40)
        add_to_knowledge_base(s, task=f"src{i}", tags=["toy"])

    def obj(t):
        return (t.suggest_float("x", -10, 10) - 3.0) ** 2 + (t.suggest_float("y", -10, 10) + 3.0) ** 2

    warm_best, cold_best = [], []
    for seed in range(3):
        warm = tw.create_study(storage=storage, sampler=tw.samplers.TPESampler(seed=seed),
                               warm_start=FromSimilarTasks(top_k=3, tags=["toy"], seed=seed))
        warm.optimize(obj, n_trials=10)
        cold = tw.create_study(sampler=tw.samplers.TPESampler(seed=seed))
        cold.optimize(obj, n_trials=10)
        warm_best.append(warm.best_value)
        cold_best.append(cold.best_value)
        assert warm.system_attrs["strategy"]["sampler"]["name"] == "WarmStartSampler"
        assert [d["task"] for d in warm.system_attrs["transfer:warm_start"]["tasks"]]
    assert np.mean(warm_best) < 0.2 < np.mean(cold_best)


def test_load_if_exists_does_not_enqueue_twice():
    storage = tw.storage.InMemoryStorage()
    add_to_knowledge_base(_quadratic_study(storage, "src", 1.0), task="src")
    space = {"x": Float(-5, 5), "n": Int(1, 8)}
    tw.create_study(name="new", storage=storage, warm_start=FromSimilarTasks(top_k=3, space=space, seed=0),
                    sampler=tw.samplers.RandomSampler(seed=3))
    again = tw.create_study(name="new", storage=storage, load_if_exists=True,
                            warm_start=FromSimilarTasks(top_k=3, space=space, seed=0),
                            sampler=tw.samplers.RandomSampler(seed=3))
    assert len(again.trials) == 2  # the unconditional configurations, queued once
    assert isinstance(again.sampler, WarmStartSampler)
    again.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2 + 0.1 * t.suggest_int("n", 1, 8), n_trials=8)
    configs = [json.dumps(t.params, sort_keys=True) for t in again.trials if "transfer" in t.system_attrs
               and t.system_attrs["transfer"].get("kind") == "config"]
    assert len(configs) == len(set(configs)) == 3  # the third one served later (they rank well), never twice


@pytest.mark.parametrize("backend", BACKENDS)
def test_knowledge_base_on_every_storage(backend, tmp_path):
    """The knowledge base uses only the BaseStorage interface: memory, SQLite and PostgreSQL alike."""
    url = backend_url(backend, tmp_path)
    storage = tw.storage.InMemoryStorage() if url is None else tw.storage.get_storage(url)
    task = unique("task")  # the PostgreSQL database is shared by every test: other tasks may be there
    study = _quadratic_study(storage, unique("src"), 2.0)
    add_to_knowledge_base(study, task=task, tags=[task], meta_features={"n_rows": 10})
    rec = KnowledgeBase(url or storage).get(task)
    assert rec.tags == (task,) and rec.meta_features == {"n_rows": 10.0} and rec.study == study.study_name
    assert rec.space == {"x": Float(-5, 5), "n": Int(1, 8)} and rec.top[0]["params"] == study.best_params
    ws = FromSimilarTasks(top_k=2, tags=[task], n_tasks=1)
    new = tw.create_study(name=unique("new"), storage=storage, warm_start=ws, sampler=tw.samplers.RandomSampler(seed=0))
    assert [r.record.task for r in ws.chosen] == [task]
    new.optimize(lambda t: (t.suggest_float("x", -5, 5) - 2) ** 2 + 0.1 * t.suggest_int("n", 1, 8), n_trials=2)
    assert new.trials[0].params == rec.top[0]["params"]
    KnowledgeBase(storage).remove(task)
    assert task not in KnowledgeBase(storage).task_names()


def test_prior_does_not_repeat_points_on_a_lattice():
    # Every trial drawn from a prior concentrated on one cell of a 7-value lattice.
    sampler = WarmStartSampler(tw.samplers.RandomSampler(seed=0), [{"k": 3}], n0=1e9, max_probability=1.0,
                               adaptive=False, seed=0)
    study = tw.create_study(sampler=sampler)
    study.optimize(lambda t: abs(t.suggest_int("k", 0, 6) - 3), n_trials=6)
    ks = [t.params["k"] for t in study.trials]
    assert all("transfer" in t.system_attrs for t in study.trials)
    assert ks[0] == 3 or abs(ks[0] - 3) <= 2  # near the prior's centre
    assert len(set(ks[1:])) >= 4  # later draws move to neighbouring cells instead of re-running one


# ---- judging each source in the new study --------------------------------------------------------
class _SpySampler(tw.samplers.RandomSampler):
    """A random sampler with a start-up setting, recording what the wrapper shows it."""

    def __init__(self, seed):
        super().__init__(seed=seed)
        self.n_startup_trials = 10
        self.seen = []  # per proposal: (trial number, n_startup_trials, numbers of the trials it was shown)

    def propose(self, study, trial):
        self.seen.append((trial.number, self.n_startup_trials, [t.number for t in study.get_trials()]))
        return super().propose(study, trial)


def _two_source_kb(storage):
    # "good" was tuned on a task like the new one (optimum near x = 3), "bad" on one whose optimum is far.
    add_to_knowledge_base(_quadratic_study(storage, "good-src", 3.1, n_trials=40), task="good", tags=["toy"])
    add_to_knowledge_base(_quadratic_study(storage, "bad-src", -4.5, n_trials=40), task="bad", tags=["toy"])


def _new_objective(t):
    return (t.suggest_float("x", -5, 5) - 3.0) ** 2 + 0.1 * t.suggest_int("n", 1, 8)


def test_misleading_source_is_dropped_and_hidden_good_one_kept():
    storage = tw.storage.InMemoryStorage()
    _two_source_kb(storage)
    spy = _SpySampler(seed=5)  # not the sources' seed: their random draws would come back
    ws = FromSimilarTasks(top_k=6, tags=["toy"], n_tasks=2, seed=0, space={"x": Float(-5, 5), "n": Int(1, 8)})
    study = tw.create_study(storage=storage, warm_start=ws, sampler=spy)
    study.optimize(_new_objective, n_trials=25)
    sampler = study.sampler
    trust = sampler.source_trust(study)
    assert sampler.dropped == {"bad"} and trust["bad"] == 0.0 and trust["good"] >= 0.5
    tasks = [t.system_attrs["transfer"]["task"] for t in study.trials if "transfer" in t.system_attrs]
    assert sorted(tasks[:2]) == ["bad", "good"]  # the unconditional configurations, one from each source
    assert tasks.count("bad") == 1  # dropped after its first configuration: no more of its trials
    assert tasks.count("good") >= 3  # its later configurations and prior draws keep coming
    bad_trial = next(t.number for t in study.trials if t.system_attrs.get("transfer", {}).get("task") == "bad")
    # Once dropped, the base never sees the bad source's trial again.
    dropped_at = min(n for n, _, shown in spy.seen if bad_trial not in shown)
    assert all(bad_trial not in shown for n, _, shown in spy.seen if n >= dropped_at)
    # While "good" is trusted the base's start-up is met by 2 own trials; the setting is restored after.
    assert any(startup < 10 for _, startup, _ in spy.seen) and spy.n_startup_trials == 10


def test_after_dropping_a_misleading_source_tpe_runs_as_if_cold():
    storage = tw.storage.InMemoryStorage()
    add_to_knowledge_base(_quadratic_study(storage, "bad-src", -4.5, n_trials=40), task="bad", tags=["toy"])
    space = {"x": Float(-5, 5)}  # one parameter: the cold study knows its whole space from its first trial too

    def objective(t):
        return (t.suggest_float("x", -5, 5) - 3.0) ** 2

    warm = tw.create_study(storage=storage, sampler=tw.samplers.TPESampler(seed=3),
                           warm_start=FromSimilarTasks(top_k=5, tags=["toy"], space=space, seed=3))
    warm.optimize(objective, n_trials=22)
    cold = tw.create_study(sampler=tw.samplers.TPESampler(seed=3))
    cold.optimize(objective, n_trials=20)
    own = [t.params for t in warm.trials if "transfer" not in t.system_attrs]
    assert warm.sampler.dropped == {"bad"} and len(own) == 20
    # The misleading configurations cost two trials and nothing else: the study's own trials are
    # exactly the cold study's, TPE model phase included (it never sees the corner points).
    assert own == [t.params for t in cold.trials]


def test_source_arguments_are_checked():
    base = tw.samplers.RandomSampler()
    with pytest.raises(ValueError, match="sources must be a list of 1 task names"):
        WarmStartSampler(base, [{"x": 1}], sources=["a", "b"])
    with pytest.raises(ValueError, match="min_own must be an integer >= 1, got 0"):
        WarmStartSampler(base, [{"x": 1}], min_own=0)
    with pytest.raises(ValueError, match=r"n_reference must be >= min_own \(2\), got 1"):
        WarmStartSampler(base, [{"x": 1}], n_reference=1)


# ---- local refinement around the incumbent while a source is trusted ---------------------------
def _lattice_objective(t):
    # Optimum at the lattice point x = 3.5, n = 1; the "good" source's best configurations are near x = 3.1.
    return (t.suggest_float("x", -5, 5, step=0.25) - 3.5) ** 2 + 0.1 * t.suggest_int("n", 1, 8)


def test_local_steps_refine_around_the_incumbent_on_a_lattice():
    from tunewise.transfer._sampler import LOCAL_ATTR

    storage = tw.storage.InMemoryStorage()
    add_to_knowledge_base(_quadratic_study(storage, "good-src", 3.1, n_trials=40), task="good", tags=["toy"])
    space = {"x": Float(-5, 5, step=0.25), "n": Int(1, 8)}
    study = tw.create_study(storage=storage, sampler=tw.samplers.RandomSampler(seed=1),
                            warm_start=FromSimilarTasks(top_k=3, tags=["toy"], space=space, seed=1,
                                                        local_fraction=0.5))
    study.optimize(_lattice_objective, n_trials=30)
    trials = study.trials
    local = [t for t in trials if LOCAL_ATTR in t.system_attrs]
    own = [t for t in trials if LOCAL_ATTR not in t.system_attrs and "transfer" not in t.system_attrs]
    assert study.sampler.source_trust(study)["good"] >= 0.75
    # About half of the study's own trials are local steps (the rest stay with the base sampler).
    assert abs(len(local) - len(own)) <= 3 and len(local) >= 8
    for t in local:  # a local step never re-runs a lattice point the study has tried
        assert (t.params["x"], t.params["n"]) not in {(u.params["x"], u.params["n"]) for u in trials[:t.number]}
    by_number = {t.number: t for t in trials}
    for t in local:
        info = t.system_attrs[LOCAL_ATTR]
        inc = by_number[info["incumbent"]]
        assert inc.number < t.number and inc.value == pytest.approx(info["best"])
        # Each step leaves the incumbent's cell (at least one lattice step) but stays near it.
        assert (t.params["x"], t.params["n"]) != (inc.params["x"], inc.params["n"])
        assert abs(t.params["x"] - inc.params["x"]) <= 2.5
    # The 1/5th rule: the multiplier shrinks after failures and grows after successes, step by step.
    ms = [t.system_attrs[LOCAL_ATTR]["m"] for t in local]
    for prev, _t, m in zip(local, local[1:], ms[1:]):
        success = prev.value < prev.system_attrs[LOCAL_ATTR]["best"]
        assert m == pytest.approx(min(max(prev.system_attrs[LOCAL_ATTR]["m"] * (0.85 ** -4 if success else 0.85),
                                          1e-3), 4.0))
    assert min(ms) < 1.0
    assert study.best_params == {"x": 3.5, "n": 1}  # the exact best lattice point


def test_no_local_steps_without_a_trusted_source():
    from tunewise.transfer._sampler import LOCAL_ATTR

    storage = tw.storage.InMemoryStorage()
    add_to_knowledge_base(_quadratic_study(storage, "bad-src", -4.5, n_trials=40), task="bad", tags=["toy"])
    space = {"x": Float(-5, 5, step=0.25), "n": Int(1, 8)}
    runs = []
    for fraction in (0.5, 0.0):
        study = tw.create_study(storage=storage, sampler=tw.samplers.TPESampler(seed=2),
                                warm_start=FromSimilarTasks(top_k=3, tags=["toy"], space=space, seed=2,
                                                            local_fraction=fraction))
        study.optimize(_lattice_objective, n_trials=20)
        assert study.sampler.dropped == {"bad"}
        assert not any(LOCAL_ATTR in t.system_attrs for t in study.trials)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]  # with a misleading knowledge base, local refinement changes nothing


def test_local_fraction_is_checked():
    with pytest.raises(ValueError, match=r"local_fraction must be a number in \[0, 1\].*got 1.5"):
        WarmStartSampler(tw.samplers.RandomSampler(), [{"x": 1}], local_fraction=1.5)
    with pytest.raises(ValueError, match=r"local_fraction must be a number in \[0, 1\].*got -0.1"):
        FromSimilarTasks(local_fraction=-0.1)


@pytest.mark.parametrize("direction", [1.0, -1.0])
def test_local_steps_follow_the_direction_the_sources_good_configs_line_up_along(direction):
    # The good configurations lie along the line y = direction * x (a ridge, like C and gamma of an
    # RBF SVM): steps shaped by the sources' covariance move along it, not axis by axis.
    from tunewise.transfer._sampler import LOCAL_ATTR

    xs = np.linspace(-3.0, 3.0, 10)
    prior = [{"x": float(x), "y": float(direction * x + 0.05 * (-1) ** i)} for i, x in enumerate(xs)]

    def objective(t):
        x, y = t.suggest_float("x", -5, 5), t.suggest_float("y", -5, 5)
        return (y - direction * x) ** 2 + 0.01 * (x - 1.0) ** 2

    sampler = WarmStartSampler(tw.samplers.RandomSampler(seed=0), prior, sources=["ridge"] * len(prior),
                               initial_configs=prior[:3], initial_sources=["ridge"] * 3, n_unconditional=3,
                               n0=0, local_fraction=1.0, seed=0)
    study = tw.create_study(sampler=sampler)
    study.optimize(objective, n_trials=40)
    assert sampler.source_trust(study)["ridge"] >= 0.75
    by_number = {t.number: t for t in study.trials}
    steps = np.array([[t.params[n] - by_number[t.system_attrs[LOCAL_ATTR]["incumbent"]].params[n] for n in "xy"]
                      for t in study.trials if LOCAL_ATTR in t.system_attrs])
    assert len(steps) >= 20
    corr = float(np.corrcoef(steps[:, 0], steps[:, 1])[0, 1])
    assert direction * corr > 0.8  # axis-by-axis steps would give a correlation near 0


def test_enqueued_trial_proposed_before_its_start_is_left_alone():
    # The study may ask the sampler before the trial starts; the trial that starts can then be an
    # enqueued one. The wrapper must not plan a source configuration, prior draw or local step for it.
    storage = tw.storage.InMemoryStorage()
    add_to_knowledge_base(_quadratic_study(storage, "good-src", 3.1, n_trials=40), task="good", tags=["toy"])
    space = {"x": Float(-5, 5), "n": Int(1, 8)}
    study = tw.create_study(storage=storage, sampler=tw.samplers.RandomSampler(seed=0),
                            warm_start=FromSimilarTasks(top_k=4, tags=["toy"], space=space, seed=0))
    study.optimize(_new_objective, n_trials=6)
    study.enqueue_trial({"x": 0.5, "n": 2})
    study.optimize(_new_objective, n_trials=2)
    mine = [t for t in study.trials if t.params == {"x": 0.5, "n": 2}]
    assert len(mine) == 1
    attrs = mine[0].system_attrs
    assert "transfer" not in attrs and "transfer:local" not in attrs
    kinds = [t.system_attrs["transfer"]["kind"] for t in study.trials if "transfer" in t.system_attrs]
    configs = [t.params for t in study.trials if t.system_attrs.get("transfer", {}).get("kind") == "config"]
    assert kinds.count("config") == len(configs)
    assert len({json.dumps(c, sort_keys=True) for c in configs}) == len(configs)  # each run once


def test_model_steps_move_towards_the_minimum_of_a_quadratic():
    # On an ill-conditioned, rotated quadratic bowl a quadratic fitted to the best trials has the
    # bowl's minimum: steps to it land far lower than random local steps around the same incumbents.
    from tunewise.transfer._sampler import LOCAL_ATTR

    centre = np.array([1.0, -0.5])
    rot = np.array([[np.cos(0.6), -np.sin(0.6)], [np.sin(0.6), np.cos(0.6)]])
    hess = rot @ np.diag([1.0, 30.0]) @ rot.T

    def objective(t):
        d = np.array([t.suggest_float("x", -5, 5), t.suggest_float("y", -5, 5)]) - centre
        return float(d @ hess @ d)

    rng = np.random.default_rng(0)
    prior = [{"x": float(centre[0] + a), "y": float(centre[1] + b)} for a, b in rng.normal(0.4, 0.6, (10, 2))]
    sampler = WarmStartSampler(tw.samplers.RandomSampler(seed=0), prior, sources=["s"] * 10,
                               initial_configs=prior[:4], initial_sources=["s"] * 4, n_unconditional=4,
                               n0=0, local_fraction=1.0, seed=0)
    study = tw.create_study(sampler=sampler)
    study.optimize(objective, n_trials=45)
    local = [t for t in study.trials if LOCAL_ATTR in t.system_attrs]
    model = [t for t in local if t.system_attrs[LOCAL_ATTR].get("model")]
    rand = [t for t in local if not t.system_attrs[LOCAL_ATTR].get("model")]
    assert len(model) >= 8 and len(rand) >= 8
    # Geometric means of the values the two kinds of step reach (over the same stretch of the study).
    gm = {name: float(np.exp(np.mean(np.log([t.value for t in group]))))
          for name, group in (("model", model), ("random", rand))}
    assert gm["model"] < 0.3 * gm["random"], gm
    assert study.best_value < 1e-3
