"""W&B's Python sweep API run by `tunewise sweep python SCRIPT`: wandb.sweep(config) +
wandb.agent(id, function, count) in one process, with the stand-in as wandb."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import tunewise as tw

SCRIPT = textwrap.dedent('''
    import math
    import wandb

    def train():
        with wandb.init(project="demo", config={"lr": 0.5, "epochs": 6}) as run:
            cfg = wandb.config
            if cfg.optimizer == "broken":
                raise RuntimeError("this optimizer does not exist")
            for epoch in range(cfg.epochs):
                loss = (math.log10(cfg.lr) + 2) ** 2 + 1.0 / (epoch + 1)
                wandb.log({"val_loss": loss, "epoch": epoch})
            run.summary["val_loss"] = loss

    if __name__ == "__main__":
        sweep_id = wandb.sweep({
            "name": "script-sweep", "method": "random", "seed": 0,
            "metric": {"name": "val_loss", "goal": "minimize"},
            "parameters": {"lr": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1.0},
                           "optimizer": {"values": ["adam", "sgd", "broken"]}},
        }, project="demo")
        wandb.agent(sweep_id, function=train, count=9)
        print("agent done", wandb.__version__)
''')


def _run(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "sweep.py").write_text(SCRIPT)
    return subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage",
                           f"sqlite:///{tmp_path / 's.db'}", str(tmp_path / "sweep.py"), *extra],
                          capture_output=True, text=True, timeout=240, cwd=tmp_path)


def test_wandb_sweep_and_agent_run_every_run_in_one_process(tmp_path):
    out = _run(tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "agent done 0.19.0+tunewise.standin" in out.stdout  # the stand-in, and the script went on
    study = tw.load_study(study_name="script-sweep", storage=f"sqlite:///{tmp_path / 's.db'}")
    assert len(study.trials) == 9
    for t in study.trials:
        if t.params["optimizer"] == "broken":  # the function raised: FAILED, and the agent went on
            assert t.state == tw.TrialState.FAILED and "this optimizer does not exist" in t.system_attrs["fail_reason"]
        else:
            assert t.state == tw.TrialState.COMPLETE
            expected = (__import__("math").log10(t.params["lr"]) + 2) ** 2 + 1.0 / 6
            assert abs(t.value - expected) < 1e-9  # the summary's value of the metric
            assert sorted(t.intermediate_values) == [1, 2, 3, 4, 5, 6]  # one report per wandb.log
    assert any(t.state == tw.TrialState.FAILED for t in study.trials)
    again = _run(tmp_path)  # the same sweep resumes: 9 more runs
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(tw.load_study(study_name="script-sweep", storage=f"sqlite:///{tmp_path / 's.db'}").trials) == 18


def test_early_termination_stops_a_run_inside_its_wandb_log(tmp_path):
    script = SCRIPT.replace('"metric": {"name": "val_loss", "goal": "minimize"},',
                            '"metric": {"name": "val_loss", "goal": "minimize"}, '
                            '"early_terminate": {"type": "hyperband", "min_iter": 1},')
    script = script.replace('"values": ["adam", "sgd", "broken"]', '"values": ["adam", "sgd"]')
    script = script.replace("count=9", "count=20")
    assert script.count("hyperband") == 1
    (tmp_path / "sweep.py").write_text(script)
    out = subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage",
                          f"sqlite:///{tmp_path / 's.db'}", str(tmp_path / "sweep.py")],
                         capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    study = tw.load_study(study_name="script-sweep", storage=f"sqlite:///{tmp_path / 's.db'}")
    pruned = study.get_trials(states=(tw.TrialState.PRUNED,))
    assert len(study.trials) == 20 and pruned
    assert all(len(t.intermediate_values) < 6 for t in pruned)
    assert not study.get_trials(states=(tw.TrialState.RUNNING, tw.TrialState.FAILED))


# A sweep made in one process and run by workers it starts (`python worker.py -s SWEEP_ID`, as W&B
# users start agents): the workers' wandb.agent finds the sweep by its id, runs to the sweep's run_cap.
MAKER = textwrap.dedent('''
    import subprocess, sys
    import wandb

    sweep_id = wandb.sweep({"method": "random", "run_cap": 3, "seed": 1,
                            "metric": {"name": "loss", "goal": "minimize"},
                            "parameters": {"lr": {"min": 0.0, "max": 1.0}}}, project="demo")
    subprocess.run([sys.executable, "worker.py", f"-s={sweep_id}", "-p=demo"], check=True)
    print("maker done", sweep_id)
''')
WORKER = textwrap.dedent('''
    import argparse
    import wandb

    def train():
        with wandb.init() as run:
            wandb.log({"loss": (run.config.lr - 0.3) ** 2})

    parser = argparse.ArgumentParser()
    parser.add_argument("-s", "--sweep_id")
    parser.add_argument("-p", "--project")
    args = parser.parse_args()
    wandb.agent(args.sweep_id, function=train, project=args.project)
''')


def test_a_worker_process_runs_the_sweep_its_parent_made(tmp_path):
    (tmp_path / "sweep.py").write_text(MAKER)
    (tmp_path / "worker.py").write_text(WORKER)
    out = subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage",
                          f"sqlite:///{tmp_path / 's.db'}", str(tmp_path / "sweep.py")],
                         capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "maker done sweep" in out.stdout
    study = tw.load_study(study_name="sweep", storage=f"sqlite:///{tmp_path / 's.db'}")
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE] * 3  # run_cap, no count given
    for t in study.trials:
        assert abs(t.value - (t.params["lr"] - 0.3) ** 2) < 1e-12
    # A later agent in another process, given the id W&B-style (entity/project/id), resumes the stored sweep.
    (tmp_path / "later.py").write_text(WORKER.replace("args.sweep_id", "'me/demo/' + args.sweep_id")
                                       .replace("project=args.project)", "project=args.project, count=2)"))
    later = subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage",
                            f"sqlite:///{tmp_path / 's.db'}", str(tmp_path / "later.py"), "-s", "sweep"],
                           capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert later.returncode == 0, later.stderr[-2000:]  # found: an unknown id raises wandb.Error
    assert len(tw.load_study(study_name="sweep", storage=f"sqlite:///{tmp_path / 's.db'}").trials) == 3  # run_cap


TWO_STEPS = textwrap.dedent('''
    import sys
    import wandb

    def train():
        wandb.init()
        wandb.log({"val_loss": (wandb.config.lr - 0.3) ** 2})

    if len(sys.argv) == 1:  # first invocation: make the sweep and print its id, as on W&B's server
        print("sweep id:", wandb.sweep({"method": "grid", "metric": {"name": "val_loss", "goal": "minimize"},
                                        "parameters": {"lr": {"values": [0.1, 0.2, 0.3]}}}, project="p"))
    else:  # later: `python sweep.py ID` runs an agent on it
        wandb.agent(sys.argv[1], function=train, project="p", count=2)
''')


def test_a_sweep_made_by_one_invocation_is_run_by_agents_of_later_invocations(tmp_path):
    (tmp_path / "sweep.py").write_text(TWO_STEPS)
    storage = f"sqlite:///{tmp_path / 's.db'}"

    def invoke(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage", storage,
                               str(tmp_path / "sweep.py"), *args],
                              capture_output=True, text=True, timeout=240, cwd=tmp_path)

    made = invoke()
    assert made.returncode == 0, made.stderr[-2000:]
    assert "sweep id: sweep" in made.stdout
    assert tw.load_study(study_name="sweep", storage=storage).trials == []  # stored, nothing run
    for _ in range(2):  # two later agents, two runs each: the grid's three points, then nothing left
        later = invoke("sweep")
        assert later.returncode == 0, later.stderr[-2000:]
    study = tw.load_study(study_name="sweep", storage=storage)
    assert sorted(t.params["lr"] for t in study.trials) == [0.1, 0.2, 0.3]
    assert all(t.state == tw.TrialState.COMPLETE for t in study.trials)
    assert min(t.value for t in study.trials) == 0.0


EXITING = textwrap.dedent('''
    import argparse
    import sys
    import wandb

    def train():
        wandb.init()
        cfg = wandb.config
        if cfg.mode == "bad-flag":  # the run's own argparse refuses its arguments: SystemExit(2)
            sys.argv = ["train.py", "--unknown", "1"]
            argparse.ArgumentParser().parse_args()
        wandb.log({"loss": float(cfg.x)})
        if cfg.mode == "exit-0":  # a training script that ends with sys.exit()
            sys.exit(0)

    sweep_id = wandb.sweep({"name": "exits", "method": "grid", "metric": {"name": "loss", "goal": "minimize"},
                            "parameters": {"mode": {"values": ["bad-flag", "exit-0", "plain"]},
                                           "x": {"values": [1, 2]}}})
    wandb.agent(sweep_id, function=train, count=6)
    print("agent done")
''')


def test_a_function_that_calls_sys_exit_ends_its_run_and_the_agent_goes_on(tmp_path):
    """s23 (Svanik277373/DA6401_PA_1, Q2.2.py): the agent's function calls the training script's
    main(), whose argparse refuses an option and raises SystemExit(2). W&B's agent catches only
    Exception, so that run's thread ends and the agent goes on to the next run; the stand-in let the
    SystemExit end the whole script, the run was left RUNNING and no later run happened."""
    (tmp_path / "exits.py").write_text(EXITING)
    storage = f"sqlite:///{tmp_path / 's.db'}"
    out = subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage", storage,
                          str(tmp_path / "exits.py")], capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "agent done" in out.stdout  # the script went on after wandb.agent
    trials = tw.load_study(study_name="exits", storage=storage).trials
    assert len(trials) == 6
    states = {(t.params["mode"], t.params["x"]): t.state for t in trials}
    for x in (1, 2):
        assert states["bad-flag", x] == tw.TrialState.FAILED  # SystemExit(2): the run failed
        assert states["exit-0", x] == tw.TrialState.COMPLETE  # sys.exit(0): the run ended normally
        assert states["plain", x] == tw.TrialState.COMPLETE
    failed = [t for t in trials if t.state == tw.TrialState.FAILED]
    assert all("SystemExit" in t.system_attrs["fail_reason"] and "2" in t.system_attrs["fail_reason"]
               for t in failed)
    assert sorted(t.value for t in trials if t.params["mode"] == "exit-0") == [1.0, 2.0]


NO_METRIC_LOGGED = textwrap.dedent('''
    import wandb

    def train():
        with wandb.init(config=None):
            cfg = wandb.config
            wandb.log({"final_val_loss": cfg.lr * 10})  # the sweep's metric is another name

    sweep_id = wandb.sweep({"name": "demo", "method": "grid", "metric": {"name": "final_test_loss", "goal": "minimize"},
                            "parameters": {"lr": {"values": [0.01, 0.05]}, "loss": {"values": ["mse", "mae"]},
                                           "init": {"values": ["random", "xavier"]}}})
    wandb.agent(sweep_id, train, count=8)
    print("agent done")
''')


def test_a_grid_whose_metric_is_never_logged_runs_every_point(tmp_path):
    """s23 (the DA6401 course's W&B demo notebook, committed to students' repositories): a grid of 8 whose
    function runs to the end but never logs the sweep's metric. W&B's agent runs all 8 (it stops only after
    runs that raised); the stand-in stopped after 5 ("the first 5 runs all failed")."""
    (tmp_path / "demo.py").write_text(NO_METRIC_LOGGED)
    storage = f"sqlite:///{tmp_path / 's.db'}"
    out = subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage", storage,
                          str(tmp_path / "demo.py")], capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "agent done" in out.stdout
    trials = tw.load_study(study_name="demo", storage=storage).trials
    assert len(trials) == 8
    assert all(t.state == tw.TrialState.FAILED and "never logged a number for the metric 'final_test_loss'"
               in t.system_attrs["fail_reason"] for t in trials)


TUPLE_VALUES = '''
import json
import wandb

sweep_config = {
    "name": "tuples", "method": "grid", "metric": {"name": "loss", "goal": "minimize"},
    "parameters": {"input_shape": {"value": (72, 32, 1)}, "kernel": {"values": [(3, 3), (5, 5)]}},
}


def train():
    with wandb.init() as run:
        c = wandb.config
        print("SEEN " + json.dumps({"input_shape": type(c.input_shape).__name__, "kernel": type(c.kernel).__name__,
                                    "values": [c.input_shape, c.kernel]}), flush=True)
        run.log({"loss": float(sum(c.kernel))})


sweep_id = wandb.sweep(sweep_config)
wandb.agent(sweep_id, function=train)
'''


def test_tuple_values_in_a_python_sweep_dict_run_as_lists(tmp_path):
    """s25 (borkh/mcbm-ring-reco's sweep_configs.py: `input_shape = dict(value=(72, 32, 1))`): W&B's
    wandb.sweep sends the dict as JSON (`json.loads(json.dumps(config))` in wandb's _upsert_sweep), so a
    tuple becomes a list, in the stored sweep and in each run's config. The stand-in kept the tuple: the
    sweep stored by wandb.sweep (JSON, lists) then differed from the dict wandb.agent resumed it with
    (tuples), and the agent refused to run it ("the file changed what its runs mean", showing equal
    values). Now both runs of the grid run, and each sees lists, as under W&B."""
    (tmp_path / "t.py").write_text(TUPLE_VALUES)
    storage = f"sqlite:///{tmp_path / 's.db'}"
    out = subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage", storage,
                          str(tmp_path / "t.py")], capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = [json.loads(line[5:]) for line in out.stdout.splitlines() if line.startswith("SEEN ")]
    assert [s["values"] for s in seen] == [[[72, 32, 1], [3, 3]], [[72, 32, 1], [5, 5]]]
    assert all(s["input_shape"] == "list" and s["kernel"] == "list" for s in seen)
    trials = tw.load_study(study_name="tuples", storage=storage).trials
    assert [t.state for t in trials] == [tw.TrialState.COMPLETE] * 2


MAKES_PROGRAM_SWEEP = '''
import wandb

# The sweep names its program: `wandb agent ID` (W&B's CLI agent) starts it for each run.
sweep_id = wandb.sweep({"program": "experiments/train.py", "method": "grid",
                        "metric": {"name": "val_accuracy", "goal": "maximize"},
                        "parameters": {"lr": {"values": [0.1, 0.2]}}}, project="demo")
print(f"run: wandb agent me/demo/{sweep_id} --count 2")
'''

PROGRAM = '''
import wandb

with wandb.init() as run:
    run.log({"val_accuracy": 1 - wandb.config.lr})
'''


def test_a_python_sweep_dict_with_a_program_is_run_by_the_cli_agent_with_that_program(tmp_path):
    """s26 (ns26z118-del/DA6401_Assignment1's experiments/section_2_2_create_sweep.py): a script makes a
    sweep whose dict names its `program`, then tells its user to run `wandb agent ID`, which starts that
    program for each run (wandb's agent: `function` is called "instead of the program specified in the
    sweep config"). The stand-in stored the script itself as the program, so `tunewise sweep agent` ran
    the sweep-making script, which never reports the metric: every run FAILED."""
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "make_sweep.py").write_text(MAKES_PROGRAM_SWEEP)
    (tmp_path / "experiments" / "train.py").write_text(PROGRAM)
    storage = f"sqlite:///{tmp_path / 's.db'}"

    def tunewise(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tunewise", "sweep", *args], capture_output=True,
                              text=True, timeout=240, cwd=tmp_path)

    made = tunewise("python", "--storage", storage, "experiments/make_sweep.py")
    assert made.returncode == 0 and "run: wandb agent me/demo/sweep --count 2" in made.stdout, made.stderr[-2000:]
    agent = tunewise("agent", "--storage", storage, "--count", "2", "sweep")
    assert agent.returncode == 0, agent.stdout[-2000:] + agent.stderr[-2000:]
    trials = tw.load_study(study_name="sweep", storage=storage).trials
    assert [t.state for t in trials] == [tw.TrialState.COMPLETE] * 2
    assert sorted(t.value for t in trials) == [0.8, 0.9]


MAKES_AND_RUNS_PROGRAM_SWEEP = '''
import wandb

sweep_id = wandb.sweep({"name": "sweep", "program": "train.py", "method": "grid",
                        "metric": {"name": "iter_loss (log scale)", "goal": "minimize"},
                        "parameters": {"lr": {"values": [0.1, 0.2, 0.3]}, "verbose": {"values": [True]}}},
                       entity="me", project="demo")
wandb.agent(sweep_id, count=2)
print("agent done")
'''

ARGPARSE_PROGRAM = '''
import argparse
import wandb

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float)
parser.add_argument("--verbose", type=lambda s: s == "True")
args = parser.parse_args()
wandb.init(config=vars(args))
for i in range(3):
    wandb.log({"iter_loss (log scale)": args.lr * (3 - i)}, step=i)
'''


def test_wandb_agent_without_a_function_starts_the_sweeps_program_for_each_run(tmp_path):
    """s27 (YaogeJi/distributed_stochastic's experiments/archived/sweep_sda_finetune.py): a script makes a
    sweep whose dict names its `program`, then calls `wandb.agent(sweep_id)` with no function. W&B's
    wandb.agent then runs as `wandb agent ID` does: it starts the program (`${env} ${interpreter}
    ${program} ${args}`, from the directory it runs in) for each run. The stand-in raised "wandb.agent
    without function", so the script failed and no run started."""
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "make_and_run.py").write_text(MAKES_AND_RUNS_PROGRAM_SWEEP)
    (tmp_path / "train.py").write_text(ARGPARSE_PROGRAM)  # in the agent's folder, as W&B's agent looks for it
    storage = f"sqlite:///{tmp_path / 's.db'}"
    out = subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage", storage,
                          "experiments/make_and_run.py"], capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "agent done" in out.stdout  # count=2 reached, the script went on
    trials = tw.load_study(study_name="sweep", storage=storage).trials
    assert [t.state for t in trials] == [tw.TrialState.COMPLETE] * 2  # count=2 of the 3 grid points
    assert [t.params["lr"] for t in trials] == [0.1, 0.2]
    assert [t.value for t in trials] == [0.1, 0.2]  # the last logged value, step 2
    # one report per logged value, counted as W&B's hyperband counts iterations (not by step=)
    assert [sorted(t.intermediate_values) for t in trials] == [[1, 2, 3]] * 2
