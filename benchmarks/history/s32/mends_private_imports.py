"""List the imports of another tunewise package's private module or name, file by file (s32 mends).

The rule is tests/test_layering.py's ``own_privates_only`` (its ``_foreign_private_imports``), applied
to every file of ``src/tunewise``; a top-level module (``study.py``) counts as its own package.
Usage, from the repository root:

    .venv/bin/python benchmarks/history/s32/mends_private_imports.py            # this tree
    .venv/bin/python benchmarks/history/s32/mends_private_imports.py /tmp/base  # a checkout of another commit
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests"))
from test_layering import _foreign_private_imports  # noqa: E402


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    src = root / "src" / "tunewise"
    names = statements = 0
    for f in sorted(src.rglob("*.py")):
        rel = f.relative_to(src.parent)
        own = rel.parts[1] if len(rel.parts) >= 3 else rel.parts[1][:-3]
        found = _foreign_private_imports(ast.parse(f.read_text()), own)
        names += len(found)
        statements += len({line for line, _ in found})
        for line, module in found:
            print(f"{rel}:{line}: {module}")
    print(f"{names} names in {statements} import statements")


if __name__ == "__main__":
    main()
