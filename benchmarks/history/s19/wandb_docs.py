"""W&B's documentation (and a few public repositories) under tunewise's sweeps (session 19).

Material nobody here had run: the sweep configurations and training scripts of W&B's own
documentation. wandb/docs is over the 500 MB snapshot limit, so its pages were read from the
stored index (``read_file``) and their code blocks, verbatim, kept under ``--docs`` (default
/tmp/s19/docs, one file per page, its path and commit in the first line; no licence file in the
repository: read, never committed). wandb/gitbook (W&B's docs until 2022, a bare mirror from the
``fetch`` tool) is read with git. A few sweep files of other public repositories found with
``find_string`` (``early_terminate:``, ``distribution: q_uniform``) sit under ``--docs``/_other.

1. configs: every YAML block and Python dict of those pages, and every *fragment* (a ``metric:``,
   ``early_terminate:``, ``command:`` or ``parameter_name: {distribution: ...}`` example) completed
   into a config with a fixed base (program train.py, method random, metric loss, one parameter).
   W&B's verdict: wandb/sweeps' ``schema_violations_from_proposed_config`` and its ``next_run``
   (as session 18). For configs W&B accepts, what each proposes is compared:
     - types and ranges: 200 random-search draws by each, per (nested) key: the types, the set
       of values of discrete parameters, the range of numeric ones;
     - grid: every point, in order, W&B's ``next_run`` against tunewise's grid (up to 300);
     - command: W&B 0.31's agent token rule against ``build_command``;
     - early termination: W&B's bands against tunewise's, and which running runs each stops on
       30 seeded sets of histories (W&B's ``hyperband_stop_runs`` against WandbHyperband).
2. scripts: the runnable training scripts of the sweeps pages, run with ``tunewise sweep``.

    .venv/bin/python benchmarks/history/s19/wandb_docs.py [--configs-only | --scripts-only]
        [--docs /tmp/s19/docs] [--work /tmp/s19/work] [--json out.json]

The validator needs jsonref (``pip install --target /tmp/wandb_sweeps/pylib jsonref``, as in s18).
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import math
import os
import re
import sys
import textwrap
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE.parent / "s18"))
import wandb_sweeps as S18  # noqa: E402  (session 18's harness: extraction, validator, script runner)

S18.MIRRORS["wandb/gitbook"] = "/work/.mirror/wandb+gitbook/repo"
TOP_KEYS = ("program", "method", "metric", "metrics", "parameters", "early_terminate", "command", "run_cap", "name",
            "parameter")
BASE = {"program": "train.py", "method": "random", "metric": {"name": "loss", "goal": "minimize"},
        "parameters": {"x": {"values": [1, 2]}}}
PARAM_KEYS = {"distribution", "value", "values", "min", "max", "mu", "sigma", "q", "probabilities", "parameters"}


# ---- 1. finding configs ------------------------------------------------------------------------

def blocks(text: str) -> list[tuple[str, str]]:
    """Fenced code blocks: (language or '', dedented body); tolerant of ```yaml title="x"."""
    out = []
    for m in re.finditer(r"(?m)^([ \t]*)```([A-Za-z]*)[^\n]*\n(.*?)^[ \t]*```", text, re.S):
        out.append((m.group(2).lower(), textwrap.dedent(m.group(3))))
    return out


def _sweep_names(ns: dict[str, Any]) -> list[tuple[str, Any]]:
    """Dicts a snippet builds under a sweep-ish name (also those W&B would refuse: no parameters)."""
    return [(k, copy.deepcopy(v)) for k, v in ns.items() if isinstance(v, dict) and re.search(r"sweep", k)]


def from_python_block(src: str) -> list[tuple[str, Any]]:
    found = S18.from_python(src)
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return found
    # a bare dict expression (```python\n{...}```) and dicts assigned to sweep_* names
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Dict):
            try:
                found.append((f"dict@line{node.lineno}", ast.literal_eval(node.value)))
            except ValueError:
                pass
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if any("sweep" in n for n in names) and not any(w == f"built:{names[0]}" for w, _ in found):
                try:
                    found.append((f"built:{names[0]}", ast.literal_eval(node.value)))
                except ValueError:
                    pass
    return found


def _python(body: str) -> bool:
    """An untagged block that is Python (a YAML mapping such as ``program: train.py`` parses as an
    annotation, so it must also assign or call)."""
    try:
        ast.parse(body)
    except SyntaxError:
        return False
    return bool(re.search(r"[=(]", body))


def classify(d: Any) -> str | None:
    """'config', 'fragment' (top-level keys to complete), 'params' (parameter specs), or None."""
    if not isinstance(d, dict) or not d:
        return None
    keys = set(map(str, d))
    if keys & {"program", "method"} or len(keys & set(TOP_KEYS)) >= 2:
        return "config"
    if keys & set(TOP_KEYS):
        return "fragment"
    if all(isinstance(v, dict) and set(map(str, v)) & PARAM_KEYS for v in d.values()):
        return "params"
    return None


def complete(d: dict[str, Any], kind: str) -> dict[str, Any]:
    if kind == "params":
        return dict(copy.deepcopy(BASE), parameters=copy.deepcopy(d))
    return {**copy.deepcopy(BASE), **copy.deepcopy(d)}


def doc_sources(docs: Path) -> list[tuple[str, str, str]]:
    """(repo, path, text) of every page: the cached wandb/docs pages and other repositories'
    blocks, then wandb/gitbook's Markdown from its mirror."""
    out = []
    for f in sorted(docs.rglob("*")):
        if f.is_file():
            rel = f.relative_to(docs).as_posix()
            repo = "other" if rel.startswith("_other/") else "wandb/docs"
            out.append((repo, rel, f.read_text()))
    for path in S18.files("wandb/gitbook"):
        if path.endswith(".md"):
            text = S18.show("wandb/gitbook", path)
            if text and ("parameters" in text or "early_terminate" in text or "parameter_name" in text):
                out.append(("wandb/gitbook", path, text))
    return out


def collect(docs: Path) -> list[dict[str, Any]]:
    import yaml

    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    sweep_page = True

    def add(repo: str, path: str, where: str, d: Any, lang: str) -> None:
        kind = classify(d)
        if kind is None or (kind != "config" and not sweep_page):
            return  # e.g. a run's config-defaults.yaml ({epochs: {desc, value}}) on a page about wandb.config
        cfg = d if kind == "config" else complete(d, kind)
        key = json.dumps(cfg, sort_keys=True, default=str)
        if key in seen:
            return
        seen.add(key)
        found.append({"repo": repo, "path": path, "where": where, "kind": "python" if lang == "python" else "yaml",
                      "form": kind, "config": cfg})

    for repo, path, text in doc_sources(docs):
        sweep_page = repo == "other" or "sweep" in path.lower()
        page_py = [body for lang, body in blocks(text) if lang in ("python", "py") or (not lang and _python(body))]
        # A page that builds its config over several blocks (a tutorial's cells): the joined blocks.
        joined = [(w, d) for w, d in from_python_block("\n\n".join(page_py)) if w.startswith("built:")]
        built_on_page = {w for w, _ in joined}
        for where, d in joined:
            add(repo, path, f"page:{where}", d, "python")
        for i, (lang, body) in enumerate(blocks(text)):
            if lang in ("bash", "sh", "shell", "text") and "parameter" not in body and "metric:" not in body \
                    and "early_terminate" not in body and "command:" not in body:
                continue
            if lang in ("python", "py") or (not lang and _python(body)):
                for where, d in from_python_block(body):
                    if where not in built_on_page:
                        add(repo, path, f"block{i}:{where}", d, "python")
                continue
            try:
                docs_ = list(yaml.safe_load_all(body))
            except yaml.YAMLError:
                continue
            for j, d in enumerate(docs_):
                add(repo, path, f"block{i}" + (f".{j}" if j else ""), d, "yaml")
    return found


# ---- 1. judging --------------------------------------------------------------------------------

N_DRAWS = 200
GRID_CAP = 300


def _flat(cfg: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in cfg.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = v
    return out


def _type(v: Any) -> str:
    # W&B sends a run's config as JSON: a tuple reaches the program as a list
    name = "list" if isinstance(v, tuple) else type(v).__name__
    return {"int64": "int", "float64": "float", "bool_": "bool", "str_": "str"}.get(name, name)


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (a == b and type(a) is type(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) and (isinstance(a, int) == isinstance(b, int))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    return bool(a == b)


def compare_draws(w: list[dict[str, Any]], t: list[dict[str, Any]]) -> list[str]:
    """Types per key; the value set of keys with few values; the range of numeric keys."""
    diffs = []
    keys = sorted(set().union(*w, *t))
    for k in keys:
        wv = [d[k] for d in w if k in d]
        tv = [d[k] for d in t if k in d]
        wt, tt = {_type(v) for v in wv}, {_type(v) for v in tv}
        if wt != tt:
            diffs.append(f"{k}: types wandb {sorted(wt)} tunewise {sorted(tt)}")
            continue
        nums = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in wv + tv)
        wset = {json.dumps(v, sort_keys=True, default=str) for v in wv}
        tset = {json.dumps(v, sort_keys=True, default=str) for v in tv}
        if len(wset) <= 12 and len(tset) <= 12:  # a few values: the same ones
            if wset != tset:
                diffs.append(f"{k}: values wandb {sorted(wset)[:8]} tunewise {sorted(tset)[:8]}")
            continue
        if nums and wv and tv:
            # 10/50/90% quantiles within 20% of W&B's 10-90 spread (about 3 standard errors at 200
            # draws); on a log scale for positive, wide draws (log-uniform, log-normal)
            import numpy as np

            w_arr, t_arr = np.array(wv, dtype=float), np.array(tv, dtype=float)
            wq, tq = np.quantile(w_arr, [0.1, 0.5, 0.9]), np.quantile(t_arr, [0.1, 0.5, 0.9])
            if w_arr.min() > 0 and t_arr.min() > 0 and wq[2] / wq[0] > 20:
                wq, tq = np.log(wq), np.log(tq)
            spread = max(wq[2] - wq[0], 1e-12)
            if np.any(np.abs(wq - tq) > 0.2 * spread):
                diffs.append(f"{k}: 10/50/90% quantiles wandb {np.round(wq, 4).tolist()} "
                             f"tunewise {np.round(tq, 4).tolist()}")
    return diffs


def _histories(seed: int) -> list[tuple[list[float], bool]]:
    import numpy as np

    rng = np.random.default_rng(seed)
    runs = []
    for _ in range(int(rng.integers(2, 14))):
        n = int(rng.integers(1, 40))
        start, rate = rng.uniform(0.5, 3.0), rng.uniform(0.0, 0.3)
        h = [float(round(start * math.exp(-rate * k) + rng.normal(0, 0.05), 4)) for k in range(n)]
        runs.append((h, bool(rng.random() < 0.5)))
    return runs


def compare_hyperband(cfg: dict[str, Any], sc: Any) -> dict[str, Any]:
    from sweeps.hyperband_stopping import hyperband_stop_runs
    from sweeps.run import RunState, SweepRun

    import tunewise as tw

    goal = (cfg.get("metric") or {}).get("goal", "minimize")
    name = (cfg.get("metric") or {}).get("name", "loss")
    out: dict[str, Any] = {}
    try:
        probe = [SweepRun(name="p", state=RunState.running, history=[{name: 1.0}])]
        hyperband_stop_runs(probe, copy.deepcopy(cfg))
        wbands = probe[0].early_terminate_info["bands"]
    except Exception as e:  # noqa: BLE001
        wbands = f"W&B raises {type(e).__name__}: {e}"
    sched = sc.make_scheduler()
    tbands = list(sched.bands) if hasattr(sched, "bands") else list(sched.rungs())  # before: ASHA's rungs
    out["bands"] = (wbands if isinstance(wbands, str) else wbands[:12], tbands[:12])
    if isinstance(wbands, str):
        return out
    disagree = 0
    for seed in range(30):
        runs = _histories(seed)
        wruns = [SweepRun(name=str(i), state=RunState.running if live else RunState.finished,
                          history=[{name: v} for v in h]) for i, (h, live) in enumerate(runs)]
        wstop = {r.name for r in hyperband_stop_runs(wruns, copy.deepcopy(cfg))}
        study = tw.create_study(direction=goal, scheduler=sc.make_scheduler())
        live_trials = {}
        for i, (h, live) in enumerate(runs):
            t = study.ask()
            for k, v in enumerate(h, 1):
                t.report(v, k)
            if live:
                live_trials[str(i)] = t
            else:
                study.tell(t, h[-1])
        tstop = {n for n, t in live_trials.items() if t.should_prune()}
        disagree += wstop != tstop
    out["stop_disagreements"] = disagree
    return out


def judge(entry: dict[str, Any], validator: Any) -> dict[str, Any]:
    import sweeps
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
            try:
                sweeps.next_run(copy.deepcopy(cfg), [])
            except (ValueError, TypeError, KeyError) as e:
                violations = [f"(at W&B's first run) {e}"]
    res["wandb_valid"] = not violations
    res["wandb_violations"] = [str(v) for v in violations[:2]]
    tw_cfg = dict(cfg)
    if entry["kind"] == "python" and "program" not in tw_cfg:
        tw_cfg["program"] = "train.py"  # as `tunewise sweep python` does for wandb.sweep(dict)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            sc = SweepConfig.from_dict(tw_cfg, check_program=False)
            res["tw_ok"], res["tw_error"] = True, None
        except Exception as e:  # noqa: BLE001
            sc = None
            res["tw_ok"], res["tw_error"] = False, f"{type(e).__name__}: {e}"
    res["tw_warnings"] = [str(w.message)[:160] for w in caught]
    if sc is None or not res["wandb_valid"]:
        return res
    try:
        import tunewise as tw
        from tunewise.samplers import RandomSampler

        rand = dict(copy.deepcopy(cfg), method="random")
        rand.pop("early_terminate", None)
        w_draws = []
        for _ in range(N_DRAWS):
            run = sweeps.next_run(copy.deepcopy(rand), [])
            w_draws.append(_flat({k: v["value"] for k, v in run.config.items()}))
        tsc = SweepConfig.from_dict(dict(tw_cfg, method="random"), check_program=False) \
            if cfg.get("method") == "grid" else sc
        study = tw.create_study(sampler=RandomSampler(seed=0), directions=tsc.directions)
        t_draws, last = [], {}
        for _ in range(N_DRAWS):
            trial = study.ask()
            last = tsc.sample(trial.suggest)
            t_draws.append(_flat(tsc.nest(last)))
            study.tell(trial, [0.0] * len(tsc.directions) if len(tsc.directions) > 1 else 0.0)
        res["sample_diffs"] = compare_draws(w_draws, t_draws)
        if cfg.get("method") == "grid":
            gruns: list[Any] = []
            while len(gruns) < GRID_CAP:
                r = sweeps.next_run(copy.deepcopy(cfg), gruns)
                if r is None:
                    break
                r.state = sweeps.RunState.finished
                gruns.append(r)
            w_points = [_flat({k: v["value"] for k, v in r.config.items()}) for r in gruns]
            sampler = sc.make_sampler()
            t_points = [_flat(sc.nest(sc.decode(sampler.point(i)))) for i in range(min(sampler.n_points, GRID_CAP))]
            same = len(w_points) == len(t_points) and all(
                a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
                for a, b in zip(w_points, t_points, strict=True))
            res["grid"] = {"wandb": len(w_points), "tunewise": sampler.n_points, "same_points_in_order": same}
            if not same:
                first = next((i for i, (a, b) in enumerate(zip(w_points, t_points, strict=False)) if a != b), None)
                res["grid"]["first_difference"] = (None if first is None else
                                                   [str(w_points[first])[:150], str(t_points[first])[:150]])
        if "command" in cfg:
            from wandb.sdk.launch.sweeps import utils as wutils

            program = str(cfg.get("program") or "train.py")
            nested = sc.nest(last)
            wvars = wutils.create_sweep_command_args({"args": {k: {"value": v} for k, v in nested.items()}})
            wvars.update(interpreter=["python"], program=[program], env=["/usr/bin/env"],
                         args_json_file=["ARGS.json"])
            wcmd: list[str] = []
            for c in cfg["command"]:
                c = str(c)
                wcmd += (wvars.get(c[2:-1]) or []) if c.startswith("${") and c.endswith("}") else [c]
            tcmd = ["python" if x == sys.executable else x for x in build_command(sc.command, program, nested,
                                                                                   "ARGS.json")]
            res["command_same"] = wcmd == tcmd
            if wcmd != tcmd:
                res["command_diff"] = f"wandb {wcmd} tunewise {tcmd}"
        if "early_terminate" in cfg:
            res["hyperband"] = compare_hyperband(cfg, sc)
    except Exception as e:  # noqa: BLE001
        res["sample_error"] = f"{type(e).__name__}: {e}"
    return res


def outcome(res: dict[str, Any]) -> str:
    if res["wandb_valid"] and res["tw_ok"]:
        bad = []
        if res.get("sample_diffs"):
            bad.append("draws differ")
        g = res.get("grid")
        if g and not g["same_points_in_order"] and not (g["wandb"] >= GRID_CAP and g["tunewise"] >= GRID_CAP):
            bad.append(f"grid {g['wandb']} vs {g['tunewise']} points or order")
        if res.get("command_same") is False:
            bad.append("command differs")
        hb = res.get("hyperband")
        if hb and (isinstance(hb["bands"][0], str) or list(hb["bands"][0]) != list(hb["bands"][1])
                   or hb.get("stop_disagreements")):
            bad.append("early termination differs")
        if res.get("sample_error"):
            bad.append("harness error")
        return "both accept, alike" if not bad else "both accept BUT " + ", ".join(bad)
    if not res["wandb_valid"] and not res["tw_ok"]:
        return "both reject"
    if res["wandb_valid"]:
        err = res["tw_error"] or ""
        if "W&B Launch" in err:
            return "refused with the reason (W&B Launch)"
        if "program is required" in err:
            # A file without program: W&B creates the sweep, but its agent then runs
            # `python None` (sweep_vars["program"] = [None]); the same dict through wandb.sweep runs.
            return "refused with the reason (no program to run)"
        return "GAP: tunewise rejects a valid config"
    return "tunewise accepts (W&B rejects)"


def run_configs(docs: Path, work: Path, s18_material: bool = False) -> list[dict[str, Any]]:
    import tunewise as tw

    tw.logging.set_verbosity(tw.logging.WARNING)
    validator = S18.wandb_validator(Path("/tmp/wandb_sweeps"))
    rows = []
    # --s18-material: session 18's 131 configs (wandb/examples, wandb/sweeps, wandb/wandb) under this
    # session's comparisons (every grid point in order, draws' ranges, hyperband stops)
    entries = [dict(e, form="config") for e in S18.collect_configs()] if s18_material else collect(docs)
    for entry in entries:
        res = judge(entry, validator)
        rows.append({**{k: v for k, v in entry.items() if k != "config"}, **res, "outcome": outcome(res),
                     "config": entry["config"]})
    return rows


# ---- 2. scripts --------------------------------------------------------------------------------

def _page_blocks(docs: Path, page: str) -> list[str]:
    return [body for _, body in blocks((docs / page).read_text())]


MNIST_TO_DIGITS = (
    "re:(?s)    transform = transforms\\.Compose\\(.*?download=True,\\n\\s*transform=transform\\)",
    "    import numpy as _np\n    from sklearn.datasets import load_digits\n    _d = load_digits()\n"
    "    _x = _np.zeros((len(_d.images), 1, 28, 28), dtype=_np.float32)\n"
    "    _x[:, 0, 10:18, 10:18] = _d.images / 16.0\n"
    "    dataset = torch.utils.data.TensorDataset(torch.tensor(_x), torch.tensor(_d.target))")

SCRIPTS: list[dict[str, Any]] = [
    # walkthrough: the whole example (function agent, random, count=10)
    {"id": "docs/walkthrough", "page": "models/sweeps/walkthrough.mdx", "blocks": [0],
     "files": {"sweep.py": None}, "run": ["python", "sweep.py"], "name": "sweep", "patches": {}},
    # add-w-and-b-to-your-code, Python tab: argparse --project, count=4
    {"id": "docs/add-w-and-b/python", "page": "models/sweeps/add-w-and-b-to-your-code.mdx", "blocks": [0],
     "files": {"train_sweep.py": None}, "run": ["python", "train_sweep.py"], "name": "sweep", "patches": {}},
    # add-w-and-b-to-your-code, CLI tab: config.yaml + train.py (which reads ./config.yaml as defaults)
    {"id": "docs/add-w-and-b/cli", "page": "models/sweeps/add-w-and-b-to-your-code.mdx",
     "files": {"config.yaml": [1], "train.py": [2]}, "run": ["run", "config.yaml", "--count", "3"],
     "name": "sweep", "patches": {}},
    # define-sweep-configuration: sweep.yaml + run.py as printed (str2bool is defined in a later block)
    {"id": "docs/define/command-macros", "page": "models/sweeps/define-sweep-configuration.mdx",
     "files": {"sweep.yaml": [12], "run.py": [13]}, "run": ["run", "sweep.yaml", "--count", "1"],
     "name": "sweep", "patches": {}},
    # ... and with str2bool put in front of run.py (the fix the page suggests)
    {"id": "docs/define/command-macros+str2bool", "page": "models/sweeps/define-sweep-configuration.mdx",
     "files": {"sweep.yaml": [12], "run.py": [15, 13]}, "run": ["run", "sweep.yaml", "--count", "1"],
     "name": "sweep", "patches": {}},
    # tutorials/sweeps: PyTorch MLP; MNIST download -> scikit-learn's digits, count 5 -> 3
    {"id": "docs/tutorials/sweeps (pytorch)", "page": "models/tutorials/sweeps.mdx",
     "blocks": [0, 1, 2, 3, 4, 5, 7, 8, 9, 10], "files": {"nb.py": None}, "run": ["python", "nb.py"],
     "name": "sweep", "timeout": 600,
     "patches": {"nb.py": [MNIST_TO_DIGITS,
                           ("from torchvision import datasets, transforms",
                            "datasets = transforms = None  # torchvision: not installed"),
                           ("wandb.agent(sweep_id, train, count=5)", "wandb.agent(sweep_id, train, count=3)")]}},
    # ... and with train_epoch's inner `with wandb.init() as run:` replaced by the active run
    {"id": "docs/tutorials/sweeps (pytorch), inner init removed", "page": "models/tutorials/sweeps.mdx",
     "blocks": [0, 1, 2, 3, 4, 5, 7, 8, 9, 10], "files": {"nb.py": None}, "run": ["python", "nb.py"],
     "name": "sweep", "timeout": 600,
     "patches": {"nb.py": [MNIST_TO_DIGITS,
                           ("from torchvision import datasets, transforms",
                            "datasets = transforms = None  # torchvision: not installed"),
                           ("    with wandb.init() as run:\n        for _, (data, target)",
                            "    run = wandb.run\n    if True:\n        for _, (data, target)"),
                           ("wandb.agent(sweep_id, train, count=5)", "wandb.agent(sweep_id, train, count=3)")]}},
    # tutorials/xgboost_sweeps: Pima CSV (wget) -> breast cancer, count 25 -> 4
    {"id": "docs/tutorials/xgboost_sweeps", "page": "models/tutorials/xgboost_sweeps.mdx", "blocks": [0, 1, 2, 3, 4],
     "files": {"nb.py": None}, "run": ["python", "nb.py"], "name": "sweep",
     "patches": {"nb.py": [('dataset = loadtxt("pima-indians-diabetes.data.csv", delimiter=",")\n'
                            '    X, Y = dataset[:, :8], dataset[:, 8]',
                            "from sklearn.datasets import load_breast_cancer\n"
                            "    X, Y = load_breast_cancer(return_X_y=True)"),
                           ("wandb.agent(sweep_id, train, count=25)", "wandb.agent(sweep_id, train, count=4)")]}},
]


def run_script(case: dict[str, Any], docs: Path, work: Path) -> dict[str, Any]:
    import shutil

    d = work / "runs" / re.sub(r"[^\w.-]+", "_", case["id"])
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    bodies = _page_blocks(docs, case["page"])
    for name, idx in case["files"].items():
        idx = idx if idx is not None else case["blocks"]
        (d / name).write_text("\n\n".join(bodies[i] for i in idx) + "\n")
    try:
        for name, subs in case.get("patches", {}).items():
            S18._patch(d / name, subs)
    except ValueError as e:
        return {"id": case["id"], "rc": None, "first": f"not run: {e}", "tail": ""}
    storage = f"sqlite:///{d}/tunewise.db"
    cmd = [*S18.TW, "sweep", case["run"][0], "--storage", storage, *case["run"][1:]]
    rc, out, secs = S18._run(cmd, d, case.get("timeout", 300))
    st = S18._status(d, case["name"], storage)
    return {"id": case["id"], "rc": rc, "seconds": round(secs, 1), "first": S18._counts(st),
            "best": st.get("best_value", st.get("best")), "tail": out[-2500:]}


# ---- report ------------------------------------------------------------------------------------

def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| # | source (repo:path, block) | form | W&B | tunewise | outcome |", "|---|---|---|---|---|---|"]
    for i, r in enumerate(rows):
        wb = "valid" if r["wandb_valid"] else "invalid: " + "; ".join(r["wandb_violations"])[:110]
        tw_ = "accepts" if r["tw_ok"] else "rejects: " + (r["tw_error"] or "").split(": ", 1)[-1][:130]
        extra = [*(r.get("sample_diffs") or [])]
        if r.get("command_diff"):
            extra.append(r["command_diff"])
        g = r.get("grid")
        if g and not g["same_points_in_order"]:
            extra.append(f"grid {g}")
        hb = r.get("hyperband")
        if hb and r["outcome"] != "both accept, alike":
            extra.append(f"bands {hb['bands']} stop disagreements {hb.get('stop_disagreements')}")
        if r.get("sample_error"):
            extra.append(r["sample_error"])
        text = f"{r['outcome']}" + (f" ({'; '.join(extra)[:300]})" if extra else "")
        lines.append(f"| {i} | {r['repo']}:{r['path']} ({r['where']}) | {r['form']} | {wb} | {tw_} | {text} |"
                     .replace("\n", " "))
    return "\n".join(lines)


def report(before_path: str, after_path: str) -> str:
    """Before/after tables of two --json outputs (Markdown)."""
    b, a = json.loads(Path(before_path).read_text()), json.loads(Path(after_path).read_text())
    key = lambda r: (r["repo"], r["path"], r["where"])  # noqa: E731
    before = {key(r): r for r in b.get("configs", [])}

    def cell(r: dict[str, Any] | None) -> str:
        if r is None:
            return "-"
        text = r["outcome"]
        if not r["tw_ok"]:
            text += ": " + (r["tw_error"] or "").split(": ", 2)[-1][:100]
        hb = r.get("hyperband")
        if hb and r["outcome"] != "both accept, alike":
            text += f" (bands W&B {hb['bands'][0]} tunewise {hb['bands'][1]}; stops differ in " \
                    f"{hb.get('stop_disagreements')}/30 history sets)"
        extra = [*(r.get("sample_diffs") or []), r.get("command_diff") or ""]
        extra = [e for e in extra if e]
        if extra:
            text += " (" + "; ".join(extra)[:160] + ")"
        return text.replace("|", "/").replace("\n", " ")

    lines = ["| # | source (repo:path, block) | form | W&B's verdict | before | after |", "|---|---|---|---|---|---|"]
    for i, r in enumerate(a.get("configs", [])):
        wb = "valid" if r["wandb_valid"] else "invalid: " + "; ".join(r["wandb_violations"])[:90]
        lines.append(f"| {i} | {r['repo']}:{r['path']} ({r['where']}) | {r['form']} | {wb.replace('|', '/')} | "
                     f"{cell(before.get(key(r)))} | {cell(r)} |")
    counts = {n: Counter(r["outcome"] for r in d.get("configs", [])) for n, d in (("before", b), ("after", a))}
    lines += ["", "Outcomes: " + "; ".join(f"{n}: " + ", ".join(f"{k} {v}" for k, v in c.most_common())
                                           for n, c in counts.items()), ""]
    lines += ["| script | before | after |", "|---|---|---|"]
    sb = {r["id"]: r for r in b.get("scripts", [])}

    def run(x: dict[str, Any] | None) -> str:
        if not x:
            return "-"
        best = x.get("best")
        value = f", best {best['value']:.4g}" if isinstance(best, dict) and best.get("value") is not None else ""
        return f"exit {x.get('rc')}: {x.get('first') or 'no runs'}{value}"

    for r in a.get("scripts", []):
        lines.append(f"| {r['id']} | {run(sb.get(r['id']))} | {run(r)} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", default="/tmp/s19/docs")
    ap.add_argument("--work", default="/tmp/s19/work")
    ap.add_argument("--configs-only", action="store_true")
    ap.add_argument("--scripts-only", action="store_true")
    ap.add_argument("--only", default=None, help="run only script cases whose id contains this")
    ap.add_argument("--json", default=None)
    ap.add_argument("--s18-material", action="store_true", help="judge session 18's configs instead of the docs'")
    ap.add_argument("--report", nargs=2, metavar=("BEFORE_JSON", "AFTER_JSON"), default=None,
                    help="print the before/after tables of two --json outputs and exit")
    args = ap.parse_args()
    if args.report:
        print(report(*args.report))
        return
    docs, work = Path(args.docs), Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"commits": {r: S18.head(r) for r in ("wandb/sweeps", "wandb/gitbook")}}
    if not args.scripts_only:
        rows = run_configs(docs, work, args.s18_material)
        out["configs"] = rows
        print(table(rows))
        print("\nOutcomes:", dict(Counter(r["outcome"] for r in rows)))
        print("Per source:", dict(Counter(r["repo"] for r in rows)), "valid per W&B:",
              sum(r["wandb_valid"] for r in rows))
    if not args.configs_only:
        srows = []
        for case in SCRIPTS:
            if args.only and args.only not in case["id"]:
                continue
            row = run_script(case, docs, work)
            srows.append(row)
            print(f"\n## {row['id']}: rc={row['rc']} {row.get('seconds')}s runs: {row['first']} best={row.get('best')}")
            if row["rc"] != 0 or "failed" in str(row["first"]):
                print(textwrap.indent(row["tail"][-1500:], "    "))
        out["scripts"] = srows
    if args.json:
        # The configs themselves stay out (wandb/docs has no licence file): where they are, and the verdicts.
        slim = dict(out, configs=[{k: v for k, v in r.items() if k != "config"} for r in out.get("configs", [])])
        Path(args.json).write_text(json.dumps(slim, indent=1, default=str))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
