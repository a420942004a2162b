"""Run scikit-learn's own example gallery scripts that use its searches under tunewise's SearchCV.

Takes every script under scikit-learn's ``examples/`` (``--examples``; the folder of the sdist of the
installed version, see sklearn_gallery.md) that imports ``GridSearchCV``, ``RandomizedSearchCV``,
``HalvingGridSearchCV`` or ``HalvingRandomSearchCV`` from ``sklearn.model_selection``, and runs it
headless (``MPLBACKEND=Agg``) under ``nice -n 5`` with a time limit, twice:

- ``sklearn``: as written (checks the harness and the environment);
- ``tunewise``: with those names imported from a module that builds
  ``tunewise.integrations.sklearn.SearchCV`` the way docs/migrating/scikit-learn.md tells a user to switch
  (``SearchCV(est, param_grid=...)``, ``SearchCV(est, param_distributions=..., n_iter=...)``, and
  ``strategy="halving"`` for the Halving searches), every other argument as given. Nothing else changes.
  ``--swap rename`` instead imports ``SearchCV as GridSearchCV`` (etc.): the class renamed, arguments kept.

Each fitted search (scikit-learn's or SearchCV) is summarised after ``fit`` (best_params_, best_score_,
best_index_, cv_results_ keys with each column's type, dtype, shape and values, the halving attributes,
the refitted estimator and its predictions on the fit's X) into a JSON-lines file per run; the summaries
of the two runs are compared in order. A search that scikit-learn runs as GridSearchCV must give the very
same values (time columns excepted); random and halving searches the same keys, types, dtypes and shapes.
The scripts' outputs are compared too (times, addresses, temporary folders and the class name masked).
Where the two runs differ, scikit-learn runs the script once more: what it does not reproduce itself
is not held against tunewise ("match up to scikit-learn's own run-to-run variation").
Scripts that download data (``fetch_*``) are skipped with the reason: no network at run time (sockets to
other hosts are refused in the child as a guard).

    .venv/bin/python benchmarks/history/s19/sklearn_gallery.py --examples /tmp/sk_gallery/examples \
        --out /tmp/sk_gallery/results.json [--only svm/] [--timeout 600] [--swap rename] \
        [--extra-path DIR] [--mode tunewise --reuse-sklearn earlier.json]
    .venv/bin/python benchmarks/history/s19/sklearn_gallery.py --rescore a.json b.json --out all.json \
        --summary benchmarks/history/s19/sklearn_gallery_results.json
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

SEARCHES = ("GridSearchCV", "RandomizedSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV")
DOWNLOADERS = re.compile(r"\b(?:fetch_\w+|urlretrieve|urlopen)\b")
TIME_KEYS = {"mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time", "refit_time_"}
# tunewise's documented additions to cv_results_ (state of each trial, its number in the study).
EXTRA_KEYS = {"state", "trial_number"}

DROPIN = '''
"""The swap docs/migrating/scikit-learn.md describes, as the names the gallery imports."""
from tunewise.integrations.sklearn import SearchCV


def GridSearchCV(estimator, param_grid, **kwargs):
    return SearchCV(estimator, param_grid=param_grid, **kwargs)


def RandomizedSearchCV(estimator, param_distributions, *, n_iter=10, **kwargs):
    return SearchCV(estimator, param_distributions=param_distributions, n_iter=n_iter, **kwargs)


def HalvingGridSearchCV(estimator, param_grid, **kwargs):
    return SearchCV(estimator, param_grid=param_grid, strategy="halving", **kwargs)


def HalvingRandomSearchCV(estimator, param_distributions, **kwargs):
    return SearchCV(estimator, param_distributions=param_distributions, strategy="halving", **kwargs)
'''

RENAME = '''
"""The class renamed, arguments as written (SearchCV's docstring: "Replace the class name")."""
from tunewise.integrations.sklearn import SearchCV as GridSearchCV
from tunewise.integrations.sklearn import SearchCV as RandomizedSearchCV
from tunewise.integrations.sklearn import SearchCV as HalvingGridSearchCV
from tunewise.integrations.sklearn import SearchCV as HalvingRandomSearchCV
'''

# Runs one script in the child: network guard, fit recorder, then the script as __main__.
RUNNER = r'''
import json, os, re, runpy, socket, sys
import numpy as np

_connect = socket.socket.connect
def _guarded(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
        raise OSError(f"sklearn_gallery: no network at run time (connect to {host!r})")
    return _connect(self, address)
socket.socket.connect = _guarded

RECORD = os.environ["TW_GALLERY_RECORD"]
TIME_KEYS = %(time_keys)r


def _repr(x):
    # Addresses (<function f at 0x...>) and temporary folders differ between any two runs.
    return re.sub(r"/tmp/tmp\w+", "/tmp/<tmp>", re.sub(r" at 0x[0-9a-fA-F]+", " at 0x?", repr(x)))


def _val(x):
    if isinstance(x, np.generic):
        x = x.item()
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if isinstance(x, (list, tuple)):
        return [_val(v) for v in x]
    return _repr(x)


def _column(name, col):
    info = {"type": type(col).__name__, "dtype": str(getattr(col, "dtype", None)),
            "shape": list(np.shape(col)) if hasattr(col, "shape") else [len(col)]}
    if name == "params":
        info["values"] = [{k: _val(v) for k, v in p.items()} for p in col]
        info["value_types"] = [{k: type(v).__name__ for k, v in p.items()} for p in col]
    elif name in TIME_KEYS:
        pass
    elif isinstance(col, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(col)
        info["values"] = [None if m else _val(v) for v, m in zip(col.data, mask)]
        info["value_types"] = [None if m else type(v).__name__ for v, m in zip(col.data, mask)]
    else:
        info["values"] = [_val(v) for v in np.asarray(col, dtype=object).tolist()] if np.ndim(col) else _val(col)
    return info


def summarize(search, X):
    out = {"class": type(search).__name__}
    if type(search).__name__ == "SearchCV":
        halving = "n_resources_" in search.__dict__
        grid = search.param_grid is not None or getattr(search, "strategy_", "") == "grid"
        out["kind"] = ("HalvingGridSearchCV" if grid else "HalvingRandomSearchCV") if halving else (
            "GridSearchCV" if grid else "RandomizedSearchCV")
    else:
        out["kind"] = type(search).__name__
    for attr in ("best_params_", "best_index_", "best_score_", "n_splits_", "multimetric_",
                 "n_resources_", "n_candidates_", "n_iterations_", "n_remaining_candidates_",
                 "min_resources_", "max_resources_", "n_required_iterations_", "n_possible_iterations_"):
        if attr in search.__dict__:
            v = search.__dict__[attr]
            out[attr] = ({k: _val(x) for k, x in v.items()} if isinstance(v, dict) else _val(v))
            out[attr + ":type"] = ({k: type(x).__name__ for k, x in v.items()} if isinstance(v, dict)
                                   else type(v).__name__)
    cv = search.cv_results_
    out["cv_results_"] = {k: _column(k, cv[k]) for k in cv}
    out["has_refit_time_"] = "refit_time_" in search.__dict__
    best = search.__dict__.get("best_estimator_")
    if best is not None:
        out["best_estimator_"] = _repr(best)
        for method in ("predict", "score_samples", "transform"):
            if hasattr(best, method):
                try:
                    pred = np.asarray(getattr(best, method)(X))
                    out["refit_" + method] = [_val(v) for v in pred.ravel()[:2000].tolist()]
                except Exception as exc:  # noqa: BLE001 - recorded, compared
                    out["refit_" + method] = f"error: {type(exc).__name__}: {exc}"
                break
    return out


def _record(search, X):
    try:
        line = json.dumps(summarize(search, X), default=repr)
    except Exception as exc:  # noqa: BLE001
        line = json.dumps({"summary_error": f"{type(exc).__name__}: {exc}"})
    with open(RECORD, "a") as fh:
        fh.write(line + "\n")


def _wrap(cls):
    fit = cls.fit
    def recorded_fit(self, X, *args, **kwargs):
        result = fit(self, X, *args, **kwargs)
        _record(self, X)
        return result
    recorded_fit.__wrapped__ = fit
    cls.fit = recorded_fit


from sklearn.model_selection._search import BaseSearchCV
_wrap(BaseSearchCV)
if os.environ.get("TW_GALLERY_MODE") != "sklearn":
    from tunewise.integrations.sklearn import SearchCV
    _wrap(SearchCV)

script = sys.argv[1]
sys.argv = [script]
sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
runpy.run_path(script, run_name="__main__")
'''


def find_scripts(examples: Path) -> list[Path]:
    return sorted(p for p in examples.rglob("*.py") if re.search("|".join(SEARCHES), p.read_text()))


def imported_searches(tree: ast.AST) -> list[ast.ImportFrom]:
    """The ``from sklearn.model_selection import ...`` statements that name one of the searches."""
    return [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and node.module == "sklearn.model_selection" and any(a.name in SEARCHES for a in node.names)]


def swap_imports(source: str, module: str) -> str:
    """The script with the searches imported from ``module`` instead of scikit-learn, nothing else changed."""
    lines = source.splitlines(keepends=True)
    for node in sorted(imported_searches(ast.parse(source)), key=lambda n: -n.lineno):
        kept = [a for a in node.names if a.name not in SEARCHES]
        swapped = [a for a in node.names if a.name in SEARCHES]
        indent = re.match(r"\s*", lines[node.lineno - 1]).group(0)

        def names(aliases: list[ast.alias]) -> str:
            return ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in aliases)

        new = (f"{indent}from sklearn.model_selection import {names(kept)}\n" if kept else "")
        new += f"{indent}from {module} import {names(swapped)}  # tunewise gallery swap\n"
        assert node.end_lineno is not None
        lines[node.lineno - 1: node.end_lineno] = [new]
    return "".join(lines)


def classify(path: Path) -> tuple[str, str]:
    """("run", "") or ("skip", reason)."""
    source = path.read_text()
    tree = ast.parse(source)
    if not imported_searches(tree):
        return "skip", "names the searches only in text or comments (no import)"
    code = ast.unparse(tree)  # comments dropped: only code counts
    called = sorted({m.group(0) for m in DOWNLOADERS.finditer(code)} - {"fetch_openml_data_home"})
    if called:
        return "skip", "downloads data (" + ", ".join(called) + "); no network at run time"
    return "run", ""


def run_one(script: Path, mode: str, work: Path, timeout: float, extra_path: str) -> subprocess.Popen[bytes]:
    """Start one script in ``mode`` ("sklearn", "sklearn-again" or "tunewise")."""
    rel_dir = work / mode / script.parent.name
    rel_dir.mkdir(parents=True, exist_ok=True)
    target = rel_dir / script.name
    source = script.read_text()
    if mode == "tunewise":
        source = swap_imports(source, "_tw_gallery_dropin")
    target.write_text(source)
    record = rel_dir / (script.stem + ".jsonl")
    record.unlink(missing_ok=True)
    path = [str(work), *([extra_path] if extra_path else []), os.environ.get("PYTHONPATH", "")]
    env = dict(os.environ, MPLBACKEND="Agg", TW_GALLERY_MODE=mode.split("-")[0], TW_GALLERY_RECORD=str(record),
               PYTHONPATH=os.pathsep.join(p for p in path if p),
               PYTHONHASHSEED="0", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = ["nice", "-n", "5", "timeout", "-k", "10", str(int(timeout)), sys.executable,
           str(work / "_tw_gallery_runner.py"), str(target)]
    out = open(rel_dir / (script.stem + ".out"), "wb")
    proc = subprocess.Popen(cmd, cwd=rel_dir, env=env, stdout=out, stderr=subprocess.STDOUT)
    proc._tw_files = (record, rel_dir / (script.stem + ".out"), time.time())  # type: ignore[attr-defined]
    return proc


def finish_all(procs: dict[str, subprocess.Popen[bytes]]) -> dict[str, dict[str, Any]]:
    """Wait for every run; each one's time is its own."""
    ends: dict[str, float] = {}
    while len(ends) < len(procs):
        for mode, proc in procs.items():
            if mode not in ends and proc.poll() is not None:
                ends[mode] = time.time()
        time.sleep(0.2)
    return {mode: finish(proc, ends[mode]) for mode, proc in procs.items()}


def finish(proc: subprocess.Popen[bytes], end: float) -> dict[str, Any]:
    rc = proc.wait()
    record, out, start = proc._tw_files  # type: ignore[attr-defined]
    text = out.read_text(errors="replace")
    fits = [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []
    status = "ok" if rc == 0 else "timeout" if rc in (124, 137) else "error"
    error = ""
    if status == "error":
        tail = [ln for ln in text.strip().splitlines() if ln.strip()]
        error = tail[-1][:300] if tail else f"exit {rc}"
    return {"status": status, "rc": rc, "seconds": round(end - start, 1), "error": error,
            "fits": fits, "stdout": text[-20000:]}


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (a != a and b != b) or abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return bool(a == b) or (a != a and b != b)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def compare_fit(sk: dict[str, Any], tw: dict[str, Any]) -> list[str]:
    """What differs between scikit-learn's summary of one search and tunewise's (empty: they match)."""
    # Object addresses (RandomState(MT19937) at 0x7F...) and temporary folders (a Pipeline's memory=
    # tempfile.mkdtemp()) differ between any two runs.
    sk, tw = (json.loads(re.sub(r"/tmp/[^/'\"\\\s,)]+", "/tmp/<tmp>",
                                re.sub(r" at 0x\??[0-9a-fA-F]+", " at 0x?", json.dumps(d)))) for d in (sk, tw))
    diffs: list[str] = []
    exact = sk.get("kind") == "GridSearchCV"
    if sk.get("kind") != tw.get("kind"):
        diffs.append(f"kind {sk.get('kind')} vs {tw.get('kind')}")
    skc, twc = sk.get("cv_results_", {}), tw.get("cv_results_", {})
    missing = sorted(set(skc) - set(twc))
    extra = sorted(set(twc) - set(skc) - EXTRA_KEYS)
    if missing:
        diffs.append(f"cv_results_ lacks {missing}")
    if extra:
        diffs.append(f"cv_results_ has extra {extra}")
    if list(k for k in skc if k in twc) != list(k for k in twc if k in skc):
        diffs.append("cv_results_ key order differs")
    for key in skc:
        if key not in twc:
            continue
        a, b = skc[key], twc[key]
        for field in ("type", "dtype", "shape"):
            if a.get(field) != b.get(field):
                diffs.append(f"cv_results_[{key!r}] {field} {a.get(field)} vs {b.get(field)}")
        if a.get("value_types") != b.get("value_types") and (exact or key == "params" or key.startswith("param_")):
            diffs.append(f"cv_results_[{key!r}] value types differ")
        if exact and key not in TIME_KEYS and not _equal(a.get("values"), b.get("values")):
            near = _close(a.get("values"), b.get("values"))
            diffs.append(f"cv_results_[{key!r}] values differ" + (" (within 1e-9)" if near else ""))
    for attr in ("best_params_", "best_index_", "best_score_", "n_splits_", "multimetric_", "n_resources_",
                 "n_candidates_", "n_iterations_", "n_remaining_candidates_", "min_resources_", "max_resources_",
                 "n_required_iterations_", "n_possible_iterations_"):
        if (attr in sk) != (attr in tw):
            diffs.append(f"{attr} {'missing' if attr in sk else 'extra'}")
            continue
        if attr not in sk:
            continue
        if sk.get(attr + ":type") != tw.get(attr + ":type"):
            diffs.append(f"{attr} type {sk.get(attr + ':type')} vs {tw.get(attr + ':type')}")
        if exact and not _equal(sk[attr], tw[attr]):
            diffs.append(f"{attr} {sk[attr]!r} vs {tw[attr]!r}")
    if sk.get("has_refit_time_") != tw.get("has_refit_time_"):
        diffs.append("refit_time_ presence differs")
    if ("best_estimator_" in sk) != ("best_estimator_" in tw):
        diffs.append("best_estimator_ presence differs")
    elif exact and "best_estimator_" in sk:
        if sk["best_estimator_"] != tw["best_estimator_"]:
            diffs.append("best_estimator_ differs")
        for key in [k for k in sk if k.startswith("refit_")]:
            if not _equal(sk[key], tw.get(key)):
                diffs.append(f"{key} on the fit's X differs")
    return diffs


def normalize_output(text: str) -> list[str]:
    """The script's output without what differs between any two runs: times, warning locations,
    the run's folder, progress-bar timings, and the search's class name (the swap renames it)."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"/tmp/sk_gallery/\w+/(sklearn-again|sklearn|tunewise)/", "<work>/", line)
        line = re.sub(r"^\S+\.py:\d+: (\w*Warning)", r"\1", line)  # where a warning was raised
        if re.match(r"^\s+(warnings\.warn|return|\w+ = )", line):
            continue  # the source line Python prints under a warning
        line = re.sub(r"\d+(\.\d+)?\s*(s|sec|secs|seconds|min|ms)\b", "<time>", line)
        line = re.sub(r"total time=\s*\S+", "total time=<time>", line)
        line = re.sub(r"\d+:\d\d:\d\d", "<time>", line)
        line = re.sub(r"\b(Halving)?(Grid|Randomized|Random)?SearchCV\b", "SearchCV", line)
        # sklearn.callback.ProgressBar: rich sizes the bar from the longest task name, which holds the class name.
        line = re.sub(r"\s*━+.*$", " <progress bar>", line)
        line = re.sub(r" at 0x[0-9a-fA-F]+", " at 0x?", line)
        out.append(line.rstrip())
    return out


def compare_output(sk: dict[str, Any], tw: dict[str, Any]) -> list[str]:
    import difflib

    a, b = normalize_output(sk["stdout"]), normalize_output(tw["stdout"])
    return [f"output {line[:200]}" for line in difflib.ndiff(a, b) if line[:1] in "+-"]


def _fit_key(diff_line: str) -> str:
    """A search's diff line up to its values: "fit 0 (GridSearchCV): best_params_", "... best_index_ type",
    "... cv_results_['mean_test_score'] values"."""
    head, _, rest = diff_line.partition("): ")
    tokens = rest.split(" ")
    second = tokens[1] if len(tokens) > 1 and tokens[1] in ("type", "dtype", "shape", "values", "value") else ""
    return f"{head}): {tokens[0]} {second}".rstrip()


def _masked(diff_line: str) -> str:
    """An output diff line without its side (+/-) and digits."""
    return re.sub(r"\s+", " ", re.sub(r"\d+(\.\d+)?", "#", diff_line[len("output ") + 2:])).strip()


def compare(sk: dict[str, Any], tw: dict[str, Any]) -> list[str]:
    """Every difference between two runs of one script: its searches, then its output."""
    if len(sk["fits"]) != len(tw["fits"]):
        out = [f"{len(sk['fits'])} searches fitted under scikit-learn, {len(tw['fits'])} under tunewise"]
    else:
        out = []
        for i, (a, b) in enumerate(zip(sk["fits"], tw["fits"])):
            out += [f"fit {i} ({a.get('kind')}): {d}" for d in compare_fit(a, b)]
    return out + compare_output(sk, tw)


def judge(entry: dict[str, Any], rerun: Any = None) -> None:
    """Set the entry's verdict: "match", "match up to scikit-learn's own run-to-run variation" (what differs
    also differs between two scikit-learn runs; ``rerun()`` makes the second one when needed), or why not."""
    sk, tw = entry["sklearn"], entry["tunewise"]
    if sk["status"] != "ok":
        entry["verdict"] = f"sklearn {sk['status']}"
        return
    if tw["status"] != "ok":
        entry["verdict"] = f"tunewise {tw['status']}"
        return
    diffs = compare(sk, tw)
    entry["diffs"] = diffs
    entry["verdict"] = "match" if not diffs else "differ"
    if not diffs:
        return
    again = entry.get("sklearn-again")
    if again is None and rerun is not None:
        again = entry["sklearn-again"] = rerun()
    if again is None or again["status"] != "ok":
        return
    noise = set(compare(sk, again))
    entry["sklearn_vs_itself"] = sorted(noise)
    # An output line scikit-learn itself does not reproduce (a time in a table, a random draw) may hold
    # other numbers under tunewise too: such lines are compared with their digits masked.
    unstable = {_masked(d) for d in noise if d.startswith("output ")}
    # Likewise an attribute scikit-learn does not reproduce (best_params_ of a search over an unseeded
    # SGDClassifier) may hold other values under tunewise: compared by what differs, not by the values.
    unstable_fits = {_fit_key(d) for d in noise if d.startswith("fit ")}
    left = [d for d in diffs if d not in noise and not (d.startswith("output ") and _masked(d) in unstable)
            and not (d.startswith("fit ") and _fit_key(d) in unstable_fits)]
    entry["diffs_beyond_sklearn_noise"] = left
    if not left:
        entry["verdict"] = "match up to scikit-learn's own run-to-run variation"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", default="/tmp/sk_gallery/examples")
    parser.add_argument("--work", default="/tmp/sk_gallery/work")
    parser.add_argument("--out", default="/tmp/sk_gallery/results.json")
    parser.add_argument("--only", action="append", default=[], help="substring of the script's path")
    parser.add_argument("--mode", choices=("both", "sklearn", "tunewise"), default="both")
    parser.add_argument("--reuse-sklearn", help="a results JSON whose sklearn runs are taken instead of rerun")
    parser.add_argument("--swap", choices=("guide", "rename"), default="guide")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--extra-path", default="", help="prepended to PYTHONPATH in the children (packages an "
                        "example imports that the venv lacks, e.g. polars from pip install --target)")
    parser.add_argument("--summary", help="also write the verdicts, statuses and differences (no outputs, no "
                        "search summaries) to this JSON")
    parser.add_argument("--rescore", nargs="+", help="results JSONs to judge again (no runs; a script's entry in a "
                        "later file replaces an earlier one), written together to --out")
    args = parser.parse_args()
    if args.rescore:
        results = {}
        for path in args.rescore:
            results.update(json.loads(Path(path).read_text())["scripts"])
        results = dict(sorted(results.items()))
        for entry in results.values():
            if "sklearn" in entry and "tunewise" in entry:
                for key in ("diffs", "sklearn_vs_itself", "diffs_beyond_sklearn_noise"):
                    entry.pop(key, None)
                judge(entry)
        report(results, args)
        return

    examples, work = Path(args.examples), Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    (work / "_tw_gallery_dropin.py").write_text(textwrap.dedent(DROPIN if args.swap == "guide" else RENAME))
    (work / "_tw_gallery_runner.py").write_text(RUNNER % {"time_keys": sorted(TIME_KEYS)})
    reused = json.loads(Path(args.reuse_sklearn).read_text())["scripts"] if args.reuse_sklearn else {}

    results: dict[str, Any] = {}
    for script in find_scripts(examples):
        name = str(script.relative_to(examples))
        if args.only and not any(o in name for o in args.only):
            continue
        what, reason = classify(script)
        if what == "skip":
            results[name] = {"skipped": reason}
            print(f"SKIP  {name}: {reason}", flush=True)
            continue
        modes = ["sklearn", "tunewise"] if args.mode == "both" else [args.mode]
        if name in reused and "sklearn" in reused[name]:
            modes = [m for m in modes if m != "sklearn"]
        procs = {m: run_one(script, m, work, args.timeout, args.extra_path) for m in modes}  # at most 2 at a time
        entry = finish_all(procs)
        if name in reused and "sklearn" in reused[name] and "sklearn" not in entry:
            entry["sklearn"] = reused[name]["sklearn"]
        if name in reused and "sklearn-again" in reused[name]:
            entry["sklearn-again"] = reused[name]["sklearn-again"]
        if "sklearn" in entry and "tunewise" in entry:
            # Is scikit-learn itself reproducible where they differ? Run it once more and compare it with itself.
            judge(entry, lambda script=script: finish_all(
                {"sklearn-again": run_one(script, "sklearn-again", work, args.timeout, args.extra_path)}
            )["sklearn-again"])
        results[name] = entry
        line = "  ".join(f"{m}={e['status']}({e['seconds']}s, {len(e['fits'])} fits)" for m, e in entry.items()
                         if isinstance(e, dict) and "status" in e)
        print(f"RUN   {name}: {line}  -> {entry.get('verdict', '')}", flush=True)
        for m in ("sklearn", "tunewise"):
            if m in entry and entry[m]["status"] != "ok":
                print(f"      {m}: {entry[m]['error']}", flush=True)
        show(entry)
    report(results, args)


def show(entry: dict[str, Any]) -> None:
    for d in entry.get("diffs_beyond_sklearn_noise", entry.get("diffs", []))[:12]:
        print(f"      {d}", flush=True)
    if entry.get("sklearn_vs_itself"):
        print(f"      (scikit-learn differs from itself on a rerun: {len(entry['sklearn_vs_itself'])} diffs, "
              f"e.g. {entry['sklearn_vs_itself'][0]})", flush=True)


def report(results: dict[str, Any], args: argparse.Namespace) -> None:
    """The counts and the verdict of every script that ran; the JSON to --out."""
    import sklearn

    if args.rescore:
        for name, entry in results.items():
            if "verdict" in entry:
                print(f"{name}: {entry['verdict']}")
                show(entry)

    ran = {k: v for k, v in results.items() if "skipped" not in v}
    counts = {
        "scripts": len(results), "skipped": len(results) - len(ran), "ran": len(ran),
        "sklearn_ok": sum(v.get("sklearn", {}).get("status") == "ok" for v in ran.values()),
        "tunewise_ok": sum(v.get("tunewise", {}).get("status") == "ok" for v in ran.values()),
        "match": sum(v.get("verdict") == "match" for v in ran.values()),
        "match_up_to_sklearn_noise": sum(str(v.get("verdict", "")).startswith("match up to") for v in ran.values()),
    }
    print(json.dumps(counts))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"counts": counts, "swap": args.swap, "sklearn": sklearn.__version__,
                                          "scripts": results}, indent=1, default=repr))
    if args.summary:
        brief = {name: {key: ({k: v for k, v in value.items() if k in ("status", "seconds", "error")}
                              if isinstance(value, dict) and "status" in value else value)
                        for key, value in entry.items()} for name, entry in results.items()}
        Path(args.summary).write_text(json.dumps({"counts": counts, "swap": args.swap, "sklearn": sklearn.__version__,
                                                  "scripts": brief}, indent=1, default=repr) + "\n")


if __name__ == "__main__":
    main()
