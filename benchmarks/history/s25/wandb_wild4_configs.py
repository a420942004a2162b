"""Session 25: third-party sweep configurations alone, W&B's validator and engine against tunewise's parser.

Each configuration (a YAML file, or a dict a Python file assigns; read from a mirror at a pinned commit, never
copied here) goes through:

- W&B's validator (wandb/sweeps' ``schema_violations_from_proposed_config``, then ``next_run``) and
  tunewise's ``SweepConfig.from_dict`` (YAML files through ``SweepConfig.from_file``, so its YAML warnings apply;
  a Python dict without ``program`` gets its file as the program, as ``tunewise sweep python`` does);
- 1000 draws of W&B's own engine (``next_run``, numpy seed 0; a grid: every point in W&B's order) and 1000 draws of
  tunewise's sampler for the sweep (random: ``RandomSampler(seed=0)``; bayes: random too, as W&B's first runs
  are; grid: every point), compared per parameter: the set of Python types, the range (numbers), the set of
  values (categoricals), the frequencies of weighted or repeated values (``probabilities``, repeated entries;
  a difference above 0.08 is reported: 3.5 standard errors of a difference of two frequencies near 0.5 at 1000
  draws each), the number of grid points;
- the command line of one W&B draw: W&B 0.31's agent (``_command_run``'s macro substitution with
  ``create_sweep_command_args``) against tunewise's ``build_command``;
- ``early_terminate``: W&B's hyperband bands (``hyperband_stopping``'s arithmetic) against tunewise's
  ``hyperband_bands``; ``run_cap`` as each reads it.

    PYTHONPATH=/tmp/s25/before/src:/tmp/s23/wbextra .venv/bin/python benchmarks/history/s25/wandb_wild4_configs.py \
        > benchmarks/history/s25/wandb_wild4_raw/configs_before.jsonl             # and after/src, configs_after.jsonl
    (--only NAME,NAME runs those configurations alone; the last two were run so and appended)
    .venv/bin/python benchmarks/history/s25/wandb_wild4_configs.py --report configs_before.jsonl configs_after.jsonl
"""

from __future__ import annotations

import ast
import collections
import copy
import json
import math
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

sys.path[:0] = ["/tmp/wandb_sweeps/pylib", "/tmp/wandb_sweeps/sweepspkg/src"]
import numpy as np  # noqa: E402
import yaml  # noqa: E402

MIRRORS = Path("/work/.mirror")
N_DRAWS = 1000

# (name, repo, commit or HEAD, path, variable for a Python file or "" for YAML)
SOURCES: list[tuple[str, str, str, str, str]] = [
    ("hassaku_acf_runcap_nested", "karapostK/hassaku", "HEAD", "conf/sweeps/acf/acf_ml1m_sweep_conf.yml", ""),
    ("hassaku_ecf", "karapostK/hassaku", "HEAD", "conf/sweeps/ecf/ecf_ml1m_sweep_conf.yml", ""),
    ("hassaku_iknn_nested_only", "karapostK/hassaku", "HEAD", "conf/sweeps/knn/iknn_ml1m_sweep_conf.yml", ""),
    ("hassaku_mf", "karapostK/hassaku", "HEAD", "conf/sweeps/mf/mf_ml1m_sweep_conf.yml", ""),
    ("hassaku_uiprotomf", "karapostK/hassaku", "HEAD", "conf/sweeps/protomf/uiprotomf_ml1m_sweep_conf.yml", ""),
    ("luis_dotted_uniform", "LuisCarretero/similar-expressions", "HEAD", "src/SR_benchmarking/sweeps_wandb/config.yaml",
     ""),
    ("luis_dotted_values", "LuisCarretero/similar-expressions", "HEAD", "src/train/sweep_config.yaml", ""),
    ("ramanhacks_strings_cupy", "RamanHacks/cs6910_assignment1", "HEAD", "cupy/sweep.yaml", ""),
    ("s4nth_python3_command", "s4nth0sh07/DA6401_ASSIGNMENT_1", "HEAD", "sweep.yaml", ""),
    ("itskowshik_project", "ItsKowshik/DA6401_Assignment1", "HEAD", "sweep.yaml", ""),
    ("leogrin_rf_qlog_probs", "LeoGrin/tabular-benchmark", "fb3debfd9c9356e1be779ec8db7f768b91a8c5c0",
     "config_files/num_and_cat/regression/large/rf_regression_categorical.py", "sweep_config"),
    ("leogrin_xgb_qlog_quniform", "LeoGrin/tabular-benchmark", "fb3debfd9c9356e1be779ec8db7f768b91a8c5c0",
     "config_files/num_and_cat/regression/large/xgb_regression_categorical.py", "sweep_config"),
    ("leogrin_gbt_qlog_probs", "LeoGrin/tabular-benchmark", "fb3debfd9c9356e1be779ec8db7f768b91a8c5c0",
     "config_files/num_and_cat/regression/large/gbt_regression_categorical.py", "sweep_config"),
    ("leogrin_resnet_quniform", "LeoGrin/tabular-benchmark", "fb3debfd9c9356e1be779ec8db7f768b91a8c5c0",
     "config_files/num_and_cat/regression/large/resnet_regression_categorical.py", "sweep_config"),
    ("borkh_q_log_uniform_mathlog", "borkh/mcbm-ring-reco", "cf7213e45123aa0c3503f6c2c0de5f2195e71ae5",
     "sweep_configs.py", "sweep_config"),
    ("apurv_program_dict", "ApurvKshirsagar/da6401_assignment_1", "HEAD", "src/sweep.py", "sweep_config"),
    ("gowtham_value_lists", "Gowthamaan-P/cs6910_assignment1", "HEAD", "src/Q4.py", "sweep_config"),
    ("ankana_duplicate_metric_keys", "ankanasadhu/cs6910_assignment1", "HEAD", "sweep.yaml", ""),
    # Not fetchable (the snapshot is over the size limit): the text the search tool's read_file returns for this
    # commit, kept under /tmp/s25/readfile; the dict is built key by key, so the file runs with no builtins.
    ("davidestaub_hyperband_min_gt_max", "davidestaub/3D_learned_Object_reassembly",
     "98a37b2de6733092681bcbf7c4fc3529d629842f", "hyperglue/sweep_config.py", "exec:sweep_config"),
    ("rohitrk_bayes_single_values", "rohitrk06/da6401_assignment1", "HEAD", "second_sweep_config.yaml", ""),
    ("sparsh_dotted_metric_yaml_strings", "Sparshj8287/da6401_assignment1", "HEAD", "config.yml", ""),
]
READFILE = Path("/tmp/s25/readfile")


def git(repo: str, *args: str) -> str:
    d = MIRRORS / repo.replace("/", "+") / "repo"
    if (d / ".git").is_dir():
        d = d / ".git"
    return subprocess.run(["git", "--git-dir", str(d), *args], capture_output=True, text=True, check=True).stdout


def python_dict(text: str, var: str) -> dict[str, Any]:
    """The dict assigned to ``var`` (the first assignment), evaluated with only math / numpy names (no import,
    no call of the file's own code)."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == var for t in node.targets):
            code = compile(ast.Expression(node.value), "<config>", "eval")
            return eval(code, {"__builtins__": {}, "math": math, "np": np, "dict": dict, "float": float, "int": int})  # noqa: S307
    raise KeyError(var)


def load(repo: str, rev: str, path: str, var: str) -> tuple[dict[str, Any], str, str]:
    if var.startswith("exec:"):
        text = (READFILE / (repo.split("/")[0] + "_" + Path(path).name)).read_text()
        namespace: dict[str, Any] = {"__builtins__": {}}
        exec(compile(text, path, "exec"), namespace)  # noqa: S102 - literal assignments only, no builtins
        return namespace[var[5:]], text, rev[:12]
    text = git(repo, "show", f"{rev}:{path}")
    commit = git(repo, "rev-list", "-1", rev, "--", path).strip()[:12] if rev == "HEAD" else rev[:12]
    cfg = python_dict(text, var) if var else yaml.safe_load(text)
    return cfg, text, commit


def wandb_verdict(cfg: dict[str, Any]) -> str:
    import sweeps
    from sweeps import config as sweeps_config

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            v = sweeps_config.schema_violations_from_proposed_config(copy.deepcopy(cfg))
        except Exception as e:  # noqa: BLE001
            return f"invalid: {type(e).__name__}: {e}"[:300]
        if v:
            return "invalid: " + "; ".join(map(str, v))[:300]
        try:
            sweeps.next_run(copy.deepcopy(cfg), [])
        except Exception as e:  # noqa: BLE001
            return f"invalid at next_run: {type(e).__name__}: {e}"[:300]
    return "valid"


def flat(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in config.items():
        if isinstance(v, dict):
            out.update(flat(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = v
    return out


def wandb_draws(cfg: dict[str, Any]) -> list[dict[str, Any]]:
    from sweeps.run import RunState, SweepRun

    import sweeps

    np.random.seed(0)
    runs: list[Any] = []
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(N_DRAWS):
            c = copy.deepcopy(cfg)
            if c.get("method") == "bayes":
                c["method"] = "random"  # W&B's bayes draws at random until runs report the metric
            r = sweeps.next_run(c, runs if c.get("method") == "grid" else [])
            if r is None:
                break
            conf = json.loads(json.dumps(dict(r.config), default=lambda v: v.item() if hasattr(v, "item") else repr(v)))
            if c.get("method") == "grid":
                runs.append(SweepRun(name=f"r{i}", state=RunState.finished, config=r.config))
            out.append(flat({k: v["value"] for k, v in conf.items()}))
    return out


def tunewise_draws(tcfg: Any) -> list[dict[str, Any]]:
    import tunewise as tw
    from tunewise.samplers import RandomSampler

    tw.logging.set_verbosity(tw.logging.ERROR)
    sampler = tcfg.make_sampler() if tcfg.method == "grid" else RandomSampler(seed=0)
    study = tw.create_study(sampler=sampler, directions=tcfg.directions if tcfg.has_metric else ["minimize"])
    n = sampler.n_points if tcfg.method == "grid" else N_DRAWS
    out = []
    for _ in range(min(n, N_DRAWS)):
        trial = study.ask()
        values = tcfg.sample(trial.suggest)
        out.append(flat(tcfg.nest(values)))
        study.tell(trial, 0.0)
    return out


def summarize(draws: list[dict[str, Any]]) -> dict[str, Any]:
    keys = sorted({k for d in draws for k in d})
    out = {}
    for k in keys:
        vals = [d[k] for d in draws if k in d]
        types = sorted({type(v).__name__ for v in vals})
        nums = [v for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]
        counts = collections.Counter(json.dumps(v, sort_keys=True) for v in vals)
        out[k] = {"types": types, "n": len(vals),
                  "range": [min(nums), max(nums)] if nums and len(counts) > 12 else None,
                  "freq": {v: c / len(vals) for v, c in counts.items()} if len(counts) <= 12 else None}
    return out


def compare(w: dict[str, Any], t: dict[str, Any], declared: dict[str, Any]) -> list[str]:
    diffs = []
    for k in sorted(set(w) | set(t)):
        if k not in w or k not in t:
            diffs.append(f"{k}: only in {'W&B' if k in w else 'tunewise'}")
            continue
        if w[k]["types"] != t[k]["types"]:
            diffs.append(f"{k}: types W&B {w[k]['types']} tunewise {t[k]['types']}")
        if w[k]["freq"] and t[k]["freq"]:
            if set(w[k]["freq"]) != set(t[k]["freq"]):
                diffs.append(f"{k}: values W&B {sorted(w[k]['freq'])} tunewise {sorted(t[k]['freq'])}")
            else:
                gap = max(abs(w[k]["freq"][v] - t[k]["freq"][v]) for v in w[k]["freq"])
                if gap > 0.08:
                    diffs.append(f"{k}: frequencies differ by {gap:.2f} (W&B {w[k]['freq']} tunewise {t[k]['freq']})")
        if w[k]["range"] and t[k]["range"]:
            lo, hi = declared.get(k, (None, None))
            for who, r in (("W&B", w[k]["range"]), ("tunewise", t[k]["range"])):
                if lo is not None and (r[0] < lo - 1e-9 or r[1] > hi + 1e-9):
                    diffs.append(f"{k}: {who} drew {r} outside [{lo}, {hi}]")
    return diffs


def declared_bounds(params: dict[str, Any], prefix: str = "") -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for k, spec in params.items():
        if not isinstance(spec, dict):
            continue
        if "parameters" in spec:
            out.update(declared_bounds(spec["parameters"], f"{prefix}{k}."))
        elif "min" in spec and "max" in spec and isinstance(spec["min"], (int, float)):
            d = spec.get("distribution", "")
            lo, hi = float(spec["min"]), float(spec["max"])
            if d in ("log_uniform", "q_log_uniform", "inv_log_uniform"):
                lo, hi = math.exp(lo), math.exp(hi)
            if d.startswith("q_"):  # rounding to q can reach one q/2 past a bound
                q = float(spec.get("q", 1))
                lo, hi = lo - q, hi + q
            out[prefix + k] = (lo, hi)
    return out


def wandb_command(cfg: dict[str, Any], values: dict[str, Any]) -> list[str]:
    from wandb.sdk.launch.sweeps import utils as sweep_utils

    command = {"args": {k: {"value": v} for k, v in values.items()}, "program": cfg.get("program")}
    sweep_command = sweep_utils.create_sweep_command(cfg.get("command"))
    sweep_vars = sweep_utils.create_sweep_command_args(command)
    sweep_vars["interpreter"] = ["python"]
    sweep_vars["program"] = [command["program"]]
    sweep_vars["env"] = ["/usr/bin/env"]
    out: list[str] = []
    for c in sweep_command:
        c = str(c)
        out += (sweep_vars.get(c[2:-1]) or []) if c.startswith("${") and c.endswith("}") else [c]
    return out


def wandb_bands(et: dict[str, Any]) -> list[int]:
    """wandb/sweeps' hyperband_stopping arithmetic (hyperband_stop_runs) for the band list."""
    from sweeps.hyperband_stopping import hyperband_baseline_validate_and_fill

    cfg = hyperband_baseline_validate_and_fill({"metric": {"name": "m"}, "early_terminate": dict(et, type="hyperband"),
                                               "method": "random", "parameters": {"a": {"value": 1}}})
    e = cfg["early_terminate"]
    if "max_iter" in e:
        band, bands = e["max_iter"], []
        for _ in range(e["s"]):
            band = band / e["eta"]
            if band < 1:
                break
            bands.append(int(band))
        return sorted(bands)
    bands = [e["min_iter"]]
    for _ in range(100):
        bands.append(int(bands[-1] * e["eta"]))
    return bands


def main() -> None:
    from tunewise.sweeps import SweepConfig, build_command
    from tunewise.sweeps._hyperband import hyperband_bands

    rows = []
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    for name, repo, rev, path, var in SOURCES:
        if only is not None and name not in only:
            continue
        cfg, text, commit = load(repo, rev, path, var)
        row: dict[str, Any] = {"name": name, "source": f"{repo}@{commit}:{path}", "wandb": wandb_verdict(cfg)}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if var:  # a dict for wandb.sweep: `tunewise sweep python` gives it the script as its program
                    tcfg = SweepConfig.from_dict({"program": path, **cfg}, check_program=False)
                else:
                    with tempfile.TemporaryDirectory() as d:
                        p = Path(d) / Path(path).name
                        p.write_text(text)
                        tcfg = SweepConfig.from_file(p, check_program=False)
                row["tunewise"] = "valid"
            except Exception as e:  # noqa: BLE001
                tcfg = None
                row["tunewise"] = f"invalid: {type(e).__name__}: {e}"[:400]
        row["tunewise_warnings"] = sorted({str(w.message)[:200] for w in caught})
        row["keys"] = sorted(cfg)
        if tcfg is not None and row["wandb"] == "valid":
            w = summarize(wandb_draws(cfg))
            t = summarize(tunewise_draws(tcfg))
            if cfg.get("method") == "grid":
                row["grid_points"] = {"wandb": next(iter(w.values()))["n"] if w else 0,
                                      "tunewise": next(iter(t.values()))["n"] if t else 0}
            row["draws"] = compare(w, t, declared_bounds(cfg.get("parameters", {})))
            row["types"] = {k: w[k]["types"] for k in w}
            if "command" in cfg:
                np.random.seed(0)
                import sweeps

                one = {k: v["value"] for k, v in dict(sweeps.next_run(copy.deepcopy(cfg), []).config).items()}
                one = json.loads(json.dumps(one, default=lambda v: v.item() if hasattr(v, "item") else repr(v)))
                ours = build_command(tcfg.command, cfg.get("program"), one)
                theirs = wandb_command(cfg, one)
                ours = ["/usr/bin/env" if x == "env" else x for x in ours]
                row["command"] = "SAME" if ours == theirs else f"DIFF tunewise={ours} wandb={theirs}"
            if "run_cap" in cfg:
                row["run_cap"] = {"file": cfg["run_cap"], "tunewise": tcfg.run_cap}
        if "early_terminate" in cfg:  # the bands, also where a parameter made the file invalid
            et = {k: v for k, v in cfg["early_terminate"].items() if k != "type"}
            wb = wandb_bands(et)[:8]
            tb = hyperband_bands(et)[:8]
            row["bands"] = "SAME" if wb == tb else f"DIFF tunewise={tb} wandb={wb}"
        rows.append(row)
        print(json.dumps(row, default=repr, ensure_ascii=False))


def report(before: str, after: str) -> None:
    """The write-up's table: one row per configuration, before and after."""
    rows = [[json.loads(line) for line in Path(f).read_text().splitlines() if line.startswith("{")]
            for f in (before, after)]

    def cell(r: dict[str, Any]) -> str:
        if r["tunewise"] != "valid":
            m = re.search(r"line \d+: .*", r["tunewise"])
            text = (m.group(0) if m else r["tunewise"].split(": ", 2)[-1]).replace("|", "/")[:230]
            return "refused: " + text + (f"; hyperband bands {r['bands']}" if "bands" in r else "")
        notes = list(r.get("draws", []))
        for key in ("command", "bands"):
            if key in r:
                notes.append(f"{key} {r[key]}")
        if "run_cap" in r:
            notes.append(f"run_cap {r['run_cap']['tunewise']}")
        if "grid_points" in r:
            notes.append(f"grid points W&B {r['grid_points']['wandb']} / tunewise {r['grid_points']['tunewise']}")
        return "accepted" + ("; " + "; ".join(notes) if notes else "; draws alike")

    print("| config | source (repo@commit:path) | W&B's validator | tunewise before | tunewise after |")
    print("|---|---|---|---|---|")
    for b, a in zip(*rows, strict=True):
        wb = "valid" if b["wandb"] == "valid" else "invalid: " + b["wandb"][9:].replace("|", "/")[:90]
        print(f"| {b['name']} | `{b['source']}` | {wb} | {cell(b)} | {cell(a)} |")


if __name__ == "__main__":
    if "--report" in sys.argv:
        i = sys.argv.index("--report")
        report(sys.argv[i + 1], sys.argv[i + 2])
    else:
        main()
