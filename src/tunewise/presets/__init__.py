"""Domain presets: ready-made search spaces for the models the guide covers.

Each function returns a :class:`Preset`, a read-only ``{name: distribution}`` mapping that works
everywhere a search space does:

- declaratively: ``study.optimize(train_fn, space=tw.presets.time_series())``, or as a
  ``SearchCV`` ``param_space`` (the tree presets use the scikit-learn API parameter names of
  XGBoost, LightGBM and scikit-learn, so ``SearchCV(XGBClassifier(), tw.presets.xgboost())`` works);
- define-by-run: ``config = tw.presets.xgboost().suggest(trial)`` returns a plain dict.

Every range says where it comes from (``preset.sources[name]``): the section of the
hyperparameter tuning guide that lists it, and the library documentation or paper where we
turned the guide's value lists into ranges. Adapt one with :meth:`Preset.replace`,
:meth:`Preset.drop` or :meth:`Preset.prefixed` (for Pipeline steps).

>>> import tunewise as tw
>>> space = tw.presets.xgboost().replace(n_estimators=tw.randint(20, 60))
>>> space["n_estimators"]
Int(low=20, high=59, log=False, step=1)
>>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
>>> trial = study.ask()
>>> sorted(tw.presets.time_series().suggest(trial))[:3]
['batch_size', 'bidirectional', 'cell']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tunewise import distributions as D
from tunewise.trial import Trial

__all__ = [
    "Preset",
    "computer_vision",
    "lightgbm",
    "neural_network",
    "nlp",
    "random_forest",
    "time_series",
    "transformers",
    "xgboost",
]

_GUIDE = "Hyperparameter Tuning Guide"


class Preset(Mapping[str, D.Distribution]):
    """A named search space with the source of every range.

    >>> p = Preset("demo", {"lr": (D.Float(1e-4, 1e-1, log=True), "guide")})
    >>> dict(p)
    {'lr': Float(low=0.0001, high=0.1, log=True, step=None)}
    >>> p.sources["lr"]
    'guide'
    """

    def __init__(self, name: str, entries: Mapping[str, tuple[D.Distribution, str]], description: str = "") -> None:
        self.name = name
        self.description = description
        self._space: dict[str, D.Distribution] = {}
        self.sources: dict[str, str] = {}
        for key, (dist, source) in entries.items():
            if not isinstance(dist, (D.Float, D.Int, D.Categorical)):
                raise TypeError(f"preset {name!r}: {key!r} must be a tunewise distribution, got {dist!r}")
            self._space[key] = dist
            self.sources[key] = source

    def __getitem__(self, key: str) -> D.Distribution:
        try:
            return self._space[key]
        except KeyError:
            raise KeyError(f"preset {self.name!r} has no parameter {key!r}; it has {list(self._space)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._space)

    def __len__(self) -> int:
        return len(self._space)

    def __repr__(self) -> str:
        return f"Preset({self.name!r}, {self._space!r})"

    def suggest(self, trial: Trial) -> dict[str, Any]:
        """Suggest every parameter from ``trial``; returns ``{name: value}``.

        >>> import tunewise as tw
        >>> t = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0)).ask()
        >>> cfg = tw.presets.random_forest().suggest(t)
        >>> 2 <= cfg["min_samples_split"] <= 10
        True
        """
        if not isinstance(trial, Trial):
            raise TypeError(f"suggest() needs a tunewise Trial, got {trial!r}")
        return {key: trial.suggest(key, dist) for key, dist in self._space.items()}

    def replace(self, **overrides: Any) -> Preset:
        """A copy with some ranges changed (a distribution, or a list of values); sources say 'user'."""
        entries = {k: (d, self.sources[k]) for k, d in self._space.items()}
        for key, value in overrides.items():
            if isinstance(value, (list, tuple)):
                value = D.Categorical(tuple(value))
            if not isinstance(value, (D.Float, D.Int, D.Categorical)):
                raise TypeError(f"replace({key}=...) needs a distribution or a list of values, got {value!r}")
            entries[key] = (value, "user")
        return Preset(self.name, entries, self.description)

    def drop(self, *names: str) -> Preset:
        """A copy without ``names`` (each must exist)."""
        for n in names:
            if n not in self._space:
                raise KeyError(f"preset {self.name!r} has no parameter {n!r}; it has {list(self._space)}")
        return Preset(self.name, {k: (d, self.sources[k]) for k, d in self._space.items() if k not in names},
                      self.description)

    def prefixed(self, prefix: str) -> Preset:
        """A copy whose names start with ``prefix`` (``"clf__"`` for a Pipeline step named ``clf``)."""
        return Preset(self.name, {prefix + k: (d, self.sources[k]) for k, d in self._space.items()},
                      self.description)

    def describe(self) -> str:
        """A plain-text table: parameter, range, source."""
        rows = [(k, _show(d), self.sources[k]) for k, d in self._space.items()]
        w0 = max(len(r[0]) for r in rows)
        w1 = max(len(r[1]) for r in rows)
        head = f"{self.name}: {self.description}\n" if self.description else f"{self.name}\n"
        return head + "\n".join(f"  {a:<{w0}}  {b:<{w1}}  {c}" for a, b, c in rows)


def _show(d: D.Distribution) -> str:
    if isinstance(d, D.Categorical):
        return "one of " + ", ".join(repr(c) for c in d.choices)
    kind = "int" if isinstance(d, D.Int) else "float"
    scale = " log" if d.log else ""
    return f"{kind}{scale} [{d.low:g}, {d.high:g}]"


def _f(low: float, high: float, log: bool = False) -> D.Float:
    return D.Float(low, high, log=log)


def _i(low: int, high: int, log: bool = False) -> D.Int:
    return D.Int(low, high, log=log)


def _c(*choices: Any) -> D.Categorical:
    return D.Categorical(tuple(choices))


def neural_network(*, include_training: bool = False) -> Preset:
    """MLP architecture and optimizer (the keys :class:`tunewise.integrations.torch.MLPTuner` uses).

    ``include_training=True`` adds the guide's training entries (``epochs``, ``lr_scheduler``).

    >>> import tunewise as tw
    >>> len(tw.presets.neural_network()), len(tw.presets.neural_network(include_training=True))
    (7, 9)
    >>> tw.presets.neural_network()["learning_rate"]
    Float(low=1e-05, high=0.01, log=True, step=None)
    """
    g = f"{_GUIDE}, 'Critical Hyperparameters by Model Type / Neural Networks'"
    bo = f"{_GUIDE}, 'Bayesian Optimization with Optuna' (the ranges its objective searches)"
    entries: dict[str, tuple[D.Distribution, str]] = {
        "num_layers": (_i(2, 6), f"{bo}: suggest_int(2, 6); {g} lists 2-5"),
        "hidden_size": (_c(64, 128, 256, 512), f"{g}: [64, 128, 256, 512]"),
        "dropout": (_f(0.1, 0.5), f"{bo}: uniform(0.1, 0.5); {g} lists 0.1-0.5"),
        "learning_rate": (_f(1e-5, 1e-2, log=True), f"{g}: 1e-5..1e-2; log scale per the guide's best practice 2"),
        "batch_size": (_c(16, 32, 64, 128), f"{g}: [16, 32, 64, 128]"),
        "optimizer": (_c("adam", "sgd", "adamw"), f"{g}: ['adam', 'sgd', 'adamw']"),
        "weight_decay": (_f(1e-6, 1e-3, log=True), f"{bo}: loguniform(1e-6, 1e-3); {g} lists 0-1e-3"),
    }
    if include_training:
        entries["epochs"] = (_c(50, 100, 200), f"{g}: [50, 100, 200]")
        entries["lr_scheduler"] = (_c("cosine", "step", "plateau"), f"{g}: ['cosine', 'step', 'plateau']")
    return Preset("neural_network", entries, "feed-forward network: architecture and optimization")


def xgboost() -> Preset:
    """XGBoost with the scikit-learn API names (``XGBClassifier`` / ``XGBRegressor``).

    >>> import tunewise as tw
    >>> tw.presets.xgboost()["max_depth"]
    Int(low=3, high=9, log=False, step=1)
    >>> tw.presets.xgboost().sources["max_depth"]
    "Hyperparameter Tuning Guide, 'Tree-Based Models (XGBoost, LightGBM)': [3, 5, 7, 9] as an integer range"
    """
    g = f"{_GUIDE}, 'Tree-Based Models (XGBoost, LightGBM)'"
    doc = "XGBoost docs, 'XGBoost Parameters' and 'Notes on Parameter Tuning'"
    return Preset("xgboost", {
        "max_depth": (_i(3, 9), f"{g}: [3, 5, 7, 9] as an integer range"),
        "min_child_weight": (_i(1, 7), f"{g}: [1, 3, 5, 7] as an integer range"),
        "gamma": (_f(0.0, 0.3), f"{g}: [0, 0.1, 0.2, 0.3] as a range ({doc}: min split loss, >= 0)"),
        "learning_rate": (_f(0.01, 0.3, log=True), f"{g}: [0.01, 0.05, 0.1, 0.3]; log scale (guide best practice 2)"),
        "n_estimators": (_i(100, 1000, log=True), f"{g}: [100, 200, 500, 1000]; log scale since returns diminish"),
        "subsample": (_f(0.6, 1.0), f"{g}: [0.6, 0.8, 1.0] ({doc}: range (0, 1])"),
        "colsample_bytree": (_f(0.6, 1.0), f"{g}: [0.6, 0.8, 1.0] ({doc}: range (0, 1])"),
        "reg_alpha": (_f(1e-3, 10.0, log=True), f"{g}: [0, 0.1, 1, 10] (L1); log scale, 1e-3 stands in for 0"),
        "reg_lambda": (_f(1e-3, 10.0, log=True), f"{g}: [0, 0.1, 1, 10] (L2; {doc}: default 1); log scale"),
    }, "gradient-boosted trees (XGBoost scikit-learn API)")


def lightgbm() -> Preset:
    """LightGBM with the scikit-learn API names (``LGBMClassifier`` / ``LGBMRegressor``).

    >>> import tunewise as tw
    >>> tw.presets.lightgbm()["num_leaves"]
    Int(low=7, high=255, log=True, step=1)
    """
    g = f"{_GUIDE}, 'Tree-Based Models (XGBoost, LightGBM)'"
    doc = "LightGBM docs, 'Parameters Tuning'"
    return Preset("lightgbm", {
        "num_leaves": (_i(7, 255, log=True), f"{doc}: the main complexity control of leaf-wise trees, keep below "
                                            "2^max_depth (the guide's max_depth 3-9 gives 8-512); default 31"),
        "min_child_samples": (_i(5, 100, log=True), f"{doc}: min_data_in_leaf (default 20) prevents over-fitting"),
        "learning_rate": (_f(0.01, 0.3, log=True), f"{g}: [0.01, 0.05, 0.1, 0.3]; log scale"),
        "n_estimators": (_i(100, 1000, log=True), f"{g}: [100, 200, 500, 1000]; log scale"),
        "subsample": (_f(0.6, 1.0), f"{g}: [0.6, 0.8, 1.0] (bagging_fraction)"),
        "subsample_freq": (_c(1), f"{doc}: bagging needs bagging_freq > 0 for subsample to take effect"),
        "colsample_bytree": (_f(0.6, 1.0), f"{g}: [0.6, 0.8, 1.0] (feature_fraction)"),
        "reg_alpha": (_f(1e-3, 10.0, log=True), f"{g}: [0, 0.1, 1, 10] (L1); log scale, 1e-3 stands in for 0"),
        "reg_lambda": (_f(1e-3, 10.0, log=True), f"{g}: [0, 0.1, 1, 10] (L2); log scale, 1e-3 stands in for 0"),
    }, "gradient-boosted trees (LightGBM scikit-learn API)")


def random_forest() -> Preset:
    """scikit-learn ``RandomForestClassifier`` / ``RandomForestRegressor``.

    >>> import tunewise as tw
    >>> tw.presets.random_forest()["max_depth"]
    Categorical(choices=(None, 10, 20, 30), grid=False)
    """
    g = f"{_GUIDE}, 'Grid Search' (the RandomForestClassifier param_grid)"
    r = f"{_GUIDE}, 'Random Search' (scipy.stats distributions)"
    return Preset("random_forest", {
        "n_estimators": (_i(100, 500, log=True), f"{g}: [100, 200, 500]"),
        "max_depth": (_c(None, 10, 20, 30), f"{g}: [10, 20, 30, None]"),
        "min_samples_split": (_i(2, 10), f"{g}: [2, 5, 10]; {r}: randint(2, 20)"),
        "min_samples_leaf": (_i(1, 4), f"{g}: [1, 2, 4]; {r}: randint(1, 10)"),
        "max_features": (_c("sqrt", "log2", None), f"{g}: ['sqrt', 'log2', None]"),
    }, "random forest (scikit-learn)")


def transformers() -> Preset:
    """Fine-tuning a pretrained transformer; names are Hugging Face ``TrainingArguments`` fields.

    >>> import tunewise as tw
    >>> tw.presets.transformers()["learning_rate"]
    Float(low=1e-06, high=0.0001, log=True, step=None)
    """
    g = f"{_GUIDE}, 'NLP / Transformers'"
    bert = "Devlin et al. 2019 (BERT), appendix A.3: batch 16/32, lr 2e-5..5e-5, 2-4 epochs"
    return Preset("transformers", {
        "learning_rate": (_f(1e-6, 1e-4, log=True), f"{g}: loguniform(1e-6, 1e-4) (covers {bert})"),
        "warmup_ratio": (_f(0.0, 0.2), f"{g}: uniform(0.0, 0.2)"),
        "weight_decay": (_f(1e-4, 1e-1, log=True), f"{g}: loguniform(1e-4, 1e-1); {_GUIDE} 'Transformers': 0.01, 0.1"),
        "label_smoothing_factor": (_f(0.0, 0.2), f"{g}: label_smoothing uniform(0.0, 0.2)"),
        "gradient_accumulation_steps": (_c(1, 2, 4, 8), f"{g}: [1, 2, 4, 8]"),
        "max_grad_norm": (_f(0.5, 2.0), f"{g}: uniform(0.5, 2.0); {_GUIDE} 'Transformers': 0.5, 1.0, 2.0"),
        "per_device_train_batch_size": (_c(8, 16, 32), f"{bert}"),
        "num_train_epochs": (_i(2, 4), f"{bert}"),
    }, "transformer fine-tuning (Hugging Face TrainingArguments names)")


def computer_vision() -> Preset:
    """Image classification: augmentation, optimizer, backbone, schedule.

    >>> import tunewise as tw
    >>> tw.presets.computer_vision()["backbone"]
    Categorical(choices=('resnet50', 'efficientnet_b0', 'vit_base'), grid=False)
    """
    g = f"{_GUIDE}, 'Computer Vision'"
    return Preset("computer_vision", {
        "augmentation_strength": (_f(0.0, 1.0), f"{g}: uniform(0.0, 1.0)"),
        "mixup_alpha": (_f(0.0, 0.4), f"{g}: uniform(0.0, 0.4)"),
        "cutmix_prob": (_f(0.0, 1.0), f"{g}: uniform(0.0, 1.0)"),
        "learning_rate": (_f(1e-5, 1e-2, log=True), f"{g}: loguniform(1e-5, 1e-2)"),
        "momentum": (_f(0.85, 0.99), f"{g}: uniform(0.85, 0.99)"),
        "weight_decay": (_f(1e-5, 1e-2, log=True), f"{g}: loguniform(1e-5, 1e-2)"),
        "backbone": (_c("resnet50", "efficientnet_b0", "vit_base"),
                     f"{g}: ['resnet50', 'efficientnet_b0', 'vit_base']"),
        "pretrained": (_c(True, False), f"{g}: [True, False]"),
        "warmup_epochs": (_i(0, 10), f"{g}: int(0, 10)"),
        "lr_schedule": (_c("cosine", "step", "plateau"), f"{g}: ['cosine', 'step', 'plateau']"),
    }, "computer vision training")


def nlp() -> Preset:
    """A transformer trained for NLP: architecture, optimization, regularization, training.

    >>> import tunewise as tw
    >>> tw.presets.nlp()["num_heads"]   # each divides every hidden_size
    Categorical(choices=(8, 16), grid=False)
    """
    g = f"{_GUIDE}, 'NLP / Transformers'"
    return Preset("nlp", {
        "num_layers": (_i(6, 24), f"{g}: int(6, 24)"),
        "num_heads": (_c(8, 16), f"{g}: [8, 12, 16] without 12, which divides neither 512 nor 1024 "
                                 "(hidden_size must be a multiple of num_heads)"),
        "hidden_size": (_c(512, 768, 1024), f"{g}: [512, 768, 1024]"),
        "learning_rate": (_f(1e-6, 1e-4, log=True), f"{g}: loguniform(1e-6, 1e-4)"),
        "warmup_ratio": (_f(0.0, 0.2), f"{g}: uniform(0.0, 0.2)"),
        "weight_decay": (_f(1e-4, 1e-1, log=True), f"{g}: loguniform(1e-4, 1e-1)"),
        "dropout": (_f(0.1, 0.3), f"{g}: uniform(0.1, 0.3)"),
        "attention_dropout": (_f(0.0, 0.2), f"{g}: uniform(0.0, 0.2)"),
        "label_smoothing": (_f(0.0, 0.2), f"{g}: uniform(0.0, 0.2)"),
        "gradient_accumulation_steps": (_c(1, 2, 4, 8), f"{g}: [1, 2, 4, 8]"),
        "max_grad_norm": (_f(0.5, 2.0), f"{g}: uniform(0.5, 2.0)"),
    }, "transformer language model")


def time_series() -> Preset:
    """Recurrent forecasting models (LSTM/GRU).

    >>> import tunewise as tw
    >>> tw.presets.time_series()["cell"]
    Categorical(choices=('lstm', 'gru'), grid=False)
    """
    g = f"{_GUIDE}, 'Time Series'"
    return Preset("time_series", {
        "sequence_length": (_i(10, 100), f"{g}: int(10, 100)"),
        "cell": (_c("lstm", "gru"), f"{g}: 'LSTM/GRU specific'"),
        "num_layers": (_i(1, 4), f"{g}: int(1, 4)"),
        "hidden_size": (_c(64, 128, 256), f"{g}: [64, 128, 256]"),
        "bidirectional": (_c(True, False), f"{g}: [True, False]"),
        "dropout": (_f(0.0, 0.5), f"{g}: uniform(0.0, 0.5)"),
        "learning_rate": (_f(1e-5, 1e-2, log=True), f"{g}: loguniform(1e-5, 1e-2)"),
        "batch_size": (_c(32, 64, 128), f"{g}: [32, 64, 128]"),
        "loss": (_c("mse", "mae", "huber"), f"{g}: ['mse', 'mae', 'huber']"),
    }, "recurrent time-series model")
