"""The live dashboard: a read-only web app over a storage (FastAPI + uvicorn).

Pages are plain HTML/JS served by the app (plotly.js from the plotly package, no CDN); they
use the JSON API below, which is also there for scripts:

- ``GET /api/studies`` - every study with counts and best value
- ``GET /api/studies/{name}`` - summary: counts by state, best trial, parameters, strategy
- ``GET /api/studies/{name}/trials?after=N&limit=L`` - incremental feed: trials numbered > N
- ``GET /api/studies/{name}/trials?offset=&limit=&sort=&order=&state=&filter=`` - a table page
- ``GET /api/studies/{name}/plots/{kind}`` - a plotly figure as JSON
- ``GET /api/studies/{name}/importance`` - parameter importances

Security: binds 127.0.0.1 unless told otherwise; answers only requests whose ``Host`` header names
an allowed host (127.0.0.1, localhost, [::1] or the bound address, at the bound port, plus
``allowed_hosts``): a web page that rebinds its own DNS name to 127.0.0.1 gets a 400, not the
studies (DNS rebinding); only GET (and HEAD); with a token every request must
carry it (``Authorization: Bearer T``, ``X-Tunewise-Token: T`` or ``?token=T``); the pages
insert user data only as text (never as HTML) and a Content-Security-Policy forbids inline
scripts; errors are JSON ``{"error": ...}`` with a 4xx status, never a traceback.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import socket
import threading
import time
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tunewise.exceptions import StorageError, StudyNotFoundError
from tunewise.insight._views import STATES, BadRequest, StudyView, json_number
from tunewise.storage import BaseStorage, get_storage

_log = logging.getLogger("tunewise.dashboard")

PLOT_KINDS = ("history", "pareto", "hypervolume", "importance", "parallel", "contour", "slice", "intermediate",
              "timeline", "edf", "lineage")
MAX_PAGE = 500
MAX_FEED = 5000
# Above this many trials the dashboard ranks importance on a seeded subset: the ranking is
# stable and the page answers in about a second instead of a minute.
IMPORTANCE_MAX_TRIALS = 2000
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_WILDCARD_BINDS = ("0.0.0.0", "::", "")
_HOST_NAME = re.compile(r"[a-z0-9_.:%-]+")
_PORT = re.compile(r"[0-9]{1,5}")


def _parse_host(value: str) -> tuple[str, int | None]:
    """Split a Host header (or an allowed-host entry) into its lowercase name and its port.

    ``"Dash.example.org:8080"`` gives ``("dash.example.org", 8080)``, ``"[::1]:80"`` gives
    ``("::1", 80)``, ``"::1"`` gives ``("::1", None)``; anything else raises ValueError.
    """
    v = value.strip().lower()
    port_text: str | None = None
    if v.startswith("["):
        end = v.find("]")
        if end < 0 or (v[end + 1:] and not v[end + 1:].startswith(":")):
            raise ValueError(value)
        name = v[1:end]
        port_text = v[end + 2:] if v[end + 1:] else None
    elif v.count(":") == 1:
        name, port_text = v.split(":")
    else:  # a name, an IPv4 address or a bare IPv6 address
        name = v
    name = name.rstrip(".")  # "localhost." is localhost
    if not name or not _HOST_NAME.fullmatch(name):
        raise ValueError(value)
    if port_text is None:
        return name, None
    if not _PORT.fullmatch(port_text) or int(port_text) > 65535:
        raise ValueError(value)
    return name, int(port_text)


def _show_host(name: str, port: int | None) -> str:
    shown = f"[{name}]" if ":" in name else name
    return shown if port is None else f"{shown}:{port}"


class _HostAllowlist:
    """The Host headers the dashboard answers: the defence against DNS rebinding.

    A page on ``evil.example`` whose DNS name is rebound to 127.0.0.1 can make the browser
    send requests to the dashboard, but they carry ``Host: evil.example``. Each entry is a
    name or address, with a port (only that port) or without (any port); ``"*"`` turns the
    check off (only behind a proxy that checks Host itself).
    """

    def __init__(self, entries: Iterable[str]) -> None:
        if isinstance(entries, str):
            raise TypeError(f"allowed_hosts must be a list of host names, got the string {entries!r}")
        self.any = False
        self.entries: list[tuple[str, int | None]] = []
        for e in entries:
            if not isinstance(e, str):
                raise TypeError(f"allowed_hosts entries must be strings, got {e!r}")
            if e.strip() == "*":
                self.any = True
                continue
            try:
                parsed = _parse_host(e)
            except ValueError:
                raise ValueError(
                    f"allowed_hosts: {e!r} is not a host name or address with an optional port; write e.g. "
                    "'dash.example.org', 'dash.example.org:8080', '192.168.1.5' or '[::1]:8080' ('*' allows any)"
                ) from None
            if parsed not in self.entries:
                self.entries.append(parsed)
        if not self.any and not self.entries:
            raise ValueError("allowed_hosts is empty: the dashboard would refuse every request; "
                             "name at least one host (or '*' for any)")

    def describe(self) -> str:
        return "any host" if self.any else ", ".join(_show_host(n, p) for n, p in self.entries)

    def refusal(self, headers: list[str], scheme: str) -> str | None:
        """None when the request may be answered, else the reason it is refused."""
        if self.any:
            return None
        if len(headers) != 1:
            which = "no Host header" if not headers else f"{len(headers)} Host headers"
            return f"the request has {which}; the dashboard answers requests addressed to {self.describe()}"
        try:
            name, port = _parse_host(headers[0])
        except ValueError:
            return f"the Host header {headers[0][:200]!r} is not a host name with an optional port"
        effective = port if port is not None else (443 if scheme in ("https", "wss") else 80)
        if any(name == n and (p is None or p == effective) for n, p in self.entries):
            return None
        return (
            f"the dashboard does not answer to Host {_show_host(name, port)[:200]!r}: it answers to "
            f"{self.describe()}. Other names are refused to block DNS-rebinding attacks; if you reach the "
            f"dashboard under this name, start it with --allowed-host {_show_host(name, port)[:200]} "
            "(allowed_hosts=[...] in Python)"
        )


def bound_hosts(host: str, port: int) -> list[str]:
    """The Host headers a dashboard listening on ``host:port`` answers by default.

    The loopback names and the address it was bound to, at that port (any port when the
    system picks it, ``port=0``); on a wildcard address (``0.0.0.0``, ``::``) also the
    machine's host name. Other names and addresses (a LAN address, a proxy's name) are
    passed as ``allowed_hosts``.

    >>> bound_hosts("127.0.0.1", 8080)
    ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']
    """
    bound = host.strip().strip("[]").lower().rstrip(".")
    names = list(LOOPBACK_HOSTS)
    if bound in _WILDCARD_BINDS:
        names.append(socket.gethostname().lower())
    if bound:
        names.append(bound)
    out: list[str] = []
    for n in names:
        try:
            ipaddress.ip_address(n)
        except ValueError:
            if not _HOST_NAME.fullmatch(n):
                continue  # a host name we could not write in a Host header
        shown = _show_host(n, port or None)
        if shown not in out:
            out.append(shown)
    return out


def _require_web() -> Any:
    try:
        import fastapi
        import uvicorn  # noqa: F401
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError('the dashboard needs fastapi and uvicorn: pip install "tunewise[dashboard]"') from e
    return fastapi


def static_dir() -> Path:
    return Path(str(resources.files("tunewise.insight") / "_static"))


def plotly_js_path() -> Path:
    try:
        import plotly
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError('the dashboard needs plotly: pip install "tunewise[plots]"') from e
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.exists():  # pragma: no cover - a broken plotly install
        raise FileNotFoundError(f"plotly.min.js not found in the plotly package at {path}")
    return path


def _mask_url(url: str | None) -> str:
    import re

    if not url:
        return "in-memory storage"
    return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", url)


class _Registry:
    """One StudyView per study, shared by every request, and a throttled study list."""

    def __init__(self, storage: BaseStorage, min_interval: float) -> None:
        self.storage = storage
        self.min_interval = min_interval
        self.lock = threading.Lock()
        self.views: dict[str, StudyView] = {}
        self._studies: list[dict[str, Any]] = []
        self._studies_next = 0.0
        self._importance: dict[str, tuple[int, float, dict[str, float] | str]] = {}

    def view(self, name: str) -> StudyView:
        with self.lock:
            v = self.views.get(name)
            if v is None:
                v = StudyView(self.storage, name, min_interval=self.min_interval)
                self.views[name] = v
        try:
            v.refresh()
        except StudyNotFoundError:
            with self.lock:
                self.views.pop(name, None)
            raise
        return v

    def studies(self) -> list[dict[str, Any]]:
        with self.lock:
            now = time.monotonic()
            if now >= self._studies_next:
                t0 = time.monotonic()
                out = []
                for s in self.storage.get_all_studies():
                    out.append({
                        "name": s.name,
                        "directions": s.directions,
                        "n_trials": s.n_trials,
                        "n_complete": s.n_complete,
                        "best_value": json_number(s.best_value),
                        "datetime_start": s.datetime_start,
                    })
                out.sort(key=lambda d: -(d["datetime_start"] or 0))
                self._studies = out
                self._studies_next = time.monotonic() + max(self.min_interval, 5 * (time.monotonic() - t0))
            return self._studies

    def importance(self, view: StudyView) -> dict[str, float] | str:
        """Importances, recomputed only when the study grew by a tenth or a minute passed."""
        from tunewise.insight._importance import param_importances

        n = view.counts["COMPLETE"]
        cached = self._importance.get(view.study_name)
        if cached is not None:
            n0, t0, previous = cached
            if n < n0 * 1.1 + 5 and time.monotonic() - t0 < 60:
                return previous
        result: dict[str, float] | str
        try:
            result = param_importances(
                view, evaluator="fanova", seed=0, max_trials=IMPORTANCE_MAX_TRIALS, n_trees=32)
        except ValueError as e:
            result = str(e)
        self._importance[view.study_name] = (n, time.monotonic(), result)
        return result


def _figure(view: StudyView, kind: str, registry: _Registry) -> Any:
    from tunewise.insight import _plots as plots

    multi = len(view.directions) > 1
    kw: dict[str, Any] = {}
    if multi:
        kw = {"target": lambda t: t.values[0], "target_name": f"Objective 0 ({view.directions[0]})"}
    if kind == "history":
        return plots.optimization_history(view, **kw)
    if kind in ("pareto", "hypervolume"):
        from tunewise.insight._report import _multi_objective_figure

        return _multi_objective_figure(plots, view, kind)
    if kind == "importance":
        if multi:
            from tunewise.insight._plots._data import empty_figure

            return empty_figure("Parameter importance", "Importance is shown for single-objective studies")
        imp = registry.importance(view)
        if isinstance(imp, str):
            from tunewise.insight._plots._data import empty_figure

            return empty_figure("Parameter importance", imp)
        return plots.param_importances(view, importances=imp)
    if kind == "parallel":
        return plots.parallel_coordinate(view, max_points=2000, **kw)
    if kind == "contour":
        return plots.contour(view, max_points=1500, **kw)
    if kind == "slice":
        return plots.slice(view, max_points=2000, **kw)
    if kind == "intermediate":
        return plots.intermediate_values(view, max_points=20000)
    if kind == "timeline":
        return plots.timeline(view, max_trials=5000)
    if kind == "edf":
        return plots.edf(view, **kw)
    return plots.pbt_lineage(view, max_trials=1000)


def _int_param(value: str | None, name: str, default: int, lo: int, hi: int | None = None) -> int:
    if value is None or value == "":
        return default
    try:
        v = int(value)
    except ValueError:
        raise BadRequest(f"{name} must be an integer, got {value!r}") from None
    if v < lo or (hi is not None and v > hi):
        rng = f">= {lo}" if hi is None else f"between {lo} and {hi}"
        raise BadRequest(f"{name} must be {rng}, got {v}")
    return v


def create_app(
    storage: str | BaseStorage,
    *,
    token: str | None = None,
    poll_interval: float = 2.0,
    min_refresh: float = 1.0,
    allowed_hosts: Iterable[str] | None = None,
) -> Any:
    """The dashboard as an ASGI app (FastAPI), for ``uvicorn`` or a test client.

    ``storage`` is a URL or a storage object; ``token`` (optional) is then required on
    every request; ``poll_interval`` is how often pages poll for new trials, and
    ``min_refresh`` the least time between two reads of one study from the storage.
    ``allowed_hosts`` are the ``Host`` headers answered (``"name"``, ``"name:port"``,
    ``"[::1]:8080"``, or ``"*"`` for any); every other request gets a 400, which defeats DNS
    rebinding. The default is the loopback names at any port (``serve`` narrows it to the
    bound address and port); a test client must then address ``http://127.0.0.1``.

    >>> import tunewise as tw
    >>> from tunewise.insight import create_app
    >>> store = tw.storage.InMemoryStorage()
    >>> _ = tw.create_study(name="demo", storage=store)
    >>> app = create_app(store)
    >>> sorted(r.path for r in app.routes if r.path.startswith("/api/studies"))[:2]
    ['/api/studies', '/api/studies/{name:path}']
    """
    fastapi = _require_web()
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
    from starlette.exceptions import HTTPException as StarletteHTTPException

    if token is not None and (not isinstance(token, str) or not token):
        raise ValueError(f"token must be a non-empty string or None, got {token!r}")
    if not isinstance(poll_interval, (int, float)) or poll_interval <= 0:
        raise ValueError(f"poll_interval must be a positive number of seconds, got {poll_interval!r}")
    hosts = _HostAllowlist(LOOPBACK_HOSTS if allowed_hosts is None else allowed_hosts)
    store = get_storage(storage)
    registry = _Registry(store, float(min_refresh))
    static = static_dir()
    plotly_js = plotly_js_path()
    storage_label = _mask_url(store.url if hasattr(store, "url") else None)

    app = fastapi.FastAPI(title="tunewise dashboard", docs_url=None, redoc_url=None, openapi_url=None)

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)

    @app.middleware("http")
    async def guard(request: Any, call_next: Any) -> Any:
        # The Host check comes first: it holds on every route, with a token or without.
        refused = hosts.refusal(request.headers.getlist("host"), request.scope.get("scheme", "http"))
        if refused is not None:
            response = error(400, refused)
        elif request.method not in ("GET", "HEAD"):
            response = error(405, f"the dashboard is read-only: {request.method} is not allowed")
        elif token is not None and not _token_ok(request, token):
            response = error(401, "a token is required: send 'Authorization: Bearer TOKEN' or add ?token=TOKEN")
        else:
            try:
                response = await call_next(request)
            except Exception:  # the last line of defence: log it, never show it
                _log.exception("dashboard request failed: %s", request.url.path)
                response = error(500, "internal error (see the dashboard's log)")
        # Pages insert data as text only; the policy is the second line of defence. Plotly's
        # WebGL traces compile shaders with new Function(), hence 'unsafe-eval'.
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            "form-action 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Any, exc: StarletteHTTPException) -> JSONResponse:
        msg = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and msg == "Not Found":
            msg = f"no such page or API route: {_request.url.path}"
        if exc.status_code == 405:
            msg = "the dashboard is read-only: only GET is allowed"
        return error(exc.status_code, msg)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Any, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ())[1:])
            parts.append(f"{loc}: {e.get('msg', 'invalid')}")
        return error(400, "; ".join(parts) or "invalid request")

    @app.exception_handler(BadRequest)
    async def bad_request(_request: Any, exc: BadRequest) -> JSONResponse:
        return error(400, str(exc))

    @app.exception_handler(StudyNotFoundError)
    async def not_found(_request: Any, exc: StudyNotFoundError) -> JSONResponse:
        return error(404, str(exc))

    @app.exception_handler(StorageError)
    async def storage_error(request: Any, exc: StorageError) -> JSONResponse:
        # Unreachable, corrupt, locked: the operator's to mend, so say which and how (the
        # message names the storage with its password masked); retried on the next poll.
        _log.warning("dashboard request failed: %s: %s", request.url.path, exc)
        return error(503, str(exc))

    def page(name: str) -> HTMLResponse:
        html = (static / name).read_text(encoding="utf-8")
        qs = f"?token={quote(token, safe='')}" if token is not None else ""
        html = html.replace("{{QS}}", qs)
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @app.get("/", include_in_schema=False)
    def index() -> HTMLResponse:
        return page("dashboard.html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/static/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name == "plotly.min.js":
            return FileResponse(plotly_js, media_type="application/javascript",
                                headers={"Cache-Control": "public, max-age=86400"})
        allowed = {"common.js": "application/javascript", "dashboard.js": "application/javascript",
                   "style.css": "text/css"}
        if name not in allowed:
            return error(404, f"no static file {name!r}")
        return FileResponse(static / name, media_type=allowed[name], headers={"Cache-Control": "no-cache"})

    @app.get("/api/config")
    def config() -> dict[str, Any]:
        import tunewise

        return {"storage": storage_label, "poll_interval": poll_interval, "version": tunewise.__version__,
                "plot_kinds": list(PLOT_KINDS), "states": STATES}

    @app.get("/api/studies")
    def studies() -> dict[str, Any]:
        return {"studies": registry.studies()}

    # Study names may contain "/" (decoded from %2F before routing): {name:path} takes them,
    # and the summary route comes after the more specific ones.
    @app.get("/api/studies/{name:path}/trials")
    def trials(name: str, after: str | None = None, offset: str | None = None, limit: str | None = None,
               sort: str | None = None, order: str | None = None, state: str | None = None,
               filter: str | None = None) -> dict[str, Any]:  # noqa: A002 - the query parameter's name
        view = registry.view(name)
        if after is not None:
            a = _int_param(after, "after", -1, -1)
            lim = _int_param(limit, "limit", 1000, 1, MAX_FEED)
            return view.after(a, lim)
        off = _int_param(offset, "offset", 0, 0)
        lim = _int_param(limit, "limit", 50, 1, MAX_PAGE)
        sort = sort or "number"
        keys = view.sort_keys()
        if sort not in keys:
            raise BadRequest(f"sort must be one of {', '.join(keys)}; got {sort!r}")
        order = order or "asc"
        if order not in ("asc", "desc"):
            raise BadRequest(f"order must be 'asc' or 'desc', got {order!r}")
        states = None
        if state:
            states = [s.strip().upper() for s in state.split(",") if s.strip()]
            bad = [s for s in states if s not in STATES]
            if bad:
                raise BadRequest(f"state must be a comma-separated list of {', '.join(STATES)}; got {bad[0]!r}")
        if filter is not None and len(filter) > 500:
            raise BadRequest("filter is too long (at most 500 characters)")
        return view.page(offset=off, limit=lim, sort=sort, order=order, states=states, filter_expr=filter)

    @app.get("/api/studies/{name:path}/plots/{kind}")
    def plot(name: str, kind: str) -> Response:
        if kind not in PLOT_KINDS:
            raise BadRequest(f"plot kind must be one of {', '.join(PLOT_KINDS)}; got {kind!r}")
        view = registry.view(name)
        text = view.memo(("plot", kind), lambda: _figure(view, kind, registry).to_json())
        return Response(text, media_type="application/json")

    @app.get("/api/studies/{name:path}/importance")
    def importance(name: str) -> dict[str, Any]:
        view = registry.view(name)
        imp = registry.importance(view)
        if isinstance(imp, str):
            return {"importances": None, "message": imp}
        return {"importances": imp, "evaluator": "fanova"}

    @app.get("/api/studies/{name:path}")
    def study(name: str) -> dict[str, Any]:
        view = registry.view(name)
        out = view.summary()
        out["sort_keys"] = view.sort_keys()
        return out

    @app.get("/api/{rest:path}", include_in_schema=False)
    def api_unknown(rest: str) -> JSONResponse:
        return error(404, f"no API route /api/{rest}; see /api/studies")

    # HEAD wherever GET is accepted (monitors and link checkers send it; HTTP requires it): FastAPI
    # registers GET routes for GET only, unlike Starlette. The server sends HEAD's headers, no body.
    for route in app.routes:
        methods = getattr(route, "methods", None)
        if methods is not None and "GET" in methods:
            methods.add("HEAD")
    return app


def _token_ok(request: Any, token: str) -> bool:
    given = request.headers.get("x-tunewise-token")
    auth = request.headers.get("authorization", "")
    if given is None and auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    if given is None:
        given = request.query_params.get("token")
    if given is None:
        return False
    # Constant-time comparison: the token must not leak through response timing.
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def serve(
    storage: str | BaseStorage,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    token: str | None = None,
    poll_interval: float = 2.0,
    log_level: str = "warning",
    allowed_hosts: Iterable[str] = (),
) -> None:
    """Run the dashboard until interrupted (``tunewise dashboard`` calls this).

    Binds ``127.0.0.1`` unless told otherwise; on any other address a token is strongly
    advised (a warning says so). It answers requests addressed to the loopback names or the
    bound address at ``port`` (see :func:`bound_hosts`) and to ``allowed_hosts``, e.g.
    ``["dash.example.org", "192.168.1.5:8080"]`` when bound to ``0.0.0.0``.
    """
    _require_web()
    import uvicorn

    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer between 0 and 65535, got {port!r}")
    if isinstance(allowed_hosts, str):
        raise TypeError(f"allowed_hosts must be a list of host names, got the string {allowed_hosts!r}")
    if host not in ("127.0.0.1", "localhost", "::1") and token is None:
        _log.warning("the dashboard listens on %s without a token: anyone who reaches it can read "
                     "every study; pass --token", host)
    hosts = bound_hosts(host, port) + list(allowed_hosts)
    app = create_app(storage, token=token, poll_interval=poll_interval, allowed_hosts=hosts)
    uvicorn.run(app, host=host, port=port, log_level=log_level)
