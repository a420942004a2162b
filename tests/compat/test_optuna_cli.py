"""Optuna's command line (tutorial/20_recipes/004_cli.py) under tunewise's names: ``ask`` and
``tell`` across processes, ``best-trial``/``best-trials``/``trials --study-name`` with
``-f/--format``, ``study set-user-attr``, ``OPTUNA_STORAGE``, Optuna's common options
(``-v``/``-q``/``--log-file``/``--debug``/``--storage-class``, options before the command); and
the heartbeat rule that makes ask/tell across processes work: a trial handed over (detached) is
never failed as stale, while the trial of a worker that dies still is."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import tunewise as tw
from tunewise.cli import main

REPO = Path(__file__).resolve().parents[2]
# The tutorial's search space, as optuna.distributions.distribution_to_json writes it.
SPACE = '{"x": {"name": "FloatDistribution", "attributes": {"step": null, "low": -10.0, "high": 10.0, "log": false}}}'


@pytest.fixture()
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'example.db'}"


def cli(*args: str, env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``tunewise ARGS`` run in this process."""
    result = CliRunner().invoke(main, list(args), env={"TUNEWISE_STORAGE": None, "OPTUNA_STORAGE": None, **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def run_process(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m tunewise ARGS`` (or ``python -c CODE ARGS``) in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("TUNEWISE_STORAGE", None)
    command = [sys.executable, "-c", textwrap.dedent(code), *args] if code else [sys.executable, "-m", "tunewise",
                                                                                  *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def ask(url: str, study: str, *extra: str) -> dict:
    code, out, err = cli("ask", "--storage", url, "--study-name", study, "--sampler", "TPESampler",
                         "--sampler-kwargs", '{"seed": 0}', "--search-space", SPACE, *extra)
    assert code == 0, err
    return json.loads(out)


# ---- the tutorial's commands, in order ----------------------------------------------------------------
def test_the_tutorials_ask_and_tell_commands(url: str) -> None:
    code, out, _ = cli("create-study", "--storage", url)  # STUDY_NAME=`optuna create-study --storage ...`
    assert code == 0
    name = out.strip()
    asked = [ask(url, name) for _ in range(3)]
    assert [a["number"] for a in asked] == [0, 1, 2]
    xs = [a["params"]["x"] for a in asked]
    assert all(-10 <= x <= 10 for x in xs) and len(set(xs)) == 3
    for a in asked:
        value = (a["params"]["x"] - 2) ** 2
        code, out, err = cli("tell", "--storage", url, "--study-name", name, "--trial-number", str(a["number"]),
                             "--values", repr(value), "--state", "complete")
        assert (code, out) == (0, ""), err
    best = min(range(3), key=lambda i: (xs[i] - 2) ** 2)

    code, out, _ = cli("best-trial", "--storage", url, "--study-name", name, "-f", "json")
    record = json.loads(out)
    assert code == 0 and record["number"] == best and record["state"] == "COMPLETE"
    assert record["value"] == pytest.approx((xs[best] - 2) ** 2) and record["params"] == {"x": xs[best]}
    assert {"datetime_start", "datetime_complete", "duration"} <= set(record)
    code, out, _ = cli("best-trial", "--storage", url, "--study-name", name, "-f", "json", "--flatten")
    assert json.loads(out)["params_x"] == xs[best]
    code, out, _ = cli("best-trial", "--storage", url, "--study-name", name)  # Optuna's default: a table
    assert out.startswith("+--") and "| number |" in out and f"{xs[best]}" in out
    code, out, _ = cli("best-trials", "--storage", url, "--study-name", name, "-f", "yaml")
    assert [r["number"] for r in yaml.safe_load(out)] == [best]

    code, out, _ = cli("trials", "--storage", url, "--study-name", name, "-f", "json")
    records = json.loads(out)
    assert [(r["number"], r["state"], r["params"]["x"]) for r in records] == [(i, "COMPLETE", xs[i]) for i in range(3)]
    code, out, _ = cli("trials", "--storage", url, "--study-name", name, "-f", "value", "--flatten")
    assert [line.split()[0] for line in out.splitlines()] == ["0", "1", "2"]
    code, out, _ = cli("trials", name, "--storage", url)  # tunewise's own form and table still work
    assert code == 0 and len(out.splitlines()) == 2 + 3
    code, out, err = cli("trials", name, "--storage", url, "--study-name", "other")
    assert code == 2 and "two study names" in out + err

    assert cli("study", "set-user-attr", "--storage", url, "--study-name", name, "--key", "lab", "--value", "3")[0] == 0
    assert tw.load_study(study_name=name, storage=url).user_attrs == {"lab": "3"}
    code, out, _ = cli("studies", "--storage", url, "-f", "json")
    assert json.loads(out) == [{"name": name, "direction": ["MINIMIZE"], "n_trials": 3,
                                "datetime_start": json.loads(out)[0]["datetime_start"], "user_attrs": {"lab": "3"}}]
    assert cli("study-names", "--storage", url, "-f", "yaml")[1].strip() == f"- name: {name}"
    code, out, _ = cli("storage", "upgrade", "--storage", url)
    assert code == 0 and "already current" in out


def test_ask_prints_in_every_format_and_each_trial_keeps_its_parameters(url: str) -> None:
    tw.create_study(study_name="fmt", storage=url)
    assert yaml.safe_load(cli("ask", "--storage", url, "--study-name", "fmt", "--search-space", SPACE,
                              "-f", "yaml")[1])["number"] == 0
    out = cli("ask", "--storage", url, "--study-name", "fmt", "--search-space", SPACE, "-f", "json", "--flatten")[1]
    flat = json.loads(out)
    assert set(flat) == {"number", "params_x"} and flat["number"] == 1
    out = cli("ask", "--storage", url, "--study-name", "fmt", "--search-space", SPACE, "-f", "table")[1]
    assert out.splitlines()[1].split() == ["|", "number", "|", "params", "|"]
    out = cli("ask", "--storage", url, "--study-name", "fmt", "-f", "value", "--flatten")[1]  # no search space
    assert out.strip() == "3"
    assert json.loads(cli("ask", "--storage", url, "--study-name", "fmt")[1]) == {"number": 4, "params": {}}
    # Each trial's parameters are in the storage as printed, before any tell.
    study = tw.load_study(study_name="fmt", storage=url)
    assert study.trials[1].params == {"x": flat["params_x"]}
    assert [t.state for t in study.trials] == [tw.TrialState.RUNNING] * 5


def test_optuna_storage_variable_names_the_storage(url: str) -> None:
    tw.create_study(study_name="env", storage=url)
    assert cli("study-names", env={"OPTUNA_STORAGE": url}) == (0, "env\n", "")
    assert cli("ask", "--study-name", "env", env={"TUNEWISE_STORAGE": url})[0] == 0
    code, out, err = cli("study-names")
    assert code == 2 and "--storage" in out + err


# ---- a trial asked by the command line is not failed as stale; a dead worker's still is ---------------
def test_a_cli_asked_trial_outlives_the_grace_period_while_dead_workers_are_detected(url: str) -> None:
    tw.create_study(study_name="hb", storage=url, heartbeat_interval=0.1, grace_period=0.4, max_retries=1)
    # The tutorial's ask, in a process of its own that exits at once.
    asked = run_process("ask", "--storage", url, "--study-name", "hb", "--search-space", SPACE)
    assert asked.returncode == 0, asked.stderr
    first = json.loads(asked.stdout)
    # A worker that dies (kill -9) with a trial running, and one that asks and exits normally
    # (Optuna's ask-and-tell across processes: the trial is handed over at exit).
    worker = """
        import os, signal, sys, time, tunewise as tw
        study = tw.load_study(study_name="hb", storage=sys.argv[1])
        trial = study.ask()
        trial.suggest_float("x", -10, 10)
        print(trial.number, flush=True)
        if sys.argv[2] == "kill":
            time.sleep(0.3)  # a worker that ran a while (its heartbeats saved the parameter) ...
            os.kill(os.getpid(), signal.SIGKILL)  # ... and is killed (OOM killer, preemption)
    """
    exited = run_process(url, "exit", code=worker)
    assert exited.returncode == 0, exited.stderr
    killed = run_process(url, "kill", code=worker)  # last: a later ask would retry its trial at once
    assert killed.returncode == -signal.SIGKILL
    killed_number, exited_number = int(killed.stdout), int(exited.stdout)
    time.sleep(1.0)  # well past the grace period: nothing beats for any of the three trials

    # Another ask: it fails the stale trials first, and claims the retry of the killed worker's trial.
    again = json.loads(cli("ask", "--storage", url, "--study-name", "hb", "--search-space", SPACE)[1])
    study = tw.load_study(study_name="hb", storage=url)
    trials = study.trials
    dead = trials[killed_number]
    assert dead.state is tw.TrialState.FAILED and dead.system_attrs["fail_reason"].startswith("stale: ")
    retry = trials[again["number"]]
    assert retry.system_attrs["retried_from"] == killed_number and retry.params == {"x": dead.params["x"]}
    for number in (first["number"], exited_number):
        t = trials[number]
        assert (t.state, t.heartbeat_ts) == (tw.TrialState.RUNNING, None) and "x" in t.params, t
    assert len(trials) == 4  # no retry of the two handed-over trials

    # Their results arrive later, from yet another process.
    told = run_process("tell", "--storage", url, "--study-name", "hb", "--trial-number", str(first["number"]),
                       "--values", "0.5")
    assert told.returncode == 0, told.stderr
    assert study.tell(exited_number, 0.25).state is tw.TrialState.COMPLETE
    assert [t.value for t in tw.load_study(study_name="hb", storage=url).trials if t.number in
            (first["number"], exited_number)] == [0.5, 0.25]


def test_a_process_ended_by_an_uncaught_exception_leaves_its_trial_to_the_heartbeats(url: str) -> None:
    tw.create_study(study_name="crash", storage=url, heartbeat_interval=0.1, grace_period=0.4, max_retries=0)
    crashed = run_process(url, code="""
        import sys, tunewise as tw
        trial = tw.load_study(study_name="crash", storage=sys.argv[1]).ask()
        raise RuntimeError("the objective crashed")
    """)
    assert crashed.returncode == 1 and "the objective crashed" in crashed.stderr
    time.sleep(0.8)
    tw.load_study(study_name="crash", storage=url).ask()
    assert tw.load_study(study_name="crash", storage=url).trials[0].state is tw.TrialState.FAILED


def test_detach_in_python_and_an_optimize_budget_does_not_wait_for_detached_trials(url: str) -> None:
    study = tw.create_study(study_name="py", storage=url, heartbeat_interval=0.1, grace_period=0.3, max_trials=3)
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    trial.detach()
    told = study.ask()
    study.tell(told, 0.5)
    with pytest.raises(RuntimeError, match="trial 1 of study 'py' is already COMPLETE; only a running trial can be "
                                           "detached"):
        told.detach()
    time.sleep(0.6)
    # optimize() at the end of its budget waits for other processes' running trials; a detached
    # one is told whenever its experiment ends, so it does not wait for that (nor fail it).
    started = time.monotonic()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10)
    assert time.monotonic() - started < 10
    trials = tw.load_study(study_name="py", storage=url).trials
    assert len(trials) == 3 and trials[0].state is tw.TrialState.RUNNING and trials[0].params == {"x": x}
    assert study.tell(0, x).value == x


# ---- tell: its errors name the problem ---------------------------------------------------------------
def test_tell_errors_name_the_problem(url: str) -> None:
    tw.create_study(study_name="t", storage=url)
    ask(url, "t")

    def tell(*args: str) -> tuple[int, str]:
        code, out, err = cli("tell", "--storage", url, "--study-name", "t", *args)
        return code, out + err

    code, msg = tell("--trial-number", "7", "--values", "1.0")
    assert code == 2 and "has no trial number 7 (its trials are numbered 0 to 0)" in msg
    code, msg = tell("--trial-number", "0", "--values", "abc")
    assert code == 2 and "'abc' is not a valid float" in msg
    code, msg = tell("--trial-number", "0", "--values", "nan")
    assert code == 2 and "nan is not an objective value" in msg and "--state fail" in msg
    code, msg = tell("--trial-number", "0", "--values", "1", "2")
    assert code == 2 and "2 values for study 't', which has 1 objective (minimize)" in msg
    code, msg = tell("--trial-number", "0", "--values", "1", "--state", "pruned")
    assert code == 2 and "--values with --state pruned" in msg
    code, msg = tell("--trial-number", "0")
    assert code == 2 and "no --values" in msg
    code, msg = tell("--trial-number", "0", "--values", "1", "--state", "done")
    assert code == 2 and "'done' is not one of" in msg
    assert tw.load_study(study_name="t", storage=url).trials[0].state is tw.TrialState.RUNNING  # nothing recorded

    assert tell("--trial-number", "0", "--values", "1.5", "--state", "complete")[0] == 0
    code, msg = tell("--trial-number", "0", "--values", "2.5")
    assert code == 1 and "trial 0 of study 't' is already COMPLETE with values [1.5]" in msg
    assert "--skip-if-finished" in msg and "Traceback" not in msg
    code, msg = tell("--trial-number", "0", "--values", "2.5", "--skip-if-finished")
    assert code == 0 and "already COMPLETE" in msg
    assert tw.load_study(study_name="t", storage=url).trials[0].value == 1.5


def test_tell_takes_one_value_per_objective_and_the_failed_and_pruned_states(url: str) -> None:
    tw.create_study(study_name="mo", storage=url, directions=["minimize", "maximize"])
    for _ in range(3):
        ask(url, "mo")
    assert cli("tell", "--storage", url, "--study-name", "mo", "--trial-number", "0", "--values", "1.5", "-2")[0] == 0
    assert cli("tell", "--storage", url, "--study-name", "mo", "--trial-number", "1", "--state", "fail")[0] == 0
    assert cli("tell", "--storage", url, "--study-name", "mo", "--trial-number", "2", "--state", "PRUNED")[0] == 0
    trials = tw.load_study(study_name="mo", storage=url).trials
    assert [(t.state, t.values) for t in trials] == [(tw.TrialState.COMPLETE, [1.5, -2.0]),
                                                     (tw.TrialState.FAILED, None), (tw.TrialState.PRUNED, None)]
    code, out, err = cli("best-trial", "--storage", url, "--study-name", "mo")
    assert code == 1 and "2 objectives" in out + err and "best-trials" in out + err
    records = json.loads(cli("best-trials", "--storage", url, "--study-name", "mo", "-f", "json")[1])
    assert [(r["number"], r["values"]) for r in records] == [(0, [1.5, -2.0])]
    flat = json.loads(cli("trials", "--storage", url, "--study-name", "mo", "-f", "json", "--flatten")[1])
    assert [(r["values_0"], r["values_1"]) for r in flat] == [(1.5, -2.0), (None, None), (None, None)]


def test_python_tell_of_a_finished_trial_is_an_error_unless_skipped() -> None:
    study = tw.create_study()
    trial = study.ask()
    study.tell(trial, 1.0)
    with pytest.raises(ValueError, match="trial 0 of study .* is already COMPLETE with value 1.0"):
        study.tell(0, 2.0)
    with pytest.raises(ValueError, match="already COMPLETE"):
        study.tell(trial, 2.0)
    assert study.tell(0, 2.0, skip_if_finished=True).value == 1.0
    with pytest.raises(ValueError, match="has no trial number 5"):
        study.tell(5, 1.0)


# ---- ask: a broken search space or sampler is named, and starts no trial -----------------------------
@pytest.mark.parametrize(("args", "expected"), [
    (["--search-space", '{"x": {"name": "FloatDistribution"'], "Invalid value for '--search-space': not valid JSON"),
    (["--search-space", '[1, 2]'], "expected a JSON object mapping each parameter's name to its distribution"),
    (["--search-space", '{"x": {"name": "FloatDist", "attributes": {}}}'],
     "parameter 'x': unknown Optuna distribution 'FloatDist'"),
    (["--search-space", '{"x": {"name": "FloatDistribution", "attributes": {"low": 0}}}'], "parameter 'x':"),
    (["--search-space", '{"x": {"name": "FloatDistribution", "attributes": {"low": 2, "high": 1}}}'],
     "low must be <= high"),
    (["--sampler", "NoSuchSampler"], "no attribute 'NoSuchSampler'; the samplers are"),
    (["--sampler", "Budget"], "'Budget' is not a sampler"),
    (["--sampler-kwargs", '{"seed": 0}'], "--sampler-kwargs without --sampler"),
    (["--sampler", "TPESampler", "--sampler-kwargs", "{seed: 0}"], "Invalid value for '--sampler-kwargs'"),
    (["--sampler", "TPESampler", "--sampler-kwargs", '{"sed": 0}'], "TPESampler(**{'sed': 0}) failed"),
])
def test_a_broken_ask_names_the_problem_and_starts_no_trial(url: str, args: list[str], expected: str) -> None:
    tw.create_study(study_name="s", storage=url)
    code, out, err = cli("ask", "--storage", url, "--study-name", "s", *args)
    assert code == 2 and expected in out + err, out + err
    assert "Traceback" not in out + err
    assert tw.load_study(study_name="s", storage=url).trials == []


def test_ask_of_a_missing_study_says_to_create_it(url: str) -> None:
    code, out, err = cli("ask", "--storage", url, "--study-name", "nope")
    assert code == 1 and "no study named 'nope'" in out + err and "tunewise create-study" in out + err


# ---- Optuna's common options: -v/-q/--log-file/--debug/--storage-class, options before the command ----
def test_options_before_the_command_name_as_optuna_takes_them(url: str) -> None:
    code, out, _ = cli("--storage", url, "create-study", "--study-name", "first")
    assert (code, out.strip()) == (0, "first")
    # Before a group and before its subcommand (optuna study set-user-attr).
    code, _, err = cli("--storage", url, "study", "set-user-attr", "--study-name", "first", "-k", "owner",
                       "--value", "me")
    assert code == 0, err
    code, _, err = cli("study", "--storage", url, "set-user-attr", "--study-name", "first", "-k", "team",
                       "--value", "hpo")
    assert code == 0, err
    assert tw.load_study(name="first", storage=url).user_attrs == {"owner": "me", "team": "hpo"}


def test_quiet_verbose_and_log_file(url: str, tmp_path: Path) -> None:
    # The library's level (a script may have set WARNING) does not decide what a command says:
    # Optuna's commands log at INFO unless -q / -v are given.
    before = tw.logging.get_verbosity()
    tw.logging.set_verbosity(tw.logging.WARNING)
    try:
        _quiet_verbose_and_log_file(url, tmp_path)
    finally:
        tw.logging.set_verbosity(before)


def _quiet_verbose_and_log_file(url: str, tmp_path: Path) -> None:
    before = tw.logging.get_verbosity()
    cli("create-study", "--storage", url, "--study-name", "s")
    asked = ask(url, "s")
    code, _, err = cli("-q", "tell", "--storage", url, "--study-name", "s", "--trial-number", str(asked["number"]),
                       "--values", "1.5")
    assert code == 0 and err == ""  # -q: no line on stderr
    assert tw.logging.get_verbosity() == before  # a command's -q ends with the command
    log = tmp_path / "cli.log"
    code, _, err = cli("-v", "tell", "--storage", url, "--study-name", "s", "--trial-number", str(asked["number"]),
                       "--values", "1.5", "--skip-if-finished", "--log-file", str(log))
    assert code == 0 and "Skipped trial 0" in err
    code, _, _ = cli("ask", "--storage", url, "--study-name", "s", "--search-space", SPACE, f"--log-file={log}")
    assert code == 0
    code, _, _ = cli("tell", "--storage", url, "--study-name", "s", "--trial-number", "1", "--values", "0.5",
                     "--log-file", str(log))
    assert code == 0
    assert "Trial 1 finished with value: 0.5" in log.read_text()
    # The log file's handler ends with its command.
    assert not any(isinstance(h, logging.FileHandler) for h in tw.logging.get_logger("tunewise").handlers)


def test_debug_shows_the_traceback_and_storage_class_names_what_tunewise_reads(url: str) -> None:
    tw.create_study(study_name="other", storage=url)  # a reading command refuses a file that is no storage
    result = CliRunner().invoke(main, ["best-trial", "--storage", url, "--study-name", "missing"])
    assert result.exit_code == 1 and "no study named 'missing'" in result.stderr
    assert isinstance(result.exception, SystemExit)  # one line, no traceback
    result = CliRunner().invoke(main, ["--debug", "best-trial", "--storage", url, "--study-name", "missing"])
    assert isinstance(result.exception, tw.exceptions.StudyNotFoundError)  # --debug: the error itself
    code, out, _ = cli("create-study", "--storage", url, "--storage-class", "RDBStorage", "--study-name", "r")
    assert (code, out.strip()) == (0, "r")
    code, _, err = cli("create-study", "--storage", "./journal.log", "--storage-class", "JournalFileBackend")
    assert code == 2 and "tunewise import optuna" in err
    code, _, err = cli("create-study", "--storage", url, "--storage-class", "JournalRedisBackend")
    assert code == 2 and "Redis" in err
    code, _, err = cli("create-study", "--storage", url, "--storage-class", "Nope")
    assert code == 2 and "'Nope'" in err


def test_other_commands_keep_their_arguments() -> None:
    from tunewise.cli._group import optuna_argv

    # A sweep runs the user's program with its own flags: nothing is taken out or moved.
    args = ["sweep", "agent", "SWEEP", "--storage", "sqlite:///x.db", "--", "python", "train.py", "-v", "-q"]
    assert optuna_argv(main, args)[0] == args
    moved, options = optuna_argv(main, ["-vv", "--storage", "u", "trials", "--study-name", "s", "--", "-q"])
    assert moved == ["trials", "--study-name", "s", "--storage", "u", "--", "-q"] and options.verbosity == 3
