"""``tunewise trials`` / ``best-trials`` print a failed trial's state as Optuna's command line does,
``"FAIL"`` (it printed ``"FAILED"``): a shell script filtering ``optuna trials -f json`` for
``"FAIL"`` finds the same trials (session 22, after ``TrialState.FAILED.name`` became ``"FAIL"``)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import tunewise as tw
from tunewise.cli import main


def test_a_failed_trial_prints_as_optunas_fail(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    study = tw.create_study(study_name="s", storage=url)
    study.tell(study.ask(), 1.0)
    study.tell(study.ask(), state=tw.TrialState.FAIL)
    result = CliRunner().invoke(main, ["trials", "--storage", url, "--study-name", "s", "-f", "json"],
                                env={"TUNEWISE_STORAGE": None, "OPTUNA_STORAGE": None})
    assert result.exit_code == 0, result.output
    assert [r["state"] for r in json.loads(result.stdout)] == ["COMPLETE", "FAIL"]
