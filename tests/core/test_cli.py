import csv
import io
import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

import tunewise as tw
from tunewise.cli import main


@pytest.fixture()
def storage(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    study = tw.create_study(name="demo", storage=url, direction="maximize",
                            sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + (t.suggest_categorical("c", ["a", "b"]) == "b"),
                   n_trials=8)
    return url


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_studies_trials_best(storage):
    out = _run("studies", "--storage", storage)
    assert out.exit_code == 0 and "demo" in out.output and "maximize" in out.output
    out = _run("trials", "demo", "--storage", storage)
    assert out.exit_code == 0 and len(out.output.strip().splitlines()) == 2 + 8
    out = _run("best", "demo", "--storage", storage)
    best = tw.load_study("demo", storage).best_trial
    assert f"#{best.number}" in out.output


def test_export_csv_and_json(storage, tmp_path):
    out = _run("export", "demo", "--storage", storage, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert len(rows) == 8 and {"number", "value", "params_x", "params_c"} <= set(rows[0])
    target = tmp_path / "t.json"
    out = _run("export", "demo", "--storage", storage, "--format", "json", "-o", str(target))
    data = json.loads(target.read_text())
    assert data["study"] == "demo" and len(data["trials"]) == 8


def test_delete(storage):
    assert _run("delete", "demo", "--storage", storage, "--yes").exit_code == 0
    assert tw.get_all_study_names(storage) == []


def test_unknown_study_is_one_clear_line(storage):
    res = CliRunner().invoke(main, ["best", "nope", "--storage", storage])
    assert res.exit_code != 0
    assert "no study named 'nope'" in res.output
    assert "Traceback" not in res.output


def test_python_dash_m_and_worker(tmp_path):
    (tmp_path / "myobj.py").write_text(textwrap.dedent("""
        def objective(trial):
            return trial.suggest_float("x", -1, 1) ** 2
    """))
    url = f"sqlite:///{tmp_path / 'w.db'}"
    res = subprocess.run([sys.executable, "-m", "tunewise", "worker", "--study", "w", "--storage", url,
                          "--objective", "myobj:objective", "--n-trials", "5", "--direction", "minimize",
                          "--sampler", "random"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "5 trials run here" in res.stdout
    assert len(tw.load_study("w", url).trials) == 5
    res = subprocess.run([sys.executable, "-m", "tunewise", "worker", "--study", "w", "--storage", url,
                          "--objective", "nomodule:objective"], cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode != 0 and "cannot import module 'nomodule'" in res.stderr
