"""The HTML report is streamed into its file: the same page as when it was built as one string,
written a piece at a time, never holding the document in memory."""

from __future__ import annotations

import html
import json
import re
import time
import tracemalloc
from typing import Any

import pytest

import tunewise as tw
from tunewise.insight import _report
from tunewise.insight._dashboard import plotly_js_path, static_dir
from tunewise.insight._views import StudyView, trial_json

NOW = 1_700_000_123.5


def _page_as_one_string(study: tw.Study, *, title: str | None = None, plots: list[str] | None = None,
                        max_table_trials: int = 20000) -> str:
    """The report page as ``write_report`` built it before it streamed (one string, then written)."""
    P = tw.plots
    view = StudyView(study.storage, study.study_name)
    view.refresh(force=True)
    single = len(view.directions) == 1
    kw: dict[str, Any] = {}
    if not single:
        kw = {"target": lambda t: t.values[0], "target_name": f"Objective 0 ({view.directions[0]})"}
    chosen = list(plots) if plots is not None else _report.default_plots(view)
    makers = {"history": lambda: P.optimization_history(view, **kw),
              "importance": lambda: P.param_importances(view, evaluator="fanova", seed=0, **kw),
              "parallel": lambda: P.parallel_coordinate(view, **kw), "contour": lambda: P.contour(view, **kw),
              "slice": lambda: P.slice(view, **kw), "intermediate": lambda: P.intermediate_values(view),
              "timeline": lambda: P.timeline(view), "edf": lambda: P.edf(view, **kw),
              "lineage": lambda: P.pbt_lineage(view),
              "pareto": lambda: P.pareto_front(view, targets=None if len(view.directions) <= 3 else [0, 1],
                                               max_points=2000),
              "hypervolume": lambda: P.hypervolume_history(view)}
    figures = [(kind, json.loads(makers[kind]().to_json())) for kind in chosen]
    now = time.time()
    trials = view.trials[-max_table_trials:] if max_table_trials else []
    data = {"summary": view.summary(), "plots": figures, "trials": [trial_json(t, now=now) for t in trials],
            "trials_truncated": len(trials) < len(view.trials), "generated": now, "version": tw.__version__}
    static = static_dir()
    page_title = title if title is not None else f"{study.study_name} · tunewise report"

    def script(text: str) -> str:
        return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")

    data_text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    parts = {
        "{{TITLE}}": html.escape(page_title),
        "{{VERSION}}": html.escape(tw.__version__),
        "{{CSS}}": (static / "style.css").read_text(encoding="utf-8").replace("</style", "<\\/style"),
        "{{DATA}}": data_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"),
        "{{PLOTLY}}": script(plotly_js_path().read_text(encoding="utf-8")),
        "{{COMMON}}": script((static / "common.js").read_text(encoding="utf-8")),
        "{{REPORT}}": script((static / "report.js").read_text(encoding="utf-8")),
    }
    template = (static / "report.html").read_text(encoding="utf-8")
    return re.sub(r"\{\{[A-Z]+\}\}", lambda m: parts[m.group(0)], template)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "time", lambda: NOW)  # "generated" and running trials' durations


_SOME = {"plots": ["history", "edf"], "max_table_trials": 7, "title": "T <&> </script>"}


@pytest.mark.parametrize("options", [pytest.param({}, marks=pytest.mark.slow), _SOME])
def test_streamed_report_is_the_page_built_as_one_string(tmp_path, mixed_study, frozen_clock, monkeypatch,
                                                        options):
    # Small chunks, so the joins between table chunks and script blocks are all exercised.
    monkeypatch.setattr(_report, "TABLE_CHUNK", 7)
    monkeypatch.setattr(_report, "COPY_CHUNK", 50_000)
    path = tw.insight.write_report(mixed_study, tmp_path / "r.html", **options)
    assert path.read_text(encoding="utf-8") == _page_as_one_string(mixed_study, **options)
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # the temporary file is gone


def test_multi_objective_report_with_a_running_trial_is_unchanged(tmp_path, frozen_clock, monkeypatch):
    monkeypatch.setattr(_report, "TABLE_CHUNK", 4)
    study = tw.create_study(name="multi", directions=["minimize", "maximize"],
                            sampler=tw.samplers.RandomSampler(seed=1))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_int("k", 1, 5) * 1.0), n_trials=10)
    study.ask().suggest_float("x", 0, 1)  # RUNNING: its duration counts to "now"
    path = tw.insight.write_report(study, tmp_path / "r.html", plots=["history"])
    assert path.read_text(encoding="utf-8") == _page_as_one_string(study, plots=["history"])


@pytest.mark.parametrize("text", ["</script>", "a</script", "</SCRIPT><</script>x<", "<" * 20,
                                  "ab</scr" + "ipt></script", "no tag at all", ""])
@pytest.mark.parametrize("chunk", [1, 3, 7, 8, 9, 1000])
def test_script_copy_escapes_across_block_boundaries(tmp_path, monkeypatch, text, chunk):
    import io

    monkeypatch.setattr(_report, "COPY_CHUNK", chunk)
    src = tmp_path / "s.js"
    src.write_text(text * 3, encoding="utf-8")
    out = io.StringIO()
    _report._copy_script(src, out)
    assert out.getvalue() == _report._script_safe(text * 3)


class _RecordingFile:
    def __init__(self, f: Any, sizes: list[int]) -> None:
        self._f, self.sizes = f, sizes

    def write(self, text: str) -> int:
        self.sizes.append(len(text))
        return int(self._f.write(text))

    def __enter__(self) -> _RecordingFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._f.close()


def test_report_is_written_through_a_file_handle_in_pieces(tmp_path, mixed_study, monkeypatch):
    sizes: list[int] = []
    real_open = open
    monkeypatch.setattr(_report, "TABLE_CHUNK", 10, raising=False)
    monkeypatch.setattr(_report, "open", lambda path, mode="r", **kw: (
        _RecordingFile(real_open(path, mode, **kw), sizes) if "w" in mode else real_open(path, mode, **kw)),
        raising=False)
    path = tw.insight.write_report(mixed_study, tmp_path / "r.html", plots=["history"])
    total = path.stat().st_size
    assert sum(sizes) == len(path.read_text(encoding="utf-8")) and total > 4_000_000
    # plotly.js (4.6 MB) in blocks, the trial table in chunks of rows: no write holds the page.
    assert sizes and max(sizes) <= 100_000
    table_writes = len(mixed_study.trials) // 10
    assert len(sizes) > total // 100_000 + table_writes


def test_report_does_not_hold_the_page_in_memory(tmp_path, mixed_study):
    tw.insight.write_report(mixed_study, tmp_path / "warm.html", plots=["history"])  # imports, caches
    tracemalloc.start()
    try:
        path = tw.insight.write_report(mixed_study, tmp_path / "r.html", plots=["history"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Built as one string, the page (5 MB, most of it plotly.js) was held several times over.
    assert peak < path.stat().st_size / 3


def test_a_failed_report_leaves_no_file(tmp_path, mixed_study, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("plot failed")

    monkeypatch.setattr(_report, "_figure", broken)
    with pytest.raises(RuntimeError, match="plot failed"):
        tw.insight.write_report(mixed_study, tmp_path / "r.html", plots=["history"])
    assert list(tmp_path.iterdir()) == []
