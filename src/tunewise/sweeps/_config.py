"""The sweep file: parse, validate (errors name the file, the line and the key), and map to tunewise.

A sweep file uses the keys of Weights & Biases sweeps (``program``, ``command``, ``method``,
``metric``, ``parameters``, ``early_terminate``, ``run_cap``) plus tunewise's own (``name``,
``storage``, ``timeout``, ``workers``, ``seed``, ``log_dir``, ``grace_period``).

Line numbers come from composing the YAML to nodes (``yaml.compose``): every key's mark is kept
next to the plain data, so a bad value deep in ``parameters`` is reported at its own line.
Aliases (``*name``) are expanded there under a limit, so a "billion laughs" file is refused at
once instead of hanging the parser.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tunewise import distributions as D
from tunewise.exceptions import TunewiseError

__all__ = ["ParamSpec", "SweepConfig", "SweepConfigError", "SweepConfigWarning", "load_sweep_config"]

METHODS = ("grid", "random", "bayes", "tpe", "gp", "auto", "custom")
# method -> the sampler class in tunewise.samplers (bayes: W&B's "bayes" is GP-based).
SAMPLER_OF_METHOD = {
    "grid": "GridSampler",
    "random": "RandomSampler",
    "bayes": "GPSampler",
    "gp": "GPSampler",
    "tpe": "TPESampler",
    "auto": "AutoSampler",
}
# W&B's ``method: custom`` with ``scheduler: {engine: ...}``: the engine's own default algorithm
# (Optuna's default sampler is TPE; Ax and W&B's bayes engine are GP-based).
SAMPLER_OF_ENGINE = {"optuna": "TPESampler", "ax": "GPSampler", "wandb": "GPSampler"}
# Methods that take several metrics (W&B: ``metrics`` needs method custom; custom -> NSGA-II).
MULTI_METHODS = ("custom", "random", "grid")
GOALS = ("minimize", "maximize")
# A grid or random sweep may have no metric (as in W&B): its runs are recorded COMPLETE when the
# program exits 0. The study then holds this name, which no metric line can report.
NO_METRIC = "<no metric>"
NO_METRIC_METHODS = ("grid", "random")
DISTRIBUTIONS = (
    "constant", "categorical", "categorical_w_probabilities", "int_uniform", "uniform", "q_uniform",
    "log_uniform_values", "q_log_uniform_values", "log_uniform", "q_log_uniform", "inv_log_uniform_values",
    "inv_log_uniform", "normal", "q_normal", "log_normal", "q_log_normal", "beta", "q_beta",
)
# Keys each distribution needs (q is optional: W&B's default is 1).
_NEEDS: dict[str, tuple[str, ...]] = {
    "constant": ("value",),
    "categorical": ("values",),
    "categorical_w_probabilities": ("values", "probabilities"),
    "int_uniform": ("min", "max"),
    "uniform": ("min", "max"),
    "q_uniform": ("min", "max"),
    "log_uniform_values": ("min", "max"),
    "q_log_uniform_values": ("min", "max"),
    "log_uniform": ("min", "max"),
    "q_log_uniform": ("min", "max"),
    "inv_log_uniform_values": ("min", "max"),
    "inv_log_uniform": ("min", "max"),
    "normal": (),
    "q_normal": (),
    "log_normal": (),
    "q_log_normal": (),
    "beta": (),
    "q_beta": (),
}
_NORMAL_FAMILY = ("normal", "q_normal", "log_normal", "q_log_normal")
_BETA_FAMILY = ("beta", "q_beta")
# ``when`` is tunewise's extension: a conditional parameter (see :class:`ParamSpec`).
_PARAM_KEYS = ("distribution", "values", "value", "min", "max", "mu", "sigma", "q", "probabilities", "a", "b",
               "parameters", "when")
TOP_KEYS = (
    "program", "command", "method", "metric", "parameters", "early_terminate", "run_cap",
    "name", "storage", "timeout", "workers", "seed", "log_dir", "grace_period", "wandb_stand_in", "resources",
    # W&B metadata: accepted so W&B files run unchanged, otherwise unused.
    "description", "project", "entity", "apiVersion", "kind", "controller",
    # W&B's custom engines: ``method: custom`` picks the engine's default algorithm.
    "scheduler",
    # Several objectives (W&B: with method custom): the sweep keeps the Pareto front.
    "metrics",
    # Accepted by W&B's schema but refused with the reason (see _REFUSED_TOP_KEYS).
    "job", "image_uri",
)
# Keys of W&B's schema that cannot apply to a tunewise sweep: key -> why, and what to do instead.
_REFUSED_TOP_KEYS = {
    "job": "a W&B Launch job runs on W&B's servers and queues; tunewise runs a local program: give "
           "program (and command) instead",
    "image_uri": "a W&B Launch image runs on W&B's servers and queues; tunewise runs a local program: give "
                 "program, or a command such as [docker, run, IMAGE, ${args}]",
}
_METRIC_KEYS = ("name", "goal", "target", "impute", "impute_while_running")
_IMPUTE = ("latest", "best", "worst")
_SCHEDULER_KEYS = ("engine", "source", "optimizer", "search_space")
_ET_KEYS = ("type", "min_iter", "max_iter", "eta", "s", "strict")
MACROS = ("env", "interpreter", "program", "args", "args_no_hyphens", "args_no_boolean_flags", "args_no_equals",
          "args_append_hydra", "args_override_hydra", "args_json", "args_json_file", "envvar:NAME")
_ENVVAR_MACRO = re.compile(r"envvar:[A-Z0-9_]*")  # W&B's ${envvar:NAME}
DEFAULT_COMMAND = ["${env}", "${interpreter}", "${program}", "${args}"]
_MACRO_RE = re.compile(r"\$\{([^}]*)\}")
# Latent parameters (priors the core distributions cannot express) are stored under this suffix.
LATENT_SUFFIX = ":latent"


class SweepConfigError(TunewiseError, ValueError):
    """The sweep file is invalid. The message names the file, the line and the key."""


# ---- YAML with line numbers ------------------------------------------------------------------

Path_ = tuple[Any, ...]

# A sweep file is a page of settings: these limits are far above any real one, and keep a hostile
# file (a "billion laughs" of nested aliases, megabytes of nesting) from hanging the parser.
MAX_FILE_BYTES = 1 << 20
MAX_NODES = 100_000  # values after expanding aliases (*name)
MAX_DEPTH = 64  # nesting of mappings and lists


class _Walker:
    """Builds plain data from composed nodes, recording each key's line (1-based).

    Aliases are expanded here (``yaml.compose`` keeps one node per anchor), so this is where an
    exponential expansion would happen: every value counts against ``MAX_NODES``.
    """

    def __init__(self, where: str) -> None:
        self.where = where
        self.n_nodes = 0
        self._constructor = yaml.SafeLoader("")
        self._open: set[int] = set()  # nodes being built: an alias back to one is a cycle

    def error(self, node: yaml.Node, msg: str) -> SweepConfigError:
        return SweepConfigError(f"{self.where}, line {node.start_mark.line + 1}: {msg}")

    def walk(self, node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
        self.n_nodes += 1
        if self.n_nodes > MAX_NODES:
            raise self.error(node, f"the file expands to more than {MAX_NODES} values (aliases such as *name "
                                   f"repeat what their anchor holds; nested ones multiply): refusing it as a "
                                   f"\"billion laughs\" file; write the values out or use fewer aliases")
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self._open:
                raise self.error(node, "an alias refers to the mapping or list that contains it (a recursive "
                                       "anchor): the value would be infinite")
            if len([p for p in path if p != "<key>"]) >= MAX_DEPTH:
                raise self.error(node, f"values are nested more than {MAX_DEPTH} levels deep")
            self._open.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, path, lines)
                return [self.walk(v, path + (i,), lines) for i, v in enumerate(node.value)]
            finally:
                self._open.discard(id(node))
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as e:
            raise self.error(node, f"not valid YAML: {getattr(e, 'problem', None) or e}") from None
        except (ValueError, OverflowError) as e:  # e.g. a date such as 2020-13-45
            raise self.error(node, f"cannot read the value {node.value!r}: {e}") from None

    def _mapping(self, node: yaml.MappingNode, path: Path_, lines: dict[Path_, int]) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.walk(key_node, path + ("<key>",), {})
            try:
                hash(key)
            except TypeError:
                raise self.error(key_node, f"{_dotted(path)}: a key must be a name such as 'lr', "
                                           f"got {key!r}") from None
            if key in out:
                # PyYAML, and so W&B's CLI, keeps the last of two equal keys without a word (a file
                # with four metric: blocks runs under W&B with the last): the same here, with a warning.
                first = lines[path + (key,)]
                warnings.warn_explicit(
                    f"{_dotted(path + (key,))}: duplicate key (first given on line {first}): the last one is "
                    f"used, as PyYAML and W&B do; delete the others", SweepConfigWarning, filename=self.where,
                    lineno=key_node.start_mark.line + 1)
                del out[key]
                for p in [p for p in lines if p[:len(path) + 1] == path + (key,)]:
                    del lines[p]
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = self.walk(value_node, path + (key,), lines)
        return out


def _compose(text: str, where: str) -> yaml.Node | None:
    """``yaml.compose`` with errors that name the file and the line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        loc = f"{where}, line {mark.line + 1}" if mark is not None else where
        problem = e.problem or str(e)
        if e.context and e.problem:
            problem = f"{problem} ({e.context})"
        raise SweepConfigError(f"{loc}: not valid YAML: {problem}") from None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow (NUL, control codes)
        line = text.count("\n", 0, e.position) + 1
        raise SweepConfigError(f"{where}, line {line}: not valid YAML: {e.reason} "
                               f"(character #x{e.character if isinstance(e.character, int) else 0:04x})") from None
    except yaml.YAMLError as e:
        raise SweepConfigError(f"{where}: not valid YAML: {e}") from None
    except RecursionError:
        raise SweepConfigError(f"{where}: not valid YAML for a sweep: values are nested too deeply "
                               f"(at most {MAX_DEPTH} levels)") from None


def _read_text(p: Path) -> str:
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SweepConfigError(f"sweep file {str(p)!r} is {size} bytes; a sweep file is at most "
                                   f"{MAX_FILE_BYTES} bytes (is it the right file?)")
        data = p.read_bytes()
    except FileNotFoundError:
        raise SweepConfigError(f"sweep file {str(p)!r} does not exist") from None
    except IsADirectoryError:
        raise SweepConfigError(f"sweep file {str(p)!r} is a directory, not a YAML file") from None
    except OSError as e:
        raise SweepConfigError(f"cannot read sweep file {str(p)!r}: {e.strerror or e}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise SweepConfigError(f"{p}, line {line}: not a text file in UTF-8 (byte 0x{data[e.start]:02x} at "
                               f"offset {e.start}); save the sweep file as UTF-8") from None


def _dotted(path: Path_) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "<top>"


class _Ctx:
    """Where errors point: the file and the line of every key."""

    def __init__(self, where: str, lines: dict[Path_, int] | None) -> None:
        self.where = where
        self.lines = lines

    def _line_of(self, path: Path_) -> int | None:
        if self.lines is None:
            return None
        p = path
        while p and p not in self.lines:
            p = p[:-1]
        return self.lines.get(p)

    def error(self, path: Path_, msg: str) -> SweepConfigError:
        line = self._line_of(path)
        loc = f"{self.where}, line {line}" if line else self.where
        return SweepConfigError(f"{loc}: {_dotted(path)}: {msg}")

    def warn(self, path: Path_, msg: str) -> None:
        """A :class:`SweepConfigWarning` shown at the sweep file's line (``sweep.yaml:5: ...``)."""
        warnings.warn_explicit(f"{_dotted(path)}: {msg}", SweepConfigWarning, filename=self.where,
                               lineno=self._line_of(path) or 0)

    def line(self, path: Path_) -> int | None:
        return None if self.lines is None else self.lines.get(path)


def _unknown(ctx: _Ctx, path: Path_, data: Mapping[str, Any], allowed: Sequence[str], what: str, *,
             warn: bool = False) -> None:
    """Refuse a key outside ``allowed``, naming the nearest valid one; with ``warn``, a warning
    instead, and the key is ignored (the top level of a sweep file, as W&B's server does)."""
    for key in data:
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            did = f"did you mean {hint[0]!r}? " if hint else ""
            if warn:
                extra = " (W&B takes a run count in wandb.agent(count=N); here: run_cap)" if key == "count" else ""
                ctx.warn(path + (key,), f"unknown key in {what}, ignored as W&B ignores it: {did}valid keys are "
                                        f"{', '.join(allowed)}{extra}")
                continue
            raise ctx.error(path + (key,), f"unknown key in {what}: {did}valid keys are {', '.join(allowed)}")


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# ---- parameters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of the sweep: its W&B distribution and how tunewise samples it.

    Most distributions map exactly to a tunewise distribution (the trial's parameter is the value
    the program receives). The normal and beta families, weighted categorical values
    (``probabilities``) and ``q_log_uniform*`` have priors the core distributions cannot express;
    they are sampled as a latent parameter ``NAME:latent`` (a quantile in ``[0, 1]`` mapped through
    the prior's inverse CDF, or the unrounded value for ``q_log_uniform*``) and decoded to the value
    passed to the program, which is kept in the trial's ``user_attrs["config"]``.

    ``when`` (a tunewise extension of W&B's format) makes the parameter conditional: it is sampled
    and passed to the program only in runs where every named parameter has one of the given
    values, e.g. ``momentum: {min: 0.0, max: 0.99, when: {optimizer: sgd}}``.
    """

    name: str
    distribution: str
    values: tuple[Any, ...] | None = None
    value: Any = None
    min: float | None = None
    max: float | None = None
    mu: float = 0.0
    sigma: float = 1.0
    q: float | None = None
    probabilities: tuple[float, ...] | None = None
    a: float = 1.0
    b: float = 1.0
    when: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    # Where the value sits in the run's config: ("opt", "lr") for ``opt: {parameters: {lr: ...}}``,
    # ("opt.lr",) for a parameter whose own name has a dot (W&B keeps it flat); () means (name,).
    keys: tuple[str, ...] = ()
    # The values as the file lists them (repeats included), for W&B's grid; None: ``values``.
    listed: tuple[Any, ...] | None = None

    @property
    def latent(self) -> bool:
        return self.distribution in _NORMAL_FAMILY or self.distribution in _BETA_FAMILY or self.distribution in (
            "q_log_uniform_values", "q_log_uniform", "categorical_w_probabilities", _GRID_INDEX)

    def is_active(self, config: Mapping[str, Any]) -> bool:
        """Whether this parameter applies to a run whose (decoded) parameters so far are ``config``."""
        return all(parent in config and config[parent] in allowed for parent, allowed in self.when)

    @property
    def param_name(self) -> str:
        """The name of the trial parameter the sampler proposes."""
        return self.name + LATENT_SUFFIX if self.latent else self.name

    def to_distribution(self) -> D.Distribution:
        """The tunewise distribution the sampler draws ``param_name`` from."""
        d = self.distribution
        if d == "constant":
            return D.Categorical((self.value,))
        if d == "categorical":
            return D.Categorical(tuple(self.values or ()))
        if d == _GRID_INDEX:
            return D.Categorical(tuple(range(len(self.values or ()))))
        if d == "int_uniform":
            return D.Int(int(self.min), int(self.max))  # type: ignore[arg-type]
        if d == "uniform":
            return D.Float(self.min, self.max)  # type: ignore[arg-type]
        if d == "q_uniform":
            # W&B: round(X / q) * q for X ~ U(min, max), so the multiples of q from round(min / q)
            # to round(max / q) (a bound off the lattice rounds outwards or inwards, as W&B's
            # does); ints when q is an int (W&B's q defaults to 1.0, a float).
            q = self._q()
            lo_k, hi_k = round(self.min / q), round(self.max / q)  # type: ignore[operator]
            if _is_int(self.q):
                return D.Int(lo_k * int(q), hi_k * int(q), step=int(q))
            return D.Float(_clean(lo_k * q), _clean(hi_k * q), step=q)
        if d == "log_uniform_values":
            return D.Float(self.min, self.max, log=True)  # type: ignore[arg-type]
        if d == "log_uniform":
            # W&B's log_uniform gives natural-log bounds: exp(U(min, max)) == log-uniform in
            # [e^min, e^max], so the core distribution expresses it exactly.
            return D.Float(math.exp(self.min), math.exp(self.max), log=True)  # type: ignore[arg-type]
        if d == "q_log_uniform_values":
            return D.Float(self.min, self.max, log=True)  # type: ignore[arg-type]
        if d == "q_log_uniform":
            return D.Float(math.exp(self.min), math.exp(self.max), log=True)  # type: ignore[arg-type]
        if d == "inv_log_uniform_values":
            # W&B: exp(-U(-log max, -log min)), which is log-uniform in [min, max].
            return D.Float(self.min, self.max, log=True)  # type: ignore[arg-type]
        if d == "inv_log_uniform":
            # W&B: exp(-U(min, max)), log-uniform in [e^-max, e^-min].
            return D.Float(math.exp(-self.max), math.exp(-self.min), log=True)  # type: ignore[operator]
        # Normal and beta families, weighted values: a quantile, mapped through the inverse normal CDF so that random
        # search draws exactly N(mu, sigma) while model-based samplers work on a bounded cube.
        return D.Float(0.0, 1.0)

    def _q(self) -> float:
        return 1.0 if self.q is None else self.q

    def decode(self, sampled: Any) -> Any:
        """The value passed to the program for the sampler's value of ``param_name``."""
        d = self.distribution
        if not self.latent:
            if d == "q_uniform" and not isinstance(sampled, int):
                return _clean(float(sampled))
            return sampled
        if d == _GRID_INDEX:
            return (self.values or ())[int(sampled)]
        if d in ("q_log_uniform_values", "q_log_uniform"):
            return self._quantize(float(sampled))
        if d == "categorical_w_probabilities":
            # W&B's inverse CDF: the first value whose cumulative probability exceeds u.
            u, total = float(sampled), 0.0
            values, probs = self.values or (), self.probabilities or ()
            for value, prob in zip(values, probs, strict=True):
                total += prob
                if u < total:
                    return value
            return next(v for v, pr in zip(reversed(values), reversed(probs), strict=True) if pr > 0)
        if d in _BETA_FAMILY:
            from scipy.stats import beta

            x = float(beta.ppf(min(max(float(sampled), 0.0), 1.0), self.a, self.b))
            return self._quantize(x) if d == "q_beta" else x
        from scipy.special import ndtri

        u = min(max(float(sampled), 1e-6), 1 - 1e-6)  # the tails beyond 4.75 sigma are cut
        x = self.mu + self.sigma * float(ndtri(u))
        if d in ("log_normal", "q_log_normal"):
            x = math.exp(x)
        if d in ("q_normal", "q_log_normal"):
            return self._quantize(x)
        return x

    def _quantize(self, x: float) -> Any:
        q = self._q()
        v = round(x / q) * q
        if _is_int(self.q):  # W&B: ints whenever q is an int, whatever the bounds (q_log_uniform_v1_ppf)
            return int(round(v))
        return _clean(float(v))

    def wandb_grid_points(self) -> list[Any] | None:
        """The values W&B's grid gives this parameter, in its order, or None if it has no grid.

        As wandb/sweeps' ``grid_search_next_runs``: ``int_uniform`` is ``range(min, max + 1)``,
        ``q_uniform`` is ``np.arange(min, max, q)`` (from ``min``, which need not be a multiple of
        ``q``, and without ``max``: not the lattice its random search draws from), and listed
        values are told apart by W&B's ``yaml_hash``: a repeated value runs once (where it is
        first listed, with the last of the equal values), ``1`` and ``1.0`` are one value, ``1``
        and ``True``, or a list and a tuple, are two.
        """
        d = self.distribution
        if d == "constant":
            return [self.value]
        if d in ("categorical", "categorical_w_probabilities", _GRID_INDEX):
            listed = self.listed if self.listed is not None else tuple(self.values or ())
            last = {_wandb_grid_key(v): v for v in listed}
            order = list(dict.fromkeys(_wandb_grid_key(v) for v in listed))
            return [last[k] for k in order]
        if d == "int_uniform":
            return list(range(int(self.min), int(self.max) + 1))  # type: ignore[arg-type]
        if d == "q_uniform":
            import numpy as np

            points = np.arange(self.min, self.max, self._q()).tolist()  # type: ignore[arg-type]
            return [v if isinstance(v, int) else _clean(v) for v in points]
        return None

    def for_grid(self) -> ParamSpec | None:
        """This parameter as W&B's grid runs it: categorical over :meth:`wandb_grid_points`
        (sampled by index when two of them are one value once sent as JSON, e.g. ``[2, 3]`` and
        ``(2, 3)``, which W&B's grid runs twice), or None if it has no grid."""
        points = self.wandb_grid_points()
        if points is None:
            return None
        keys = [_value_key(v) for v in points]
        dist = "categorical" if len(set(keys)) == len(keys) else _GRID_INDEX
        return dataclasses.replace(self, distribution=dist, values=tuple(points), value=None, min=None, max=None,
                                   q=None, probabilities=None, listed=None)

    def grid_values(self) -> list[Any] | None:
        """Every value for ``method: grid``, or None if the parameter is continuous."""
        if self.distribution == _GRID_INDEX:
            return list(range(len(self.values or ())))
        dist = self.to_distribution()
        if self.latent:
            return None
        if isinstance(dist, D.Categorical):
            return list(dist.choices)
        if isinstance(dist, D.Int):
            return list(range(dist.low, dist.high + 1, dist.step))
        if isinstance(dist, D.Float) and dist.step is not None:
            return [_clean(dist.low + k * dist.step) for k in range(dist.n_values or 1)]
        return None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"distribution": self.distribution}
        for key in ("values", "value", "min", "max", "q", "probabilities"):
            v = getattr(self, key)
            if v is not None:
                out[key] = list(v) if key in ("values", "probabilities") else v
        if self.distribution in _NORMAL_FAMILY:
            out["mu"], out["sigma"] = self.mu, self.sigma
        if self.distribution in _BETA_FAMILY:
            out["a"], out["b"] = self.a, self.b
        if self.when:
            out["when"] = {parent: list(allowed) for parent, allowed in self.when}
        return out


_GRID_INDEX = "grid_index"  # internal: a grid's values sampled by index (see ParamSpec.for_grid)


def _wandb_grid_key(value: Any) -> str:
    """When W&B's grid takes two listed values for one: wandb/sweeps' ``yaml_hash`` (an
    integer float counts as the int; a tuple's YAML differs from its list's)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(yaml.dump(value, default_flow_style=True, sort_keys=True))


def _clean(x: float) -> float:
    """Drop floating-point noise from lattice values (0.30000000000000004 -> 0.3)."""
    return float(f"{x:.12g}")


def _parse_param(ctx: _Ctx, path: Path_, name: str, spec: Any, out: list[ParamSpec]) -> None:
    if not isinstance(spec, Mapping):
        raise ctx.error(path, f"a parameter is a mapping such as {{values: [...]}}, {{value: x}} or "
                              f"{{min: a, max: b}}, got {spec!r}")
    _unknown(ctx, path, spec, _PARAM_KEYS, f"parameter {name!r}")
    when = _parse_when(ctx, path + ("when",), spec["when"]) if "when" in spec else ()
    spec = {k: v for k, v in spec.items() if k != "when"}
    if "parameters" in spec:
        if when:
            raise ctx.error(path + ("when",), "when applies to a single parameter, not to a group of nested "
                                              "parameters: put when on each parameter inside it")
        extra = [k for k in spec if k != "parameters"]
        if extra:
            raise ctx.error(path + (extra[0],), "a parameter with nested 'parameters' takes no other keys")
        _parse_params(ctx, path + ("parameters",), spec["parameters"], out, prefix=name + ".")
        return
    dist = spec.get("distribution")
    if dist is None:
        # W&B's inference: value -> constant, values -> categorical, int bounds -> int_uniform,
        # float bounds -> uniform, mu/sigma -> normal.
        if "value" in spec:
            dist = "constant"
        elif "values" in spec:
            dist = "categorical_w_probabilities" if "probabilities" in spec else "categorical"
        elif "min" in spec or "max" in spec:
            if "min" not in spec or "max" not in spec:
                missing = "max" if "min" in spec else "min"
                raise ctx.error(path, f"a range needs both min and max; {missing} is missing")
            dist = "int_uniform" if _is_int(spec["min"]) and _is_int(spec["max"]) else "uniform"
        elif "mu" in spec or "sigma" in spec:
            dist = "normal"
        elif "a" in spec or "b" in spec:
            dist = "beta"
        else:
            raise ctx.error(path, "cannot tell the distribution: give values, value, min and max, or "
                                  "distribution (one of " + ", ".join(DISTRIBUTIONS) + ")")
    if dist == "categorical" and "probabilities" in spec:
        dist = "categorical_w_probabilities"  # W&B's schema names it so; accept the short name too
        ctx.warn(path + ("distribution",), "W&B refuses probabilities with distribution: categorical (its schema "
                                           "names it categorical_w_probabilities, or leave distribution out); "
                                           "tunewise draws the values with these probabilities")
    if dist not in DISTRIBUTIONS:
        hint = difflib.get_close_matches(str(dist), DISTRIBUTIONS, n=1)
        did = f"did you mean {hint[0]!r}? " if hint else ""
        raise ctx.error(path + ("distribution",), f"unknown distribution {dist!r}: {did}valid: "
                                                  + ", ".join(DISTRIBUTIONS))
    absent = [k for k in _NEEDS[dist] if k not in spec]
    if absent:
        raise ctx.error(path, f"distribution {dist!r} needs {' and '.join(_NEEDS[dist])}; missing "
                              + ", ".join(absent))
    used = set(_NEEDS[dist]) | {"distribution"}
    if dist.startswith("q_"):
        used.add("q")
    if dist in _NORMAL_FAMILY:
        used |= {"mu", "sigma"}
    if dist in _BETA_FAMILY:
        used |= {"a", "b"}
    stray = [k for k in spec if k not in used]
    if stray:
        raise ctx.error(path + (stray[0],), f"key {stray[0]!r} does not apply to distribution {dist!r} "
                                            f"(it takes {', '.join(sorted(used - {'distribution'}))})")
    kw: dict[str, Any] = {"when": when}
    if dist in ("categorical", "categorical_w_probabilities"):
        values = spec["values"]
        if not isinstance(values, list) or not values:
            raise ctx.error(path + ("values",), f"values must be a non-empty list, got {values!r}")
        kw["values"] = tuple(values)
        _warn_yaml_strings(ctx, path + ("values",), values)
        unique = _unique_values(values)
        if len(unique) < len(values) or any(isinstance(v, tuple) for v in values):
            kw["listed"] = tuple(values)
        if dist == "categorical" and len(unique) < len(values):
            # W&B allows repeated values: its random search then draws a repeated value more often
            # and its grid runs it once; as weighted values both hold (a grid drops the weights).
            counts = [sum(_value_key(v) == _value_key(u) for v in values) for u in unique]
            dist, kw["values"] = "categorical_w_probabilities", tuple(unique)
            kw["probabilities"] = tuple(c / len(values) for c in counts)
    if dist == "categorical_w_probabilities" and "probabilities" not in kw:
        kw["probabilities"] = _check_probabilities(ctx, path + ("probabilities",), spec["probabilities"],
                                                   len(kw["values"]))
    if dist == "constant":
        kw["value"] = spec["value"]
        _warn_yaml_strings(ctx, path + ("value",), [spec["value"]])
    for key in ("min", "max", "mu", "sigma", "q", "a", "b"):
        if key in spec:
            v = spec[key]
            if not _is_num(v):
                why = ""
                if isinstance(v, str) and _YAML11_EXPONENT.match(v):
                    why = (f": YAML 1.1 (PyYAML, which W&B's CLI uses too) reads a number with an exponent and no "
                            f"dot as text; write {_yaml_float(v)} (W&B refuses the string as well)")
                raise ctx.error(path + (key,), f"{key} must be a finite number, got {v!r}{why}")
            kw[key] = v
    if "min" in kw and "max" in kw and kw["min"] > kw["max"]:
        raise ctx.error(path + ("min",), f"min ({kw['min']!r}) is greater than max ({kw['max']!r}); "
                                         "min must be <= max")
    if "min" in kw and "max" in kw and kw["min"] == kw["max"]:
        # W&B's validator wants min < max ("min 5 is not less than max 5"); a constant is what it means here.
        ctx.warn(path + ("min",), f"min equals max ({kw['min']!r}): W&B refuses this range (min must be less "
                                  f"than max); every run gets {kw['min']!r} here (write value: for a constant)")
    if dist == "int_uniform" and not (_is_int(kw["min"]) and _is_int(kw["max"])):
        raise ctx.error(path, f"int_uniform needs integer min and max, got min={kw['min']!r}, max={kw['max']!r}")
    if dist in ("log_uniform_values", "q_log_uniform_values") and kw["min"] <= 0:
        raise ctx.error(path + ("min",), f"{dist} needs min > 0 (the values are sampled in log space), "
                                         f"got min={kw['min']!r}")
    if "sigma" in kw and kw["sigma"] <= 0:
        raise ctx.error(path + ("sigma",), f"sigma must be > 0, got {kw['sigma']!r}")
    if "q" in kw and kw["q"] <= 0:
        raise ctx.error(path + ("q",), f"q must be > 0, got {kw['q']!r}")
    for key in ("a", "b"):
        if key in kw and kw[key] <= 0:
            raise ctx.error(path + (key,), f"{key} (a shape of the beta distribution) must be > 0, got {kw[key]!r}")
    if dist == "inv_log_uniform_values" and kw["min"] <= 0:
        raise ctx.error(path + ("min",), f"{dist} needs min > 0 (the values are sampled in log space), "
                                         f"got min={kw['min']!r}")
    if dist in ("log_uniform", "q_log_uniform"):
        _warn_log_uniform_values(ctx, path, dist, kw["min"], kw["max"])
    if dist == "q_uniform":
        q = kw.get("q", 1.0)
        if q <= 0:
            raise ctx.error(path + ("q",), f"q must be > 0, got {q!r}")
        if round(kw["min"] / q) == round(kw["max"] / q) and kw["min"] != kw["max"]:  # min == max: said above
            # W&B runs it (round(X / q) * q is always that one value); almost surely not meant.
            ctx.warn(path, f"every run gets {round(kw['min'] / q) * q!r}: round(X / q) * q for X in "
                           f"[{kw['min']!r}, {kw['max']!r}] is one value with q={q!r}; "
                           "widen the range or use a smaller q")
    p = ParamSpec(name=name, distribution=dist, keys=tuple(path[1::2]), **kw)
    try:
        p.to_distribution()
    except (ValueError, TypeError, OverflowError) as e:
        raise ctx.error(path, f"invalid {dist} range: {e}") from None
    out.append(p)


def _value_key(v: Any) -> str:
    """Equality of parameter values as W&B sees them once sent as JSON: 1, 1.0 and True stay
    distinct, a tuple is the list it becomes."""
    kind = type(v).__name__ if isinstance(v, (bool, int, float)) else ""
    return f"{kind}:{json.dumps(v, sort_keys=True, default=repr)}"


def _unique_values(values: Sequence[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for v in values:
        if _value_key(v) not in seen:
            seen.add(_value_key(v))
            out.append(v)
    return out


def _parse_when(ctx: _Ctx, path: Path_, when: Any) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """``when: {optimizer: sgd}`` or ``{optimizer: [sgd, nesterov], layers: [2, 3]}`` -> pairs."""
    if not isinstance(when, Mapping) or not when:
        raise ctx.error(path, f"when must be a mapping of parameter -> value (or list of values) under which "
                              f"this parameter applies, e.g. {{optimizer: sgd}}; got {when!r}")
    out = []
    for parent, allowed in when.items():
        if not isinstance(parent, str) or not parent:
            raise ctx.error(path + (parent,), f"when names a parameter (dotted for nested ones), got {parent!r}")
        values = tuple(allowed) if isinstance(allowed, list) else (allowed,)
        if not values:
            raise ctx.error(path + (parent,), "when needs at least one value for each parameter it names")
        out.append((parent, values))
    return tuple(out)


def _check_probabilities(ctx: _Ctx, path: Path_, probs: Any, n_values: int) -> tuple[float, ...]:
    if not isinstance(probs, list) or not all(_is_num(p) and p >= 0 for p in probs):
        raise ctx.error(path, f"probabilities must be a list of numbers >= 0 (one per value), got {probs!r}")
    if len(probs) != n_values:
        raise ctx.error(path, f"probabilities has {len(probs)} entries for {n_values} values: give one "
                              f"probability per value")
    if not math.isclose(sum(probs), 1.0, rel_tol=0, abs_tol=1e-6):
        raise ctx.error(path, f"probabilities must sum to 1 (as in W&B), they sum to {sum(probs):g}")
    return tuple(float(p) for p in probs)


_YAML11_EXPONENT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$")


def _yaml_float(text: str) -> str:
    """How to write ``text`` (``'5e-2'``) so that YAML 1.1 reads a float: ``5.0e-02``."""
    mantissa, exponent = f"{float(text):e}".split("e")
    mantissa = mantissa.rstrip("0") + ("0" if mantissa.rstrip("0").endswith(".") else "")
    return f"{mantissa}e{exponent}"


def _warn_yaml_strings(ctx: _Ctx, path: Path_, values: Sequence[Any]) -> None:
    """In a sweep file, values YAML 1.1 (PyYAML, which W&B's CLI uses too) reads as text although they
    look like numbers or None: the runs get the string, under W&B as here; say so once per parameter."""
    if ctx.lines is None:  # a dict from Python: its strings are meant
        return
    for v in values:
        if isinstance(v, str) and _YAML11_EXPONENT.match(v):
            ctx.warn(path, f"{v!r} is a string: YAML 1.1 reads a number with an exponent and no dot as text "
                           f"(write {_yaml_float(v)}); runs get the string {v!r}, as under W&B")
            return
        if v in ("None", "none", "NONE"):
            ctx.warn(path, f"{v!r} is the string {v!r} in YAML, not None (write null or ~); runs get the string, "
                           f"as under W&B")
            return


class SweepConfigWarning(UserWarning):
    """The sweep file is valid but probably does not mean what its author intended."""


def _warn_log_uniform_values(ctx: _Ctx, path: Path_, dist: str, lo: float, hi: float) -> None:
    """W&B's ``log_uniform`` takes natural-log exponents: ``min: 0.00001, max: 0.1`` samples
    ``e^0.00001 .. e^0.1`` (1.0 to 1.105), which is almost never what a file with such bounds meant."""
    if not (lo > 0 and hi > 0 and (hi <= 1 or hi / lo >= 100)):
        return
    ctx.warn(path, f"distribution {dist} reads min and max as natural-log exponents (W&B's meaning), so this "
                   f"samples values in [{math.exp(lo):.4g}, {math.exp(hi):.4g}]; min={lo!r} and max={hi!r} look "
                   f"like the values themselves: use distribution {dist}_values to sample in [{lo!r}, {hi!r}], "
                   f"or give exponents (min: {math.log(lo):.3g}, max: {math.log(hi):.3g})")


def _check_conditions(ctx: _Ctx, params: list[ParamSpec], method: str) -> list[ParamSpec]:
    """Validate every ``when`` and return the parameters in an order where parents come first."""
    by_name = {p.name: p for p in params}
    conditional = [p for p in params if p.when]
    if conditional and method == "grid":
        raise ctx.error(_param_path(conditional[0].name) + ("when",),
                        "conditional parameters (when) need a sampling method (random, tpe, bayes...): a grid "
                        "would repeat each configuration once per value of the inactive parameters")
    for p in conditional:
        for parent, allowed in p.when:
            where = _param_path(p.name) + ("when", parent)
            if parent == p.name:
                raise ctx.error(where, "a parameter cannot depend on itself")
            if parent not in by_name:
                raise ctx.error(where, f"when names {parent!r}, which is not a parameter of the sweep (valid: "
                                       f"{', '.join(by_name)})")
            choices = by_name[parent].grid_values() if not by_name[parent].latent else (
                list(by_name[parent].values or ()) if by_name[parent].values else None)
            if choices is not None:
                bad = [v for v in allowed if v not in choices]
                if bad:
                    raise ctx.error(where, f"{parent!r} never takes the value {bad[0]!r} (its values are "
                                           f"{choices!r}), so this parameter would never apply")
    ordered: list[ParamSpec] = []
    placed: set[str] = set()
    pending = list(params)
    while pending:
        ready = [p for p in pending if all(parent in placed for parent, _ in p.when)]
        if not ready:
            names = ", ".join(repr(p.name) for p in pending)
            raise ctx.error(_param_path(pending[0].name) + ("when",),
                            f"the when conditions of {names} depend on each other in a cycle")
        for p in ready:
            ordered.append(p)
            placed.add(p.name)
        pending = [p for p in pending if p.name not in placed]
    return ordered


def _check_unique_names(ctx: _Ctx, params: list[ParamSpec]) -> None:
    """A parameter named ``a.b`` and ``b`` nested in ``a`` would be one trial parameter."""
    seen: dict[str, ParamSpec] = {}
    for p in params:
        other = seen.setdefault(p.name, p)
        if other is not p:
            nested = p.keys if len(p.keys) > len(other.keys) else other.keys
            raise ctx.error(_param_path(p.name), f"the parameter named {p.name!r} and the parameter nested as "
                                                 f"{' -> '.join(nested)} would have the same name {p.name!r}: "
                                                 f"rename one")


def _parse_params(ctx: _Ctx, path: Path_, params: Any, out: list[ParamSpec], prefix: str = "") -> None:
    if not isinstance(params, Mapping) or not params:
        raise ctx.error(path, f"parameters must be a non-empty mapping of name -> distribution, got {params!r}")
    for name, spec in params.items():
        if not isinstance(name, str) or not name or any(c in name for c in " =:${}"):
            raise ctx.error(path + (name,), f"parameter name {name!r} must be a non-empty string without "
                                            "spaces, '=', ':', '$' or braces")
        _parse_param(ctx, path + (name,), prefix + name, spec, out)


# ---- the sweep -------------------------------------------------------------------------------


@dataclass
class SweepConfig:
    """A validated sweep file.

    Keys (W&B's whole sweep schema): ``program`` (relative to the sweep file), ``command`` (macros
    ``${env}``, ``${interpreter}``, ``${program}``, ``${args}``, ``${args_no_hyphens}``,
    ``${args_no_boolean_flags}``, ``${args_json}``, ``${args_json_file}``; default
    ``${env} ${interpreter} ${program} ${args}``), ``method`` (``custom`` with
    ``scheduler: {engine: optuna | ax | wandb}`` picks TPE or GP), ``metric: {name, goal, target,
    impute, impute_while_running}`` (the sweep stops once a run reaches ``target``; a grid or random
    sweep may leave it out, as in W&B: a run that exits 0 is then COMPLETE), ``parameters``
    (every W&B distribution, ``probabilities`` included), ``early_terminate: {type: hyperband,
    min_iter | max_iter + s, eta}``, ``run_cap`` (runs in the whole sweep, across agents) and the
    metadata ``description``, ``project``, ``entity``, ``controller``, ``apiVersion``, ``kind``;
    ``metrics: [{name, goal}, ...]`` (several objectives, with method ``custom`` (NSGA-II),
    ``random`` or ``grid``: the sweep keeps the Pareto front). ``job`` and ``image_uri`` (W&B
    Launch) cannot apply and are refused with the reason.
    tunewise's own: ``name`` (the study; default the file's stem), ``storage`` (default
    ``sqlite:///<sweep dir>/tunewise.db``), ``timeout`` (seconds per run; a run past it is killed
    and FAILED), ``grace_period`` (seconds between SIGTERM and SIGKILL, default 10), ``workers``,
    ``seed``, ``log_dir``, ``wandb_stand_in`` (default true: ``import wandb`` in the program gets
    tunewise's stand-in, which needs no account or network), ``resources: {gpu: 1, cpu: 4}``
    (per run: its own GPUs in ``CUDA_VISIBLE_DEVICES``, ``0.5`` for two runs per GPU, a run
    waiting while none is free; CPU threads in ``OMP_NUM_THREADS`` and the like) and ``when``
    on a parameter (conditional parameters).

    >>> cfg = SweepConfig.from_dict({
    ...     "program": "train.py", "method": "random", "metric": {"name": "loss"},
    ...     "parameters": {"lr": {"min": 0.001, "max": 0.1}}}, check_program=False)
    >>> cfg.direction, [p.distribution for p in cfg.parameters]
    ('minimize', ['uniform'])
    """

    program: str | None
    method: str
    metric: str
    parameters: list[ParamSpec]
    goal: str = "minimize"
    target: float | None = None
    command: list[str] = field(default_factory=lambda: list(DEFAULT_COMMAND))
    early_terminate: dict[str, Any] | None = None
    run_cap: int | None = None
    name: str | None = None
    storage: str | None = None
    timeout: float | None = None
    workers: int = 1
    seed: int | None = None
    log_dir: str | None = None
    grace_period: float = 10.0
    wandb_stand_in: bool = True
    resources: dict[str, float] | None = None  # per run: {"gpu": 1, "cpu": 4}
    objectives: list[tuple[str, str]] = field(default_factory=list)  # (metric, goal), one per objective
    engine: str | None = None
    impute: dict[str, Any] | None = None
    sample_order: list[str] = field(default_factory=list)
    base_dir: str = "."
    source: str = "<sweep>"
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def has_metric(self) -> bool:
        """False for a grid or random sweep without ``metric``: a run is COMPLETE when it exits 0."""
        return self.metric != NO_METRIC

    @property
    def direction(self) -> str:
        return self.goal

    @property
    def directions(self) -> list[str]:
        """One goal per objective (several with ``metrics``)."""
        return [goal for _, goal in self.objectives] or [self.goal]

    @property
    def metric_names(self) -> list[str]:
        """The metrics the sweep optimizes (several with ``metrics``)."""
        return [name for name, _ in self.objectives] or [self.metric]

    @property
    def program_path(self) -> str | None:
        """The program, resolved against the sweep file's directory when relative."""
        if self.program is None:
            return None
        return _resolve_program(self.program, self.base_dir)

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, check_program: bool = True,
                  require_program: bool = True) -> SweepConfig:
        """Read and validate a sweep YAML file.

        ``require_program=False`` accepts a file without ``program``, as W&B's ``wandb sweep FILE``
        does for a sweep whose runs a Python function makes (``wandb.agent(id, function=...)``):
        ``tunewise sweep create`` stores such a sweep; nothing can start its program.
        """
        p = Path(path)
        text = _read_text(p)
        where = str(p)
        node = _compose(text, where)
        if node is None:
            raise SweepConfigError(f"{where}: the sweep file is empty")
        lines: dict[Path_, int] = {}
        data = _Walker(where).walk(node, (), lines)
        return cls._build(data, _Ctx(where, lines), str(p.resolve().parent), check_program, require_program)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base_dir: str | os.PathLike[str] = ".", *,
                  check_program: bool = True, source: str = "<sweep config>",
                  require_program: bool = True) -> SweepConfig:
        """Validate a sweep given as a dict (as stored with the study, or built in Python);
        ``require_program`` as in :meth:`from_file`."""
        return cls._build(data, _Ctx(source, None), str(Path(base_dir).resolve()), check_program, require_program)

    @classmethod
    def _build(cls, data: Any, ctx: _Ctx, base_dir: str, check_program: bool,
               require_program: bool = True) -> SweepConfig:
        if not isinstance(data, Mapping):
            raise ctx.error((), f"a sweep file is a mapping of keys (program, method, metric, parameters...), "
                                f"got {type(data).__name__}")
        # W&B's server warns about keys outside its schema ("configValidationWarnings") and runs the
        # sweep without them (a top-level count: 100 is common): the same here.
        _unknown(ctx, (), data, TOP_KEYS, "the sweep file", warn=True)
        data = {k: v for k, v in data.items() if k in TOP_KEYS}
        for key, why in _REFUSED_TOP_KEYS.items():
            if key in data:
                raise ctx.error((key,), f"W&B's key {key!r} cannot apply here: {why}")
        kw: dict[str, Any] = {"base_dir": base_dir, "source": ctx.where,
                              "raw": {k: v for k, v in data.items()}}
        _check_wandb_metadata(ctx, data)
        # method
        method = data.get("method")
        if method is None:
            raise ctx.error(("method",), f"method is required: one of {', '.join(METHODS)}")
        if method not in METHODS:
            hint = difflib.get_close_matches(str(method), METHODS, n=1)
            did = f"did you mean {hint[0]!r}? " if hint else ""
            raise ctx.error(("method",), f"unknown method {method!r}: {did}valid methods are {', '.join(METHODS)}")
        kw["method"] = method
        kw["engine"] = _check_scheduler(ctx, data, method)
        # metric (or metrics: several objectives)
        if data.get("metrics") is not None:
            kw.update(_parse_metrics(ctx, data, method))
        else:
            metric = data.get("metric")
            if metric is None:
                _check_no_metric(ctx, data, method)
                kw["metric"] = NO_METRIC
            else:
                searched = method not in ("grid", "random") or data.get("early_terminate") is not None
                kw.update(_parse_metric(ctx, ("metric",), metric, searched=searched))
            kw["objectives"] = [(kw["metric"], kw.get("goal", "minimize"))]
        # parameters
        if "parameters" not in data:
            raise ctx.error(("parameters",), "parameters is required: a mapping of name -> distribution")
        params: list[ParamSpec] = []
        _parse_params(ctx, ("parameters",), data["parameters"], params)
        _check_unique_names(ctx, params)
        if method == "grid":
            # W&B's grid: every parameter a categorical of its grid points (probabilities ignored).
            gridded = []
            for p in params:
                g = p.for_grid()
                if g is None:
                    raise ctx.error(_param_path(p.name), f"method grid needs a finite set of values, but "
                                                         f"{p.name!r} has the continuous distribution "
                                                         f"{p.distribution!r}; use values, int_uniform or q_uniform")
                if not g.values:
                    raise ctx.error(_param_path(p.name), f"{p.name!r} has no grid points: W&B's grid takes "
                                                         f"np.arange(min, max, q) for q_uniform, which is empty "
                                                         f"for min={p.min!r}, max={p.max!r}; make max > min")
                gridded.append(g)
            params = gridded
        kw["parameters"] = params
        kw["sample_order"] = [p.name for p in _check_conditions(ctx, params, method)]
        # program and command
        program = data.get("program")
        if program is not None and (not isinstance(program, str) or not program):
            raise ctx.error(("program",), f"program must be a path to the script to run, got {program!r}")
        kw["program"] = program
        command = data.get("command")
        if command is not None:
            if isinstance(command, str):
                command = command.split()
            ok = isinstance(command, list) and command and all(isinstance(c, (str, int, float)) for c in command)
            if not ok:
                raise ctx.error(("command",), f"command must be a non-empty list of strings, got {command!r}")
            command = [str(c) for c in command]
            for i, token in enumerate(command):
                for m in _MACRO_RE.findall(token):
                    if m not in MACROS and not _ENVVAR_MACRO.fullmatch(m):
                        # W&B accepts the file; its agent drops a token that is only an unknown
                        # macro and passes one inside a longer token unchanged. So does tunewise.
                        hint = difflib.get_close_matches(m, MACROS, n=1)
                        did = f" (did you mean ${{{hint[0]}}}?)" if hint else ""
                        fate = ("is dropped" if token == f"${{{m}}}"
                                else f"reaches the program unchanged, as {token!r}")
                        ctx.warn(("command", i), f"${{{m}}} is not a macro of W&B's agent{did}: this token {fate}, "
                                                 "as under W&B's agent (W&B's docs describe ${name} as a parameter's "
                                                 "value; its agent does not expand it: use ${args} or read "
                                                 "wandb.config). Macros: " + ", ".join(f"${{{x}}}" for x in MACROS))
            kw["command"] = command
        uses_program = any("${program}" in c for c in kw.get("command", DEFAULT_COMMAND))
        if uses_program and program is None and require_program:
            raise ctx.error(("program",), "program is required (the script the sweep runs), unless command "
                                          "names the executable without ${program}; a sweep whose runs a "
                                          "Python function makes (wandb.agent(id, function=...)) is stored "
                                          "without it by `tunewise sweep create FILE`, as by `wandb sweep FILE`")
        if check_program and program is not None and uses_program:
            resolved = _resolve_program(program, base_dir)
            if not os.path.isfile(resolved):
                raise ctx.error(("program",), f"program file {program!r} does not exist (looked for {resolved})")
        # early termination
        et = data.get("early_terminate")
        if et is not None:
            kw["early_terminate"] = _check_early_terminate(ctx, et)
        # our own keys
        for key, low in (("run_cap", 1), ("workers", 1), ("seed", 0)):
            if data.get(key) is not None:
                v = data[key]
                if not _is_int(v) or v < low:
                    raise ctx.error((key,), f"{key} must be an integer >= {low}, got {v!r}")
                kw[key] = v
        for key in ("timeout", "grace_period"):
            if data.get(key) is not None:
                v = data[key]
                if not _is_num(v) or v <= 0:
                    raise ctx.error((key,), f"{key} must be a number of seconds > 0, got {v!r}")
                kw[key] = float(v)
        if data.get("wandb_stand_in") is not None:
            if not isinstance(data["wandb_stand_in"], bool):
                raise ctx.error(("wandb_stand_in",), f"wandb_stand_in must be true or false, got "
                                                     f"{data['wandb_stand_in']!r}")
            kw["wandb_stand_in"] = data["wandb_stand_in"]
        if data.get("resources") is not None:
            kw["resources"] = _check_resources(ctx, data["resources"])
        for key in ("name", "storage", "log_dir"):
            if data.get(key) is not None:
                v = data[key]
                if not isinstance(v, str) or not v:
                    raise ctx.error((key,), f"{key} must be a non-empty string, got {v!r}")
                kw[key] = v
        return cls(**kw)

    # ---- mapping to tunewise ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The sweep as a plain dict (stored with the study so agents can rebuild it); settings
        changed on the object after loading (``config.run_cap = 10``) win over the file's."""
        out = dict(self.raw)
        for key in ("name", "run_cap", "timeout", "workers", "seed", "grace_period", "storage", "log_dir"):
            value = getattr(self, key)
            if value is not None and (key in out or value != getattr(SweepConfig, key, None)):
                out[key] = value
        return out

    def distributions(self) -> dict[str, D.Distribution]:
        """The sampler's search space: trial parameter name -> distribution."""
        return {p.param_name: p.to_distribution() for p in self.parameters}

    def ordered_parameters(self) -> list[ParamSpec]:
        """The parameters in the order a run samples them: each after those its ``when`` names."""
        by_name = {p.name: p for p in self.parameters}
        order = [by_name[n] for n in self.sample_order if n in by_name]
        return order + [p for p in self.parameters if p.name not in self.sample_order]

    def sample(self, suggest: Any) -> dict[str, Any]:
        """One run's parameters, ``{dotted name: value passed to the program}``.

        ``suggest(param_name, distribution)`` returns the sampler's value (``Trial.suggest``);
        a conditional parameter is suggested only when its ``when`` holds, so samplers that
        model conditional spaces (TPE) see which runs it applied to.
        """
        sampled: dict[str, Any] = {}
        config: dict[str, Any] = {}
        for p in self.ordered_parameters():
            if p.is_active(config):
                sampled[p.param_name] = suggest(p.param_name, p.to_distribution())
                config[p.name] = p.decode(sampled[p.param_name])
        return self.decode(sampled)

    def nest(self, flat: Mapping[str, Any]) -> dict[str, Any]:
        """A run's parameters as the program sees them (``wandb.config``, ``${args}``): nested
        parameters as dicts, ``{"opt.lr": 0.1}`` -> ``{"opt": {"lr": 0.1}}``, while a parameter
        whose own name has a dot stays one key, as in W&B.

        The keys come in the order W&B's sweep engine gives a run's config (wandb/sweeps'
        ``HyperParameterSet.to_config``), which its agent keeps for ``${args}``, ``${args_json}`` and
        the parameter file ``wandb.config`` reads: the top-level parameters sorted by name, then the
        nested groups, each created when the sorted dotted names first reach it.

        >>> cfg = SweepConfig.from_dict({"program": "t.py", "method": "random", "metric": {"name": "loss"},
        ...     "parameters": {"opt": {"parameters": {"lr": {"value": 0.1}}}, "a.b": {"value": 1}}},
        ...     check_program=False)
        >>> cfg.nest({"opt.lr": 0.1, "a.b": 1})
        {'a.b': 1, 'opt': {'lr': 0.1}}
        >>> SweepConfig.from_dict({"program": "t.py", "method": "random", "metric": {"name": "loss"},
        ...     "parameters": {"z": {"value": 1}, "m": {"parameters": {"y": {"value": 2}, "b": {"value": 3}}},
        ...     "a": {"value": 4}}}, check_program=False).nest({"z": 1, "m.y": 2, "m.b": 3, "a": 4})
        {'a': 4, 'z': 1, 'm': {'b': 3, 'y': 2}}
        """
        keys = {p.name: p.keys or (p.name,) for p in self.parameters}
        paths = [(keys.get(name) or tuple(name.split(".")), value) for name, value in flat.items()]
        top = sorted((pv for pv in paths if len(pv[0]) == 1), key=lambda pv: pv[0][0])
        # wandb/sweeps sorts the nested names joined by its HyperParameterSet.NESTING_DELIMITER
        grouped = sorted((pv for pv in paths if len(pv[0]) > 1), key=lambda pv: ".wbnest[599c28ca25da].".join(pv[0]))
        out: dict[str, Any] = {}
        for path, value in [*top, *grouped]:
            node = out
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = value
        return out

    def decode(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Flat ``{dotted name: value passed to the program}`` from a trial's parameters."""
        return {p.name: p.decode(params[p.param_name]) for p in self.parameters if p.param_name in params}

    def make_sampler(self) -> Any:
        """The sampler for ``method`` (imported by name: TPE, GP and Auto live in their own modules)."""
        from tunewise import samplers

        if self.method == "custom" and len(self.directions) > 1:
            cls_name = "NSGAIISampler"
        elif self.method == "custom" and self.engine is not None:
            cls_name = SAMPLER_OF_ENGINE[self.engine]
        else:
            cls_name = SAMPLER_OF_METHOD[self.method]
        cls = getattr(samplers, cls_name, None)
        if cls is None:
            raise ImportError(f"method {self.method!r} needs tunewise.samplers.{cls_name}, which this version of "
                              f"tunewise does not have; use method: random or grid")
        if self.method == "grid":
            return cls({p.param_name: p.grid_values() for p in self.parameters})
        return cls(seed=self.seed)

    def make_scheduler(self) -> Any:
        """The early-termination scheduler (W&B's hyperband rule, :class:`WandbHyperband`), or None."""
        if self.early_terminate is None:
            return None
        from tunewise.sweeps._hyperband import WandbHyperband

        return WandbHyperband(self.early_terminate)


def _check_resources(ctx: _Ctx, res: Any) -> dict[str, float]:
    """``resources: {gpu: 0.5, cpu: 4}``: what each run gets (GPUs: CUDA_VISIBLE_DEVICES; CPU threads)."""
    if not isinstance(res, Mapping):
        raise ctx.error(("resources",), f"resources must be a mapping such as {{gpu: 1, cpu: 4}}, got {res!r}")
    _unknown(ctx, ("resources",), res, ("gpu", "cpu"), "resources")
    gpu, cpu = res.get("gpu"), res.get("cpu")
    if gpu is not None and (not _is_num(gpu) or gpu < 0 or (gpu > 1 and not float(gpu).is_integer())):
        raise ctx.error(("resources", "gpu"), f"resources.gpu must be a number of GPUs per run (1, 2, or a fraction "
                                              f"such as 0.5 for two runs per GPU), got {gpu!r}")
    if cpu is not None and (not _is_int(cpu) or cpu < 1):
        raise ctx.error(("resources", "cpu"), f"resources.cpu must be a whole number of CPU threads per run >= 1, "
                                              f"got {cpu!r}")
    return {k: v for k, v in (("gpu", gpu), ("cpu", cpu)) if v}


def _check_early_terminate(ctx: _Ctx, et: Any) -> dict[str, Any]:
    """W&B's ``hyperband_stopping`` schema, plus what its engine needs to run."""
    path: Path_ = ("early_terminate",)
    if not isinstance(et, Mapping):
        raise ctx.error(path, "early_terminate must be a mapping {type: hyperband, min_iter, max_iter, eta, s}, "
                              f"got {et!r}")
    _unknown(ctx, path, et, _ET_KEYS, "early_terminate")
    if et.get("type") != "hyperband":
        raise ctx.error(path + ("type",), f"early_terminate.type must be 'hyperband', got {et.get('type')!r}")
    for key in ("min_iter", "max_iter", "s"):
        v = et.get(key)
        if v is not None and (not _is_int(v) or v < 1):
            why = " (W&B's engine counts s bands with range(s))" if key == "s" else ""
            raise ctx.error(path + (key,), f"{key} must be an integer >= 1, got {v!r}{why}")
    eta = et.get("eta")
    if eta is not None and (not _is_num(eta) or eta <= 1):
        raise ctx.error(path + ("eta",), f"eta must be a number > 1 (each band keeps the top 1/eta of the runs; "
                                         f"W&B's default 3, fractions such as 1.5 allowed), got {eta!r}")
    if "strict" in et and not isinstance(et["strict"], bool):
        raise ctx.error(path + ("strict",), f"strict must be true or false, got {et['strict']!r}")
    if et.get("min_iter") is None and et.get("max_iter") is None:
        raise ctx.error(path, "hyperband needs min_iter (the first band) or max_iter with s")
    if et.get("min_iter") is None and et.get("s") is None:
        raise ctx.error(path, "hyperband with max_iter needs s (the number of bands)")
    if et.get("s") is None and et.get("max_iter") is not None and et["min_iter"] >= et["max_iter"]:
        raise ctx.error(path + ("min_iter",), f"min_iter ({et['min_iter']!r}) must be less than "
                                              f"max_iter ({et['max_iter']!r})")
    from tunewise.sweeps._hyperband import hyperband_bands

    if not hyperband_bands(et):
        ratio = et["max_iter"] / et.get("eta", 3)
        raise ctx.error(path, f"no band of at least 1 iteration: max_iter / eta = {ratio:.3g} < 1 (W&B's engine "
                              "stops with 'Bands must be an array of length at least 1'); "
                              "raise max_iter or lower eta")
    return dict(et)


def _parse_metric(ctx: _Ctx, path: Path_, metric: Any, searched: bool = True) -> dict[str, Any]:
    """``{name, goal, target, impute, impute_while_running}`` -> SweepConfig fields. ``searched``:
    the method steers by the metric (not a grid or random sweep without early termination)."""
    if not isinstance(metric, Mapping):
        raise ctx.error(path, f"a metric is a mapping {{name, goal, target}}, got {metric!r}")
    _unknown(ctx, path, metric, _METRIC_KEYS, "metric")
    kw: dict[str, Any] = {}
    mname = metric.get("name")
    # Any non-empty string, as in W&B's schema: 'ndcg@10', 'Mean Merit' or 'iter_loss (log scale)' are
    # logged with wandb.log or a `tunewise: {...}` JSON line (only a `name=value` line needs an identifier).
    if not isinstance(mname, str) or not mname.strip():
        raise ctx.error(path + ("name",), f"metric.name must be the name of a metric the program logs, such as "
                                          f"'val_loss', got {mname!r}")
    kw["metric"] = mname
    goal = metric.get("goal", "minimize")
    if goal not in GOALS and not searched:
        # W&B's client only warns and its server runs the sweep (goal: grid in a grid sweep is
        # seen in the wild); the search does not depend on the goal, only which run is best does.
        ctx.warn(path + ("goal",), f"goal must be minimize or maximize, got {goal!r}: taken as minimize (W&B's "
                                   "default), which only decides the best run of this grid/random sweep")
        goal = "minimize"
    elif goal not in GOALS:
        raise ctx.error(path + ("goal",), f"goal must be minimize or maximize, got {goal!r} (the "
                                          "search steers by it)")
    kw["goal"] = goal
    if metric.get("target") is not None:
        if not _is_num(metric["target"]):
            raise ctx.error(path + ("target",), f"target must be a number, got {metric['target']!r}")
        kw["target"] = float(metric["target"])
    for key, allowed in (("impute", _IMPUTE), ("impute_while_running", (*_IMPUTE, "false", False))):
        if key in metric and metric[key] not in allowed:
            raise ctx.error(path + (key,), f"{key} must be one of {', '.join(map(str, allowed[:4]))}, "
                                           f"got {metric[key]!r}")
    if metric.get("impute") is not None or metric.get("impute_while_running") not in (None, "false", False):
        # W&B's bayes search imputes a value for failed and running runs; tunewise's samplers leave
        # failed runs out of the model and treat running ones as pending (no value is made up).
        kw["impute"] = {k: metric[k] for k in ("impute", "impute_while_running") if k in metric}
        ctx.warn(path + ("impute",), "accepted but not used: W&B's bayes search imputes a value for failed and "
                                     "running runs; tunewise's samplers leave failed runs out of the model and "
                                     "treat running ones as pending")
    return kw


def _parse_metrics(ctx: _Ctx, data: Mapping[str, Any], method: str) -> dict[str, Any]:
    """W&B's ``metrics: [{name, goal}, ...]``: several objectives, a Pareto front of runs."""
    metrics = data["metrics"]
    path: Path_ = ("metrics",)
    if data.get("metric") is not None:
        raise ctx.error(path, "metric and metrics cannot be used together (as in W&B): give one metric, or "
                              "several under metrics")
    if not isinstance(metrics, list) or len(metrics) < 2:
        raise ctx.error(path, f"metrics must be a list of at least two metrics [{{name, goal}}, ...] (for one, "
                              f"use metric), got {metrics!r}")
    parsed = [_parse_metric(ctx, path + (i,), m) for i, m in enumerate(metrics)]
    names = [p["metric"] for p in parsed]
    if len(set(names)) != len(names):
        raise ctx.error(path, f"metrics names a metric twice: {names}")
    for i, p in enumerate(parsed):
        if "target" in p:
            raise ctx.error(path + (i, "target"), "target stops the sweep when one metric reaches it; with "
                                                  "several metrics there is no single best run: remove target")
    if method not in MULTI_METHODS:
        raise ctx.error(("method",), f"method {method} optimizes one metric; with metrics use method custom "
                                     f"(NSGA-II, as W&B's optuna engine), random or grid")
    if data.get("early_terminate") is not None:
        raise ctx.error(("early_terminate",), "early_terminate stops runs that fall behind on one metric; it "
                                              "cannot rank runs on several metrics: remove it, or use metric")
    out: dict[str, Any] = {"metric": names[0], "goal": parsed[0]["goal"],
                           "objectives": [(p["metric"], p["goal"]) for p in parsed]}
    imputes = [p["impute"] for p in parsed if "impute" in p]
    if imputes:
        out["impute"] = imputes[0]
    return out


def _check_no_metric(ctx: _Ctx, data: Mapping[str, Any], method: str) -> None:
    """W&B's grid and random sweeps need no metric (their runs are only recorded); its bayes search
    and hyperband need one to rank runs (W&B's controller refuses them without one)."""
    need = "metric is required: {name: the metric your program prints, goal: minimize|maximize}"
    if method not in NO_METRIC_METHODS:
        raise ctx.error(("metric",), f"{need}; method {method} ranks runs by it (only grid and random sweeps, "
                                     f"whose runs are only recorded, may leave it out, as in W&B)")
    if data.get("early_terminate") is not None:
        raise ctx.error(("metric",), f"{need}; early_terminate stops runs that fall behind on it")


def _check_wandb_metadata(ctx: _Ctx, data: Mapping[str, Any]) -> None:
    """W&B keys that describe where the sweep lives on W&B's side: checked, then unused."""
    controller = data.get("controller")
    if controller is not None:
        if not isinstance(controller, Mapping) or controller.get("type") not in ("local", "cloud"):
            raise ctx.error(("controller",), f"controller must be {{type: local}} or {{type: cloud}}, got "
                                             f"{controller!r} (tunewise always runs the controller itself)")
    if data.get("kind") is not None and data["kind"] != "sweep":
        raise ctx.error(("kind",), f"kind must be 'sweep', got {data['kind']!r}")
    for key in ("apiVersion", "description", "project", "entity"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ctx.error((key,), f"{key} must be a string, got {data[key]!r}")


def _check_scheduler(ctx: _Ctx, data: Mapping[str, Any], method: str) -> str | None:
    """W&B's ``scheduler: {engine, source, optimizer, search_space}`` (needs ``method: custom``)."""
    sched = data.get("scheduler")
    if sched is None:
        # W&B: method custom without a scheduler leaves the algorithm to a W&B Launch scheduler job;
        # here it is the optuna engine's default (TPE; NSGA-II with several metrics).
        return "optuna" if method == "custom" else None
    path: Path_ = ("scheduler",)
    if not isinstance(sched, Mapping):
        raise ctx.error(path, f"scheduler must be a mapping {{engine: optuna | ax | wandb}}, got {sched!r}")
    _unknown(ctx, path, sched, _SCHEDULER_KEYS, "scheduler")
    engine = sched.get("engine")
    if engine not in SAMPLER_OF_ENGINE:
        raise ctx.error(path + ("engine",), f"scheduler.engine must be one of {', '.join(SAMPLER_OF_ENGINE)}, "
                                            f"got {engine!r}")
    if method != "custom" and engine != "wandb":
        raise ctx.error(path, f"scheduler.engine {engine} needs method: custom, the file has method: {method} "
                              f"(only engine wandb runs W&B's own grid, random and bayes methods)")
    if data.get("early_terminate") is not None and method == "custom":
        raise ctx.error(path, "scheduler cannot be combined with early_terminate (as in W&B): remove one")
    for key in ("source", "optimizer", "search_space"):
        if key in sched:
            raise ctx.error(path + (key,), f"scheduler.{key} names Python code that builds an {engine} "
                                           f"optimizer for W&B's servers; tunewise cannot run another "
                                           f"library's optimizer: remove {key} to use the engine's default "
                                           f"algorithm ({SAMPLER_OF_ENGINE[engine]}), or pick a method "
                                           f"(tpe, gp, random, ...)")
    # W&B's engine wandb with grid, random or bayes: the method's own search, as without scheduler.
    return str(engine) if method == "custom" else None


def _param_path(dotted: str) -> Path_:
    parts = dotted.split(".")
    path: Path_ = ("parameters",)
    for i, part in enumerate(parts):
        path += (part,) if i == 0 else ("parameters", part)
    return path


def _resolve_program(program: str, base_dir: str) -> str:
    p = Path(os.path.expanduser(program))
    if p.is_absolute():
        return str(p)
    # Relative to the sweep file first (the file travels with its program), then the working directory.
    candidate = Path(base_dir) / p
    if candidate.exists() or not p.exists():
        return str(candidate)
    return str(p.resolve())


def load_sweep_config(path: str | os.PathLike[str]) -> SweepConfig:
    """Read and validate a sweep file; :class:`SweepConfigError` names the line and key of a mistake.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "train.py").write_text("print('loss=0.5')")
    >>> _ = (d / "sweep.yaml").write_text(
    ...     "program: train.py\\nmethod: random\\nmetric: {name: loss}\\n"
    ...     "parameters:\\n  lr: {min: 0.1, max: 0.01}\\n")
    >>> load_sweep_config(d / "sweep.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tunewise.sweeps._config.SweepConfigError: ...sweep.yaml, line 5: parameters.lr.min: min (0.1) is greater ...
    """
    return SweepConfig.from_file(path)
