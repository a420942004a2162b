"""The HTML report: one self-contained file (plotly.js, data and code inline; no network).

The page is streamed into the file as it is made: the template's text, then each placeholder's
content, the figures one at a time and the trial table in chunks of rows, and plotly.js copied
in blocks. So the report never holds the whole document (or even its data) in memory, however
many trials it shows, and a file exists only once it is complete.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from tunewise.insight._views import StudyView, trial_json
from tunewise.storage import BaseStorage
from tunewise.trial import FrozenTrial

REPORT_PLOTS = ("history", "pareto", "hypervolume", "importance", "parallel", "contour", "slice", "intermediate",
                "timeline", "edf", "lineage")
TABLE_CHUNK = 1000  # trial rows encoded per write
COPY_CHUNK = 1 << 16  # characters of a script copied per write
_PLACEHOLDER = re.compile(r"(\{\{[A-Z]+\}\})")


def _script_safe(text: str) -> str:
    # Inline scripts end at the first "</script": make sure no embedded text contains one.
    return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _copy_script(path: Path, f: TextIO) -> None:
    """Copy the script at ``path`` into ``f`` through :func:`_script_safe`, a block at a time.

    A block is cut before a "<" in its last 7 characters, which may begin a "</script" that
    the next block completes; that tail goes on with the next block."""
    keep = len("</script") - 1
    tail = ""
    with open(path, encoding="utf-8") as src:
        while block := src.read(COPY_CHUNK):
            text = tail + block
            cut = text.rfind("<", max(0, len(text) - keep))
            text, tail = (text, "") if cut < 0 else (text[:cut], text[cut:])
            f.write(_script_safe(text))
    f.write(_script_safe(tail))


def _json_safe_text(text: str) -> str:
    # "<", ">" and "&" as \\u escapes: JSON stays valid and the HTML parser never sees a tag.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json_for_script(obj: Any) -> str:
    return _json_safe_text(json.dumps(obj, separators=(",", ":"), allow_nan=False))


def _write_data(f: TextIO, summary: Mapping[str, Any], figures: Iterable[tuple[str, Any]],
                trials: Sequence[FrozenTrial], truncated: bool, now: float, version: str) -> None:
    """Write the page's data object: exactly ``_json_for_script`` of ``{"summary": ..., "plots":
    [[kind, figure], ...], "trials": [...], "trials_truncated": ..., "generated": ..., "version":
    ...}``, a figure or a chunk of table rows at a time."""
    f.write('{"summary":' + _json_for_script(summary) + ',"plots":[')
    for i, (kind, figure) in enumerate(figures):
        f.write(("," if i else "") + _json_for_script([kind, figure]))
    f.write('],"trials":[')
    for start in range(0, len(trials), TABLE_CHUNK):
        rows = ",".join(_json_for_script(trial_json(t, now=now)) for t in trials[start:start + TABLE_CHUNK])
        f.write(("," if start else "") + rows)
    f.write('],"trials_truncated":' + _json_for_script(truncated) + ',"generated":' + _json_for_script(now)
            + ',"version":' + _json_for_script(version) + "}")


def write_page(f: TextIO, template: str, fields: Mapping[str, Callable[[TextIO], object]]) -> None:
    """Write ``template`` to ``f``, each ``{{NAME}}`` in it replaced by what ``fields[NAME]``
    writes to ``f``. One pass: a placeholder-like string inside the written content stays as it is."""
    for i, piece in enumerate(_PLACEHOLDER.split(template)):
        if i % 2:
            fields[piece](f)
        else:
            f.write(piece)


def _figure(P: Any, view: StudyView, kind: str, kw: Mapping[str, Any], evaluator: str, seed: int) -> Any:
    """The figure ``kind`` of ``view`` as plain JSON data (``P`` is the plots module)."""
    if kind == "history":
        fig = P.optimization_history(view, **kw)
    elif kind in ("pareto", "hypervolume"):
        fig = _multi_objective_figure(P, view, kind)
    elif kind == "importance":
        fig = P.param_importances(view, evaluator=evaluator, seed=seed, **kw)
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
    return json.loads(fig.to_json())


def _multi_objective_figure(P: Any, view: StudyView, kind: str) -> Any:
    """The Pareto front or hypervolume history (a note instead for a single objective)."""
    if len(view.directions) == 1:
        from tunewise.insight._plots._data import empty_figure

        title = "Pareto front" if kind == "pareto" else "Hypervolume history"
        return empty_figure(title, f"{title} is shown for multi-objective studies")
    if kind == "pareto":
        m = len(view.directions)
        return P.pareto_front(view, targets=None if m <= 3 else [0, 1], max_points=2000)
    return P.hypervolume_history(view)


def default_plots(view: StudyView) -> list[str]:
    """The figures a report of ``view`` shows when none are named: those that apply to it."""
    single = len(view.directions) == 1
    has_steps = any(t.intermediate_values for t in view.trials)
    return [k for k in REPORT_PLOTS
            if not (k == "intermediate" and not has_steps)
            and not (k == "lineage" and not _has_pbt(view))
            and not (k == "importance" and not single)
            and not (k in ("pareto", "hypervolume") and single)
            and not (k == "contour" and len(view.distributions) < 2)]


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
    from tunewise.insight import _plots as P
    from tunewise.insight._dashboard import plotly_js_path, static_dir

    if not hasattr(study, "study_name") or not hasattr(study, "storage"):
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
    storage: BaseStorage = study.storage
    view = StudyView(storage, study.study_name)
    view.refresh(force=True)
    single = len(view.directions) == 1
    kw: dict[str, Any] = {}
    if not single:
        kw = {"target": lambda t: t.values[0], "target_name": f"Objective 0 ({view.directions[0]})"}
    chosen = list(plots) if plots is not None else default_plots(view)
    import tunewise

    now = time.time()
    trials = view.trials[-max_table_trials:] if max_table_trials else []
    truncated = len(trials) < len(view.trials)
    figures = ((kind, _figure(P, view, kind, kw, importance_evaluator, seed)) for kind in chosen)  # made as written
    static = static_dir()
    plotly_js = plotly_js_path()
    css = (static / "style.css").read_text(encoding="utf-8").replace("</style", "<\\/style")
    page_title = title if title is not None else f"{study.study_name} · tunewise report"
    fields: dict[str, Callable[[TextIO], object]] = {
        "{{TITLE}}": lambda f: f.write(html.escape(page_title)),
        "{{VERSION}}": lambda f: f.write(html.escape(tunewise.__version__)),
        "{{CSS}}": lambda f: f.write(css),
        "{{DATA}}": lambda f: _write_data(f, view.summary(), figures, trials, truncated, now, tunewise.__version__),
        "{{PLOTLY}}": lambda f: _copy_script(plotly_js, f),
        "{{COMMON}}": lambda f: _copy_script(static / "common.js", f),
        "{{REPORT}}": lambda f: _copy_script(static / "report.js", f),
    }
    template = (static / "report.html").read_text(encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            write_page(f, template, fields)
        os.replace(tmp, out)  # never leave a half-written report behind
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
