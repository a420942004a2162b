from __future__ import annotations

import warnings

import pytest

import tunewise as tw
from tests.insight._studies import XSS, make_mixed_study

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from tunewise.insight import create_app

# The dashboard answers only requests addressed to an allowed host (the loopback names by
# default): the test client must not use its default 'testserver'.
LOCAL = "http://127.0.0.1:8080"


@pytest.fixture(scope="module")
def store():
    s = tw.storage.InMemoryStorage()
    make_mixed_study(n_trials=60, name="mixed", storage=s)
    other = tw.create_study(name=XSS, storage=s, direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    other.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    return s


@pytest.fixture(scope="module")
def client(store):
    return TestClient(create_app(store, min_refresh=0.0), base_url=LOCAL)


def test_studies_list(client):
    body = client.get("/api/studies").json()
    by_name = {s["name"]: s for s in body["studies"]}
    assert by_name["mixed"]["n_trials"] == 60 and by_name[XSS]["n_complete"] == 5
    assert by_name[XSS]["directions"] == ["maximize"]


def test_study_summary(client, store):
    s = client.get("/api/studies/mixed").json()
    study = tw.load_study("mixed", store)
    assert s["n_trials"] == 60 and s["best_trial"]["number"] == study.best_trial.number
    assert s["counts"]["COMPLETE"] + s["counts"]["PRUNED"] + s["counts"]["FAILED"] == 60
    assert s["params"]["lr"] == {"type": "float", "low": 1e-5, "high": 0.1, "log": True, "step": None}
    assert s["params"]["optimizer"]["choices"] == ["adam", "sgd", XSS]
    assert "params.momentum" in s["sort_keys"]
    assert client.get("/api/studies/%3Cscript%3Ealert(1)%3C%2Fscript%3E").json()["name"] == XSS


def test_trial_pages_sort_filter_and_state(client, store):
    study = tw.load_study("mixed", store)
    page = client.get("/api/studies/mixed/trials", params={"sort": "value", "limit": 5}).json()
    complete = sorted(t.value for t in study.get_trials() if t.values)
    assert [t["values"][0] for t in page["trials"]] == complete[:5]
    assert page["total"] == 60
    desc = client.get("/api/studies/mixed/trials", params={"sort": "value", "order": "desc", "limit": 1}).json()
    assert desc["trials"][0]["values"][0] == max(complete)
    second = client.get("/api/studies/mixed/trials", params={"offset": 50, "limit": 50}).json()
    assert [t["number"] for t in second["trials"]] == list(range(50, 60))
    pruned = client.get("/api/studies/mixed/trials", params={"state": "pruned,failed"}).json()
    assert pruned["total"] == sum(t.state.value in ("PRUNED", "FAILED") for t in study.trials)
    assert {t["state"] for t in pruned["trials"]} <= {"PRUNED", "FAILED"}
    f = client.get("/api/studies/mixed/trials", params={"filter": "optimizer=sgd, lr<0.01", "limit": 500}).json()
    want = [t.number for t in study.trials if t.params.get("optimizer") == "sgd" and t.params["lr"] < 0.01]
    assert [t["number"] for t in f["trials"]] == want and want
    by_param = client.get("/api/studies/mixed/trials", params={"sort": "params.momentum", "limit": 500}).json()
    moms = [t["params"].get("momentum") for t in by_param["trials"]]
    present = [m for m in moms if m is not None]
    assert present == sorted(present) and moms[len(present):] == [None] * (len(moms) - len(present))


def test_incremental_feed_returns_only_new_and_running_trials(store):
    study = tw.create_study(name="live", storage=store, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    running = study.ask()
    running.suggest_float("x", 0, 1)
    client = TestClient(create_app(store, min_refresh=0.0), base_url=LOCAL)
    feed = client.get("/api/studies/live/trials", params={"after": -1}).json()
    assert [t["number"] for t in feed["trials"]] == [0, 1, 2, 3] and feed["watermark"] == 2
    feed = client.get("/api/studies/live/trials", params={"after": feed["watermark"]}).json()
    assert [(t["number"], t["state"]) for t in feed["trials"]] == [(3, "RUNNING")]
    study.tell(running, 0.5)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    feed2 = client.get("/api/studies/live/trials", params={"after": 2}).json()
    assert [(t["number"], t["state"]) for t in feed2["trials"]] == [(3, "COMPLETE"), (4, "COMPLETE")]
    assert feed2["watermark"] == 4 and feed2["version"] > feed["version"]
    assert client.get("/api/studies/live/trials", params={"after": 4}).json()["trials"] == []


def test_plots_and_importance(client):
    for kind in ["history", "importance", "parallel", "contour", "slice", "intermediate", "timeline", "edf", "lineage"]:
        r = client.get(f"/api/studies/mixed/plots/{kind}")
        assert r.status_code == 200 and "layout" in r.json(), kind
    imp = client.get("/api/studies/mixed/importance").json()
    assert list(imp["importances"])[0] == "lr"


@pytest.mark.parametrize("url, status, words", [
    ("/api/studies/nope", 404, "no study named 'nope'"),
    ("/api/studies/nope/trials", 404, "nope"),
    ("/api/studies/mixed/trials?limit=abc", 400, "limit must be an integer"),
    ("/api/studies/mixed/trials?limit=100000", 400, "limit must be between 1 and 500"),
    ("/api/studies/mixed/trials?after=-5", 400, "after must be >= -1"),
    ("/api/studies/mixed/trials?sort=bogus", 400, "sort must be one of"),
    ("/api/studies/mixed/trials?order=up", 400, "order must be 'asc' or 'desc'"),
    ("/api/studies/mixed/trials?state=DONE", 400, "state must be"),
    ("/api/studies/mixed/trials?filter=lr%3C", 400, "filter: cannot read"),
    ("/api/studies/mixed/trials?filter=foo%3D1", 400, "unknown name 'foo'"),
    ("/api/studies/mixed/plots/pie", 400, "plot kind must be one of"),
    ("/api/whatever", 404, "no API route"),
])
def test_clear_json_errors(client, url, status, words):
    r = client.get(url)
    assert r.status_code == status
    err = r.json()["error"]
    assert words in err["message"] and err["status"] == status
    assert "Traceback" not in r.text


def test_read_only_and_security_headers(client):
    assert client.post("/api/studies").status_code == 405
    assert client.delete("/api/studies/mixed").status_code == 405
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert r.headers["x-content-type-options"] == "nosniff"
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000  # served locally, no CDN
    assert client.get("/static/../_dashboard.py").status_code == 404


def test_token_is_required_on_every_request(store):
    client = TestClient(create_app(store, token="s3cret"), base_url=LOCAL)
    for url in ["/", "/api/studies", "/static/common.js", "/api/studies/mixed"]:
        r = client.get(url)
        assert r.status_code == 401 and "token" in r.json()["error"]["message"]
    assert client.get("/api/studies", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert client.get("/api/studies", headers={"X-Tunewise-Token": "s3cret"}).status_code == 200
    assert client.get("/api/studies?token=s3cret").status_code == 200
    assert client.get("/api/studies?token=wrong").status_code == 401
    page = client.get("/?token=s3cret").text
    assert "/static/common.js?token=s3cret" in page  # assets carry the token


def test_internal_errors_never_show_a_traceback():
    class Broken(tw.storage.InMemoryStorage):
        def get_all_studies(self):
            raise RuntimeError("secret internals at /home/user/db")

    client = TestClient(create_app(Broken()), raise_server_exceptions=False, base_url=LOCAL)
    r = client.get("/api/studies")
    assert r.status_code == 500
    assert "secret" not in r.text and "Traceback" not in r.text


@pytest.mark.parametrize("path", ["/", "/api/studies", "/api/studies/mixed", "/api/studies/mixed/trials?after=-1",
                                  "/static/dashboard.js", "/favicon.ico"])
def test_head_is_accepted_wherever_get_is(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code and head.status_code in (200, 204)
    assert head.headers.get("content-type") == get.headers.get("content-type")
    assert head.headers["x-content-type-options"] == "nosniff"


def test_head_keeps_read_only_errors(client):
    assert client.head("/api/studies/nope").status_code == 404
    assert client.post("/api/studies").status_code == 405
