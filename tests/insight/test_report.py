from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

import tunewise as tw
from tests.insight._studies import XSS, make_mixed_study
from tunewise.cli import main


def _embedded_data(text: str) -> dict:
    m = re.search(r'<script type="application/json" id="tw-data">(.*?)</script>', text, re.S)
    assert m
    return json.loads(m.group(1))


def test_report_is_self_contained_and_complete(tmp_path, mixed_study):
    path = tw.insight.write_report(mixed_study, tmp_path / "sub" / "report.html")
    text = path.read_text(encoding="utf-8")
    assert re.search(r"<script[^>]+src=", text) is None  # nothing loaded from anywhere
    assert re.search(r"<link[^>]+href=", text) is None
    assert "Plotly" in text and len(text) > 3_000_000  # plotly.js inline
    data = _embedded_data(text)
    s = data["summary"]
    assert s["name"] == "mixed" and s["n_trials"] == len(mixed_study.trials)
    assert s["best_trial"]["number"] == mixed_study.best_trial.number
    assert s["counts"]["PRUNED"] > 0 and s["counts"]["FAILED"] > 0
    kinds = [k for k, _ in data["plots"]]
    assert kinds == ["history", "importance", "parallel", "contour", "slice", "intermediate", "timeline", "edf"]
    assert len(data["trials"]) == len(mixed_study.trials)
    # User text never appears raw in the page: only as \\u003c-escaped JSON, rendered as text.
    assert XSS not in text


def test_report_limits_table_and_plots(tmp_path, mixed_study):
    path = tw.insight.write_report(mixed_study, tmp_path / "r.html", plots=["history"], max_table_trials=10)
    data = _embedded_data(path.read_text(encoding="utf-8"))
    assert [k for k, _ in data["plots"]] == ["history"]
    assert [t["number"] for t in data["trials"]] == list(range(len(mixed_study.trials) - 10, len(mixed_study.trials)))
    assert data["trials_truncated"] is True


def test_report_bad_arguments(tmp_path, mixed_study):
    with pytest.raises(ValueError, match="plots must be chosen from.*'pie'"):
        tw.insight.write_report(mixed_study, tmp_path / "r.html", plots=["pie"])
    with pytest.raises(ValueError, match="directory"):
        tw.insight.write_report(mixed_study, tmp_path)
    with pytest.raises(TypeError, match="study must be a tunewise Study"):
        tw.insight.write_report("mixed", tmp_path / "r.html")


def test_cli_report_from_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    make_mixed_study(n_trials=25, name="cli-study", storage=url)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", "cli-study", "--storage", url, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "25 trials" in result.output
    assert _embedded_data(out.read_text(encoding="utf-8"))["summary"]["n_trials"] == 25
    missing = CliRunner().invoke(main, ["report", "nope", "--storage", url, "-o", str(out)])
    assert missing.exit_code != 0 and "nope" in missing.output and "Traceback" not in missing.output
