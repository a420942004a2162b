"""Dev variants of the benchmarks: ``KEY=VALUE`` settings applied to a tunewise sampler.

``curves.py`` (``METHOD+KEY=VALUE``), ``parallel_efficiency.py`` (``tw-auto+KEY=VALUE``) and
``sample_efficiency.py`` (``tw-auto@set:KEY=VALUE``) name a variant of the default sampler this
way. The attribute is set on an :class:`~tunewise.samplers.AutoSampler` where it has one (e.g.
``n_startup_trials``), else on its Gaussian-process sampler (e.g. ``output_transform``), or on
the sampler itself when it is not an AutoSampler; a ``tpe.`` prefix (``tpe.KEY=VALUE``) sets it on
the AutoSampler's TPE sampler.
"""

from __future__ import annotations

from typing import Any


def parse_value(raw: str) -> Any:
    """``"5"`` -> 5, ``"-0.5"`` -> -0.5, ``"None"`` -> None, ``"True"`` / ``"False"`` -> bools,
    anything else stays a string."""
    if raw == "None":
        return None
    if raw in ("True", "False"):  # a string "False" would be truthy
        return raw == "True"
    for cast in (int, float):
        try:
            return cast(raw)
        except ValueError:
            continue
    return raw


def apply_setting(sampler: Any, setting: str) -> None:
    """Set ``KEY=VALUE`` on ``sampler`` (see the module doc for which object gets it)."""
    import tunewise as tw

    key, _, raw = setting.partition("=")
    target = sampler
    if key.startswith("tpe."):
        key, target = key[4:], sampler._tpe
    elif isinstance(sampler, tw.samplers.AutoSampler) and not hasattr(sampler, key):
        target = sampler._gp_sampler()
    setattr(target, key, parse_value(raw))
