"""MkDocs hook: fills the examples page with a table generated from examples/*.py docstrings,
so the page never falls behind the scripts CI runs."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- examples-table -->"


def examples_table() -> str:
    rows = ["| example | what it shows |", "|---|---|"]
    for path in sorted((ROOT / "examples").glob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        first = " ".join(doc.strip().split("\n\n")[0].split()).replace("|", "/")
        rows.append(f"| `{path.name}` | {first} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, **_: Any) -> str:
    return markdown.replace(MARKER, examples_table()) if MARKER in markdown else markdown
