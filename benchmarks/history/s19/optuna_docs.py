"""Run Optuna's tutorial scripts and docstring examples under Optuna and under tunewise (``import tunewise as optuna``).

Reads, from a bare mirror of github.com/optuna/optuna (``--mirror``):

* the 19 tutorial scripts, ``tutorial/10_key_features/*.py`` and ``tutorial/20_recipes/*.py`` (what
  Optuna's documentation site runs with sphinx-gallery), and
* every ``.. testcode::`` block in the docstrings of ``optuna/`` (what Optuna's ``make doctest`` runs),
  with the ``.. testsetup::`` / ``.. testcleanup::`` blocks of the same docstring around it.

Each one is written, with its budget shrunk where it trains a model (fewer trials, epochs, trees) and its
downloads replaced (FashionMNIST is scikit-learn's digits through the torchvision stand-in of
``benchmarks/history/s18/optuna_examples.py``), to ``--work`` and run in a subprocess under ``nice -n 5``:
once as written (``--mode optuna``, which checks the harness) and once with the imports changed as
docs/migrating-from-optuna.md tells a user to (``--mode tunewise``). Under tunewise, ``optuna`` and
``optuna_integration`` cannot be imported (both are blocked), so nothing passes by falling back on Optuna.
Where a tutorial's text states an outcome ("the study stopped after 7 trials"), the harness appends a check
of it, run in both modes.

    .venv/bin/python benchmarks/history/s19/optuna_docs.py --out /tmp/s19docs/results.json   # everything
    .venv/bin/python benchmarks/history/s19/optuna_docs.py --mode tunewise --only _tpe/
    git archive HEAD src | tar -x -C /tmp/s19docs/head && .venv/bin/python benchmarks/history/s19/optuna_docs.py \
        --mode tunewise --tunewise-src /tmp/s19docs/head/src --out /tmp/s19docs/results_after.json

``--extra`` is a ``pip install --no-deps --target`` folder (several, ``:``-separated) with the packages the
project's venv lacks: ``ase`` (012_artifact_tutorial) and ``fvcore``/``iopath``/``yacs``/``portalocker``/
``tabulate``/``termcolor`` (002_multi_objective).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import pathlib
import re
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "s18"))
from optuna_examples import BLOCK_OPTUNA, NO_SHOW, as_tunewise, write_standins  # noqa: E402

MIRROR = "/work/.mirror/optuna+optuna/repo"
TUTORIAL_DIRS = ("tutorial/10_key_features/", "tutorial/20_recipes/")


@dataclass
class Spec:
    patches: dict[str, str] = field(default_factory=dict)  # exact text -> replacement (must be present)
    check: str = ""  # appended code asserting what the tutorial's text says happens
    skip: str = ""  # why it is not run here
    timeout: int = 300
    after_tutorial: bool = False  # a code block that continues its tutorial: the tutorial runs first


TORCH_TUTORIAL = {
    "N_TRAIN_EXAMPLES = BATCHSIZE * 30": "N_TRAIN_EXAMPLES = BATCHSIZE * 4",
    "N_VALID_EXAMPLES = BATCHSIZE * 10": "N_VALID_EXAMPLES = BATCHSIZE * 3",
    "for epoch in range(10):": "for epoch in range(3):",
    "n_trials=30, timeout=300": "n_trials=8",
}
SGD_100 = {"n_train_iter = 100": "n_train_iter = 30"}  # the pruner examples' SGD epochs
RF_CV = {"RandomForestClassifier(\n": "RandomForestClassifier(\n        n_estimators=10,\n"}

SPECS: dict[str, Spec] = {
    "tutorial/10_key_features/001_first.py": Spec(check="assert abs(study.best_params['x'] - 2) < 0.5\n"),
    "tutorial/10_key_features/003_efficient_optimization_algorithms.py": Spec(
        check=(
            "assert type(optuna.create_study(sampler=optuna.samplers.CmaEsSampler()).sampler).__name__"
            " == 'CmaEsSampler'\n"
            "assert any(t.state == optuna.trial.TrialState.PRUNED for t in study.trials)\n"
        )
    ),
    "tutorial/10_key_features/004_distributed.py": Spec(check="assert len(study.trials) == 20\n"),
    "tutorial/10_key_features/005_visualization.py": Spec(patches=TORCH_TUTORIAL, timeout=600),
    "tutorial/20_recipes/001_rdb.py": Spec(check="assert len(study.trials) == 6 and len(df) == 6\n"),
    "tutorial/20_recipes/002_multi_objective.py": Spec(patches=TORCH_TUTORIAL, timeout=600),
    "tutorial/20_recipes/003_attributes.py": Spec(
        check=(
            "assert study_summaries[0].user_attrs == {'contributors': ['Akiba', 'Sano'], 'dataset': 'MNIST'}\n"
            "assert 'accuracy' in study.trials[0].user_attrs\n"
        )
    ),
    "tutorial/20_recipes/007_optuna_callback.py": Spec(check="assert len(study.trials) == 7\n"),
    "tutorial/20_recipes/008_specify_params.py": Spec(
        patches={"n_trials=100, timeout=600": "n_trials=6"},
        check="assert [t.params['bagging_freq'] for t in study.trials[:2]] == [0, 5] and len(study.trials) == 8\n",
    ),
    "tutorial/20_recipes/009_ask_and_tell.py": Spec(check="assert len(study.trials) == 30\n"),
    "tutorial/20_recipes/010_reuse_best_trial.py": Spec(
        check="assert len(detailed_objective(study.best_trial)) == 4\n"
    ),
    "tutorial/20_recipes/011_journal_storage.py": Spec(check="assert len(study.trials) == 3\n"),
    "tutorial/20_recipes/012_artifact_tutorial.py": Spec(timeout=600),
    "tutorial/20_recipes/013_wilcoxon_pruner.py": Spec(
        patches={
            "N_TRIALS = 50": "N_TRIALS = 8",
            "N_SA_ITER = 10000": "N_SA_ITER = 500",
            "num_vertex=100": "num_vertex=30",
        },
        check="assert num_evaluation < len(dataset) * N_TRIALS  # some trials stopped early\n",
    ),
    "tutorial/20_recipes/014_ablation_study_by_optuna.py": Spec(
        check="assert len(study.trials) == 60 and len(study_conditional.trials) == 100\n"
    ),
    # Code blocks inside the tutorials' text (what a reader copies), named tutorial#code-k.
    "tutorial/10_key_features/004_distributed.py#code-1": Spec(
        check=(
            "if __name__ == '__main__':  # 12 runs of 3 trials in 4 processes, one journal file\n"
            "    storage = JournalStorage(JournalFileBackend(file_path='./journal.log'))\n"
            "    study = optuna.load_study(study_name='journal_storage_multiprocess', storage=storage)\n"
            "    assert len(study.trials) == 36, len(study.trials)\n"
        ),
    ),
    "tutorial/10_key_features/004_distributed.py#code-2": Spec(
        skip="needs a MySQL server (the same code on SQLite is 20_recipes/001_rdb.py)"
    ),
    "tutorial/10_key_features/004_distributed.py#code-3": Spec(
        skip="starts a gRPC proxy server that serves until stopped"
    ),
    "tutorial/10_key_features/004_distributed.py#code-4": Spec(skip="a client of the gRPC proxy server of #code-3"),
    "tutorial/20_recipes/001_rdb.py#code-1": Spec(after_tutorial=True),
    "tutorial/20_recipes/012_artifact_tutorial.py#code-1": Spec(
        skip="pseudo-code (`... = trial.suggest_float(...)` is a SyntaxError)"
    ),
    "tutorial/20_recipes/012_artifact_tutorial.py#code-2": Spec(
        skip="pseudo-code (`... = trial.suggest_float(...)`), and needs S3 and MySQL"
    ),
    "tutorial/20_recipes/014_ablation_study_by_optuna.py#code-1": Spec(
        patches={"/shared/nfs/ablation_journal.log": "./ablation_journal.log"},
        check="assert len(study.trials) == 20  # every combination once (the objective's `...` fails each)\n",
    ),
    "tutorial/20_recipes/014_ablation_study_by_optuna.py#code-2": Spec(
        patches={"sqlite:////shared/nfs/ablation.db": "sqlite:///ablation.db"},
        check="assert len(study.trials) == 20\n",
    ),
    "tutorial/20_recipes/014_ablation_study_by_optuna.py#code-3": Spec(after_tutorial=True),
    # Docstring blocks, named file::object[#k].
    "optuna/exceptions.py::TrialPruned": Spec(),
    "optuna/terminator/callback.py::TerminatorCallback": Spec(
        patches={**RF_CV, "n_trials=50": "n_trials=30"}, timeout=600
    ),
    "optuna/terminator/terminator.py::Terminator": Spec(
        patches={**RF_CV, "while True:": "for _ in range(60):"}, timeout=600
    ),
}


@dataclass
class Item:
    name: str
    source: str
    spec: Spec


def git(mirror: str, *args: str) -> str:
    return subprocess.run(["git", "-C", mirror, *args], capture_output=True, text=True, check=True).stdout


DIRECTIVE = re.compile(r"^(\s*)\.\. (testsetup|testcode|testcleanup)::\s*(\S*)\s*$")


def docstring_blocks(doc: str) -> list[tuple[str, str]]:
    """The (kind, code) of each testsetup / testcode / testcleanup block in one docstring, in order."""
    lines, out, i = doc.expandtabs().splitlines(), [], 0
    while i < len(lines):
        match = DIRECTIVE.match(lines[i])
        i += 1
        if not match:
            continue
        indent, kind = len(match.group(1)), match.group(2)
        while i < len(lines) and re.match(r"^\s*:\w+:", lines[i]):  # directive options
            i += 1
        body = []
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
            body.append(lines[i])
            i += 1
        out.append((kind, textwrap.dedent("\n".join(body)).strip("\n") + "\n"))
    return out


def docstring_items(mirror: str, only: str) -> list[Item]:
    """One item per testcode block; its docstring's testsetup before it and testcleanup after it."""
    files = [line.split(":", 1)[1] for line in git(mirror, "grep", "-l", "testcode::", "HEAD", "--", "optuna").split()]
    items = []
    for path in sorted(files):
        tree = ast.parse(git(mirror, "show", f"HEAD:{path}"))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            doc = ast.get_docstring(node, clean=True) or ""
            blocks = docstring_blocks(doc)
            codes = [code for kind, code in blocks if kind == "testcode"]
            setup = "".join(code for kind, code in blocks if kind == "testsetup")
            cleanup = "".join(code for kind, code in blocks if kind == "testcleanup")
            owner = getattr(node, "name", "<module>")
            for k, code in enumerate(codes):
                name = f"{path}::{owner}" + (f"#{k + 1}" if len(codes) > 1 else "")
                if only in name:
                    items.append(Item(name, setup + "\n" + code + "\n" + cleanup, SPECS.get(name, Spec())))
    return items


def tutorial_items(mirror: str, only: str) -> list[Item]:
    paths = [
        p
        for p in git(mirror, "ls-tree", "-r", "--name-only", "HEAD").split()
        if p.startswith(TUTORIAL_DIRS) and p.endswith(".py") and only in p
    ]
    return [Item(p, git(mirror, "show", f"HEAD:{p}"), SPECS.get(p, Spec())) for p in sorted(paths)]


def first_error(stderr: str) -> str:
    """The exception line of the traceback; for a bare ``AssertionError``, the assert that failed too."""
    lines = [line.rstrip() for line in stderr.strip().splitlines() if line.strip()]
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b", line) or line.startswith("Timeout:"):
            if line == "AssertionError":
                asserts = [s.strip() for s in lines[:i] if s.strip().startswith("assert ")]
                line += ": " + (asserts[-1] if asserts else "")
            return line[:300]
    return lines[-1].strip()[:300] if lines else ""


CODE_BLOCK = re.compile(r"^(\s*)(\.\. code-block:: python|\S.*::)\s*$")


def tutorial_code_blocks(path: str, source: str) -> list[str]:
    """The Python code blocks in a tutorial's text: ``.. code-block:: python`` (in its docstring or its
    ``#`` comment blocks) and reST literal blocks (a paragraph ending in ``::``) in comment blocks."""
    blocks, lines, i = [], source.splitlines(), 0
    while i < len(lines):
        comment = lines[i].startswith("#")
        text = re.sub(r"^# ?", "", lines[i]) if comment else lines[i]
        match = CODE_BLOCK.match(text)
        i += 1
        is_literal = match and not match.group(2).startswith(".. code-block") and not re.search(r"\.\. [\w-]+::", text)
        if (
            not match
            or (not is_literal and not match.group(2).startswith(".. code-block"))
            or (is_literal and not comment)
        ):
            continue
        indent, body = len(match.group(1)), []
        while i < len(lines) and lines[i].startswith("#") == comment:
            line = re.sub(r"^# ?", "", lines[i]) if comment else lines[i]
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            body.append(line)
            i += 1
        code = textwrap.dedent("\n".join(body)).strip("\n")
        if code:
            blocks.append(code + "\n")
    return blocks


def snippet_items(mirror: str, only: str, tutorials: list[Item]) -> list[Item]:
    items = []
    for tutorial in tutorials:
        for k, code in enumerate(tutorial_code_blocks(tutorial.name, tutorial.source)):
            name = f"{tutorial.name}#code-{k + 1}"
            if only not in name:
                continue
            spec = SPECS.get(name, Spec())
            if spec.after_tutorial:
                source = prepare_source(tutorial) + "\n\n# harness: the code block, after its tutorial\n" + code
            else:
                source = code
            items.append(Item(name, source, spec))
    return items


def prepare_source(item: Item) -> str:
    """The item's source with its patches and check applied (imports unchanged)."""
    source = item.source
    for old, new in item.spec.patches.items():
        if old not in source:
            raise KeyError(f"{item.name}: patch text {old!r} not found")
        source = source.replace(old, new)
    if item.spec.check:
        source += "\n\n# harness: what the tutorial's text says happens\n" + item.spec.check
    return source


def prepare(item: Item, mode: str) -> str:
    source = prepare_source(item)
    prologue = NO_SHOW
    if mode == "tunewise":
        source, prologue = as_tunewise(source), BLOCK_OPTUNA + prologue
    lines = source.splitlines(keepends=True)
    at = max((i + 1 for i, line in enumerate(lines) if line.startswith("from __future__")), default=0)
    if at:  # a leading docstring and __future__ import must stay first
        return "".join(lines[:at]) + prologue + "".join(lines[at:])
    return prologue + source


def run(
    item: Item, mode: str, work: pathlib.Path, extra: str, python: str, tunewise_src: str = ""
) -> dict[str, object]:
    here = work / mode / re.sub(r"[^\w.-]+", "__", item.name)  # folder names without "#" or "?"
    here.mkdir(parents=True, exist_ok=True)
    for old in here.iterdir():  # a clean folder: the examples refuse to overwrite example.db
        if old.is_file():
            old.unlink()
    script = here / "script.py"
    script.write_text(prepare(item, mode))
    path_entries = [str(work.resolve() / "standins"), *(os.path.abspath(p) for p in extra.split(":") if p)]
    if tunewise_src:
        path_entries.insert(0, os.path.abspath(tunewise_src))
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(path_entries),
        MPLBACKEND="Agg",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONWARNINGS="ignore",
    )
    start = time.monotonic()
    try:
        proc = subprocess.run(
            ["nice", "-n", "5", python, script.name],
            cwd=here,
            env=env,
            capture_output=True,
            text=True,
            timeout=item.spec.timeout,
        )
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out, err = -9, str(exc.stdout or ""), str(exc.stderr or "") + f"\nTimeout: over {item.spec.timeout} s"
    (here / "stdout.txt").write_text(out)
    (here / "stderr.txt").write_text(err)
    return {
        "ok": rc == 0,
        "rc": rc,
        "seconds": round(time.monotonic() - start, 1),
        "error": "" if rc == 0 else first_error(err),
    }


GROUPS = ("Tutorials", "Tutorial code blocks", "Docstring testcode blocks")


def group_of(name: str) -> str:
    if not name.startswith("tutorial/"):
        return GROUPS[2]
    return GROUPS[1] if "#code-" in name else GROUPS[0]


def table(optuna_json: str, before_json: str, after_json: str, causes: dict[str, str]) -> str:
    """Markdown tables (tutorials, docstring blocks): each item under Optuna, tunewise before and after."""
    runs = [json.loads(pathlib.Path(p).read_text()) for p in (optuna_json, before_json, after_json)]
    modes = ("optuna", "tunewise", "tunewise")

    def cell(entry: dict[str, object], mode: str) -> str:
        result = entry.get(mode)
        if not isinstance(result, dict):
            return "not run"
        if result["ok"]:
            return f"ok ({result['seconds']} s)"
        return "FAIL: " + str(result["error"]).replace("|", "\\|")[:140]

    out = []
    for title in GROUPS:
        names = sorted(k for k in runs[2] if k != "commit" and group_of(k) == title)
        lines = [f"| {title.lower()} | Optuna 5.1 | tunewise before | tunewise after | note |", "|---|---|---|---|---|"]
        counts, n_run = [0, 0, 0], 0
        for name in names:
            entries = [r.get(name) or {} for r in runs]
            if "skip" in entries[2]:
                lines.append(f"| {name} | skipped | skipped | skipped | {entries[2]['skip']} |")
                continue
            n_run += 1
            cells = [cell(e, m) for e, m in zip(entries, modes)]
            for i, c in enumerate(cells):
                counts[i] += c.startswith("ok")
            lines.append(f"| {name} | {' | '.join(cells)} | {causes.get(name, '')} |")
        out.append(
            f"### {title}\n\n{n_run} run, {len(names) - n_run} skipped. Passed: Optuna {counts[0]}/{n_run}, "
            f"tunewise before {counts[1]}/{n_run}, tunewise after {counts[2]}/{n_run}.\n\n" + "\n".join(lines) + "\n"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--mirror", default=MIRROR)
    parser.add_argument("--work", default="/tmp/s19docs/run")
    parser.add_argument("--extra", default="/tmp/s19docs/extra:/tmp/optuna_examples/extra")
    parser.add_argument("--mode", choices=("optuna", "tunewise", "both"), default="both")
    parser.add_argument("--only", default="", help="run the items whose name contains this text")
    parser.add_argument("--out", default="", help="merge the results into this JSON file")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--resume", action="store_true", help="keep the results --out already has")
    parser.add_argument("--list", action="store_true", help="print the item names and stop")
    parser.add_argument(
        "--tunewise-src",
        default="",
        help="a src/ folder whose tunewise is imported instead of the installed one (a commit's, from git archive)",
    )
    parser.add_argument("--table", nargs=3, metavar=("OPTUNA_JSON", "BEFORE_JSON", "AFTER_JSON"))
    parser.add_argument("--causes", default="", help="JSON file: item name -> note (with --table)")
    args = parser.parse_args()
    if args.table:
        causes = json.loads(pathlib.Path(args.causes).read_text()) if args.causes else {}
        print(table(*args.table, causes))
        return
    work = pathlib.Path(args.work)
    write_standins(work / "standins")
    tutorials = tutorial_items(args.mirror, "")
    items = (
        [t for t in tutorials if args.only in t.name]
        + snippet_items(args.mirror, args.only, tutorials)
        + docstring_items(args.mirror, args.only)
    )
    if args.list:
        print("\n".join(item.name for item in items))
        return
    results: dict[str, object] = {}
    if args.out and pathlib.Path(args.out).exists():
        results = json.loads(pathlib.Path(args.out).read_text())
    results["commit"] = git(args.mirror, "rev-parse", "HEAD").strip()
    modes = ("optuna", "tunewise") if args.mode == "both" else (args.mode,)
    for item in items:
        entry = dict(results.get(item.name) or {})  # type: ignore[call-overload]
        if item.spec.skip:
            entry = {"skip": item.spec.skip}
        for mode in () if item.spec.skip else modes:
            if args.resume and mode in entry:
                continue
            entry[mode] = run(item, mode, work, args.extra, args.python, args.tunewise_src)
            print(
                f"{item.name:60s} {mode:9s} {'ok ' if entry[mode]['ok'] else 'FAIL'} "
                f"{entry[mode]['seconds']:6.1f}s {entry[mode]['error']}",
                flush=True,
            )
        results[item.name] = entry
        if args.out:
            pathlib.Path(args.out).write_text(json.dumps(results, indent=1, sort_keys=True))
    for mode in modes:
        for part in GROUPS:
            entries = [v for k, v in results.items() if isinstance(v, dict) and group_of(k) == part and "skip" not in v]
            ok = sum(1 for v in entries if v.get(mode, {}).get("ok"))
            print(f"{mode}: {part} {ok}/{len(entries)}")


if __name__ == "__main__":
    main()
