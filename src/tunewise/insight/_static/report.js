/* tunewise HTML report: everything is embedded in the file; nothing is fetched. */
"use strict";

(() => {
  const { el, clear, fmtNum, fmtTime, fmtValue } = TW;
  const data = JSON.parse(document.getElementById("tw-data").textContent);
  const s = data.summary;

  document.getElementById("study-name").textContent = s.name;
  const sub = document.getElementById("report-sub");
  const strat = TW.strategyText(s.strategy);
  sub.textContent = [TW.directionText(s.directions), strat, s.datetime_start ? "started " + fmtTime(s.datetime_start) : null,
    "report written " + fmtTime(data.generated)].filter(Boolean).join(" · ");
  TW.summaryCards(document.getElementById("cards"), s);

  const best = document.getElementById("best");
  if (s.best_trial) {
    document.getElementById("best-head").textContent = "Best trial #" + s.best_trial.number;
    best.appendChild(TW.kvTable(Object.assign({ value: s.best_trial.values ? s.best_trial.values[0] : null }, s.best_trial.params)));
  } else if (s.pareto_front) {
    document.getElementById("best-head").textContent = "Pareto front";
    best.appendChild(el("div", null, `${s.pareto_front.length} trials: ` + s.pareto_front.slice(0, 50).map((n) => "#" + n).join(", ")));
  } else best.appendChild(el("div", { class: "empty", style: { padding: "12px" } }, "No COMPLETE trial"));
  const space = {};
  for (const [k, d] of Object.entries(s.params)) {
    if (d.type === "categorical") space[k] = "choice of " + d.choices.map((c) => fmtValue(c)).join(", ");
    else space[k] = `${d.type} [${fmtNum(d.low)}, ${fmtNum(d.high)}]` + (d.log ? " log" : "") + (d.step && d.step !== 1 ? " step " + fmtNum(d.step) : "");
  }
  document.getElementById("space").appendChild(TW.kvTable(space));

  // Plots: two per row, wide ones (parallel coordinates, contour, slice, timeline) full width.
  const plots = document.getElementById("plots");
  const WIDE = new Set(["parallel", "contour", "slice", "timeline", "intermediate", "lineage"]);
  let row = null;
  for (const [kind, fig] of data.plots) {
    const node = el("div", { class: "plot", "data-kind": kind });
    const panel = el("div", { class: "panel" }, node);
    if (WIDE.has(kind)) { plots.appendChild(panel); row = null; }
    else {
      if (!row) { row = el("div", { class: "plots-grid" }); plots.appendChild(row); panel.style.marginBottom = "18px"; row.appendChild(panel); }
      else { row.appendChild(panel); row = null; }
    }
    const layout = Object.assign({}, fig.layout || {}, { autosize: true });
    if (!layout.height) layout.height = 420;
    node.style.height = (layout.height + 14) + "px";
    Plotly.newPlot(node, fig.data || [], layout, { responsive: true, displaylogo: false });
  }

  // The trial table sorts, filters and pages in the browser over the embedded trials.
  function sortValue(t, key) {
    if (key === "number") return t.number;
    if (key === "state") return t.state;
    if (key === "value") return t.values ? t.values[0] : null;
    if (key.startsWith("values.")) return t.values ? t.values[+key.slice(7)] : null;
    if (key.startsWith("params.")) { const p = key.slice(7); return p in t.params ? t.params[p] : null; }
    return t[key] === undefined ? null : t[key];
  }
  function rank(v) { return typeof v === "number" ? [0, v] : typeof v === "boolean" ? [1, +v] : [2, String(v)]; }
  function cmp(a, b) {
    const ra = rank(a), rb = rank(b);
    if (ra[0] !== rb[0]) return ra[0] - rb[0];
    return ra[1] < rb[1] ? -1 : ra[1] > rb[1] ? 1 : 0;
  }
  function parseFilter(expr) {
    const preds = [];
    for (const part of expr.split(/,|\band\b/)) {
      if (!part.trim()) continue;
      const m = part.match(/^\s*(.+?)\s*(<=|>=|!=|==|=|<|>)\s*(.+?)\s*$/);
      if (!m) throw new Error(`filter: cannot read '${part.trim()}'; write conditions like 'lr<0.01, optimizer=adam, value<=0.3'`);
      const [, name, op, rawq] = m;
      const raw = rawq.replace(/^['"]|['"]$/g, "");
      if (!(name in s.params) && name !== "value" && name !== "number") throw new Error(`filter: unknown name '${name}'`);
      const num = raw.trim() !== "" && !isNaN(Number(raw)) ? Number(raw) : null;
      preds.push((t) => {
        const v = name === "value" ? (t.values ? t.values[0] : null) : name === "number" ? t.number : t.params[name];
        if (v === null || v === undefined) return false;
        let a, b;
        if (num !== null && typeof v === "number") { a = v; b = num; } else { a = typeof v === "string" ? v : JSON.stringify(v); b = raw; }
        return op === "=" || op === "==" ? a === b : op === "!=" ? a !== b : op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
      });
    }
    return preds;
  }
  const source = {
    fetch(q) {
      let rows = data.trials;
      if (q.states.length) rows = rows.filter((t) => q.states.includes(t.state));
      if (q.filter) { const preds = parseFilter(q.filter); rows = rows.filter((t) => preds.every((p) => p(t))); }
      const present = rows.filter((t) => sortValue(t, q.sort) !== null);
      const missing = rows.filter((t) => sortValue(t, q.sort) === null);
      present.sort((a, b) => cmp(sortValue(a, q.sort), sortValue(b, q.sort)));
      if (q.order === "desc") present.reverse();
      rows = present.concat(missing);
      return Promise.resolve({ total: rows.length, n_trials: data.trials.length, trials: rows.slice(q.offset, q.offset + q.limit) });
    },
  };
  const table = new TW.TrialTable(document.getElementById("trials"), {
    source, params: Object.keys(s.params), paramKinds: Object.fromEntries(Object.entries(s.params).map(([k, d]) => [k, d.type])), directions: s.directions, bestNumber: s.best_trial ? s.best_trial.number : undefined,
  });
  table.load();
  const footer = document.getElementById("footer");
  footer.textContent = "Generated by tunewise " + data.version + " · self-contained: plotly.js is embedded, nothing is loaded from the network"
    + (data.trials_truncated ? ` · the table holds the last ${fmtNum(data.trials.length)} of ${fmtNum(s.n_trials)} trials` : "");
})();
