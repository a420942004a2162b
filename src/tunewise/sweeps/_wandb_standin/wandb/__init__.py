"""tunewise's stand-in for ``wandb`` in programs run by ``tunewise sweep`` (no account, no network).

An unchanged W&B training script runs under a tunewise sweep with this module as its ``wandb``:

- ``wandb.init(config=defaults)`` returns a run; ``wandb.config`` / ``run.config`` hold the
  sweep's parameters for this run (they win over ``defaults``, ``config-defaults.yaml`` and
  ``config.update``, as in a W&B sweep), read as ``config.lr``, ``config["lr"]``, ``config.get``.
- ``wandb.log({"val_loss": x, "epoch": e})`` prints a metric line the sweep runner reads; the
  k-th logged value of the sweep's metric is step k, which is what W&B's hyperband counts, so
  ``early_terminate`` stops a poor run midway exactly where W&B would.
- ``run.summary[...]`` (or ``wandb.summary``) defaults to the last logged values; at
  ``wandb.finish()`` (or its old name ``wandb.join()``), at the end of a ``with wandb.init() as
  run:`` block or when the program exits, the summary's value of the metric is the run's result.
- ``define_metric(name, summary="min")``, ``wandb.agent(sweep_id, function)`` (runs ``function``
  once: this process is one run), media types (``wandb.Image``, ``wandb.Table``...), ``watch``,
  ``save``, artifacts and anything else are accepted and do nothing.

- ``tunewise sweep python train.py``: ``wandb.sweep(config)`` and ``wandb.agent(id, function,
  count)`` run the whole sweep in this process (``tunewise.sweeps._script``).
- The runner sets ``WANDB_SWEEP_ID`` and ``WANDB_RUN_ID`` as W&B's agent does. A process that
  removes them (a cross-validation script's worker processes) starts runs of its own, outside
  the sweep, as in W&B: they report nothing to it.

It uses only the standard library and talks to the runner through stdout lines
``tunewise: {...}`` and the environment variables the runner sets.
"""

from __future__ import annotations

import atexit
import copy
import fnmatch
import importlib.abc
import importlib.machinery
import json
import math
import os
import sys
import time
import types
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__version__ = "0.19.0+tunewise.standin"
TUNEWISE_STAND_IN = True

_ENV_PARAMS = "TUNEWISE_PARAMS_FILE"
_ENV_METRIC = "TUNEWISE_METRIC"
_ENV_RUN_DIR = "TUNEWISE_RUN_DIR"
_ENV_STUDY = "TUNEWISE_STUDY"
_ENV_TRIAL = "TUNEWISE_TRIAL_NUMBER"
_RESERVED = ("step", "final")  # keys of the metric-line protocol, not metrics


def _warn(msg: str) -> None:
    sys.stderr.write(f"wandb (tunewise stand-in): {msg}\n")
    sys.stderr.flush()


# Agent mode (`tunewise sweep python SCRIPT`, tunewise.sweeps._script): payloads go to this
# function of the in-process agent instead of stdout.
_sink: Any = None
_agent_metric: str | None = None


def _emit(payload: Mapping[str, Any]) -> None:
    if _sink is not None:
        _sink(payload)
        return
    out = sys.__stdout__ if sys.__stdout__ is not None else sys.stdout
    out.write("tunewise: " + json.dumps(payload) + "\n")
    out.flush()


def _number(value: Any) -> float | None:
    """A loggable scalar as a float (Python, NumPy or 0-d tensor numbers), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) in ((), (1,), [1]):
        try:
            got = item()
        except Exception:  # noqa: BLE001 - not a scalar after all
            return None
        return None if isinstance(got, bool) or not isinstance(got, (int, float)) else float(got)
    return None


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


# ---- things that do nothing -------------------------------------------------------------------

class _NoOp:
    """Stands for any W&B object this stand-in does not model: every use does nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        object.__setattr__(self, "_args", (args, kwargs))

    def __call__(self, *args: Any, **kwargs: Any) -> _NoOp:
        return _NoOp()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _NoOp()

    def __setattr__(self, name: str, value: Any) -> None:
        pass

    def __getitem__(self, key: Any) -> _NoOp:
        return _NoOp()

    def __setitem__(self, key: Any, value: Any) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __enter__(self) -> _NoOp:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def __repr__(self) -> str:
        return f"<wandb stand-in {type(self).__name__}>"


class Image(_NoOp): pass  # noqa: E701 - media types: accepted by log(), not numbers, not reported
class Table(_NoOp): pass  # noqa: E701
class Histogram(_NoOp): pass  # noqa: E701
class Audio(_NoOp): pass  # noqa: E701
class Video(_NoOp): pass  # noqa: E701
class Html(_NoOp): pass  # noqa: E701
class Object3D(_NoOp): pass  # noqa: E701
class Molecule(_NoOp): pass  # noqa: E701
class Plotly(_NoOp): pass  # noqa: E701
class Graph(_NoOp): pass  # noqa: E701
class Settings(_NoOp): pass  # noqa: E701


class Artifact(_NoOp):
    """``wandb.Artifact``: built and filled as usual; nothing is uploaded (see :func:`log_artifact`)."""


class Api(_NoOp):
    """``wandb.Api()`` reads W&B's server, which a tunewise sweep does not use: its objects are empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _note_once("Api", "wandb.Api() reads W&B's server, which this sweep does not use (no account, no "
                          "network): what it returns is empty; the sweep's runs are in tunewise's storage")


class Error(Exception):
    """Base of W&B's errors (so ``except wandb.Error`` works)."""


class ConfigError(Error):
    """W&B's ``wandb.sdk.lib.config_util.ConfigError``: a config key changed without ``allow_val_change``."""


errors = types.SimpleNamespace(Error=Error, CommError=type("CommError", (Error,), {}),
                               UsageError=type("UsageError", (Error,), {}),
                               AuthenticationError=type("AuthenticationError", (Error,), {}))
plot = _NoOp()

_warned: set[str] = set()


def _note_once(key: str, msg: str) -> None:
    """W&B-cloud-only calls do nothing here; say so once per kind, on stderr (the run's log)."""
    if key not in _warned:
        _warned.add(key)
        _warn(msg)


_NOTES = {
    "save": "wandb.save uploads files to W&B; nothing is uploaded in this sweep run: the files stay where "
            "the script wrote them",
    "restore": "wandb.restore downloads a file from W&B; nothing is downloaded in this sweep run (None returned)",
    "log_artifact": "artifacts are uploaded to W&B; nothing is uploaded in this sweep run: the artifact's files "
                    "stay where the script wrote them",
    "use_artifact": "wandb.use_artifact downloads from W&B's artifact store, which this sweep does not use: "
                    "an empty artifact is returned",
    "alert": "wandb.alert sends a message through W&B; here each alert is printed on stderr instead",
}


def _fallback(name: str) -> Any:
    """Any other ``wandb.X``: a no-op object, with one note on stderr per name."""
    if name.startswith("_") or name.startswith("pytest_"):
        raise AttributeError(name)
    if name not in _warned:
        _warned.add(name)
        _warn(f"wandb.{name} is not modelled by the stand-in; it does nothing in this sweep run")
    return _NoOp()


class _SubmoduleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``from wandb.integration.keras import WandbMetricsLogger`` and the like import no-op modules."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(__name__ + "."):
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = types.ModuleType(spec.name)
        module.__path__ = []  # type: ignore[attr-defined]
        module.__getattr__ = _fallback  # type: ignore[attr-defined,method-assign]
        # The classes integrations test runs and errors against (Lightning's WandbLogger checks
        # isinstance(run, (wandb.wandb_run.Run, wandb.sdk.lib.RunDisabled))): real classes, not no-ops.
        module.__dict__.update(_submodule_names().get(spec.name.partition(".")[2], {}))
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


if __name__ == "wandb":  # only as the program's wandb, not when tunewise's own tests import this file
    __getattr__ = _fallback
    sys.meta_path.append(_SubmoduleFinder())


# ---- config and summary -----------------------------------------------------------------------

class _Items:
    """A dict read and written as items or attributes (``wandb.config.lr``, ``run.summary["x"]``)."""

    def __init__(self) -> None:
        object.__setattr__(self, "_items", {})

    def _set(self, key: str, value: Any) -> None:
        self._items[key] = value

    def _missing(self, name: str) -> AttributeError:
        return AttributeError(name)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._items)

    def keys(self) -> Any:
        return self._items.keys()

    def values(self) -> Any:
        return self._items.values()

    def items(self) -> Any:
        return self._items.items()

    def get(self, key: str, default: Any = None) -> Any:
        return self._items.get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._set(key, value)

    def __delitem__(self, key: str) -> None:
        del self._items[key]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._items[name]
        except KeyError:
            raise self._missing(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._set(name, value)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return repr(self._items)


class Config(_Items):
    """``wandb.config``: attribute and item access; the sweep's parameters cannot be overridden."""

    def __init__(self) -> None:
        super().__init__()
        object.__setattr__(self, "_locked", set())
        object.__setattr__(self, "_sweep", {})

    def _load_sweep(self) -> None:
        path = os.environ.get(_ENV_PARAMS)
        if not path:
            return
        try:
            with open(path, encoding="utf-8") as f:
                params = json.load(f)
        except (OSError, ValueError) as e:
            _warn(f"cannot read this run's parameters from {path}: {e}")
            return
        if isinstance(params, dict):
            self._lock_sweep(params)

    def _lock_sweep(self, params: Mapping[str, Any]) -> None:
        """This run's sweep values: set, kept against later writes, merged under ``wandb.init``'s."""
        self._items.update(params)
        self._locked.update(params)
        self._sweep.update(params)

    def _set(self, key: str, value: Any, *, quiet: bool = False, merge: bool = False, check: bool = False) -> None:
        value = _config_value(value)
        if key in self._locked:
            sweep_value = self._sweep.get(key)
            if merge and isinstance(value, dict) and isinstance(sweep_value, dict):
                # W&B applies the sweep's values over wandb.init's config with a recursive merge
                # (Config.merge_locked -> config_util.merge_dicts): a nested key the sweep does not
                # set keeps the program's value.
                self._items[key] = _merge_dicts(value, copy.deepcopy(sweep_value))
                return
            if value != self._items[key] and not quiet:
                _warn(f"config.{key} = {value!r} ignored: the sweep sets {key} = {self._items[key]!r} for this run")
            return
        if check and key in self._items and value != self._items[key]:
            # W&B's Config._sanitize: a program's own key changes only with allow_val_change=True.
            raise ConfigError(f'Attempted to change value of key "{key}" from {self._items[key]} to {value}\n'
                              "If you really want to do this, pass allow_val_change=True to config.update()")
        self._items[key] = value

    def __setitem__(self, key: str, value: Any) -> None:
        self._set(key, value, check=True)

    def __setattr__(self, name: str, value: Any) -> None:
        self._set(name, value, check=True)

    def _order_first(self, keys: Sequence[str]) -> None:
        """Put ``keys`` (``wandb.init``'s config) first, in their order, then the sweep's other keys.

        W&B's run sets ``wandb.init``'s config, then merges the sweep's values over it
        (``Config._update``, then ``merge_locked``): iterating ``wandb.config`` gives the program's
        keys in its own order (a swept one holding the sweep's value), then the sweep's others.

        >>> c = Config()
        >>> c._lock_sweep({"lr": 0.1, "layers": 2})
        >>> c._set("epochs", 3)
        >>> c._order_first(["epochs", "lr"])
        >>> list(c.keys())
        ['epochs', 'lr', 'layers']
        """
        items = self._items
        first = {k: items[k] for k in dict.fromkeys(keys) if k in items}
        rest = {k: v for k, v in items.items() if k not in first}
        items.clear()
        items.update(first)
        items.update(rest)

    def _missing(self, name: str) -> AttributeError:
        return AttributeError(f"wandb.config has no key {name!r} (keys: {', '.join(self._items)})")

    def update(self, d: Any = None, allow_val_change: bool | None = None, **kwargs: Any) -> None:
        """Set keys; a key the program set before keeps its value unless ``allow_val_change=True``
        (ConfigError, as W&B's), a key the sweep sets keeps the sweep's value (a warning).

        >>> c = Config()
        >>> c.update({"epochs": 3})
        >>> c.update({"epochs": 3, "batch": 8})
        >>> try:
        ...     c.update({"epochs": 5})
        ... except ConfigError as e:
        ...     print(str(e).splitlines()[0])
        Attempted to change value of key "epochs" from 3 to 5
        >>> c.update({"epochs": 5}, allow_val_change=True)
        >>> c.epochs
        5
        """
        for key, value in {**_as_dict(d), **kwargs}.items():
            self._set(str(key), value, check=not allow_val_change)

    def setdefaults(self, d: Any) -> None:
        for key, value in _as_dict(d).items():
            self._items.setdefault(str(key), value)

    def persist(self) -> None:
        pass


def _config_value(value: Any) -> Any:
    """A value as W&B's config holds it (``json_friendly_val``): tuples become lists, inside dicts
    and lists too (``wandb.init(config={"kernel": (3, 3)})`` reads back ``[3, 3]``).

    >>> _config_value({"k": (3, 3), "layers": [(1, 2)], "name": "x"})
    {'k': [3, 3], 'layers': [[1, 2]], 'name': 'x'}
    """
    if isinstance(value, dict):
        return {k: _config_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_config_value(v) for v in value]
    return value


def _merge_dicts(dest: dict[str, Any], src: Mapping[str, Any]) -> dict[str, Any]:
    """``src`` merged into ``dest`` recursively, ``src`` winning (W&B's ``config_util.merge_dicts``).

    >>> _merge_dicts({"opt": {"lr": 0.5, "momentum": 0.9}}, {"opt": {"lr": 0.01}})
    {'opt': {'lr': 0.01, 'momentum': 0.9}}
    """
    for key, value in src.items():
        if isinstance(value, Mapping) and isinstance(dest.get(key), dict):
            _merge_dicts(dest[key], value)
        else:
            dest[key] = value
    return dest


def _as_dict(d: Any) -> dict[str, Any]:
    if d is None:
        return {}
    if isinstance(d, Mapping):
        return dict(d)
    if isinstance(d, str):  # a path to a YAML file, as W&B accepts
        return _read_yaml_config(d)
    if hasattr(d, "__dict__"):  # argparse.Namespace and the like
        return {k: v for k, v in vars(d).items() if not k.startswith("_")}
    raise TypeError(f"wandb.config takes a dict, an argparse.Namespace or a YAML path, got {d!r}")


def _read_yaml_config(path: str) -> dict[str, Any]:
    try:
        import yaml
    except ImportError:
        _warn(f"cannot read {path}: PyYAML is not installed")
        return {}
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("wandb_version", "_wandb"):
            continue
        out[key] = value["value"] if isinstance(value, dict) and "value" in value else value
    return out


class Summary(_Items):
    """``run.summary``: the last logged values unless set; numbers in it are the run's result."""

    def update(self, d: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        self._items.update({**(d or {}), **kwargs})


config = Config()
config._load_sweep()
summary = Summary()
run: Run | None = None


# ---- the run ----------------------------------------------------------------------------------

class Run:
    """``wandb.init()``'s run: ``log``, ``config``, ``summary``, ``finish``, ``define_metric``..."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = config
        self.summary = summary
        self.project = kwargs.get("project") or "tunewise"
        self.entity = kwargs.get("entity")
        self.group = kwargs.get("group")
        self.job_type = kwargs.get("job_type")
        self.tags = tuple(kwargs.get("tags") or ())
        self.notes = kwargs.get("notes")
        self.sweep_id = os.environ.get(_ENV_STUDY)
        trial = os.environ.get(_ENV_TRIAL)
        self.id = kwargs.get("id") or (f"trial-{trial}" if trial is not None else uuid.uuid4().hex[:8])
        self.name = kwargs.get("name") or self.id
        self.dir = kwargs.get("dir") or os.environ.get(_ENV_RUN_DIR) or os.getcwd()
        self.mode = "offline"
        self.offline = True
        self.disabled = False
        self.resumed = False
        self.start_time = time.time()
        self.url: str | None = None
        self.path = f"{self.project}/{self.id}"
        self.settings = types.SimpleNamespace(mode="offline", project=self.project, run_id=self.id,
                                              files_dir=self.dir, sweep_id=self.sweep_id)
        self._metric = os.environ.get(_ENV_METRIC) or _agent_metric
        # A process that removed W&B's sweep variables (WANDB_SWEEP_ID, set by the runner as W&B's
        # agent sets it) starts runs of its own, outside the sweep, as in W&B: e.g. the processes
        # of a cross-validation script that each log one fold. They report nothing to the sweep.
        self._detached = os.environ.get(_ENV_STUDY) is not None and "WANDB_SWEEP_ID" not in os.environ
        if self._detached:
            self.sweep_id = None
        self._step = 0
        self._pending: dict[str, Any] = {}
        self._count = 0  # values of the sweep's metric logged so far (W&B hyperband's iteration)
        self._aggregates: dict[str, list[str]] = {}  # define_metric(name, summary="min,max")
        self._goals: dict[str, str] = {}
        self._seen: dict[str, list[float]] = {}
        self._finished = False
        self._agent_ended = False

    @property
    def step(self) -> int:
        return self._step

    # ---- logging -------------------------------------------------------------------------
    def log(self, data: Mapping[str, Any], step: int | None = None, commit: bool | None = None,
            sync: bool | None = None) -> None:
        if not isinstance(data, Mapping):
            raise TypeError(f"wandb.log takes a dict of metric -> value, got {type(data).__name__}")
        if self._finished:
            if self._agent_ended:  # stopped or failed by the sweep: nothing more is reported
                _warn("log() after finish() is ignored")
                return
            # W&B 0.31 (wandb_run._raise_if_finished): a finished run's log raises, e.g. after an
            # inner `with wandb.init() as run:` (the same run, returned) has finished it.
            raise errors.UsageError(f"Run ({self.id}) is finished. The call to `log` will be ignored. "
                                    "Please make sure that you are using an active run.")
        if step is not None:
            if step < self._step:
                _warn(f"step {step} is less than the current step {self._step}: this data is ignored (as in W&B)")
                return
            if step > self._step and self._pending:
                self._commit()
            self._step = step
        self._pending.update(_flatten(data))
        # W&B: without step a call commits its row; with step, the row waits for a larger step.
        if commit is True or (commit is None and step is None):
            self._commit()

    def _commit(self) -> None:
        row, self._pending = self._pending, {}
        self._step += 1
        numbers = {k: v for k, v in ((k, _number(v)) for k, v in row.items()) if v is not None}
        if self._metric is not None and self._metric in row and self._metric not in numbers:
            value = row[self._metric]
            _warn(f"wandb.log got {value!r} ({type(value).__name__}) for the sweep's metric {self._metric!r}, "
                  f"not a number: this value is not reported (log a float, or a NumPy/torch scalar)")
        for key, value in row.items():
            self._summarize(key, value, numbers.get(key))
        payload: dict[str, Any] = {k: v for k, v in numbers.items() if k not in _RESERVED}
        if not payload:
            return
        if self._metric is not None and self._metric in payload:
            self._count += 1
            payload["step"] = self._count
        if not self._detached:
            _emit(payload)

    def _summarize(self, key: str, value: Any, number: float | None) -> None:
        aggs = next((a for pattern, a in self._aggregates.items() if fnmatch.fnmatchcase(key, pattern)), None)
        if aggs is None or number is None:
            summary[key] = value
            return
        seen = self._seen.setdefault(key, [])
        if not math.isnan(number):
            seen.append(number)
        if not seen:
            return
        goal = self._goals.get(key, "minimize")
        table = {"min": min(seen), "max": max(seen), "mean": sum(seen) / len(seen), "last": seen[-1],
                 "first": seen[0], "best": min(seen) if goal.startswith("min") else max(seen)}
        summary[key] = {a: table[a] for a in aggs if a in table}

    def define_metric(self, name: str, step_metric: str | None = None, step_sync: bool | None = None,
                      hidden: bool | None = None, summary: str | None = None, goal: str | None = None,
                      overwrite: bool | None = None, **kwargs: Any) -> _NoOp:
        if summary is not None:
            aggs = [a.strip() for a in summary.split(",") if a.strip() and a.strip() != "none"]
            if aggs:
                self._aggregates[name] = aggs
        if goal is not None:
            self._goals[name] = goal
        return _NoOp()

    # ---- the end -------------------------------------------------------------------------
    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        global run
        if self._finished:
            return
        if self._pending:
            self._commit()
        self._finished = True
        final = {k: v for k, v in ((k, _number(v)) for k, v in _flatten(summary.as_dict()).items())
                 if v is not None and k not in _RESERVED}
        if final and not self._detached:
            _emit({**final, "final": True})
        if run is self:
            run = None

    def __enter__(self) -> Run:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.finish(exit_code=0 if exc_type is None else 1)

    # ---- accepted, nothing to do -----------------------------------------------------------
    def watch(self, *args: Any, **kwargs: Any) -> None:
        pass

    def unwatch(self, *args: Any, **kwargs: Any) -> None:
        pass

    def save(self, *args: Any, **kwargs: Any) -> list[str]:
        return save(*args, **kwargs)

    def log_code(self, *args: Any, **kwargs: Any) -> None:
        return None

    def log_artifact(self, artifact: Any = None, *args: Any, **kwargs: Any) -> Any:
        return log_artifact(artifact, *args, **kwargs)

    def use_artifact(self, *args: Any, **kwargs: Any) -> Artifact:
        return use_artifact(*args, **kwargs)

    def alert(self, title: str = "", text: str = "", *args: Any, **kwargs: Any) -> None:
        alert(title, text, *args, **kwargs)

    def mark_preempting(self) -> None:
        # W&B requeues a run marked preempting that exits non-zero (its configuration runs again);
        # the sweep runner does the same when it reads this line.
        if not self._detached:
            _emit({"preempting": True})

    def get_url(self) -> None:
        return None

    def get_project_url(self) -> None:
        return None

    def get_sweep_url(self) -> None:
        return None

    def project_name(self) -> str:
        return str(self.project)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        key = f"Run.{name}"
        if key not in _warned:
            _warned.add(key)
            _warn(f"run.{name} is not modelled by the stand-in; it does nothing in this sweep run")
        return _NoOp()


_atexit_registered = False


def init(*args: Any, config: Any = None, reinit: Any = None, config_exclude_keys: Any = None,
         config_include_keys: Any = None, **kwargs: Any) -> Run:
    """Start (or return) this process's run; the sweep's parameters win over ``config``."""
    global run, _atexit_registered
    if run is not None:
        if reinit in (None, False, "default", "return_previous"):
            return run
        run.finish()
    given: list[str] = []
    if os.path.isfile("config-defaults.yaml"):
        for key, value in _read_yaml_config("config-defaults.yaml").items():
            globals()["config"]._set(key, value, quiet=True, merge=True)
            given.append(key)
    values = _as_dict(config)
    if config_include_keys:
        values = {k: v for k, v in values.items() if k in config_include_keys}
    if config_exclude_keys:
        values = {k: v for k, v in values.items() if k not in config_exclude_keys}
    for key, value in values.items():
        globals()["config"]._set(str(key), value, quiet=True, merge=True)
        given.append(str(key))
    globals()["config"]._order_first(given)
    run = Run(**kwargs)
    if not _atexit_registered:
        _atexit_registered = True
        atexit.register(_finish_at_exit)
    return run


class RunDisabled:
    """W&B's run of ``mode="disabled"``; the stand-in never returns one (integrations test for it)."""




def _submodule_names() -> dict[str, dict[str, Any]]:
    """``wandb.<submodule>`` -> the names it holds that are classes in W&B (see _SubmoduleFinder)."""
    error_names = {"Error": Error, "CommError": errors.CommError, "UsageError": errors.UsageError,
                   "AuthenticationError": errors.AuthenticationError}
    return {
        "wandb_run": {"Run": Run}, "sdk.wandb_run": {"Run": Run},
        "sdk": {"Config": Config, "Settings": Settings, "Artifact": Artifact},
        "sdk.lib": {"RunDisabled": RunDisabled}, "sdk.lib.disabled": {"RunDisabled": RunDisabled},
        "sdk.lib.config_util": {"ConfigError": ConfigError},
        "sdk.wandb_config": {"Config": Config}, "sdk.wandb_summary": {"Summary": Summary},
        "sdk.wandb_settings": {"Settings": Settings}, "errors": error_names, "errors.errors": error_names,
    }


def _finish_at_exit() -> None:
    if run is not None:
        run.finish()


def _require_run(what: str) -> Run:
    if run is None:
        raise Error(f"You must call wandb.init() before wandb.{what}()")
    return run


def log(data: Mapping[str, Any], step: int | None = None, commit: bool | None = None, sync: bool | None = None) -> None:
    """``wandb.log``: see :meth:`Run.log`."""
    _require_run("log").log(data, step=step, commit=commit)


def finish(exit_code: int | None = None, quiet: bool | None = None) -> None:
    if run is not None:
        run.finish(exit_code=exit_code)


def join(exit_code: int | None = None, quiet: bool | None = None) -> None:
    """``wandb.join``: W&B's old name for :func:`finish`."""
    finish(exit_code=exit_code, quiet=quiet)


def define_metric(name: str, *args: Any, **kwargs: Any) -> _NoOp:
    return _require_run("define_metric").define_metric(name, *args, **kwargs)


def watch(*args: Any, **kwargs: Any) -> None:
    pass


def unwatch(*args: Any, **kwargs: Any) -> None:
    pass


def save(*args: Any, **kwargs: Any) -> list[str]:
    _note_once("save", _NOTES["save"])
    return []


def restore(*args: Any, **kwargs: Any) -> None:
    _note_once("restore", _NOTES["restore"])
    return None


def log_artifact(artifact: Any = None, *args: Any, **kwargs: Any) -> Any:
    _note_once("log_artifact", _NOTES["log_artifact"])
    return artifact if artifact is not None else Artifact()


def use_artifact(*args: Any, **kwargs: Any) -> Artifact:
    _note_once("use_artifact", _NOTES["use_artifact"])
    return Artifact()


def alert(title: str = "", text: str = "", *args: Any, **kwargs: Any) -> None:
    _note_once("alert", _NOTES["alert"])
    _warn(f"alert: {title}: {text}")


def login(*args: Any, **kwargs: Any) -> bool:
    return True


def setup(*args: Any, **kwargs: Any) -> None:
    return None


def teardown(*args: Any, **kwargs: Any) -> None:
    finish()


def termlog(string: str = "", *args: Any, **kwargs: Any) -> None:
    sys.stderr.write(f"wandb: {string}\n")


termwarn = termerror = termlog


_ENV_AGENT = "TUNEWISE_WANDB_AGENT"
# The sweeps wandb.sweep made, as JSON {id: config}: processes the script starts inherit it, so a
# worker process can run wandb.agent(id, function) on a sweep its parent created, as with W&B.
_ENV_SWEEPS = "TUNEWISE_WANDB_SWEEPS"
_agent_sweeps: dict[str, Any] = {}


def sweep(sweep: Any = None, *args: Any, **kwargs: Any) -> str:
    """Under ``tunewise sweep run`` the sweep already exists: its name is the id. In agent mode
    (``tunewise sweep python SCRIPT``) the dict is the sweep's config, run by ``wandb.agent`` in
    this process or in any process it starts."""
    if os.environ.get(_ENV_AGENT):
        # As W&B's client sends it to the server: through JSON (`json.loads(json.dumps(config))` in
        # wandb's _upsert_sweep), so a tuple is a list, in the stored sweep and in every run's config.
        cfg = json.loads(json.dumps(_as_dict(sweep), default=lambda v: v.tolist() if hasattr(v, "tolist") else str(v)))
        # The id is the study's name: the config's name, else "sweep" (tunewise's default name),
        # "sweep-1", ... for further unnamed sweeps of this process.
        sweep_id = str(cfg.get("name") or ("sweep" if "sweep" not in _agent_sweeps else f"sweep-{len(_agent_sweeps)}"))
        cfg = {**cfg, "name": sweep_id}
        # Stored at once, as W&B's server stores it: an agent started later (another process, a later
        # run of the script given the id) finds it by name. An invalid config is refused here.
        from tunewise.sweeps._script import create_sweep

        create_sweep(cfg)
        _agent_sweeps[sweep_id] = cfg
        known = _inherited_sweeps()
        known[sweep_id] = cfg
        os.environ[_ENV_SWEEPS] = json.dumps(known, default=lambda v: v.tolist() if hasattr(v, "tolist") else str(v))
        return sweep_id
    return os.environ.get(_ENV_STUDY, "tunewise-sweep")


def _inherited_sweeps() -> dict[str, Any]:
    try:
        known = json.loads(os.environ.get(_ENV_SWEEPS) or "{}")
    except ValueError:
        return {}
    return known if isinstance(known, dict) else {}


def _find_sweep(sweep_id: Any) -> Mapping[str, Any] | None:
    """The config of sweep ``sweep_id`` (or ``entity/project/id``): made by wandb.sweep in this
    process or a parent process, else a sweep of that name in the agent's storage."""
    inherited = _inherited_sweeps()
    for key in dict.fromkeys([str(sweep_id), str(sweep_id).rsplit("/", 1)[-1]]):
        found = _agent_sweeps.get(key) or inherited.get(key)
        if isinstance(found, Mapping):
            return found
    from tunewise.sweeps._script import stored_sweep_config

    return stored_sweep_config(str(sweep_id).rsplit("/", 1)[-1])


def agent(sweep_id: Any = None, function: Any = None, entity: Any = None, project: Any = None,
          count: Any = None) -> None:
    """Under ``tunewise sweep run`` this process is one run: ``function`` runs once (``count`` is
    the sweep's job). In agent mode, ``function`` runs once per run of the sweep ``wandb.sweep``
    made (here, in a parent process, or stored under that name), up to ``count``
    (tunewise.sweeps._script); without ``function``, as W&B's ``wandb agent``, each run starts the
    sweep's ``program``."""
    if function is None and not os.environ.get(_ENV_AGENT):
        raise Error("wandb.agent without function: under tunewise sweep, the program itself is the run")
    if os.environ.get(_ENV_AGENT):
        cfg = _find_sweep(sweep_id)
        if cfg is None:
            raise Error(f"wandb.agent({sweep_id!r}): no sweep of that id was made by wandb.sweep in this "
                        f"process or the process that started it (ids: {sorted(_agent_sweeps)}), and the "
                        f"storage holds no sweep of that name")
        if function is None:
            from tunewise.sweeps._script import run_program_agent

            run_program_agent({**cfg, "name": cfg.get("name") or str(sweep_id).rsplit("/", 1)[-1]},
                              None if count is None else int(count))
            return
        from tunewise.sweeps._script import run_agent

        # A sweep found by its id in the storage (`tunewise sweep create FILE`, as `wandb sweep FILE`)
        # runs under that name; one wandb.sweep made here is named as it returned.
        run_agent({**cfg, "name": cfg.get("name") or str(sweep_id).rsplit("/", 1)[-1]}, function, count,
                  sys.modules[__name__])
        return
    function()
    finish()


def _agent_begin(params: Mapping[str, Any], sink: Any, metric: str) -> None:
    """Agent mode: a fresh run whose ``wandb.config`` holds ``params``, its payloads (``metric``
    counted as W&B's hyperband counts it) to ``sink``."""
    global config, summary, run, _sink, _agent_metric
    _agent_metric = metric
    config = Config()
    config._lock_sweep(params)
    summary = Summary()
    run = None
    _sink = sink


def _agent_end() -> None:
    global run, _sink
    if run is not None:
        run._finished = run._agent_ended = True  # a stopped or failed run reports nothing more
    run = None
    _sink = None
