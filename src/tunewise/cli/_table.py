"""Plain-text tables, as the listing commands print them."""

from __future__ import annotations

from typing import Any


def fmt(v: Any) -> str:
    """One cell: ``-`` for None, floats to 6 significant digits."""
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """``rows`` under ``headers``, each column as wide as its widest cell."""
    cells = [[fmt(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join(lines)
