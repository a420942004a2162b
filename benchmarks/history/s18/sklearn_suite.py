"""Run scikit-learn's own search tests against tunewise's SearchCV.

Copies ``sklearn/model_selection/tests/test_search.py`` from the installed scikit-learn into a
work directory, makes the names ``GridSearchCV`` and ``RandomizedSearchCV`` inside it resolve to
thin adapters that build ``tunewise.integrations.sklearn.SearchCV`` the way the migration guide
(docs/migrating/scikit-learn.md) tells a user to switch: ``SearchCV(est, param_grid=...)`` and
``SearchCV(est, param_distributions=..., n_iter=...)``, every other argument passed as given.
Everything else in the file (HalvingGridSearchCV, ParameterGrid, ...) stays scikit-learn's.

``--halving`` does the same with ``test_successive_halving.py``: ``HalvingGridSearchCV`` and
``HalvingRandomSearchCV`` become ``SearchCV(est, param_grid=..., strategy="halving", ...)`` and
``SearchCV(est, param_distributions=..., strategy="halving", ...)`` (the guide's section on
successive halving); its private helpers (``_SubsampleMetaSplitter``, ``_top_k``) stay scikit-learn's.

    .venv/bin/python benchmarks/history/s18/sklearn_suite.py [--workdir /tmp/sk_suite] [--baseline]
        [--halving] [--only-adapted] [--strip-extras] [-- extra pytest args]

``--baseline`` runs the unmodified copy (scikit-learn's classes) the same way, to tell failures
of the environment from failures of SearchCV. The summary lists every failed test id with the
first line of its error; --only-adapted keeps the tests whose source names the adapted classes.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ADAPTERS = '''
# ---- tunewise harness: GridSearchCV / RandomizedSearchCV are tunewise's SearchCV --------
from sklearn.model_selection import GridSearchCV as _SkGridSearchCV  # noqa: E402
from sklearn.model_selection import RandomizedSearchCV as _SkRandomizedSearchCV  # noqa: E402
from tunewise.integrations.sklearn import SearchCV as _TwSearchCV  # noqa: E402


def GridSearchCV(estimator, param_grid, **kwargs):
    """GridSearchCV(estimator, param_grid, ...) as the migration guide writes it."""
    return _TwSearchCV(estimator, param_grid=param_grid, **kwargs)


def RandomizedSearchCV(estimator, param_distributions, *, n_iter=10, **kwargs):
    """RandomizedSearchCV(estimator, param_distributions, n_iter=10, ...) as the migration guide writes it."""
    return _TwSearchCV(estimator, param_distributions=param_distributions, n_iter=n_iter, **kwargs)
'''

HALVING_ADAPTERS = '''
# ---- tunewise harness: HalvingGridSearchCV / HalvingRandomSearchCV are tunewise's SearchCV ----
from tunewise.integrations.sklearn import SearchCV as _TwSearchCV  # noqa: E402


def HalvingGridSearchCV(estimator, param_grid, **kwargs):
    """HalvingGridSearchCV(estimator, param_grid, ...) as the migration guide writes it."""
    return _TwSearchCV(estimator, param_grid=param_grid, strategy="halving", **kwargs)


def HalvingRandomSearchCV(estimator, param_distributions, **kwargs):
    """HalvingRandomSearchCV(estimator, param_distributions, ...) as the migration guide writes it."""
    return _TwSearchCV(estimator, param_distributions=param_distributions, strategy="halving", **kwargs)
'''

# The suites: scikit-learn's test file, the names the adapters replace, the adapters.
SUITES = {
    "search": ("test_search.py", ("GridSearchCV", "RandomizedSearchCV"), ADAPTERS),
    "halving": ("test_successive_halving.py", ("HalvingGridSearchCV", "HalvingRandomSearchCV"), HALVING_ADAPTERS),
}


# --strip-extras: the same adapters, with the two keys tunewise adds to cv_results_ (state,
# trial_number) removed after fit, to see whether anything else hides behind a key-set check.
STRIP_EXTRAS = '''

class _TwSearchCVWithoutExtras(_TwSearchCV):
    def fit(self, *args, **kwargs):
        super().fit(*args, **kwargs)
        for key in ("state", "trial_number"):
            self.cv_results_.pop(key, None)
        return self


_TwSearchCV = _TwSearchCVWithoutExtras  # noqa: F811
'''


def build(workdir: Path, baseline: bool, strip_extras: bool = False, suite: str = "search") -> Path:
    import sklearn

    filename, replaced, adapters = SUITES[suite]
    source = Path(sklearn.__file__).parent / "model_selection" / "tests" / filename
    text = source.read_text()
    if not baseline:
        # Drop the two names from the `from sklearn.model_selection import (...)` block and
        # define them after the imports (before the first class of the module).
        block = re.search(r"from sklearn\.model_selection import \(\n(.*?)\)\n", text, re.S)
        assert block, f"the import block of {filename} changed"
        names = block.group(1)
        kept = "".join(line + "\n" for line in names.splitlines()
                       if line.strip().rstrip(",") not in replaced)
        text = text[: block.start(1)] + kept + text[block.end(1):]
        first_def = re.search(r"^(class |def |@)", text, re.M)
        assert first_def
        extras = STRIP_EXTRAS if strip_extras else ""
        first_adapter = f"\n\ndef {replaced[0]}"
        adapters = adapters.replace(first_adapter, extras + first_adapter)
        text = text[: first_def.start()] + adapters + "\n\n" + text[first_def.start():]
    workdir.mkdir(parents=True, exist_ok=True)
    stem = Path(filename).stem
    target = workdir / (f"{stem}_sklearn.py" if baseline else
                        f"{stem}_tunewise_stripped.py" if strip_extras else f"{stem}_tunewise.py")
    target.write_text(text)
    return target


def adapted_tests(path: Path, names: tuple[str, ...] = ("GridSearchCV", "RandomizedSearchCV")) -> set[str]:
    """Names of the test functions whose source (decorators included) mentions one of ``names``."""
    src = path.read_text()
    lines = src.splitlines()
    pattern = re.compile(r"\b(" + "|".join(names) + r")\b")
    out = set()
    for node in ast.parse(src).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if pattern.search("\n".join(lines[first - 1: node.end_lineno])):
                out.add(node.name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", default="/tmp/sk_suite")
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--halving", action="store_true",
                        help="run test_successive_halving.py (HalvingGridSearchCV / HalvingRandomSearchCV)")
    parser.add_argument("--only-adapted", action="store_true")
    parser.add_argument("--strip-extras", action="store_true",
                        help="drop cv_results_'s state and trial_number (tunewise's additions) after fit")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    suite = "halving" if args.halving else "search"
    target = build(workdir, args.baseline, args.strip_extras, suite)
    junit = workdir / (target.stem + ".xml")
    cmd = [sys.executable, "-m", "pytest", str(target), "-p", "sklearn.conftest", "-q", "-p", "no:cacheprovider",
           "-o", "addopts=", "--rootdir", str(workdir), f"--junitxml={junit}", "-W", "ignore::DeprecationWarning",
           *args.pytest_args]
    print(" ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=workdir, stdout=subprocess.DEVNULL)
    adapted = adapted_tests(target, SUITES[suite][1])
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    failures = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = case.get("name", "")
        base = name.split("[")[0]
        if args.only_adapted and base not in adapted:
            continue
        bad = case.find("failure") if case.find("failure") is not None else case.find("error")
        if bad is not None:
            counts["failed"] += 1
            first = (bad.get("message") or "").strip().splitlines()
            failures.append((name, first[0][:160] if first else ""))
        elif case.find("skipped") is not None:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    n_adapted = sum(1 for case in ET.parse(junit).getroot().iter("testcase")
                    if case.get("name", "").split("[")[0] in adapted)
    print(f"{target.name}: passed {counts['passed']}, failed {counts['failed']}, skipped {counts['skipped']} "
          f"({n_adapted} test cases name the adapted classes)")
    for name, msg in failures:
        print(f"FAILED {name}: {msg}")


if __name__ == "__main__":
    main()
