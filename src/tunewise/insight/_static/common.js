/* tunewise insight: components shared by the dashboard and the HTML report.
 *
 * Every piece of study data reaches the page through textContent (never innerHTML), so a
 * parameter named <script>alert(1)</script> is shown as text. */
"use strict";

const TW = (() => {
  const STATES = ["COMPLETE", "PRUNED", "FAILED", "RUNNING", "WAITING"];
  const STATE_COLORS = { COMPLETE: "#2563eb", PRUNED: "#f59e0b", FAILED: "#dc2626", RUNNING: "#16a34a", WAITING: "#94a3b8" };

  /* el("div", {class: "x", onclick: f}, "text", childNode, ...): text children become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
        else if (k === "class") node.className = v;
        else if (k === "style" && typeof v === "object") Object.assign(node.style, v);
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function fmtNum(v) {
    if (v === null || v === undefined) return "–";
    if (typeof v !== "number") return String(v);
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString("en-US");
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(4);
    return Number(v.toPrecision(6)).toString();
  }
  function fmtValue(v) {
    if (v === null || v === undefined) return "–";
    if (typeof v === "number") return fmtNum(v);
    if (typeof v === "string") return v;
    return JSON.stringify(v);
  }
  function fmtDuration(s) {
    if (s === null || s === undefined) return "–";
    if (s < 1) return (s * 1000).toFixed(0) + " ms";
    if (s < 60) return s.toFixed(s < 10 ? 2 : 1) + " s";
    if (s < 3600) return Math.floor(s / 60) + "m " + Math.round(s % 60) + "s";
    return Math.floor(s / 3600) + "h " + Math.round((s % 3600) / 60) + "m";
  }
  function fmtTime(ts) {
    if (!ts) return "–";
    const d = new Date(ts * 1000);
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }
  function fmtAgo(ts) {
    if (!ts) return "–";
    const s = Date.now() / 1000 - ts;
    if (s < 5) return "just now";
    if (s < 60) return Math.round(s) + " s ago";
    if (s < 3600) return Math.round(s / 60) + " min ago";
    if (s < 86400) return Math.round(s / 3600) + " h ago";
    return Math.round(s / 86400) + " d ago";
  }

  function stateBadge(state) { return el("span", { class: "state " + (STATES.includes(state) ? state : "") }, state); }

  function stateBar(counts, total) {
    const bar = el("div", { class: "statebar", title: STATES.map((s) => `${s}: ${counts[s] || 0}`).join("  ") });
    for (const s of STATES) {
      const n = counts[s] || 0;
      if (n > 0 && total > 0) bar.appendChild(el("span", { style: { width: (100 * n / total) + "%", background: STATE_COLORS[s] } }));
    }
    return bar;
  }

  function card(label, value, hint, cls) {
    return el("div", { class: "card " + (cls || "") },
      el("div", { class: "label" }, label),
      el("div", { class: "value", title: String(value) }, value),
      hint ? el("div", { class: "hint", title: String(hint) }, hint) : null);
  }

  function directionText(dirs) { return dirs.length === 1 ? dirs[0] : dirs.join(" / "); }

  function strategyText(strategy) {
    if (!strategy || typeof strategy !== "object") return null;
    const parts = [];
    for (const key of ["sampler", "scheduler"]) {
      const s = strategy[key];
      if (s && typeof s === "object") parts.push(s.name || s.type || s.class || JSON.stringify(s).slice(0, 60));
      else if (s) parts.push(String(s));
    }
    return parts.join(" + ") || null;
  }

  /* Summary cards of a study (both pages). */
  function summaryCards(container, s) {
    clear(container);
    const c = s.counts || {};
    const best = s.best_trial;
    container.append(
      card("Trials", fmtNum(s.n_trials), s.datetime_last ? "last finished " + fmtAgo(s.datetime_last) : "", "accent"),
      card("Complete", fmtNum(c.COMPLETE || 0), null, "complete"),
      card("Pruned", fmtNum(c.PRUNED || 0), null, "pruned"),
      card("Failed", fmtNum(c.FAILED || 0), null, "failed"),
      card("Running", fmtNum(c.RUNNING || 0), (c.WAITING ? fmtNum(c.WAITING) + " waiting" : null), "running"),
      best ? card("Best value", fmtNum(best.values ? best.values[0] : null), "trial #" + best.number + " · " + s.directions[0], "accent")
           : card(s.directions.length > 1 ? "Pareto front" : "Best value",
                  s.pareto_front ? fmtNum(s.pareto_front.length) + " trials" : "–", directionText(s.directions), "accent"),
    );
  }

  function kvTable(obj) {
    const t = el("table", { class: "kv" });
    const entries = Object.entries(obj || {});
    if (!entries.length) return el("div", { class: "empty", style: { padding: "12px" } }, "none");
    for (const [k, v] of entries) t.appendChild(el("tr", null, el("td", null, k), el("td", null, fmtValue(v))));
    return t;
  }

  /* ---- a sortable, filterable, paged trial table over a "source" ----
   * source.fetch({offset, limit, sort, order, states, filter}) -> Promise<{total, n_trials, trials}> */
  class TrialTable {
    constructor(container, opts) {
      this.container = container;
      this.source = opts.source;
      this.params = opts.params || [];
      this.directions = opts.directions || ["minimize"];
      this.bestNumber = opts.bestNumber;
      this.paramKinds = opts.paramKinds || {};
      this.pageSize = opts.pageSize || 25;
      this.q = { offset: 0, limit: this.pageSize, sort: "number", order: "desc", states: [], filter: "" };
      this.onError = opts.onError || ((e) => console.error(e));
      this.build();
    }
    columns() {
      const cols = [{ key: "number", label: "#", num: true, get: (t) => t.number }];
      cols.push({ key: "state", label: "State", get: (t) => t.state, render: (t) => stateBadge(t.state) });
      if (this.directions.length === 1) cols.push({ key: "value", label: "Value", num: true, get: (t) => (t.values ? t.values[0] : null) });
      else this.directions.forEach((d, i) => cols.push({ key: "values." + i, label: "Value " + i, num: true, get: (t) => (t.values ? t.values[i] : null) }));
      const kinds = this.paramKinds || {};
      for (const p of this.params) cols.push({ key: "params." + p, label: p, num: kinds[p] !== "categorical", get: (t) => (p in t.params ? t.params[p] : undefined), param: true });
      cols.push({ key: "duration", label: "Duration", num: true, get: (t) => t.duration, render: (t) => fmtDuration(t.duration) });
      cols.push({ key: "last_step", label: "Steps", num: true, get: (t) => t.last_step });
      cols.push({ key: "datetime_start", label: "Started", get: (t) => t.datetime_start, render: (t) => fmtTime(t.datetime_start) });
      return cols;
    }
    build() {
      clear(this.container);
      this.stateButtons = {};
      const toolbar = el("div", { class: "toolbar" });
      toolbar.appendChild(el("span", { class: "count" }, "State:"));
      for (const s of STATES) {
        const b = el("button", { type: "button", "data-state": s, onclick: () => this.toggleState(s) },
          el("span", { class: "chip", style: { background: "transparent", padding: 0 } }, el("span", { class: "sw", style: { background: STATE_COLORS[s] } }), s.toLowerCase()));
        this.stateButtons[s] = b;
        toolbar.appendChild(b);
      }
      this.filterInput = el("input", { type: "search", placeholder: "Filter, e.g. lr<0.01, optimizer=adam, value<0.3", "aria-label": "filter" });
      let timer = null;
      this.filterInput.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => { this.q.filter = this.filterInput.value.trim(); this.q.offset = 0; this.load(); }, 300);
      });
      toolbar.appendChild(this.filterInput);
      toolbar.appendChild(el("span", { class: "spacer" }));
      this.countNode = el("span", { class: "count" });
      toolbar.appendChild(this.countNode);
      this.errorNode = el("div", { class: "error-banner", style: { display: "none", margin: "10px 16px" } });
      this.table = el("table", { class: "data" });
      this.thead = el("thead");
      this.tbody = el("tbody");
      this.table.append(this.thead, this.tbody);
      this.prev = el("button", { type: "button", onclick: () => this.go(-1) }, "‹ Prev");
      this.next = el("button", { type: "button", onclick: () => this.go(1) }, "Next ›");
      this.pageNode = el("span");
      const pager = el("div", { class: "pager" }, this.pageNode, this.prev, this.next);
      this.container.append(toolbar, this.errorNode, el("div", { class: "table-wrap" }, this.table), pager);
      this.renderHead();
    }
    setParams(params, directions, bestNumber, paramKinds) {
      this.paramKinds = paramKinds || this.paramKinds;
      const changed = JSON.stringify(params) !== JSON.stringify(this.params) || JSON.stringify(directions) !== JSON.stringify(this.directions);
      this.params = params; this.directions = directions; this.bestNumber = bestNumber;
      if (changed) this.renderHead();
    }
    renderHead() {
      clear(this.thead);
      const tr = el("tr");
      for (const c of this.columns()) {
        const active = this.q.sort === c.key;
        const th = el("th", { class: "sortable" + (c.num ? " num" : ""), "data-sort": c.key, title: "Sort by " + c.label,
          onclick: () => this.sortBy(c.key) }, c.label, active ? el("span", { class: "arrow" }, this.q.order === "asc" ? "▲" : "▼") : null);
        tr.appendChild(th);
      }
      this.thead.appendChild(tr);
    }
    toggleState(s) {
      const i = this.q.states.indexOf(s);
      if (i >= 0) this.q.states.splice(i, 1); else this.q.states.push(s);
      this.stateButtons[s].classList.toggle("on", i < 0);
      this.q.offset = 0;
      this.load();
    }
    sortBy(key) {
      if (this.q.sort === key) this.q.order = this.q.order === "asc" ? "desc" : "asc";
      else { this.q.sort = key; this.q.order = key === "number" || key === "datetime_start" ? "desc" : "asc"; }
      this.q.offset = 0;
      this.renderHead();
      this.load();
    }
    go(dir) {
      this.q.offset = Math.max(0, this.q.offset + dir * this.q.limit);
      this.load();
    }
    async load() {
      const seq = (this.seq = (this.seq || 0) + 1);
      let res;
      try {
        res = await this.source.fetch(Object.assign({}, this.q));
      } catch (e) {
        if (seq !== this.seq) return;
        this.errorNode.textContent = e.message || String(e);
        this.errorNode.style.display = "";
        return;
      }
      if (seq !== this.seq) return; // a newer request superseded this one
      this.errorNode.style.display = "none";
      this.render(res);
    }
    render(res) {
      this.last = res;
      const cols = this.columns();
      clear(this.tbody);
      if (!res.trials.length) {
        this.tbody.appendChild(el("tr", null, el("td", { colspan: cols.length, class: "empty" }, res.n_trials ? "No trial matches" : "No trials yet")));
      }
      for (const t of res.trials) {
        const tr = el("tr", { class: t.number === this.bestNumber ? "best" : "", "data-number": t.number });
        for (const c of cols) {
          let content;
          if (c.render) content = c.render(t);
          else {
            const v = c.get(t);
            content = v === undefined ? el("span", { class: "muted" }, "–") : fmtValue(v);
          }
          const raw = c.render ? null : c.get(t);
          const numeric = c.num && (c.render || typeof raw === "number" || raw === null || raw === undefined);
          const td = el("td", { class: numeric ? "num" : "" }, content);
          if (c.key === "state" && t.fail_reason) td.title = t.fail_reason;
          else if (typeof content === "string") td.title = content;
          tr.appendChild(td);
        }
        this.tbody.appendChild(tr);
      }
      const from = res.total ? this.q.offset + 1 : 0;
      const to = Math.min(res.total, this.q.offset + res.trials.length);
      this.countNode.textContent = res.total === res.n_trials ? `${fmtNum(res.total)} trials` : `${fmtNum(res.total)} of ${fmtNum(res.n_trials)} trials`;
      this.pageNode.textContent = `${fmtNum(from)}–${fmtNum(to)} of ${fmtNum(res.total)}`;
      this.prev.disabled = this.q.offset <= 0;
      this.next.disabled = this.q.offset + this.q.limit >= res.total;
    }
  }

  /* ---- plot tabs ----
   * provider(kind) -> Promise<figure JSON>; figures are cached until invalidate(). */
  const PLOT_LABELS = {
    history: "History", pareto: "Pareto front", hypervolume: "Hypervolume", importance: "Importance", parallel: "Parallel coordinates", contour: "Contour",
    slice: "Slice", intermediate: "Learning curves", timeline: "Timeline", edf: "EDF", lineage: "PBT lineage",
  };
  class PlotTabs {
    constructor(container, kinds, provider) {
      this.container = container;
      this.kinds = kinds;
      this.provider = provider;
      this.current = kinds[0];
      this.cache = {};
      this.tabs = el("div", { class: "tabs", role: "tablist" });
      this.buttons = {};
      for (const k of kinds) {
        const b = el("button", { type: "button", class: "tab" + (k === this.current ? " on" : ""), role: "tab", "data-kind": k,
          onclick: () => this.show(k) }, PLOT_LABELS[k] || k);
        this.buttons[k] = b;
        this.tabs.appendChild(b);
      }
      this.plot = el("div", { class: "plot", id: "plot" });
      clear(container).append(this.tabs, this.plot);
    }
    show(kind) {
      this.current = kind;
      for (const [k, b] of Object.entries(this.buttons)) b.classList.toggle("on", k === kind);
      return this.draw(false);
    }
    invalidate() { this.cache = {}; }
    async draw(quiet) {
      const kind = this.current;
      if (!quiet && !this.cache[kind]) {
        if (window.Plotly) Plotly.purge(this.plot);
        clear(this.plot).appendChild(el("div", { class: "loading" }, "Drawing " + (PLOT_LABELS[kind] || kind).toLowerCase() + "…"));
      }
      let fig = this.cache[kind];
      try {
        if (!fig) fig = this.cache[kind] = await this.provider(kind);
      } catch (e) {
        if (window.Plotly) Plotly.purge(this.plot);
        clear(this.plot).appendChild(el("div", { class: "error-banner", style: { margin: "16px" } }, e.message || String(e)));
        return;
      }
      if (kind !== this.current) return;
      const loading = this.plot.querySelector(".loading, .error-banner");
      if (loading) loading.remove();
      const layout = Object.assign({}, fig.layout || {}, { autosize: true });
      if (!layout.height) layout.height = 460;
      this.plot.style.height = (layout.height + 14) + "px";
      await Plotly.react(this.plot, fig.data || [], layout, { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] });
      this.plot.setAttribute("data-drawn", kind);
    }
  }

  return { STATES, STATE_COLORS, el, clear, fmtNum, fmtValue, fmtDuration, fmtTime, fmtAgo, stateBadge, stateBar, card,
           summaryCards, kvTable, directionText, strategyText, TrialTable, PlotTabs, PLOT_LABELS };
})();
