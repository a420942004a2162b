"""Hostile inputs to `tunewise import optuna`: a journal whose last line a dying writer left broken
(Optuna's own reader skips it), a broken line in the middle (an error naming the line)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import tunewise as tw
from tunewise.cli import main
from tunewise.exceptions import StorageError

_FLOAT = '{"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "log": false, "step": null}}'


def _ops(n: int) -> list[dict]:
    ops: list[dict] = [{"op_code": 0, "worker_id": "w", "study_name": "it's ünï/../x", "directions": [1]}]
    for i in range(n):
        ops += [{"op_code": 4, "worker_id": "w", "study_id": 0, "datetime_start": "2024-05-01T10:00:00+00:00"},
                {"op_code": 5, "worker_id": "w", "trial_id": i, "param_name": "x", "param_value_internal": i / 10,
                 "distribution": _FLOAT},
                {"op_code": 6, "worker_id": "w", "trial_id": i, "state": 1, "values": [i / 10],
                 "datetime_complete": "2024-05-01T10:00:05+00:00"}]
    return ops


def _write(path, lines: list[str]) -> str:
    path.write_text("".join(line + "\n" for line in lines))
    return str(path)


def test_a_broken_last_line_is_left_out_as_optuna_does(tmp_path):
    lines = [json.dumps(op) for op in _ops(3)] + ['{"op_code": 4, "worker_id": "w", "stu']  # the writer died
    journal = _write(tmp_path / "j.log", lines)
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    result = CliRunner().invoke(main, ["import", "optuna", journal, "--storage", url])
    assert result.exit_code == 0, result.output
    study = tw.load_study(study_name="it's ünï/../x", storage=url)
    assert [t.params["x"] for t in study.trials] == [0.0, 0.1, 0.2]  # no finished trial lost


def test_a_broken_line_followed_by_others_is_an_error_naming_it(tmp_path):
    lines = [json.dumps(op) for op in _ops(3)]
    lines.insert(2, "{not json")
    journal = _write(tmp_path / "j.log", lines)
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    with pytest.raises(StorageError, match=r"line 3 is not JSON"):
        tw.import_optuna(journal, url)
    assert tw.get_all_study_summaries(url) == []  # nothing half-imported
