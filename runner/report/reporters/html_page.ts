// The HTML report's style and script, inlined into the page so it works from a file:// URL, an artifact or
// a CI page with no network. Plain DOM code: a table, a few selects and a detail pane do not earn a framework.

export const PAGE_STYLE = `
:root { --pass: #2da44e; --fail: #cf222e; --error: #8250df; --skip: #bf8700; --xfail: #6e7781; --xpass: #e16f24; --missing: #eaeef2; --other: #57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #fff; }
header { padding: 12px 20px; border-bottom: 1px solid #d0d7de; background: #f6f8fa; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 18px 0 8px; }
#verdict { margin: 0; font-weight: 600; }
#verdict.ok { color: var(--pass); } #verdict.bad { color: var(--fail); }
main { padding: 0 20px 40px; }
table { border-collapse: collapse; }
#summary td, #summary th, #meta td, #meta th { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; }
#summary td.n { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-flex; font: 11px/18px Verdana, sans-serif; border-radius: 3px; overflow: hidden; white-space: nowrap; }
.badge span { padding: 0 6px; color: #fff; } .badge span:first-child { background: #555; }
.c-brightgreen { background: #4c1; } .c-yellow { background: #dfb317; } .c-red { background: #e05d44; } .c-lightgrey { background: #9f9f9f; }
#controls { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 16px 0 8px; }
#controls label { display: inline-flex; gap: 4px; align-items: center; }
#matrix-wrap { overflow: auto; max-height: 70vh; border: 1px solid #d0d7de; }
#matrix th, #matrix td { border: 1px solid #d8dee4; padding: 0; font-size: 12px; }
#matrix thead th { position: sticky; top: 0; background: #f6f8fa; padding: 4px 8px; z-index: 1; }
#matrix th.name { text-align: left; padding: 2px 8px; font-weight: normal; font-family: ui-monospace, monospace; white-space: nowrap; position: sticky; left: 0; background: #fff; }
#matrix td button { all: unset; display: block; min-width: 56px; padding: 2px 6px; text-align: center; color: #fff; cursor: default; }
#matrix td button.open { cursor: pointer; text-decoration: underline; }
#matrix td button:focus-visible { outline: 2px solid #0969da; }
.o-passed { background: var(--pass); } .o-failed { background: var(--fail); } .o-error { background: var(--error); }
.o-skipped { background: var(--skip); } .o-expected { background: var(--xfail); } .o-unexpected-pass { background: var(--xpass); }
.o-missing { background: var(--missing); } .o-missing button { color: #57606a !important; } .o-other { background: var(--other); }
#matrix tr.selected th.name { background: #fff8c5; }
#detail { margin-top: 16px; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 16px; background: #fff; }
#detail h2 { margin-top: 0; }
#detail pre { background: #f6f8fa; padding: 8px; overflow: auto; font-size: 12px; margin: 6px 0; }
#detail pre.diagnosis, #detail pre.reason { white-space: pre-wrap; overflow-wrap: anywhere; }
#detail .del { color: #82071e; background: #ffebe9; display: block; } #detail .add { color: #116329; background: #dafbe1; display: block; }
#detail .ctx { color: #57606a; display: block; }
.muted { color: #57606a; }
.ranking p { margin: 4px 0; font-weight: 600; } .ranking ol { margin: 0 0 8px; }
code { font-family: ui-monospace, monospace; font-size: 12px; }
`;

export const PAGE_SCRIPT = `
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("data").textContent);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k);
    return e;
  };
  const LABEL = { passed: "pass", failed: "FAIL", error: "ERROR", skipped: "skip", expected: "xfail", "unexpected-pass": "XPASS", missing: "-" };
  const KNOWN = Object.keys(LABEL);
  // Worst first: a topic's cell takes the colour of the worst outcome in it.
  const SEVERITY = ["error", "failed", "unexpected-pass", "expected", "skipped", "passed", "missing"];
  const cls = (o) => "o-" + (KNOWN.includes(o) ? o : "other");
  // Own properties only: a scenario named "constructor" must not find Object.prototype's.
  const cellOf = (a, s) => (Object.prototype.hasOwnProperty.call(a.cells, s) ? a.cells[s] : null);
  const outcomeOf = (a, s) => (cellOf(a, s) ? cellOf(a, s).o : "missing");
  const state = { view: "scenarios", topic: "", tag: "", outcome: "", text: "", adapters: new Set(data.adapters.map((a) => a.name)) };

  const topics = [...new Set(data.scenarios.map((s) => s.topic))].sort();
  const tags = [...new Set(data.scenarios.flatMap((s) => s.tags))].sort();
  const outcomes = [...new Set(data.adapters.flatMap((a) => data.scenarios.map((s) => outcomeOf(a, s.name))))].sort((x, y) => SEVERITY.indexOf(x) - SEVERITY.indexOf(y));

  function badge(b) {
    return el("span", { class: "badge", title: "shields.io endpoint badge" }, el("span", {}, b.label), el("span", { class: "c-" + b.color }, b.message));
  }

  function summary() {
    const head = el("tr", {}, ["adapter", "hello", "passed", "failed", "errored", "skipped", "expected", "unexpected passes", "not run", "badge"].map((h) => el("th", {}, h)));
    const rows = data.adapters.map((a) => {
      const c = a.counts;
      const hello = a.hello ? a.hello.name + " " + a.hello.version : a.fatal ? a.fatal.message.split("\\n")[0] : "-";
      return el("tr", { "data-adapter": a.name }, el("th", {}, a.name), el("td", {}, hello),
        [c.passed, c.failed, c.errored, c.skipped, c.expected, c.unexpected_passes, c.not_run].map((n) => el("td", { class: "n" }, String(n))),
        el("td", {}, badge(a.badge), " ", el("code", { class: "muted" }, a.badgeFile)));
    });
    // The rules each failing adapter's run points at, above the matrix of its failures (as the terminal report does).
    const rankings = data.adapters.filter((a) => a.ranking.length > 0).map((a) =>
      el("div", { class: "ranking", "data-adapter": a.name }, el("p", {}, a.ranking[0]), el("ol", {}, a.ranking.slice(1).map((l) => el("li", {}, l.replace(/^\\s*(\\d+\\. )?/, ""))))));
    document.getElementById("summary").replaceChildren(el("h2", {}, "Adapters"), el("table", {}, el("thead", {}, head), el("tbody", {}, rows)),
      rankings.length ? [el("h2", {}, "Most likely broken rules"), rankings] : null);
  }

  function select(id, label, value, options, onchange) {
    return el("label", {}, label, el("select", { id, onchange: (e) => onchange(e.target.value) }, options.map(([v, text]) => el("option", { value: v, selected: v === value }, text))));
  }

  function controls() {
    const box = document.getElementById("controls");
    box.replaceChildren(
      select("f-view", "view", state.view, [["scenarios", "scenarios"], ["topics", "topics"]], (v) => { state.view = v; render(); }),
      select("f-topic", "topic", state.topic, [["", "all"], ...topics.map((t) => [t, t])], (v) => { state.topic = v; render(); }),
      select("f-tag", "tag", state.tag, [["", "all"], ...tags.map((t) => [t, t])], (v) => { state.tag = v; render(); }),
      select("f-outcome", "outcome", state.outcome, [["", "any"], ...outcomes.map((o) => [o, o])], (v) => { state.outcome = v; render(); }),
      el("span", {}, "adapters", data.adapters.map((a) => el("label", {}, el("input", { type: "checkbox", class: "f-adapter", value: a.name, checked: state.adapters.has(a.name),
        onchange: (e) => { e.target.checked ? state.adapters.add(a.name) : state.adapters.delete(a.name); render(); } }), a.name))),
      el("label", {}, "name", el("input", { id: "f-text", type: "search", value: state.text, placeholder: "part of a name", oninput: (e) => { state.text = e.target.value; renderMatrix(); } })),
      el("span", { id: "shown", class: "muted" }),
    );
  }

  const shownAdapters = () => data.adapters.filter((a) => state.adapters.has(a.name));

  function visibleScenarios() {
    const adapters = shownAdapters();
    return data.scenarios.filter((s) =>
      (!state.topic || s.topic === state.topic) && (!state.tag || s.tags.includes(state.tag)) && (!state.text || s.name.includes(state.text)) &&
      (!state.outcome || adapters.some((a) => outcomeOf(a, s.name) === state.outcome)));
  }

  function cell(a, s) {
    const c = cellOf(a, s.name);
    const o = outcomeOf(a, s.name);
    const open = c && o !== "passed";
    const title = a.name + " " + s.name + ": " + o + (c && c.reason ? " (" + c.reason + ")" : "");
    return el("td", { class: cls(o), "data-adapter": a.name, "data-scenario": s.name, "data-outcome": o },
      el("button", { class: open ? "open" : null, title, onclick: open ? () => showDetail(a, s) : null }, LABEL[o] || o));
  }

  function renderMatrix() {
    const adapters = shownAdapters();
    const table = document.getElementById("matrix");
    const head = el("thead", {}, el("tr", {}, el("th", {}, state.view === "topics" ? "topic" : "scenario"), adapters.map((a) => el("th", {}, a.name))));
    let rows;
    const scenarios = visibleScenarios();
    if (state.view === "topics") {
      const byTopic = new Map();
      for (const s of scenarios) byTopic.set(s.topic, [...(byTopic.get(s.topic) || []), s]);
      rows = [...byTopic].map(([topic, list]) => el("tr", { "data-topic": topic }, el("th", { class: "name" }, topic + " (" + list.length + ")"),
        adapters.map((a) => {
          const os = list.map((s) => outcomeOf(a, s.name));
          const worst = os.reduce((w, o) => (SEVERITY.indexOf(o) !== -1 && SEVERITY.indexOf(o) < SEVERITY.indexOf(w) ? o : SEVERITY.indexOf(o) === -1 ? o : w), "missing");
          const passed = os.filter((o) => o === "passed").length;
          return el("td", { class: cls(worst), "data-adapter": a.name, "data-topic": topic, "data-outcome": worst },
            el("button", { class: "open", title: a.name + " " + topic + ": worst outcome " + worst, onclick: () => { state.view = "scenarios"; state.topic = topic; controls(); render(); } }, passed + "/" + list.length));
        })));
    } else {
      rows = scenarios.map((s) => el("tr", { "data-scenario": s.name }, el("th", { class: "name", title: s.description }, s.name), adapters.map((a) => cell(a, s))));
    }
    table.replaceChildren(head, el("tbody", {}, rows));
    document.getElementById("shown").textContent = scenarios.length + " of " + data.scenarios.length + " scenarios";
  }

  function diffLines(lines) {
    return el("pre", { class: "diff" }, lines.map((l) => el("span", { class: l.startsWith("-") ? "del" : l.startsWith("+") ? "add" : "ctx" }, l)));
  }

  function showDetail(a, s) {
    const c = cellOf(a, s.name);
    for (const tr of document.querySelectorAll("#matrix tr.selected")) tr.classList.remove("selected");
    const row = [...document.querySelectorAll("#matrix tr[data-scenario]")].find((tr) => tr.dataset.scenario === s.name);
    if (row) row.classList.add("selected");
    const pane = document.getElementById("detail");
    pane.hidden = false;
    pane.replaceChildren(...[
      el("h2", {}, (LABEL[c.o] || c.o) + " " + a.name + " " + s.name, " ", el("button", { id: "detail-close", onclick: () => { pane.hidden = true; } }, "close")),
      s.description ? el("p", { class: "muted" }, s.description) : null,
      el("p", {}, "scenario ", el("code", {}, c.source), ", golden ", el("code", {}, c.file), ", " + c.ms + " ms"),
      c.lines.length ? el("pre", { class: "diagnosis" }, c.lines.join("\\n")) : c.reason ? el("pre", { class: "reason" }, c.reason) : null,
      c.diff.length ? [el("p", {}, "decoded snapshots, expected (-) against actual (+):"), diffLines(c.diff)] : null,
      c.stderr ? [el("p", {}, "adapter stderr (tail):"), el("pre", {}, c.stderr)] : null,
    ].flat().filter((k) => k !== null));
    pane.scrollIntoView({ block: "nearest" });
  }

  function meta() {
    const m = data.meta;
    const row = (k, v) => el("tr", {}, el("th", {}, k), el("td", {}, v));
    const machine = (x) => (x ? x.os + ", " + x.arch + ", " + x.cpus + " x " + x.cpu_model + ", node " + x.node : "-");
    const rows = [
      row("kit", m.kit ? m.kit.name + " " + m.kit.version : "-"),
      row("corpus sha256", el("code", {}, m.corpus_sha256 || "-")),
      row("scenarios", data.selected + " selected of " + data.corpus),
      row("selection", el("code", {}, m.selection.join(" ") || "-")),
      row("shard", m.shard ? m.shard.index + "/" + m.shard.count : m.parts.length ? "merged" : "whole selection"),
      row("checks", data.checks.join(", ") || "-"),
      row("started", data.startedAt + ", " + (data.durationMs / 1000).toFixed(2) + " s"),
      row("strict", String(data.strict)),
      row("machine", machine(m.machine)),
    ];
    for (const a of data.adapters) {
      const h = a.hello;
      rows.push(row("adapter " + a.name, [el("code", {}, a.command), h ? " hello: " + h.name + " " + h.version + ", protocol " + h.protocol + ", features " + (h.features.join(", ") || "none") : " no hello"]));
    }
    const parts = m.parts.length
      ? [el("h2", {}, "Merged from"), el("table", {}, el("tr", {}, ["report", "shard", "adapters", "started", "machine"].map((h) => el("th", {}, h))),
          m.parts.map((p) => el("tr", {}, el("td", {}, el("code", {}, p.file)), el("td", {}, p.shard ? p.shard.index + "/" + p.shard.count : "whole"), el("td", {}, p.adapters.join(", ")), el("td", {}, p.started_at), el("td", {}, machine(p.machine)))))]
      : [];
    document.getElementById("meta").replaceChildren(el("h2", {}, "Run"), el("table", {}, rows), ...parts);
  }

  function render() {
    renderMatrix();
  }

  summary();
  controls();
  render();
  meta();
})();
`;
