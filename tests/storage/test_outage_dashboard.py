"""`tunewise dashboard` while its PostgreSQL server goes away and comes back (session 30).

Each API request used to wait out the storage's whole retry window (60 s) before answering 503,
so the page hung for a minute per poll. The dashboard now opens its storage with a short window
(its page asks again at the next poll): 503 naming that window and the server's error, then 200
once the server is back. The outage is a TCP proxy between the storage and the shared test
server, which is never stopped.
"""

from __future__ import annotations

import time
import warnings

import pytest
from click.testing import CliRunner

import tunewise as tw
from tests.storage._backends import postgres_behind_proxy, unique
from tunewise.cli import main

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from tunewise.insight import create_app

pytestmark = pytest.mark.postgres
LOCAL = "http://127.0.0.1:8080"


@pytest.fixture()
def proxy_url():
    with postgres_behind_proxy() as url_and_proxy:
        yield url_and_proxy


def _poll(client, path, want, polls=400):
    for _ in range(polls):
        r = client.get(path)
        assert r.status_code in (200, 503), (path, r.status_code, r.text)
        if r.status_code == want:
            return r
        time.sleep(0.05)
    return r


def test_the_dashboard_says_the_server_is_gone_after_its_short_window_and_recovers(proxy_url, monkeypatch):
    url, proxy = proxy_url
    name = unique("dash-outage")
    study = tw.create_study(name=name, storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    served = {}
    monkeypatch.setattr("tunewise.insight.serve", lambda store, **kwargs: served.setdefault("store", store))
    result = CliRunner().invoke(main, ["dashboard", "--storage", url])
    assert result.exit_code == 0, result.output
    client = TestClient(create_app(served["store"], min_refresh=0.0), raise_server_exceptions=False, base_url=LOCAL)
    path = f"/api/studies/{name}"
    assert client.get(path).json()["n_trials"] == 5

    proxy.down()
    r = _poll(client, path, 503)
    assert r.status_code == 503, r.text
    message = r.json()["error"]["message"]
    assert "database unavailable for 5 s" in message and ":***@" in message  # before: "for 60 s"
    proxy.up()
    r = _poll(client, path, 200)
    assert r.status_code == 200 and r.json()["n_trials"] == 5
    tw.delete_study(study_name=name, storage=url)
