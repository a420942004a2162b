"""The HTML report: one self-contained file (plotly.js, data and code inline; no network)."""

from __future__ import annotations

import html
import json
import os
import time
from pathlib import Path
from typing import Any

from tunewise.insight._views import StudyView, trial_json
from tunewise.storage import BaseStorage

REPORT_PLOTS = ("history", "importance", "parallel", "contour", "slice", "intermediate", "timeline", "edf",
                "lineage")


def _script_safe(text: str) -> str:
    # Inline scripts end at the first "</script": make sure no embedded text contains one.
    return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _json_for_script(obj: Any) -> str:
    # "<", ">" and "&" as \\u escapes: JSON stays valid and the HTML parser never sees a tag.
    text = json.dumps(obj, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _has_pbt(view: StudyView) -> bool:
    return any(k == "pbt" or k.startswith("pbt_") for t in view.trials[:2000] for k in t.system_attrs)


def write_report(
    study: Any,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    plots: tuple[str, ...] | list[str] | None = None,
    max_table_trials: int = 20000,
    importance_evaluator: str = "fanova",
    seed: int = 0,
) -> Path:
    """Write a self-contained HTML report of ``study`` to ``path`` and return the path.

    The file holds the summary, the best trial, the search space, the plots (``plots``
    chooses among ``history, importance, parallel, contour, slice, intermediate, timeline,
    edf, lineage``; by default all that have something to show) and a sortable, filterable
    table of the last ``max_table_trials`` trials. plotly.js is embedded (about 4.6 MB), so
    the file opens offline and can be mailed or archived.

    >>> import tunewise as tw, tempfile, os
    >>> study = tw.create_study(name="demo", sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=20)
    >>> path = tw.insight.write_report(study, os.path.join(tempfile.mkdtemp(), "report.html"))
    >>> path.stat().st_size > 1_000_000
    True
    """
    from tunewise import plots as P
    from tunewise.insight._dashboard import plotly_js_path, static_dir

    if not hasattr(study, "study_name") or not hasattr(study, "_storage"):
        raise TypeError(f"study must be a tunewise Study, got {study!r} ({type(study).__name__})")
    if isinstance(max_table_trials, bool) or not isinstance(max_table_trials, int) or max_table_trials < 0:
        raise ValueError(f"max_table_trials must be a non-negative integer, got {max_table_trials!r}")
    if plots is not None:
        bad = [p for p in plots if p not in REPORT_PLOTS]
        if bad:
            raise ValueError(f"plots must be chosen from {', '.join(REPORT_PLOTS)}; got {bad[0]!r}")
    out = Path(path)
    if out.is_dir():
        raise ValueError(f"path must be a file name, got the directory {str(out)!r}")
    storage: BaseStorage = study._storage
    view = StudyView(storage, study.study_name)
    view.refresh(force=True)
    single = len(view.directions) == 1
    kw: dict[str, Any] = {}
    if not single:
        kw = {"target": lambda t: t.values[0], "target_name": f"Objective 0 ({view.directions[0]})"}
    has_steps = any(t.intermediate_values for t in view.trials)
    chosen = list(plots) if plots is not None else [
        k for k in REPORT_PLOTS
        if not (k == "intermediate" and not has_steps)
        and not (k == "lineage" and not _has_pbt(view))
        and not (k == "importance" and not single)
        and not (k == "contour" and len(view.distributions) < 2)
    ]
    figures: list[tuple[str, Any]] = []
    for kind in chosen:
        if kind == "history":
            fig = P.optimization_history(view, **kw)
        elif kind == "importance":
            fig = P.param_importances(view, evaluator=importance_evaluator, seed=seed, **kw)
        elif kind == "parallel":
            fig = P.parallel_coordinate(view, **kw)
        elif kind == "contour":
            fig = P.contour(view, **kw)
        elif kind == "slice":
            fig = P.slice(view, **kw)
        elif kind == "intermediate":
            fig = P.intermediate_values(view)
        elif kind == "timeline":
            fig = P.timeline(view)
        elif kind == "edf":
            fig = P.edf(view, **kw)
        else:
            fig = P.pbt_lineage(view)
        figures.append((kind, json.loads(fig.to_json())))
    import tunewise

    now = time.time()
    trials = view.trials[-max_table_trials:] if max_table_trials else []
    data = {
        "summary": view.summary(),
        "plots": figures,
        "trials": [trial_json(t, now=now) for t in trials],
        "trials_truncated": len(trials) < len(view.trials),
        "generated": now,
        "version": tunewise.__version__,
    }
    static = static_dir()
    template = (static / "report.html").read_text(encoding="utf-8")
    page_title = title if title is not None else f"{study.study_name} · tunewise report"
    parts = {
        "{{TITLE}}": html.escape(page_title),
        "{{VERSION}}": html.escape(tunewise.__version__),
        "{{CSS}}": (static / "style.css").read_text(encoding="utf-8").replace("</style", "<\\/style"),
        "{{DATA}}": _json_for_script(data),
        "{{PLOTLY}}": _script_safe(plotly_js_path().read_text(encoding="utf-8")),
        "{{COMMON}}": _script_safe((static / "common.js").read_text(encoding="utf-8")),
        "{{REPORT}}": _script_safe((static / "report.js").read_text(encoding="utf-8")),
    }
    # One pass over the template: a placeholder-like string inside the data stays as it is.
    import re

    page = re.sub(r"\{\{[A-Z]+\}\}", lambda m: parts[m.group(0)], template)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out)  # never leave a half-written report behind
    return out
