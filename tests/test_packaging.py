"""The wheel users install carries what the source tree promises: every module, the ``py.typed``
marker (without it, users' type checkers ignore every annotation; PEP 561), the dashboard and
report pages, and the license.

The wheel is built offline from a copy of the checkout (pip, no build isolation, no index), so
the test never downloads anything and never writes build files into the working tree.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds and installs a wheel: a few seconds

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "tunewise"


def _can_build_offline() -> str | None:
    """Why the wheel cannot be built without downloads here, or None if it can."""
    if importlib.util.find_spec("setuptools") is None:
        return "building the wheel needs setuptools>=64 installed (pip install setuptools)"
    import setuptools

    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    # setuptools builds wheels by itself from 70.1 on; before that it needs the wheel package.
    if (major, minor) < (70, 1) and importlib.util.find_spec("wheel") is None:
        return f"setuptools {setuptools.__version__} needs the wheel package to build wheels"
    return None


def _expected_files() -> set[str]:
    """Paths (relative to site-packages) the wheel must hold: every module, every page asset, py.typed."""
    files = {p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    files |= {p for p in PACKAGE.rglob("*") if p.is_file() and "_static" in p.parts}
    files.add(PACKAGE / "py.typed")
    return {p.relative_to(PACKAGE.parent).as_posix() for p in files}


def _pip(*args: str, cwd: Path) -> None:
    env = dict(os.environ, PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    out = subprocess.run([sys.executable, "-m", "pip", *args], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=240)
    assert out.returncode == 0, f"pip {args[0]} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = _can_build_offline()
    if reason is not None:
        pytest.skip(reason)
    checkout = tmp_path_factory.mktemp("checkout")
    for name in ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", "setup.py", "setup.cfg"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, checkout / name)
    shutil.copytree(PACKAGE, checkout / "src" / "tunewise",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    dist = tmp_path_factory.mktemp("dist")
    _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(dist), ".", cwd=checkout)
    (built,) = dist.glob("tunewise-*.whl")
    return built


def test_the_wheel_ships_py_typed_the_page_assets_and_every_module(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_expected_files() - names)
    assert not missing, f"{wheel.name} lacks {missing}"
    assert "tunewise/py.typed" in names
    assert {"tunewise/insight/_static/dashboard.html", "tunewise/insight/_static/report.html"} <= names
    assert any(n.startswith("tunewise-") and ".dist-info/" in n and n.rsplit("/", 1)[-1] == "LICENSE"
               for n in names), f"no LICENSE in the wheel's metadata: {sorted(n for n in names if 'dist-info' in n)}"


def test_the_installed_wheel_is_typed_and_finds_its_pages(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    _pip("install", "--no-deps", "--no-index", "-q", "--target", str(target), str(wheel), cwd=tmp_path)
    probe = (
        "import importlib.resources as r, json, tunewise\n"
        "root = r.files('tunewise')\n"
        "print(json.dumps({'file': tunewise.__file__, 'typed': (root / 'py.typed').is_file(),\n"
        "                  'pages': sorted(p.name for p in (root / 'insight' / '_static').iterdir())}))\n"
    )
    # The installed copy, not the checkout: PYTHONPATH comes before the editable install's path.
    env = dict(os.environ, PYTHONPATH=str(target))
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(found["file"]).resolve().is_relative_to(target.resolve()), found["file"]
    assert found["typed"] is True
    assert sorted(p.name for p in (PACKAGE / "insight" / "_static").iterdir()) == found["pages"]
