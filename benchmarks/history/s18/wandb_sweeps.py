"""Real W&B sweep configs and scripts under tunewise (session 18).

Reads the bare git mirrors of wandb/examples, wandb/sweeps and wandb/wandb (``fetch`` tool:
/work/.mirror/wandb+NAME/repo), and

1. configs: every sweep config found in them (YAML files, ```yaml blocks in Markdown, dict
   literals in .py files and notebook cells, including the dicts notebooks build up statement by
   statement). Each one is judged by W&B's own validator (wandb/sweeps at the mirror's commit,
   ``schema_violations_from_proposed_config``) and by ``tunewise.sweeps.SweepConfig``; configs both
   accept are sampled by both (W&B's ``next_run`` and tunewise's sampler, method forced to random
   for the type check; grid sizes compared), and a ``command`` is expanded by both (W&B 0.31's
   ``create_sweep_command_args`` + its agent's token rule, against tunewise's ``build_command``).
2. scripts: the sweep-driving programs that can run here (no TF/Keras; downloads swapped for
   scikit-learn's shipped data sets by text patches listed below), run with ``tunewise sweep run``
   / ``tunewise sweep python`` with shrunk counts; runs per state, metric read, pruning, resume.

    .venv/bin/python benchmarks/history/s18/wandb_sweeps.py [--configs-only | --scripts-only]
        [--work /tmp/wandb_sweeps] [--json out.json]

The validator needs ``jsonref`` (``pip install --target /tmp/wandb_sweeps/pylib jsonref``; the
harness adds that folder to sys.path). Prints one table per part (Markdown).
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path
from typing import Any

MIRRORS = {
    "wandb/examples": "/work/.mirror/wandb+examples/repo",
    "wandb/sweeps": "/work/.mirror/wandb+sweeps/repo",
    "wandb/wandb": "/work/.mirror/wandb+wandb/repo",
}
ROOT = Path(__file__).resolve().parents[3]


def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "-C", MIRRORS[repo], *args], capture_output=True, text=True,
                          check=False).stdout


def head(repo: str) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def files(repo: str) -> list[str]:
    return git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines()


def show(repo: str, path: str) -> str | None:
    r = subprocess.run(["git", "-C", MIRRORS[repo], "show", f"HEAD:{path}"], capture_output=True, check=False)
    if r.returncode != 0:
        return None
    try:
        return r.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None


# ---- 1. finding configs ----------------------------------------------------------------------

def looks_like_sweep(d: Any) -> bool:
    return (isinstance(d, dict) and isinstance(d.get("parameters"), dict)
            and any(k in d for k in ("method", "metric", "program", "early_terminate", "command", "run_cap")))


def from_yaml_text(text: str) -> list[Any]:
    import yaml

    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return []
    return [d for d in docs if looks_like_sweep(d)]


# Calls a notebook may make while building its sweep dict, evaluated with these stand-ins.
_SAFE_CALLS = {"dict", "list", "range", "float", "int", "str", "log", "exp", "update", "append", "pow", "round"}


def _safe_stmt(node: ast.stmt) -> bool:
    if not isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)):
        return False
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Lambda, ast.Import, ast.ImportFrom, ast.Await, ast.Yield)):
            return False
        if isinstance(sub, ast.Call):
            f = sub.func
            name = f.attr if isinstance(f, ast.Attribute) else (f.id if isinstance(f, ast.Name) else None)
            if name not in _SAFE_CALLS:
                return False
    if isinstance(node, ast.Expr) and not isinstance(node.value, ast.Call):
        return False
    return True


def from_python(source: str) -> list[tuple[str, Any]]:
    """Dict literals that look like sweep configs, and the dicts a script builds up statement by
    statement (``sweep_config = {'method': 'random'}; sweep_config['parameters'] = params``)."""
    import math

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    out: list[tuple[str, Any]] = []
    # (a) literal dicts, outermost first
    seen: set[int] = set()
    for node in ast.walk(tree):
        if id(node) in seen or not isinstance(node, ast.Dict):
            continue
        try:
            value = ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
        if looks_like_sweep(value):
            out.append((f"dict@line{node.lineno}", value))
            for sub in ast.walk(node):
                seen.add(id(sub))
    # (b) straight-line evaluation of the module's and functions' safe statements
    bodies: list[list[ast.stmt]] = [tree.body] + [n.body for n in ast.walk(tree)
                                                   if isinstance(n, (ast.FunctionDef, ast.If))]
    ns: dict[str, Any] = {"__builtins__": {"dict": dict, "list": list, "range": range, "float": float,
                                           "int": int, "str": str, "pow": pow, "round": round,
                                           "True": True, "False": False, "None": None},
                          "math": math, "np": math}
    for body in bodies:
        for stmt in body:
            if _safe_stmt(stmt):
                try:
                    exec(compile(ast.Module([stmt], []), "<cell>", "exec"), ns)  # noqa: S102 - literal-only
                except Exception:  # noqa: BLE001 - a statement that needs what we did not run
                    pass
    for name, value in ns.items():
        if looks_like_sweep(value):
            out.append((f"built:{name}", copy.deepcopy(value)))
    return out


def notebook_code(text: str) -> str:
    try:
        nb = json.loads(text)
    except ValueError:
        return ""
    cells = []
    for c in nb.get("cells", []):
        if c.get("cell_type") == "code":
            src = "".join(c.get("source", []))
            # IPython magics and shell lines are not Python
            src = "\n".join("" if ln.lstrip().startswith(("!", "%")) else ln for ln in src.splitlines())
            try:
                ast.parse(src)
            except SyntaxError:
                continue
            cells.append(src)
    return "\n\n".join(cells)


def markdown_blocks(text: str) -> list[tuple[str, str]]:
    return [(m.group(1).lower(), m.group(2)) for m in
            re.finditer(r"```(yaml|yml|python|py)\s*\n(.*?)```", text, re.S | re.I)]


def collect_configs() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    keyset: set[str] = set()

    def add(repo: str, path: str, where: str, cfg: Any, kind: str) -> None:
        key = json.dumps(cfg, sort_keys=True, default=str)
        if key in keyset:
            return
        keyset.add(key)
        found.append({"repo": repo, "path": path, "where": where, "kind": kind, "config": cfg})

    for repo in MIRRORS:
        for path in files(repo):
            low = path.lower()
            if repo == "wandb/wandb" and not (("sweep" in low) or low.endswith((".yaml", ".yml", ".md"))):
                continue
            if not low.endswith((".yaml", ".yml", ".py", ".ipynb", ".md")):
                continue
            text = show(repo, path)
            if text is None or "parameters" not in text:
                continue
            if low.endswith((".yaml", ".yml")):
                for i, cfg in enumerate(from_yaml_text(text)):
                    add(repo, path, f"doc{i}", cfg, "yaml")
            elif low.endswith(".py"):
                for where, cfg in from_python(text):
                    add(repo, path, where, cfg, "python")
            elif low.endswith(".ipynb"):
                for where, cfg in from_python(notebook_code(text)):
                    add(repo, path, where, cfg, "python")
            else:
                for i, (lang, block) in enumerate(markdown_blocks(text)):
                    if lang in ("yaml", "yml"):
                        for cfg in from_yaml_text(block):
                            add(repo, path, f"block{i}", cfg, "yaml")
                    else:
                        for where, cfg in from_python(block):
                            add(repo, path, f"block{i}:{where}", cfg, "python")
    return found


# ---- 1. judging configs ----------------------------------------------------------------------

def wandb_validator(work: Path) -> Any:
    """wandb/sweeps' own validator, from the mirror's commit."""
    pkg = work / "sweepspkg"
    if not (pkg / "src" / "sweeps").is_dir():
        pkg.mkdir(parents=True, exist_ok=True)
        tar = subprocess.run(["git", "-C", MIRRORS["wandb/sweeps"], "archive", "HEAD", "src/sweeps"],
                             capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(pkg)], input=tar, check=True)
    sys.path[:0] = [str(work / "pylib"), str(pkg / "src")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import sweeps  # noqa: F401
        from sweeps import config as sweeps_config
    return sweeps_config


def _wandb_run_config(nested: dict[str, Any]) -> dict[str, Any]:
    """The run's config -> W&B's command args ``{"a": {"value": {"b": 1}}}``."""
    return {k: {"value": v} for k, v in nested.items()}


def _flat_types(cfg: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out = {}
    for k, v in cfg.items():
        if isinstance(v, dict):
            out.update(_flat_types(v, f"{prefix}{k}."))
        else:
            # W&B's controller sends values as JSON: numpy's int64/float64 arrive as int/float
            out[prefix + k] = {"int64": "int", "float64": "float", "bool_": "bool"}.get(type(v).__name__,
                                                                                      type(v).__name__)
    return out


def judge_config(entry: dict[str, Any], validator: Any) -> dict[str, Any]:
    from tunewise.sweeps import SweepConfig, build_command

    cfg = entry["config"]
    res: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            violations = validator.schema_violations_from_proposed_config(copy.deepcopy(cfg))
        except Exception as e:  # noqa: BLE001
            violations = [f"validator raised {type(e).__name__}: {e}"]
    if not violations:
        # W&B's controller refuses some schema-valid configs at its first run (bayes without a
        # metric, probabilities in a grid): that is W&B's verdict too.
        import sweeps

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sweeps.next_run(copy.deepcopy(cfg), [])
        except (ValueError, TypeError, KeyError) as e:
            violations = [f"(at W&B's first run) {e}"]
    res["wandb_valid"] = not violations
    res["wandb_violations"] = violations[:2]
    tw_cfg = dict(cfg)
    if entry["kind"] == "python" and "program" not in tw_cfg:
        # as `tunewise sweep python` does for wandb.sweep(dict): the script is the program
        tw_cfg["program"] = "train.py"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            sc = SweepConfig.from_dict(tw_cfg, check_program=False)
            res["tw_ok"], res["tw_error"] = True, None
        except Exception as e:  # noqa: BLE001
            sc = None
            res["tw_ok"], res["tw_error"] = False, f"{type(e).__name__}: {e}"
    res["tw_warnings"] = [str(w.message)[:120] for w in caught]
    if sc is None or not res["wandb_valid"]:
        return res
    # Sampling: types and structure against W&B's random search; grid sizes against W&B's grid.
    try:
        import sweeps

        rand = dict(copy.deepcopy(cfg), method="random")
        rand.pop("early_terminate", None)
        w_types: dict[str, set[str]] = {}
        for _ in range(20):
            run = sweeps.next_run(copy.deepcopy(rand), [])
            vals = {k: v["value"] for k, v in run.config.items()}
            for k, t in _flat_types(vals).items():
                w_types.setdefault(k, set()).add(t)
        import tunewise as tw
        from tunewise.samplers import RandomSampler
        nest = getattr(sc, "nest", None) or __import__("tunewise.sweeps._protocol", fromlist=["nest"]).nest
        t_types: dict[str, set[str]] = {}
        study = tw.create_study(sampler=RandomSampler(seed=0), directions=sc.directions)
        last: dict[str, Any] = {}
        for _ in range(20):
            trial = study.ask()
            last = sc.sample(trial.suggest)
            for k, t in _flat_types(nest(last)).items():
                t_types.setdefault(k, set()).add(t)
            study.tell(trial, [0.0] * len(sc.directions) if len(sc.directions) > 1 else 0.0)
        norm = {"int": "num", "float": "num"}
        diffs = []
        for k in sorted(set(w_types) | set(t_types)):
            w, t = w_types.get(k), t_types.get(k)
            if w != t and not (w and t and {norm.get(x, x) for x in w} == {norm.get(x, x) for x in t}
                               and _num_kind_ok(w, t)):
                diffs.append(f"{k}: wandb {sorted(w or [])} tunewise {sorted(t or [])}")
        res["sample_diffs"] = diffs
        if cfg.get("method") == "grid":
            gruns: list[Any] = []
            while len(gruns) < GRID_CAP:
                r = sweeps.next_run(copy.deepcopy(cfg), gruns)
                if r is None:
                    break
                r.state = sweeps.RunState.finished
                gruns.append(r)
            res["grid"] = (len(gruns), sc.make_sampler().n_points)
        if "command" in cfg:
            from wandb.sdk.launch.sweeps import utils as wutils

            program = str(cfg.get("program") or "train.py")
            wvars = wutils.create_sweep_command_args({"args": _wandb_run_config(nest(last))})
            wvars.update(interpreter=["python"], program=[program], env=["/usr/bin/env"],
                         args_json_file=["ARGS.json"])
            wcmd: list[str] = []
            for c in cfg["command"]:
                c = str(c)
                if c.startswith("${") and c.endswith("}"):
                    wcmd += wvars.get(c[2:-1]) or []
                else:
                    wcmd.append(c)
            tcmd = build_command(sc.command, program, nest(last) if hasattr(sc, "nest") else last, "ARGS.json")
            tcmd = ["python" if x == sys.executable else x for x in tcmd]
            res["command_same"] = wcmd == tcmd
            if wcmd != tcmd:
                res["command_diff"] = f"wandb {wcmd} tunewise {tcmd}"
    except Exception as e:  # noqa: BLE001
        res["sample_error"] = f"{type(e).__name__}: {e}"
    return res


def _num_kind_ok(w: set[str], t: set[str]) -> bool:
    """int where W&B gives int, float where W&B gives float (a program may do range(config.x))."""
    return ("int" in w) == ("int" in t)


GRID_CAP = 300  # W&B's grid search is quadratic in the runs it is given; compare sizes up to this


def outcome(res: dict[str, Any]) -> str:
    if res["wandb_valid"] and res["tw_ok"]:
        bad = []
        if res.get("sample_diffs"):
            bad.append("types differ")
        if "grid" in res and res["grid"][0] != res["grid"][1] and not (res["grid"][0] >= GRID_CAP <= res["grid"][1]):
            bad.append(f"grid {res['grid'][0]} vs {res['grid'][1]}")
        if res.get("command_same") is False:
            bad.append("command differs")
        if res.get("sample_error"):
            bad.append("sampling error")
        return "both accept" + (" BUT " + ", ".join(bad) if bad else "")
    if not res["wandb_valid"] and not res["tw_ok"]:
        return "both reject"
    if res["wandb_valid"]:
        err = res["tw_error"] or ""
        if "W&B Launch" in err or "names Python code" in err:
            return "refused with the reason (W&B Launch / another library's optimizer code)"
        return "GAP: tunewise rejects a valid config"
    return "tunewise accepts (W&B rejects)"


def run_configs(work: Path) -> list[dict[str, Any]]:
    import tunewise as tw

    tw.logging.set_verbosity(tw.logging.WARNING)
    validator = wandb_validator(work)
    rows = []
    for entry in collect_configs():
        res = judge_config(entry, validator)
        rows.append({**{k: v for k, v in entry.items() if k != "config"}, **res, "outcome": outcome(res),
                     "config": entry["config"]})
    return rows


# ---- 2. scripts ------------------------------------------------------------------------------

TW = [str(ROOT / ".venv" / "bin" / "tunewise")]


def _copy(repo: str, src_dir: str, dest: Path, names: list[str]) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for n in names:
        text = show(repo, f"{src_dir}/{n}" if src_dir else n)
        if text is None:
            raise FileNotFoundError(f"{repo}:{src_dir}/{n}")
        (dest / Path(n).name).write_text(text)


def _patch(path: Path, subs: list[tuple[str, str]]) -> None:
    text = path.read_text()
    for old, new in subs:
        if old.startswith("re:"):
            text, n = re.subn(old[3:], new, text, flags=re.M)
        else:
            n = text.count(old)
            text = text.replace(old, new)
        if n == 0:
            raise ValueError(f"patch {old!r} matched nothing in {path}")
    path.write_text(text)


def _nb_to_script(repo: str, path: str, dest: Path, drop: tuple[str, ...] = ()) -> None:
    nb = json.loads(show(repo, path) or "{}")
    cells = []
    for c in nb.get("cells", []):
        if c.get("cell_type") != "code":
            continue
        src = "".join(c.get("source", []))
        src = "\n".join("" if ln.lstrip().startswith(("!", "%")) else ln for ln in src.splitlines())
        if any(d in src for d in drop):
            continue
        cells.append(src)
    dest.write_text("\n\n# %% cell\n".join(cells) + "\n")


def _status(work_dir: Path, name: str, storage: str) -> dict[str, Any]:
    r = subprocess.run([*TW, "sweep", "status", name, "--storage", storage, "--json"], capture_output=True,
                       text=True, cwd=work_dir, check=False)
    try:
        return dict(json.loads(r.stdout))
    except ValueError:
        return {"error": (r.stderr or r.stdout)[-300:]}


def _run(cmd: list[str], cwd: Path, timeout: float) -> tuple[int, str, float]:
    t0 = time.time()
    env = dict(os.environ, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    try:
        r = subprocess.run(["nice", "-n", "5", *cmd], cwd=cwd, capture_output=True, text=True,
                           timeout=timeout, env=env, check=False)
        return r.returncode, (r.stdout + r.stderr), time.time() - t0
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return -9, out + "\n<timeout>", time.time() - t0


def _counts(status: dict[str, Any]) -> str:
    states = status.get("states") or status.get("counts") or {}
    if isinstance(states, dict):
        return " ".join(f"{k.lower()}={v}" for k, v in sorted(states.items()) if v)
    return str(states)


SCRIPT_CASES: list[dict[str, Any]] = [
    # wandb/examples: sweeps-boolean-parameters (grid over bools, no metric, argparse of True/False)
    {"id": "examples/sweeps-boolean-parameters", "repo": "wandb/examples",
     "dir": "examples/wandb-sweeps/sweeps-boolean-parameters", "files": ["sweep-bool.yaml", "train-bool.py"],
     "run": ["run", "sweep-bool.yaml"], "name": "sweep-bool", "patches": {}},
    # wandb/examples: cross-validation (multiprocessing, one W&B run per fold); keras -> sklearn MLP
    {"id": "examples/sweeps-cross-validation", "repo": "wandb/examples",
     "dir": "examples/wandb-sweeps/sweeps-cross-validation",
     "files": ["sweep-cross-validation.yaml", "train-cross-validation.py"],
     "run": ["run", "sweep-cross-validation.yaml", "--count", "2"], "name": "sweep-cross-validation",
     "patches": {}},
    # wandb/sweeps examples: grid and bayes over a toy train.py; local-controller hyperband; nested params
    {"id": "sweeps/examples/sweep-grid", "repo": "wandb/sweeps", "dir": "examples",
     "files": ["sweep-grid.yaml", "train.py"], "run": ["run", "sweep-grid.yaml", "--count", "4"],
     "name": "sweep-grid", "patches": {"train.py": [("time.sleep(", "(lambda *a: None)(")]}},
    {"id": "sweeps/examples/sweep-bayes", "repo": "wandb/sweeps", "dir": "examples",
     "files": ["sweep-bayes.yaml", "train.py"], "run": ["run", "sweep-bayes.yaml", "--count", "4"],
     "name": "sweep-bayes", "patches": {"train.py": [("time.sleep(", "(lambda *a: None)(")]}},
    {"id": "sweeps/local-controller/hyperband", "repo": "wandb/sweeps", "dir": "examples/local-controller",
     "files": ["sweep-local-hyperband.yaml", "train-local.py"],
     "run": ["run", "sweep-local-hyperband.yaml", "--count", "8", "--workers", "2"],
     "name": "sweep-local-hyperband", "patches": {"train-local.py": [("time.sleep(", "(lambda *a: None)(")]}},
    {"id": "sweeps/local-controller/bayes", "repo": "wandb/sweeps", "dir": "examples/local-controller",
     "files": ["sweep-local-bayes.yaml", "train-local.py"],
     "run": ["run", "sweep-local-bayes.yaml", "--count", "3"],
     "name": "sweep-local-bayes", "patches": {"train-local.py": [("time.sleep(", "(lambda *a: None)(")]}},
    {"id": "sweeps/nested-params/cli", "repo": "wandb/sweeps", "dir": "examples/nested-params",
     "files": ["sweep-nested-cli.yaml", "train-nested-cli.py"],
     "run": ["run", "sweep-nested-cli.yaml", "--count", "3"], "name": "sweep-nested-cli",
     "patches": {"train-nested-cli.py": [("time.sleep(", "(lambda *a: None)(")]}},
    {"id": "sweeps/nested-params/python", "repo": "wandb/sweeps", "dir": "examples/nested-params",
     "files": ["train-nested-py.py"], "run": ["python", "train-nested-py.py"], "name": "sweep",
     "patches": {"train-nested-py.py": [("time.sleep(", "(lambda *a: None)(")]}},
    # wandb/examples: XGBoost on California housing (a download) -> load_diabetes (shipped); count=3
    {"id": "examples/sweeps-xgboost", "repo": "wandb/examples", "dir": "examples/wandb-sweeps/sweeps-xgboost",
     "files": ["xgboost_tune.py"], "run": ["python", "xgboost_tune.py"], "name": "sweep",
     "patches": {"xgboost_tune.py": [("fetch_california_housing", "load_diabetes"),
                                     ("function=train_model)", "function=train_model, count=3)")]}},
    # notebooks, cells joined into one script (pip/login cells are IPython lines or no-ops)
    {"id": "colabs/pytorch/Organizing_Hyperparameter_Sweeps", "repo": "wandb/examples",
     "notebook": "colabs/pytorch/Organizing_Hyperparameter_Sweeps_in_PyTorch_with_W&B.ipynb", "script": "nb.py",
     "run": ["python", "nb.py"], "name": "sweep", "timeout": 600,
     "patches": {"nb.py": [
         # MNIST download -> scikit-learn's digits (8x8, padded to 28x28 so the 784-input net is unchanged)
         ("re:(?s)    dataset = datasets\\.MNIST\\(.*?transform=transform\\)",
          "    import numpy as _np\n    from sklearn.datasets import load_digits\n    _d = load_digits()\n"
          "    _x = _np.zeros((len(_d.images), 1, 28, 28), dtype=_np.float32)\n"
          "    _x[:, 0, 10:18, 10:18] = _d.images / 16.0\n"
          "    dataset = torch.utils.data.TensorDataset(torch.tensor(_x), torch.tensor(_d.target))"),
         ("from torchvision import datasets, transforms", "datasets = transforms = None  # torchvision: not installed"),
         ("re:(?s)    transform = transforms\\.Compose\\(.*?\\]\\)\\n", ""),
         ("wandb.agent(sweep_id, train, count=5)", "wandb.agent(sweep_id, train, count=3)")]}},
    {"id": "colabs/boosting/Using_W&B_Sweeps_with_XGBoost", "repo": "wandb/examples",
     "notebook": "colabs/boosting/Using_W&B_Sweeps_with_XGBoost.ipynb", "script": "nb.py",
     "run": ["python", "nb.py"], "name": "sweep",
     "patches": {"nb.py": [
         # the Pima diabetes CSV (wget) -> scikit-learn's breast cancer set (binary, shipped)
         ('dataset = loadtxt("pima-indians-diabetes.data.csv", delimiter=",")\n  X, Y = dataset[:, :8], dataset[:, 8]',
          "from sklearn.datasets import load_breast_cancer\n  X, Y = load_breast_cancer(return_X_y=True)"),
         ("wandb.agent(sweep_id, train, count=25)", "wandb.agent(sweep_id, train, count=4)")]}},
]


def prepare_case(case: dict[str, Any], work: Path) -> Path:
    d = work / "runs" / case["id"].replace("/", "__")
    if d.exists():
        shutil.rmtree(d)
    if "notebook" in case:
        d.mkdir(parents=True)
        _nb_to_script(case["repo"], case["notebook"], d / case["script"], case.get("drop", ()))
    else:
        _copy(case["repo"], case["dir"], d, case["files"])
    patches = case.get("patches") or {}
    if isinstance(patches, str):
        patches = PATCH_SETS[patches]
    for name, subs in patches.items():
        _patch(d / name, subs)
    return d


PATCH_SETS: dict[str, dict[str, list[tuple[str, str]]]] = {}


def run_case(case: dict[str, Any], work: Path) -> dict[str, Any]:
    try:
        d = prepare_case(case, work)
    except (ValueError, FileNotFoundError) as e:
        return {"id": case["id"], "rc": None, "seconds": 0, "first": f"not run: {e}", "best": None, "tail": ""}
    storage = f"sqlite:///{d}/tunewise.db"
    cmd = [*TW, "sweep", case["run"][0], "--storage", storage, *case["run"][1:]]
    rc, out, secs = _run(cmd, d, case.get("timeout", 300))
    st = _status(d, case["name"], storage)
    row: dict[str, Any] = {"id": case["id"], "rc": rc, "seconds": round(secs, 1), "first": _counts(st),
                           "best": st.get("best_value", st.get("best")), "tail": out[-1500:]}
    if case.get("resume", True) and rc == 0:
        # the same command again resumes the sweep (run: its --count more runs; python: the script's count)
        rc2, out2, _ = _run(cmd, d, case.get("timeout", 300))
        st2 = _status(d, case["name"], storage)
        row["resume"] = f"rc={rc2} {_counts(st2)}"
        row["resume_tail"] = out2[-600:]
    return row


# wandb/examples has no licence file: its configs are read from the mirror, never copied.
LICENSED = {"wandb/sweeps": "MIT", "wandb/wandb": "MIT"}


def write_test_data(rows: list[dict[str, Any]], commits: dict[str, str]) -> None:
    keep = [{"repo": r["repo"], "path": r["path"], "where": r["where"], "kind": r["kind"],
             "wandb_valid": r["wandb_valid"], "wandb_violations": r["wandb_violations"], "config": r["config"]}
            for r in rows if r["repo"] in LICENSED]
    data = {"about": "Sweep configs found in W&B's MIT-licensed repositories by benchmarks/history/s18/"
                     "wandb_sweeps.py, each with the verdict of W&B's own validator (wandb/sweeps "
                     "schema_violations_from_proposed_config at the commit below). Unmodified dicts; "
                     "'where' is the YAML document or the line of the dict literal ('built:NAME': the "
                     "dict the file builds up statement by statement).",
            "sources": {r: {"commit": commits[r], "license": lic, "url": f"https://github.com/{r}"}
                        for r, lic in LICENSED.items()},
            "configs": keep}
    path = ROOT / "tests" / "sweeps" / "data" / "wandb_real_configs.json"
    path.write_text(json.dumps(data, indent=1, default=str) + "\n")
    print(f"wrote {len(keep)} configs to {path}")


def report(before_path: str, after_path: str) -> str:
    """One Markdown table per part, before and after side by side (two --json outputs)."""
    from collections import Counter

    b, a = json.loads(Path(before_path).read_text()), json.loads(Path(after_path).read_text())
    lines = ["| # | config (repo:path, where) | W&B's validator | tunewise before | tunewise after |",
             "|---|---|---|---|---|"]

    def cell(r: dict[str, Any]) -> str:
        text = r["outcome"].replace("both accept", "accepts").replace("both reject", "rejects too")
        if not r["tw_ok"]:
            text += ": " + (r["tw_error"] or "").split(": ", 2)[-1][:110]
        extra = "; ".join([*(r.get("sample_diffs") or []), r.get("command_diff") or ""]).strip("; ")
        return (text + (f" ({extra[:120]})" if extra else "")).replace("|", "/").replace("\n", " ")

    key = lambda r: (r["repo"], r["path"], r["where"])  # noqa: E731
    before = {key(r): r for r in b.get("configs", [])}
    for i, r in enumerate(a.get("configs", [])):
        wb = "valid" if r["wandb_valid"] else "invalid: " + "; ".join(map(str, r["wandb_violations"]))[:100]
        old = before.get(key(r))
        lines.append(f"| {i} | {r['repo']}:{r['path']} ({r['where']}) | {wb.replace('|', '/')} | "
                     f"{cell(old) if old else '-'} | {cell(r)} |")
    counts = {name: Counter(r["outcome"] for r in d.get("configs", [])) for name, d in (("before", b), ("after", a))}
    lines += ["", "Outcomes: " + "; ".join(f"{n}: " + ", ".join(f"{k} {v}" for k, v in c.most_common())
                                           for n, c in counts.items()), ""]
    lines += ["| script | before | after | resume after (same command again) |", "|---|---|---|---|"]
    sb = {r["id"]: r for r in b.get("scripts", [])}
    for r in a.get("scripts", []):
        old = sb.get(r["id"], {})

        def run(x: dict[str, Any]) -> str:
            if not x:
                return "-"
            best = x.get("best")
            value = f", best {best['value']:.4g}" if isinstance(best, dict) and best.get("value") is not None else ""
            return f"exit {x.get('rc')}: {x.get('first') or 'no runs'}{value}"

        lines.append(f"| {r['id']} | {run(old)} | {run(r)} | {r.get('resume', '-')} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", default="/tmp/wandb_sweeps")
    ap.add_argument("--configs-only", action="store_true")
    ap.add_argument("--scripts-only", action="store_true")
    ap.add_argument("--only", default=None, help="run only script cases whose id contains this")
    ap.add_argument("--json", default=None)
    ap.add_argument("--write-test-data", action="store_true",
                    help="write tests/sweeps/data/wandb_real_configs.json (the MIT-licensed repositories' configs "
                         "with W&B's verdict)")
    ap.add_argument("--report", nargs=2, metavar=("BEFORE_JSON", "AFTER_JSON"), default=None,
                    help="print the before/after tables of two --json outputs and exit")
    args = ap.parse_args()
    if args.report:
        print(report(*args.report))
        return
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"commits": {r: head(r) for r in MIRRORS}}
    if not args.scripts_only:
        rows = run_configs(work)
        out["configs"] = rows
        print("| # | source | kind | W&B | tunewise | outcome |\n|---|---|---|---|---|---|")
        for i, r in enumerate(rows):
            wb = "valid" if r["wandb_valid"] else "invalid: " + "; ".join(map(str, r["wandb_violations"]))[:90]
            tw_ = "accepts" if r["tw_ok"] else "rejects: " + (r["tw_error"] or "")[:140]
            extra = "; ".join([*(r.get("sample_diffs") or []), r.get("command_diff") or "",
                               r.get("sample_error") or ""]).strip("; ")
            print(f"| {i} | {r['repo']}:{r['path']} ({r['where']}) | {r['kind']} | {wb} | {tw_} | {r['outcome']} "
                  f"{extra[:200]} |".replace("\n", " "))
        from collections import Counter

        print("\n", Counter(r["outcome"] for r in rows))
        if args.write_test_data:
            write_test_data(rows, out["commits"])
    if not args.configs_only:
        srows = []
        for case in SCRIPT_CASES:
            if args.only and args.only not in case["id"]:
                continue
            row = run_case(case, work)
            srows.append(row)
            print(f"\n## {row['id']}: rc={row['rc']} {row['seconds']}s runs: {row['first']} best={row['best']} "
                  f"resume: {row.get('resume')}")
            if row["rc"] != 0 or "failed" in row["first"]:
                print(textwrap.indent(row["tail"], "    "))
        out["scripts"] = srows
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
