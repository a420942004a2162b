"""Looking at studies: a self-contained HTML report and a live web dashboard.

>>> import tunewise as tw
>>> callable(tw.insight.write_report) and callable(tw.insight.create_app)
True

- :func:`write_report` writes one HTML file (summary, best trial, plots, trial table) that
  opens offline; the CLI is ``tunewise report STUDY --storage URL -o report.html``.
- :func:`serve` runs the dashboard (``tunewise dashboard --storage URL``): every study of a
  storage, plots and a paged trial table, updating live while workers write; read-only,
  on 127.0.0.1 unless told otherwise, with an optional token. :func:`create_app` returns the
  ASGI app for embedding or testing.

The plots themselves are :mod:`tunewise.plots` and importances :mod:`tunewise.importance`
(their code lives here, in ``_plots/`` and ``_importance.py``).
The dashboard needs ``pip install "tunewise[dashboard]"`` (fastapi, uvicorn, plotly).
"""

from __future__ import annotations

from tunewise.insight._dashboard import create_app, serve
from tunewise.insight._report import write_report

__all__ = ["create_app", "serve", "write_report"]
