/* tunewise dashboard: a small single-page app over the JSON API (/api/...).
 * Live updates poll /api/studies/NAME/trials?after=WATERMARK: finished trials never change,
 * so each poll transfers only new trials and those still running. */
"use strict";

(() => {
  const { el, clear, fmtNum, fmtTime, fmtAgo, fmtValue } = TW;
  const token = new URLSearchParams(location.search).get("token");
  const app = document.getElementById("app");
  const liveNode = document.getElementById("live");
  const liveText = document.getElementById("live-text");
  let config = { poll_interval: 2, plot_kinds: ["history"] };
  let view = null; // the current page object; has poll() and stop()
  let pollTimer = null;

  async function api(path, params) {
    const url = new URL(path, location.origin);
    for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
    const headers = { Accept: "application/json" };
    if (token) headers["X-Tunewise-Token"] = token;
    const res = await fetch(url, { headers, cache: "no-store" });
    let body = null;
    try { body = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) {
      const msg = body && body.error ? body.error.message : `HTTP ${res.status}`;
      const err = new Error(msg);
      err.status = res.status;
      throw err;
    }
    return body;
  }

  function setLive(ok, text) {
    liveNode.classList.toggle("down", !ok);
    liveText.textContent = text;
  }

  const enc = (name) => encodeURIComponent(name);

  /* ---------------- studies list ---------------- */
  function StudiesPage() {
    const filter = el("input", { type: "search", placeholder: "Filter studies", "aria-label": "filter studies" });
    const count = el("span", { class: "count" });
    const tbody = el("tbody");
    const table = el("table", { class: "data", id: "studies" },
      el("thead", null, el("tr", null,
        el("th", null, "Study"), el("th", null, "Direction"), el("th", { class: "num" }, "Trials"),
        el("th", { class: "num" }, "Complete"), el("th", null, "Progress"), el("th", { class: "num" }, "Best value"),
        el("th", null, "Started"))),
      tbody);
    clear(app).append(
      el("h1", null, "Studies"),
      el("div", { class: "sub", id: "studies-sub" }, "All studies in this storage"),
      el("div", { class: "panel" },
        el("div", { class: "toolbar" }, filter, el("span", { class: "spacer" }), count),
        el("div", { class: "table-wrap" }, table)));
    let last = [];
    function render() {
      const q = filter.value.trim().toLowerCase();
      const rows = last.filter((s) => !q || s.name.toLowerCase().includes(q));
      clear(tbody);
      if (!rows.length) tbody.appendChild(el("tr", null, el("td", { colspan: 7, class: "empty" }, last.length ? "No study matches" : "No studies yet: create one with tw.create_study(storage=…)")));
      for (const s of rows) {
        const counts = { COMPLETE: s.n_complete, FAILED: 0 };
        counts.PRUNED = 0;
        counts.WAITING = Math.max(0, s.n_trials - s.n_complete);
        const link = el("a", { href: "#/study/" + enc(s.name), class: "study-link" }, s.name);
        tbody.appendChild(el("tr", { class: "clickable", "data-study": s.name, onclick: (ev) => { if (ev.target.tagName !== "A") location.hash = "#/study/" + enc(s.name); } },
          el("td", { style: { fontWeight: 600 } }, link),
          el("td", null, TW.directionText(s.directions)),
          el("td", { class: "num study-trials" }, fmtNum(s.n_trials)),
          el("td", { class: "num" }, fmtNum(s.n_complete)),
          el("td", null, TW.stateBar(counts, s.n_trials)),
          el("td", { class: "num" }, fmtNum(s.best_value)),
          el("td", { title: fmtTime(s.datetime_start) }, fmtAgo(s.datetime_start))));
      }
      count.textContent = `${rows.length} of ${last.length} studies`;
    }
    filter.addEventListener("input", render);
    return {
      async poll() {
        const res = await api("/api/studies");
        last = res.studies;
        render();
      },
      stop() {},
    };
  }

  /* ---------------- one study ---------------- */
  function StudyPage(name) {
    const title = el("h1", { id: "study-name" }, name);
    const sub = el("div", { class: "sub" });
    const cards = el("div", { class: "cards", id: "cards" });
    const bestBody = el("div", { class: "panel-body" });
    const bestHead = el("h2", null, "Best trial");
    const spaceBody = el("div", { class: "panel-body" });
    const plotsPanel = el("div", { class: "panel", id: "plots" });
    const tablePanel = el("div", { class: "panel", id: "trials" });
    const errorNode = el("div", { class: "error-banner", style: { display: "none" } });
    clear(app).append(
      el("div", { class: "crumbs" }, el("a", { href: "#/" }, "Studies"), " / ", name),
      title, sub, errorNode, cards,
      el("div", { class: "grid2" },
        el("div", { class: "panel" }, el("div", { class: "panel-head" }, bestHead), bestBody),
        el("div", { class: "panel" }, el("div", { class: "panel-head" }, el("h2", null, "Search space")), spaceBody)),
      plotsPanel,
      el("h2", { style: { margin: "6px 0 10px" } }, "Trials"),
      tablePanel);
    const path = "/api/studies/" + enc(name);
    const plots = new TW.PlotTabs(plotsPanel, config.plot_kinds, (kind) => api(path + "/plots/" + kind));
    const table = new TW.TrialTable(tablePanel, {
      source: { fetch: (q) => api(path + "/trials", { offset: q.offset, limit: q.limit, sort: q.sort, order: q.order, state: q.states.join(","), filter: q.filter }) },
      onError: (e) => console.error(e),
    });
    let watermark = -1;
    let version = null;
    let lastPlot = 0;
    let nTrials = 0;
    let plotsStale = false;

    function renderSummary(s) {
      clear(sub);
      for (const d of s.directions) sub.appendChild(el("span", { class: "chip" }, d));
      const strat = TW.strategyText(s.strategy);
      if (strat) sub.appendChild(el("span", { class: "chip strategy" }, strat));
      if (s.datetime_start) sub.appendChild(document.createTextNode(" started " + fmtTime(s.datetime_start)));
      TW.summaryCards(cards, s);
      for (const k of ["pareto", "hypervolume"]) {  // multi-objective figures: only where they mean something
        if (plots.buttons[k]) plots.buttons[k].style.display = s.directions.length > 1 ? "" : "none";
      }
      clear(bestBody);
      if (s.best_trial) {
        bestHead.textContent = "Best trial #" + s.best_trial.number;
        bestBody.appendChild(TW.kvTable(Object.assign({ value: s.best_trial.values ? s.best_trial.values[0] : null }, s.best_trial.params)));
      } else if (s.pareto_front) {
        bestHead.textContent = "Pareto front";
        bestBody.appendChild(el("div", null, `${s.pareto_front.length} trials: ` + s.pareto_front.slice(0, 50).map((n) => "#" + n).join(", ")));
      } else {
        bestBody.appendChild(el("div", { class: "empty", style: { padding: "12px" } }, "No COMPLETE trial yet"));
      }
      clear(spaceBody);
      const space = {};
      for (const [k, d] of Object.entries(s.params)) {
        if (d.type === "categorical") space[k] = "choice of " + d.choices.map((c) => fmtValue(c)).join(", ");
        else space[k] = `${d.type} [${fmtNum(d.low)}, ${fmtNum(d.high)}]` + (d.log ? " log" : "") + (d.step && d.step !== 1 ? " step " + fmtNum(d.step) : "");
      }
      spaceBody.appendChild(TW.kvTable(space));
      const kinds = {};
      for (const [k, d] of Object.entries(s.params)) kinds[k] = d.type;
      table.setParams(Object.keys(s.params), s.directions, s.best_trial ? s.best_trial.number : undefined, kinds);
      document.title = name + " · tunewise";
    }

    async function refreshAll() {
      const s = await api(path);
      renderSummary(s);
      nTrials = s.n_trials;
      await table.load();
    }

    const first = refreshAll().then(() => plots.draw(false)).then(() => { lastPlot = Date.now(); });

    return {
      async poll() {
        await first;
        // The incremental feed: only trials after the watermark (new or still running).
        let feed = await api(path + "/trials", { after: watermark, limit: 1000 });
        while (feed.has_more && feed.trials.length) {
          const lastNum = feed.trials[feed.trials.length - 1].number;
          feed = await api(path + "/trials", { after: lastNum, limit: 5000 });
        }
        watermark = feed.watermark;
        errorNode.style.display = "none";
        if (version !== null && feed.version !== version) {
          await refreshAll();
          plotsStale = true;
        }
        version = feed.version;
        // Redraw the visible plot when trials finished, at most every few seconds (longer for
        // big studies) so a live 50,000-trial study stays smooth.
        const minGap = Math.min(30000, 4000 + nTrials / 5);
        if (plotsStale && Date.now() - lastPlot > minGap) {
          plotsStale = false;
          lastPlot = Date.now();
          plots.invalidate();
          await plots.draw(true);
        }
      },
      stop() {},
      showError(e) { errorNode.textContent = e.message; errorNode.style.display = ""; },
    };
  }

  function route() {
    if (view) view.stop();
    const hash = location.hash || "#/";
    const m = hash.match(/^#\/study\/(.+)$/);
    view = m ? StudyPage(decodeURIComponent(m[1])) : StudiesPage();
    schedule(0);
  }

  function schedule(ms) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(tick, ms);
  }

  async function tick() {
    const current = view;
    try {
      await current.poll();
      if (current !== view) return;
      const now = new Date();
      setLive(true, "Live · updated " + now.toLocaleTimeString());
    } catch (e) {
      if (current !== view) return;
      if (e.status === 404 && current.showError) current.showError(e);
      setLive(false, e.status ? "Error: " + e.message.slice(0, 60) : "Disconnected – retrying");
    }
    schedule(config.poll_interval * 1000);
  }

  async function boot() {
    try {
      config = await api("/api/config");
      document.getElementById("storage").textContent = config.storage;
      document.getElementById("footer").textContent = "tunewise " + config.version + " · read-only · refreshes every " + config.poll_interval + " s";
    } catch (e) {
      clear(app).appendChild(el("div", { class: "error-banner" }, "Cannot reach the dashboard API: " + e.message));
      setLive(false, "Disconnected");
      return;
    }
    window.addEventListener("hashchange", route);
    route();
  }
  boot();
})();
