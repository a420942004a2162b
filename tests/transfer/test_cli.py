"""``tunewise kb`` commands on a SQLite storage."""

from __future__ import annotations

import json

from click.testing import CliRunner

import tunewise as tw
from tunewise.cli import main


def _make(url: str, name: str, centre: float) -> None:
    study = tw.create_study(name=name, storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("C", 1e-3, 1e3, log=True) - centre) ** 2
                   + (t.suggest_categorical("kernel", ["rbf", "linear"]) == "linear"), n_trials=20)


def test_kb_commands_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    runner = CliRunner()
    res = runner.invoke(main, ["kb", "list", "--storage", url])
    assert res.exit_code == 0 and "knowledge base is empty" in res.output
    _make(url, "svm-iris", 3.0)
    _make(url, "svm-wine", 5.0)
    _make(url, "gbm-digits", 50.0)
    for study, task, tags, meta in (("svm-iris", "iris", "svm,uci", "n_rows=150"),
                                    ("svm-wine", "wine", "svm,uci", "n_rows=178"),
                                    ("gbm-digits", "digits", "gbm", "n_rows=1797")):
        res = runner.invoke(main, ["kb", "add", study, "--task", task, "--tags", tags, "--meta", meta,
                                   "--top-k", "4", "--storage", url])
        assert res.exit_code == 0, res.output
        assert f"added task '{task}'" in res.output and "4 configurations" in res.output
    res = runner.invoke(main, ["kb", "list", "--storage", url])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0].split()[:2] == ["task", "tags"]
    assert [ln.split()[0] for ln in lines[2:]] == ["digits", "iris", "wine"]
    res = runner.invoke(main, ["kb", "show", "iris", "--storage", url])
    assert res.exit_code == 0
    assert "svm, uci" in res.output and "n_rows" in res.output and "kernel" in res.output
    res = runner.invoke(main, ["kb", "show", "iris", "--json", "--storage", url])
    data = json.loads(res.output)
    assert data["task"] == "iris" and len(data["top"]) == 4 and data["top"][0]["score"] == 0.0
    res = runner.invoke(main, ["kb", "suggest", "--like", "wine", "--top-k", "2", "--storage", url])
    assert res.exit_code == 0, res.output
    table = res.output.split("configurations to run first")[0]
    # iris (same tags, similar size) ranks before digits
    assert table.index("iris") < table.index("digits")
    assert "C=" in res.output.split("configurations to run first")[1]
    res = runner.invoke(main, ["kb", "show", "nope", "--storage", url])
    assert res.exit_code != 0 and "no task 'nope'" in res.output and "digits, iris, wine" in res.output
    res = runner.invoke(main, ["kb", "add", "svm-iris", "--task", "x", "--meta", "rows", "--storage", url])
    assert res.exit_code != 0 and "expected NAME=NUMBER" in res.output
    res = runner.invoke(main, ["kb", "remove", "digits", "--storage", url])
    assert res.exit_code == 0
    assert "digits" not in runner.invoke(main, ["kb", "list", "--storage", url]).output
    # The knowledge base is usable from Python on the same file.
    assert tw.transfer.KnowledgeBase(url).task_names() == ["iris", "wine"]
