"""The dashboard answers only requests addressed to an allowed Host (DNS-rebinding defence).

A page on evil.example whose DNS name is rebound to 127.0.0.1 makes the browser send
``Host: evil.example`` to the dashboard: it must get a 400, on every route, token or not.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import warnings

import pytest

import tunewise as tw

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from tunewise.insight import create_app

ROUTES = ["/", "/api/studies", "/api/studies/secret-study", "/api/studies/secret-study/trials?after=-1",
          "/api/studies/secret-study/trials", "/api/studies/secret-study/plots/history", "/api/config",
          "/static/common.js", "/static/plotly.min.js", "/favicon.ico", "/api/nowhere", "/nowhere"]


@pytest.fixture(scope="module")
def store():
    s = tw.storage.InMemoryStorage()
    study = tw.create_study(name="secret-study", storage=s, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    return s


def _refused(r, host):
    assert r.status_code == 400, (host, r.status_code)
    assert r.headers["x-content-type-options"] == "nosniff"  # security headers on refusals too
    if r.request.method == "HEAD":
        return
    message = r.json()["error"]["message"]
    assert "DNS-rebinding" in message and "--allowed-host" in message
    assert "secret-study" not in r.text


@pytest.mark.parametrize("token", [None, "s3cret"])
def test_foreign_host_is_refused_on_every_route(store, token):
    client = TestClient(create_app(store, token=token, min_refresh=0.0), base_url="http://127.0.0.1:8080")
    auth = {"Authorization": "Bearer s3cret"} if token else {}
    for host in ["evil.example", "evil.example:8080", "127.0.0.1.evil.example:8080", "localhost.evil.example"]:
        for route in ROUTES:
            _refused(client.get(route, headers={"Host": host, **auth}), host)
        _refused(client.head("/api/studies", headers={"Host": host, **auth}), host)
        _refused(client.post("/api/studies", headers={"Host": host, **auth}), host)
    # The same requests addressed to the loopback names are answered.
    for host in ["127.0.0.1:8080", "localhost:8080", "LOCALHOST", "localhost.:9000", "[::1]:8080"]:
        r = client.get("/api/studies", headers={"Host": host, **auth})
        assert r.status_code == 200 and r.json()["studies"][0]["name"] == "secret-study", host


def test_malformed_and_missing_host_headers_are_refused(store):
    app = create_app(store)
    client = TestClient(app, base_url="http://127.0.0.1:8080")
    for host in ["127.0.0.1:99999", "127.0.0.1:http", "[::1", "exa mple", ""]:
        r = client.get("/api/studies", headers={"Host": host})
        assert r.status_code == 400 and "studies" not in r.json(), host

    # HTTP/1.0 clients may send no Host at all: the ASGI app sees no host header.
    def call(headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
        sent: list[dict] = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.0", "method": "GET",
                 "scheme": "http", "path": "/api/studies", "raw_path": b"/api/studies", "query_string": b"",
                 "root_path": "", "headers": headers, "client": ("127.0.0.1", 5000),
                 "server": ("127.0.0.1", 8080)}
        asyncio.run(app(scope, receive, send))
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return sent[0]["status"], body

    status, body = call([])
    assert status == 400 and b"no Host header" in body and b"secret-study" not in body
    status, body = call([(b"host", b"127.0.0.1:8080"), (b"host", b"evil.example")])
    assert status == 400 and b"2 Host headers" in body
    assert call([(b"host", b"127.0.0.1:8080")])[0] == 200


def test_allowed_hosts_option(store):
    app = create_app(store, allowed_hosts=["dash.example.org", "10.0.0.5:8080", "[fe80::1]:8080"])
    client = TestClient(app, base_url="http://127.0.0.1:8080")
    for host, ok in [("dash.example.org", True), ("DASH.example.org:1234", True), ("10.0.0.5:8080", True),
                     ("10.0.0.5", False), ("10.0.0.5:9090", False), ("[fe80::1]:8080", True),
                     ("evil.example", False), ("127.0.0.1:8080", False)]:
        r = client.get("/api/studies", headers={"Host": host})
        assert r.status_code == (200 if ok else 400), host
    # A Host without a port means the scheme's default port.
    assert TestClient(create_app(store, allowed_hosts=["a.example:80"]), base_url="http://a.example").get(
        "/api/studies").status_code == 200
    assert TestClient(create_app(store, allowed_hosts=["*"]), base_url="http://anything.example").get(
        "/api/studies").status_code == 200


@pytest.mark.parametrize("bad, words", [
    (["exa mple"], "'exa mple' is not a host name"),
    (["host:port"], "'host:port' is not a host name"),
    ([], "allowed_hosts is empty"),
])
def test_bad_allowed_hosts_are_clear_errors(store, bad, words):
    with pytest.raises(ValueError, match=words):
        create_app(store, allowed_hosts=bad)
    with pytest.raises(TypeError, match="list of host names"):
        create_app(store, allowed_hosts="localhost")


def test_bound_hosts_follow_the_bound_address_and_port():
    from tunewise.insight._dashboard import bound_hosts

    assert bound_hosts("127.0.0.1", 8080) == ["127.0.0.1:8080", "localhost:8080", "[::1]:8080"]
    assert bound_hosts("localhost", 0) == ["127.0.0.1", "localhost", "[::1]"]  # port 0: the system picks it
    lan = bound_hosts("192.168.1.5", 9000)
    assert "192.168.1.5:9000" in lan and "localhost:9000" in lan
    every = bound_hosts("0.0.0.0", 9000)
    assert "0.0.0.0:9000" in every and f"{socket.gethostname().lower()}:9000" in every
    assert "[::]:9000" in bound_hosts("::", 9000)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, host: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/api/studies", headers={"Host": host})
        r = conn.getresponse()
        return r.status, json.loads(r.read())
    finally:
        conn.close()


@pytest.mark.slow  # starts the real server in a subprocess (about 4 s)
def test_cli_dashboard_refuses_foreign_hosts_and_pins_the_port(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    tw.create_study(name="secret-study", storage=url)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(["src", os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "tunewise", "dashboard", "--storage", url, "--port", str(port),
                             "--allowed-host", "dash.example.org"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(port, f"127.0.0.1:{port}")
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "the dashboard did not start"
                time.sleep(0.1)
        assert status == 200 and body["studies"][0]["name"] == "secret-study"
        assert _get(port, f"localhost:{port}")[0] == 200
        assert _get(port, "dash.example.org:443")[0] == 200  # an --allowed-host without a port: any port
        for host in ["evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", "localhost"]:
            status, body = _get(port, host)
            assert status == 400 and "DNS-rebinding" in body["error"]["message"], host
            assert "secret-study" not in json.dumps(body)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_cli_rejects_a_bad_allowed_host(tmp_path):
    from click.testing import CliRunner

    from tunewise.cli import main

    res = CliRunner().invoke(main, ["dashboard", "--storage", f"sqlite:///{tmp_path / 'x.db'}",
                                    "--allowed-host", "not a host"])
    assert res.exit_code != 0 and "'not a host' is not a host name" in res.output
    assert "Traceback" not in res.output
