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

import difflib
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tunewise import distributions as D
from tunewise.exceptions import TunewiseError

__all__ = ["ParamSpec", "SweepConfig", "SweepConfigError", "load_sweep_config"]

METHODS = ("grid", "random", "bayes", "tpe", "gp", "auto")
# method -> the sampler class in tunewise.samplers (bayes: W&B's "bayes" is GP-based).
SAMPLER_OF_METHOD = {
    "grid": "GridSampler",
    "random": "RandomSampler",
    "bayes": "GPSampler",
    "gp": "GPSampler",
    "tpe": "TPESampler",
    "auto": "AutoSampler",
}
GOALS = ("minimize", "maximize")
DISTRIBUTIONS = (
    "constant", "categorical", "int_uniform", "uniform", "q_uniform", "log_uniform_values",
    "q_log_uniform_values", "log_uniform", "q_log_uniform", "normal", "q_normal", "log_normal",
    "q_log_normal",
)
# Keys each distribution needs (q is optional: W&B's default is 1).
_NEEDS: dict[str, tuple[str, ...]] = {
    "constant": ("value",),
    "categorical": ("values",),
    "int_uniform": ("min", "max"),
    "uniform": ("min", "max"),
    "q_uniform": ("min", "max"),
    "log_uniform_values": ("min", "max"),
    "q_log_uniform_values": ("min", "max"),
    "log_uniform": ("min", "max"),
    "q_log_uniform": ("min", "max"),
    "normal": (),
    "q_normal": (),
    "log_normal": (),
    "q_log_normal": (),
}
_NORMAL_FAMILY = ("normal", "q_normal", "log_normal", "q_log_normal")
_PARAM_KEYS = ("distribution", "values", "value", "min", "max", "mu", "sigma", "q", "parameters")
TOP_KEYS = (
    "program", "command", "method", "metric", "parameters", "early_terminate", "run_cap",
    "name", "storage", "timeout", "workers", "seed", "log_dir", "grace_period",
    # W&B metadata: accepted so W&B files run unchanged, otherwise unused.
    "description", "project", "entity",
)
_METRIC_KEYS = ("name", "goal", "target")
_ET_KEYS = ("type", "min_iter", "max_iter", "eta", "s", "strict")
MACROS = ("env", "interpreter", "program", "args", "args_no_hyphens", "args_json", "args_json_file")
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
                raise SweepConfigError(
                    f"{self.where}, line {key_node.start_mark.line + 1}: {_dotted(path + (key,))}: "
                    f"duplicate key (first given on line {lines[path + (key,)]})"
                )
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

    def error(self, path: Path_, msg: str) -> SweepConfigError:
        line = None
        if self.lines is not None:
            p = path
            while p and p not in self.lines:
                p = p[:-1]
            line = self.lines.get(p)
        loc = f"{self.where}, line {line}" if line else self.where
        return SweepConfigError(f"{loc}: {_dotted(path)}: {msg}")

    def line(self, path: Path_) -> int | None:
        return None if self.lines is None else self.lines.get(path)


def _unknown(ctx: _Ctx, path: Path_, data: Mapping[str, Any], allowed: Sequence[str], what: str) -> None:
    for key in data:
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            did = f"did you mean {hint[0]!r}? " if hint else ""
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
    the program receives). The normal family and ``q_log_uniform*`` have priors the core
    distributions cannot express; they are sampled as a latent parameter ``NAME:latent``
    (a quantile in ``[0, 1]`` for the normal family, the unrounded value for ``q_log_uniform*``)
    and decoded to the value passed to the program, which is kept in the trial's
    ``user_attrs["config"]``.
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

    @property
    def latent(self) -> bool:
        return self.distribution in _NORMAL_FAMILY or self.distribution in ("q_log_uniform_values", "q_log_uniform")

    @property
    def param_name(self) -> str:
        """The name of the trial parameter the sampler proposes."""
        return self.name + LATENT_SUFFIX if self.latent else self.name

    def _all_int(self, *vals: Any) -> bool:
        return all(_is_int(v) for v in vals if v is not None)

    def to_distribution(self) -> D.Distribution:
        """The tunewise distribution the sampler draws ``param_name`` from."""
        d = self.distribution
        if d == "constant":
            return D.Categorical((self.value,))
        if d == "categorical":
            return D.Categorical(tuple(self.values or ()))
        if d == "int_uniform":
            return D.Int(int(self.min), int(self.max))  # type: ignore[arg-type]
        if d == "uniform":
            return D.Float(self.min, self.max)  # type: ignore[arg-type]
        if d == "q_uniform":
            q = self._q()
            if self._all_int(self.min, self.max, self.q if self.q is not None else 1):
                lo, hi = -(-int(self.min) // int(q)) * int(q), (int(self.max) // int(q)) * int(q)  # type: ignore[arg-type]
                return D.Int(lo, hi, step=int(q))
            # round(X / q) * q for X ~ U(min, max): the multiples of q inside [min, max].
            lo_f, hi_f = math.ceil(self.min / q - 1e-9) * q, math.floor(self.max / q + 1e-9) * q  # type: ignore[operator]
            return D.Float(_clean(lo_f), _clean(hi_f), step=q)
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
        # Normal family: a quantile, mapped through the inverse normal CDF so that random
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
        if d in ("q_log_uniform_values", "q_log_uniform"):
            return self._quantize(float(sampled))
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
        if self._all_int(q, *((self.min, self.max) if self.distribution == "q_log_uniform_values" else ())):
            return int(round(v))
        return _clean(float(v))

    def grid_values(self) -> list[Any] | None:
        """Every value for ``method: grid``, or None if the parameter is continuous."""
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
        for key in ("values", "value", "min", "max", "q"):
            v = getattr(self, key)
            if v is not None:
                out[key] = list(v) if key == "values" else v
        if self.distribution in _NORMAL_FAMILY:
            out["mu"], out["sigma"] = self.mu, self.sigma
        return out


def _clean(x: float) -> float:
    """Drop floating-point noise from lattice values (0.30000000000000004 -> 0.3)."""
    return float(f"{x:.12g}")


def _parse_param(ctx: _Ctx, path: Path_, name: str, spec: Any, out: list[ParamSpec]) -> None:
    if not isinstance(spec, Mapping):
        raise ctx.error(path, f"a parameter is a mapping such as {{values: [...]}}, {{value: x}} or "
                              f"{{min: a, max: b}}, got {spec!r}")
    if "probabilities" in spec:
        raise ctx.error(path + ("probabilities",), "weighted categorical values are not supported; "
                                                   "remove probabilities (every value is then equally likely)")
    _unknown(ctx, path, spec, _PARAM_KEYS, f"parameter {name!r}")
    if "parameters" in spec:
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
            dist = "categorical"
        elif "min" in spec or "max" in spec:
            if "min" not in spec or "max" not in spec:
                missing = "max" if "min" in spec else "min"
                raise ctx.error(path, f"a range needs both min and max; {missing} is missing")
            dist = "int_uniform" if _is_int(spec["min"]) and _is_int(spec["max"]) else "uniform"
        elif "mu" in spec or "sigma" in spec:
            dist = "normal"
        else:
            raise ctx.error(path, "cannot tell the distribution: give values, value, min and max, or "
                                  "distribution (one of " + ", ".join(DISTRIBUTIONS) + ")")
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
    stray = [k for k in spec if k not in used]
    if stray:
        raise ctx.error(path + (stray[0],), f"key {stray[0]!r} does not apply to distribution {dist!r} "
                                            f"(it takes {', '.join(sorted(used - {'distribution'}))})")
    kw: dict[str, Any] = {}
    if dist == "categorical":
        values = spec["values"]
        if not isinstance(values, list) or not values:
            raise ctx.error(path + ("values",), f"values must be a non-empty list, got {values!r}")
        kw["values"] = tuple(values)
    if dist == "constant":
        kw["value"] = spec["value"]
    for key in ("min", "max", "mu", "sigma", "q"):
        if key in spec:
            v = spec[key]
            if not _is_num(v):
                raise ctx.error(path + (key,), f"{key} must be a finite number, got {v!r}")
            kw[key] = v
    if "min" in kw and "max" in kw and kw["min"] > kw["max"]:
        raise ctx.error(path + ("min",), f"min ({kw['min']!r}) is greater than max ({kw['max']!r}); "
                                         "min must be <= max")
    if dist == "int_uniform" and not (_is_int(kw["min"]) and _is_int(kw["max"])):
        raise ctx.error(path, f"int_uniform needs integer min and max, got min={kw['min']!r}, max={kw['max']!r}")
    if dist in ("log_uniform_values", "q_log_uniform_values") and kw["min"] <= 0:
        raise ctx.error(path + ("min",), f"{dist} needs min > 0 (the values are sampled in log space), "
                                         f"got min={kw['min']!r}")
    if "sigma" in kw and kw["sigma"] <= 0:
        raise ctx.error(path + ("sigma",), f"sigma must be > 0, got {kw['sigma']!r}")
    if "q" in kw and kw["q"] <= 0:
        raise ctx.error(path + ("q",), f"q must be > 0, got {kw['q']!r}")
    if dist == "q_uniform":
        q = kw.get("q", 1)
        if math.ceil(kw["min"] / q - 1e-9) > math.floor(kw["max"] / q + 1e-9):
            raise ctx.error(path, f"no multiple of q={q!r} lies in [{kw['min']!r}, {kw['max']!r}]: "
                                  "widen the range or use a smaller q")
    p = ParamSpec(name=name, distribution=dist, **kw)
    try:
        p.to_distribution()
    except (ValueError, TypeError, OverflowError) as e:
        raise ctx.error(path, f"invalid {dist} range: {e}") from None
    out.append(p)


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

    Keys (W&B's): ``program`` (relative to the sweep file), ``command`` (macros ``${env}``,
    ``${interpreter}``, ``${program}``, ``${args}``, ``${args_no_hyphens}``, ``${args_json}``,
    ``${args_json_file}``; default ``${env} ${interpreter} ${program} ${args}``), ``method``,
    ``metric: {name, goal, target}`` (the sweep stops once a run reaches ``target``),
    ``parameters``, ``early_terminate: {type: hyperband, min_iter | max_iter + s, eta}`` and
    ``run_cap`` (runs in the whole sweep, across agents). tunewise's own: ``name`` (the study;
    default the file's stem), ``storage`` (default ``sqlite:///<sweep dir>/tunewise.db``),
    ``timeout`` (seconds per run; a run past it is killed and FAILED), ``grace_period`` (seconds
    between SIGTERM and SIGKILL, default 10), ``workers``, ``seed``, ``log_dir``.

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
    base_dir: str = "."
    source: str = "<sweep>"
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def direction(self) -> str:
        return self.goal

    @property
    def program_path(self) -> str | None:
        """The program, resolved against the sweep file's directory when relative."""
        if self.program is None:
            return None
        return _resolve_program(self.program, self.base_dir)

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, check_program: bool = True) -> SweepConfig:
        """Read and validate a sweep YAML file."""
        p = Path(path)
        text = _read_text(p)
        where = str(p)
        node = _compose(text, where)
        if node is None:
            raise SweepConfigError(f"{where}: the sweep file is empty")
        lines: dict[Path_, int] = {}
        data = _Walker(where).walk(node, (), lines)
        return cls._build(data, _Ctx(where, lines), str(p.resolve().parent), check_program)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base_dir: str | os.PathLike[str] = ".", *,
                  check_program: bool = True, source: str = "<sweep config>") -> SweepConfig:
        """Validate a sweep given as a dict (as stored with the study, or built in Python)."""
        return cls._build(data, _Ctx(source, None), str(Path(base_dir).resolve()), check_program)

    @classmethod
    def _build(cls, data: Any, ctx: _Ctx, base_dir: str, check_program: bool) -> SweepConfig:
        if not isinstance(data, Mapping):
            raise ctx.error((), f"a sweep file is a mapping of keys (program, method, metric, parameters...), "
                                f"got {type(data).__name__}")
        _unknown(ctx, (), data, TOP_KEYS, "the sweep file")
        kw: dict[str, Any] = {"base_dir": base_dir, "source": ctx.where,
                              "raw": {k: v for k, v in data.items()}}
        # method
        method = data.get("method")
        if method is None:
            raise ctx.error(("method",), f"method is required: one of {', '.join(METHODS)}")
        if method not in METHODS:
            hint = difflib.get_close_matches(str(method), METHODS, n=1)
            did = f"did you mean {hint[0]!r}? " if hint else ""
            raise ctx.error(("method",), f"unknown method {method!r}: {did}valid methods are {', '.join(METHODS)}")
        kw["method"] = method
        # metric
        metric = data.get("metric")
        if metric is None:
            raise ctx.error(("metric",), "metric is required: {name: the metric your program prints, "
                                         "goal: minimize|maximize}")
        if not isinstance(metric, Mapping):
            raise ctx.error(("metric",), f"metric must be a mapping {{name, goal, target}}, got {metric!r}")
        _unknown(ctx, ("metric",), metric, _METRIC_KEYS, "metric")
        mname = metric.get("name")
        if not isinstance(mname, str) or not mname or not re.fullmatch(r"[A-Za-z_][\w./-]*", mname):
            raise ctx.error(("metric", "name"), f"metric.name must be a metric name such as 'val_loss', got {mname!r}")
        kw["metric"] = mname
        goal = metric.get("goal", "minimize")
        if goal not in GOALS:
            raise ctx.error(("metric", "goal"), f"goal must be minimize or maximize, got {goal!r}")
        kw["goal"] = goal
        if metric.get("target") is not None:
            if not _is_num(metric["target"]):
                raise ctx.error(("metric", "target"), f"target must be a number, got {metric['target']!r}")
            kw["target"] = float(metric["target"])
        # parameters
        if "parameters" not in data:
            raise ctx.error(("parameters",), "parameters is required: a mapping of name -> distribution")
        params: list[ParamSpec] = []
        _parse_params(ctx, ("parameters",), data["parameters"], params)
        kw["parameters"] = params
        if method == "grid":
            for p in params:
                if p.grid_values() is None:
                    raise ctx.error(_param_path(p.name), f"method grid needs a finite set of values, but "
                                                         f"{p.name!r} has the continuous distribution "
                                                         f"{p.distribution!r}; use values, int_uniform or q_uniform")
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
                    if m not in MACROS:
                        raise ctx.error(("command", i), f"unknown macro ${{{m}}}: valid macros are "
                                                        + ", ".join(f"${{{x}}}" for x in MACROS))
            kw["command"] = command
        uses_program = any("${program}" in c for c in kw.get("command", DEFAULT_COMMAND))
        if uses_program and program is None:
            raise ctx.error(("program",), "program is required (the script the sweep runs), unless command "
                                          "names the executable without ${program}")
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

    def decode(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Flat ``{dotted name: value passed to the program}`` from a trial's parameters."""
        return {p.name: p.decode(params[p.param_name]) for p in self.parameters if p.param_name in params}

    def make_sampler(self) -> Any:
        """The sampler for ``method`` (imported by name: TPE, GP and Auto live in their own modules)."""
        from tunewise import samplers

        cls_name = SAMPLER_OF_METHOD[self.method]
        cls = getattr(samplers, cls_name, None)
        if cls is None:
            raise ImportError(f"method {self.method!r} needs tunewise.samplers.{cls_name}, which this version of "
                              f"tunewise does not have; use method: random or grid")
        if self.method == "grid":
            return cls({p.param_name: p.grid_values() for p in self.parameters})
        return cls(seed=self.seed)

    def make_scheduler(self) -> Any:
        """The early-termination scheduler (W&B hyperband -> ASHA in stop mode), or None."""
        et = self.early_terminate
        if et is None:
            return None
        from tunewise import schedulers

        cls = getattr(schedulers, "ASHAScheduler", None)
        if cls is None:
            raise ImportError("early_terminate needs tunewise.schedulers.ASHAScheduler, which this version of "
                              "tunewise does not have; remove early_terminate")
        lo, hi = hyperband_rungs(et)
        return cls(min_resource=lo, max_resource=hi, reduction_factor=int(et.get("eta", 3)), mode="stop")


def hyperband_rungs(et: Mapping[str, Any]) -> tuple[float, float]:
    """``(min_resource, max_resource)`` for W&B's hyperband settings.

    W&B's bands are ``min_iter * eta**k`` (given ``min_iter``) or ``max_iter / eta**k`` for
    ``k = 1..s`` (given ``max_iter`` and ``s``); at each band a run continues only if it is in the
    top ``1/eta`` of the runs that reached it, which is ASHA's stopping rule (Li et al. 2018).
    """
    eta = int(et.get("eta", 3))
    s = et.get("s")
    if et.get("min_iter") is not None:
        lo = et["min_iter"]
        if et.get("max_iter") is not None:
            hi = et["max_iter"]
        else:
            # s bands starting at min_iter (W&B keeps banding; 8 bands when s is absent).
            hi = lo * eta ** (s if s is not None else 8)
        return lo, hi
    hi = et["max_iter"]
    n = s if s is not None else 3
    lo = hi / eta ** n
    if _is_int(hi) and float(lo).is_integer():
        lo = int(lo)
    return lo, hi


def _check_early_terminate(ctx: _Ctx, et: Any) -> dict[str, Any]:
    path: Path_ = ("early_terminate",)
    if not isinstance(et, Mapping):
        raise ctx.error(path, "early_terminate must be a mapping {type: hyperband, min_iter, max_iter, eta, s}, "
                              f"got {et!r}")
    _unknown(ctx, path, et, _ET_KEYS, "early_terminate")
    if et.get("type") != "hyperband":
        raise ctx.error(path + ("type",), f"early_terminate.type must be 'hyperband', got {et.get('type')!r}")
    for key, low in (("min_iter", 1), ("max_iter", 1), ("s", 1), ("eta", 2)):
        if et.get(key) is not None:
            v = et[key]
            ok = _is_int(v) if key in ("s", "eta") else _is_num(v)
            if not ok or v < low:
                kind = "an integer" if key in ("s", "eta") else "a number"
                raise ctx.error(path + (key,), f"{key} must be {kind} >= {low}, got {v!r}")
    if et.get("min_iter") is None and et.get("max_iter") is None:
        raise ctx.error(path, "hyperband needs min_iter (the first band) or max_iter with s")
    if et.get("min_iter") is None and et.get("s") is None:
        raise ctx.error(path, "hyperband with max_iter needs s (the number of bands)")
    if et.get("min_iter") is not None and et.get("max_iter") is not None and et["min_iter"] >= et["max_iter"]:
        raise ctx.error(path + ("min_iter",), f"min_iter ({et['min_iter']!r}) must be less than "
                                              f"max_iter ({et['max_iter']!r})")
    return dict(et)


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
