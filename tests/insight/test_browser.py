"""The dashboard in a real browser: Debian's headless Chromium driven by Playwright.

Skipped (with the reason) when /usr/bin/chromium is absent, unless CI=true: then it fails,
so CI can never silently skip it. Never uses a downloaded browser.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import tunewise as tw
from tests.insight._studies import XSS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TOKEN = "t0ken-for-tests"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing but CI=true: install Debian's chromium package", pytrace=False)
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")

WORKER = textwrap.dedent("""
    import sys, time
    import tunewise as tw
    study = tw.load_study("watched", sys.argv[1], sampler=tw.samplers.RandomSampler(seed=1))
    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        for step in range(3):
            trial.report(x * x + 1 / (step + 1), step)
        time.sleep(0.05)
        return x * x + lr
    study.optimize(objective, n_trials=5000, timeout=300)
""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def served(tmp_path):
    import uvicorn

    from tunewise.insight import create_app

    url = f"sqlite:///{tmp_path / 'live.db'}"
    tw.create_study(name="watched", storage=url)
    xss = tw.create_study(name="xss-check", storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    xss.optimize(lambda t: t.suggest_float(XSS, 0, 1) + (t.suggest_categorical("opt", ["a", XSS]) == "a"),
                 n_trials=12)
    worker = subprocess.Popen([sys.executable, "-c", WORKER, url], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": "src"})
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(url, token=TOKEN, poll_interval=0.5, min_refresh=0.2),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", url
    finally:
        server.should_exit = True
        worker.terminate()
        worker.wait(timeout=30)
        thread.join(timeout=10)


def test_dashboard_in_chromium(served, tmp_path):
    base, url = served
    shots = Path(os.environ.get("TUNEWISE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))

            # Without the token there is nothing to see.
            r = page.goto(base + "/")
            assert r is not None and r.status == 401

            # The studies list, live: the worker process keeps adding trials.
            page.goto(f"{base}/?token={TOKEN}#/")
            cell = page.locator("tr[data-study='watched'] .study-trials")
            cell.wait_for(timeout=30_000)
            first = int(cell.inner_text().replace(",", ""))
            page.wait_for_function(
                "n => { const c = document.querySelector(\"tr[data-study='watched'] .study-trials\");"
                " return c && parseInt(c.textContent.replace(/,/g, '')) > n; }", arg=first + 3, timeout=60_000)
            assert page.locator("#live").inner_text().startswith("Live")

            # Into the study: summary cards, a plot, the table; the trial count keeps growing here too.
            page.click("tr[data-study='watched'] a")
            page.wait_for_selector("#cards .card", timeout=30_000)
            page.wait_for_selector("#plot[data-drawn='history'] .main-svg", timeout=60_000)
            page.wait_for_selector("#trials tbody tr[data-number]", timeout=30_000)
            trials_card = page.locator("#cards .card").first.locator(".value")
            before = int(trials_card.inner_text().replace(",", ""))
            page.wait_for_function(
                "n => parseInt(document.querySelector('#cards .card .value').textContent.replace(/,/g, '')) > n",
                arg=before, timeout=60_000)

            # Sort by value: the first rows come back in ascending order (server-side sort).
            page.click("#trials th[data-sort='value']")
            page.wait_for_selector("#trials th[data-sort='value'] .arrow", timeout=10_000)
            page.wait_for_function(
                "() => { const v = [...document.querySelectorAll('#trials tbody tr td:nth-child(3)')]"
                ".map(td => parseFloat(td.textContent)).filter(x => !isNaN(x));"
                " return v.length > 3 && v.every((x, i) => i === 0 || v[i - 1] <= x); }", timeout=30_000)
            store = tw.load_study("watched", url)
            shown = float(page.locator("#trials tbody tr td:nth-child(3)").first.inner_text())
            assert store.best_value <= shown + abs(shown) * 1e-4  # the page shows 5 significant digits
            # Scrolled down, the header must stay above the title in page coordinates: a sticky or
            # fixed header lands on top of the content in full-page screenshots.
            page.evaluate("window.scrollTo(0, 300)")
            assert page.evaluate("() => { const h = document.querySelector('.topbar').getBoundingClientRect();"
                                 " const t = document.querySelector('main h1').getBoundingClientRect();"
                                 " return h.bottom <= t.top; }")
            page.screenshot(path=str(shots / "dashboard_study.png"), full_page=True)
            page.evaluate("window.scrollTo(0, 0)")

            # XSS: a parameter and a choice named <script>alert(1)</script> show as text.
            page.goto(f"{base}/?token={TOKEN}#/study/xss-check")
            page.wait_for_selector("#trials tbody tr[data-number]", timeout=30_000)
            headers = page.locator("#trials th").all_inner_texts()
            assert any(h.strip() == XSS for h in headers)
            assert XSS in page.locator("#trials tbody").inner_text()
            page.click("#plots .tab[data-kind='slice']")
            page.wait_for_selector("#plot[data-drawn='slice'] .main-svg", timeout=60_000)
            assert XSS in page.locator("#plot").inner_text()  # axis title rendered as text
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(shots / "dashboard_xss.png"), full_page=True)
            assert page.locator("#trials script").count() == 0 and page.locator("#plot script").count() == 0
            assert dialogs == [] and errors == []
        finally:
            browser.close()
    assert (shots / "dashboard_study.png").stat().st_size > 10_000
