"""Hostile and broken sweep files are refused fast with the file and line; a failing runner or program
ends in a clear message and a non-zero exit status, never a thread traceback and exit status 0."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import tunewise as tw
from tests.sweeps.test_sweeps import _write
from tunewise.exceptions import StorageError, TunewiseError
from tunewise.sweeps import SweepConfig, SweepConfigError, SweepRunner, load_sweep_config

HEAD = "program: prog.py\nmethod: random\nmetric: {name: loss}\n"


def _load(tmp_path: Path, content: str | bytes) -> str:
    (tmp_path / "prog.py").write_text("print('loss=1')\n")
    path = tmp_path / "bad.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(SweepConfigError) as e:
        load_sweep_config(path)
    msg = str(e.value)
    assert "\n" not in msg and "bad.yaml" in msg
    return msg


def _laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return HEAD + "\n".join(lines) + f"\nparameters:\n  x: {{values: *a{levels - 1}}}\n"


@pytest.fixture
def built(monkeypatch) -> list[int]:
    """Counts the YAML values built, and fails the test once the parser builds far too many:
    counted, not timed, and an unprotected parser fails in seconds instead of hanging for minutes."""
    count = [0]
    construct = yaml.SafeLoader.construct_object

    def counting(self, node, deep=False):
        count[0] += 1
        if count[0] > 300_000:
            raise AssertionError("the parser kept expanding the aliases")
        return construct(self, node, deep=deep)

    monkeypatch.setattr(yaml.SafeLoader, "construct_object", counting)
    return count


def test_a_billion_laughs_file_is_refused_without_expanding_it(tmp_path, built):
    msg = _load(tmp_path, _laughs(9))  # 9**9 strings: minutes and gigabytes if expanded
    assert "line 4:" in msg and "billion laughs" in msg and "aliases" in msg
    assert built[0] <= 100_001


def test_aliases_a_real_sweep_file_uses_still_work(tmp_path):
    (tmp_path / "prog.py").write_text("print('loss=1')\n")
    path = tmp_path / "ok.yaml"
    path.write_text(HEAD + "parameters:\n  lr: &lr {distribution: log_uniform_values, min: 1.0e-4, max: 1.0e-1}\n"
                           "  lr2: *lr\n")
    cfg = load_sweep_config(path)
    assert [(p.name, p.distribution, p.min) for p in cfg.parameters] == [
        ("lr", "log_uniform_values", 1e-4), ("lr2", "log_uniform_values", 1e-4)]


@pytest.mark.parametrize("content, expected", [
    (HEAD + "parameters: &p\n  x: {values: *p}\n", "line 4: an alias refers to the mapping or list that contains it"),
    (HEAD + "parameters:\n  x: {values: " + "[" * 3000 + "]" * 3000 + "}\n", "nested too deeply"),
    (HEAD + "parameters:\n  x: {values: " + "[" * 80 + "]" * 80 + "}\n", "nested more than 64 levels"),
    (HEAD + "parameters:\n\tx: {values: [1]}\n", "line 5: not valid YAML: found character '\\t'"),
    (HEAD + "parameters:\n  x: {values: [1, 2}\n", "line 5: not valid YAML: "),
    (HEAD + "parameters:\n  x: {value: a\x00}\n", "line 5: not valid YAML: special characters are not allowed"),
    (HEAD.encode() + b"parameters:\n  x: {value: \xff}\n", "line 5: not a text file in UTF-8 (byte 0xff"),
    (HEAD + "parameters:\n  x: {value: !!python/name:os.system x}\n",
     "line 5: not valid YAML: could not determine a constructor for the tag"),
    (HEAD + "parameters:\n  x: {value: 2024-13-45}\n", "line 5: cannot read the value '2024-13-45': month must be"),
    (HEAD + "parameters:\n  ? [a, b]\n  : {value: 1}\n", "line 5: parameters: a key must be a name"),
])
def test_a_broken_yaml_file_names_the_file_and_the_line(tmp_path, content, expected):
    assert expected in _load(tmp_path, content)


def test_an_oversized_sweep_file_is_refused(tmp_path):
    msg = _load(tmp_path, HEAD + "parameters:\n  x: {value: 1}\n" + "#" * (2 << 20) + "\n")
    assert "a sweep file is at most 1048576 bytes" in msg


def test_cli_gives_one_line_and_exit_status_1_for_a_hostile_file(tmp_path, built):
    from tunewise.cli import main

    (tmp_path / "prog.py").write_text("print('loss=1')\n")
    path = tmp_path / "laughs.yaml"
    path.write_text(_laughs(9))
    res = CliRunner().invoke(main, ["sweep", "run", str(path)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"Error: {path}, line 4:" in res.output and "billion laughs" in res.output


# ---- the runner and the program failing ----------------------------------------------------------


class _FailingDistributionStorage(tw.storage.InMemoryStorage):
    """A storage that fails when a run's parameters are registered (after the run was created)."""

    def add_distribution(self, study_id, name, dist):
        raise StorageError("disk I/O error while registering a parameter")


@pytest.fixture
def thread_errors(monkeypatch):
    errors: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    return errors


def test_a_runner_error_fails_the_run_and_raises_instead_of_a_thread_traceback(tmp_path, thread_errors):
    path = _write(tmp_path, {"program": "prog.py", "method": "random", "metric": {"name": "loss"},
                             "parameters": {"x": {"min": 0.0, "max": 1.0}}, "run_cap": 3})
    store = _FailingDistributionStorage()
    runner = SweepRunner(SweepConfig.from_file(path), storage=store, echo=None, workers=2)
    with pytest.raises(TunewiseError, match=r"the sweep runner failed: StorageError: disk I/O error.*"
                                            r"run \d was marked FAILED"):
        runner.run()
    assert thread_errors == []
    trials = tw.load_study("sweep", store).trials
    assert trials and all(t.state == tw.TrialState.FAILED for t in trials)
    assert all("the sweep runner failed: StorageError: disk I/O error" in t.system_attrs["fail_reason"]
               for t in trials)


def test_cli_runner_error_exits_1_with_the_reason(tmp_path, monkeypatch, thread_errors):
    from tunewise.cli import main

    def broken_decode(self, params):
        raise RuntimeError("cannot decode the parameters")

    monkeypatch.setattr(SweepConfig, "decode", broken_decode)
    path = _write(tmp_path, {"program": "prog.py", "method": "random", "metric": {"name": "loss"},
                             "parameters": {"x": {"min": 0.0, "max": 1.0}}, "run_cap": 2})
    res = CliRunner().invoke(main, ["sweep", "run", str(path)])
    assert res.exit_code == 1 and "Traceback" not in res.output and thread_errors == []
    assert "the sweep runner failed: RuntimeError: cannot decode the parameters (run 0 was marked FAILED)" in res.output
    trials = tw.load_study("sweep", f"sqlite:///{tmp_path / 'tunewise.db'}").trials
    assert [t.state for t in trials] == [tw.TrialState.FAILED]


def test_cli_exits_1_when_every_run_failed_and_0_when_some_worked(tmp_path, thread_errors):
    from tunewise.cli import main

    runner = CliRunner()
    path = _write(tmp_path, {"program": "prog.py", "method": "random", "metric": {"name": "loss"}, "name": "crash",
                             "parameters": {"mode": {"value": "crash"}}, "run_cap": 2})
    res = runner.invoke(main, ["sweep", "run", str(path)])
    # The program's own traceback is its failure reason; none comes from tunewise.
    assert res.exit_code == 1 and "tunewise/sweeps/" not in res.output
    assert "ZeroDivisionError" in res.output  # each run's reason, then the verdict
    assert "Error: all 2 run(s) failed" in res.output
    path = _write(tmp_path, {"program": "prog.py", "method": "grid", "metric": {"name": "loss"}, "name": "mixed",
                             "parameters": {"mode": {"values": ["crash", "ok"]}}})
    res = runner.invoke(main, ["sweep", "run", str(path)])
    assert res.exit_code == 0, res.output
    assert "runs: 2 (COMPLETE 1, FAILED 1)" in res.output
    assert thread_errors == []


def test_an_unwritable_log_dir_is_a_clear_error(tmp_path):
    (tmp_path / "taken").write_text("a file, not a directory")
    path = _write(tmp_path, {"program": "prog.py", "method": "random", "metric": {"name": "loss"},
                             "parameters": {"x": {"value": 1}}, "run_cap": 1, "log_dir": "taken/runs"})
    with pytest.raises(TunewiseError, match="cannot create the sweep's log directory .*taken/runs"):
        SweepRunner(SweepConfig.from_file(path), storage="memory", echo=None).run()


def test_a_log_that_cannot_be_written_fails_the_run_instead_of_killing_a_reader_thread(
        tmp_path, monkeypatch, thread_errors):
    import builtins
    import errno

    from tunewise.sweeps import _runner

    class DiskFullAfterTheCommandLine:
        def __init__(self, f):
            self.f, self.writes = f, 0

        def write(self, text):
            self.writes += 1
            if self.writes > 1:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.f.write(text)

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(_runner, "open", lambda *a, **k: DiskFullAfterTheCommandLine(builtins.open(*a, **k)),
                        raising=False)
    # The program prints its metric, then keeps running: nothing may wait for it forever.
    path = _write(tmp_path, {"program": "prog.py", "method": "random", "metric": {"name": "loss"}, "timeout": 10,
                             "parameters": {"x": {"value": 0.5}, "hang_if_bad": {"value": 1}}, "run_cap": 1})
    study = SweepRunner(SweepConfig.from_file(path), storage="memory", echo=None).run()
    assert thread_errors == []
    t = study.trials[0]
    assert t.state == tw.TrialState.FAILED
    assert "could not read the program's output or write its log" in t.system_attrs["fail_reason"]
    assert "No space left on device" in t.system_attrs["fail_reason"]
