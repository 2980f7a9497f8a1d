// The dashboard's single page: inline CSS and JS, no external resources. It listens to the
// server-sent event stream (/api/events; the browser reconnects by itself) and redraws the
// node (and every node, on a cluster), the counts, the workers, the actors and the Gantt
// strip of the recent timeline (SVG).
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tsray dashboard</title>
<style>
  :root { --bg:#f6f7f9; --card:#fff; --ink:#1d2330; --muted:#6b7280; --line:#e5e7eb; --run:#2563eb; --idle:#9ca3af; --wait:#d97706; --bad:#dc2626; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--ink); }
  header { display:flex; align-items:center; gap:12px; padding:10px 18px; background:#111827; color:#fff; }
  header h1 { font-size:17px; margin:0; font-weight:600; }
  header .sub { color:#9ca3af; font-size:12px; }
  #conn { margin-left:auto; font-size:12px; display:flex; align-items:center; gap:6px; }
  #conn::before { content:""; width:9px; height:9px; border-radius:50%; background:var(--bad); display:inline-block; }
  #conn.live::before { background:#22c55e; }
  main { padding:14px 18px; display:grid; grid-template-columns: 1fr 1fr; gap:14px; }
  section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 14px; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size:13px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:0 0 8px; }
  .counts { display:flex; gap:26px; }
  .count b { display:block; font-size:26px; font-variant-numeric: tabular-nums; }
  .count span { color:var(--muted); font-size:12px; }
  table { border-collapse:collapse; width:100%; font-variant-numeric: tabular-nums; }
  th, td { text-align:left; padding:3px 8px 3px 0; border-bottom:1px solid var(--line); white-space:nowrap; }
  th { color:var(--muted); font-weight:500; font-size:12px; }
  td.task { max-width:260px; overflow:hidden; text-overflow:ellipsis; font-family: ui-monospace, monospace; font-size:12.5px; }
  .pill { display:inline-block; padding:0 8px; border-radius:10px; font-size:12px; color:#fff; background:var(--idle); }
  .pill.running, .pill.alive { background:var(--run); } .pill.waiting, .pill.pending, .pill.starting { background:var(--wait); } .pill.dead { background:var(--bad); }
  .bar { height:8px; background:var(--line); border-radius:4px; overflow:hidden; min-width:120px; }
  .bar i { display:block; height:100%; background:var(--run); }
  .muted { color:var(--muted); }
  svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
</style>
</head>
<body>
<header><h1>tsray dashboard</h1><span class="sub" id="node">connecting…</span><span id="conn">offline</span></header>
<main>
  <section><h2>Tasks</h2>
    <div class="counts">
      <div class="count"><b id="queued">–</b><span>queued</span></div>
      <div class="count"><b id="running">–</b><span>running</span></div>
      <div class="count"><b id="finished">–</b><span>finished</span></div>
      <div class="count"><b id="busy">–</b><span>busy workers</span></div>
    </div>
  </section>
  <section><h2>Resources</h2><table id="resources"><tbody></tbody></table></section>
  <section id="nodesbox" style="display:none"><h2>Nodes</h2><table id="nodes"><thead><tr><th>Node</th><th>Address</th><th>CPUs used</th><th>Workers</th></tr></thead><tbody></tbody></table></section>
  <section class="wide"><h2>Timeline (last <span id="window">30</span> s)</h2><div id="gantt"></div></section>
  <section><h2>Workers</h2><table id="workers"><thead><tr><th>Worker</th><th>State</th><th>Task</th><th>Since</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Actors</h2><table id="actors"><thead><tr><th>Actor</th><th>State</th><th>Calls queued</th><th>Running</th></tr></thead><tbody></tbody></table><p class="muted" id="noactors">No actors.</p></section>
</main>
<script>
"use strict";
let state = null, receivedAt = 0;
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&":"&amp;", "<":"&lt;", ">":"&gt;", '"':"&quot;", "'":"&#39;" })[c]);
const serverNow = () => state.now + (Date.now() - receivedAt);
const secs = (ms) => (ms / 1000).toFixed(1) + " s";
function colour(name) { let h = 0; for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0; return "hsl(" + (h % 360) + ",62%,52%)"; }
function fmt(name, v) {
  if (/memory/.test(name)) return (v / 2 ** 30).toFixed(1) + " GiB";
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
function render() {
  if (!state) return;
  const now = serverNow();
  $("node").textContent = "node " + state.node.id.slice(0, 12) + "… on " + state.node.hostname + " (" + state.node.address + ", pid " + state.node.pid + ")";
  $("queued").textContent = state.counts.queued;
  $("running").textContent = state.counts.running;
  $("finished").textContent = state.counts.finished;
  const busy = state.workers.filter((w) => w.state === "running" || w.state === "waiting").length;
  $("busy").textContent = busy + " / " + state.workers.length;
  $("resources").tBodies[0].innerHTML = Object.entries(state.node.resources).map(([k, total]) => {
    const free = state.node.available[k] ?? (/memory|^node:/.test(k) ? total : 0);
    const used = Math.max(0, total - free), pct = total > 0 ? Math.min(100, (100 * used) / total) : 0;
    const usage = /memory|^node:/.test(k) ? "" : '<div class="bar"><i style="width:' + pct.toFixed(1) + '%"></i></div>';
    return "<tr><td>" + esc(k) + "</td><td>" + (usage ? fmt(k, used) + " / " : "") + fmt(k, total) + "</td><td>" + usage + "</td></tr>";
  }).join("");
  $("nodes").tBodies[0].innerHTML = state.nodes.map((n) =>
    "<tr><td>" + esc(n.hostname) + ' <span class="muted">' + n.id.slice(0, 12) + "</span></td><td>" + esc(n.address) + "</td><td>" + fmt("CPU", (n.resources.CPU ?? 0) - (n.available.CPU ?? 0)) + " / " + fmt("CPU", n.resources.CPU ?? 0) + "</td><td>" + n.workers + "</td></tr>").join("");
  $("nodesbox").style.display = state.nodes.length > 1 ? "" : "none";
  $("workers").tBodies[0].innerHTML = state.workers.map((w) =>
    '<tr data-worker="' + w.id + '" data-state="' + w.state + '"><td>' + esc(w.row) + '</td><td><span class="pill ' + w.state + '">' + w.state + "</span></td>" +
    '<td class="task">' + (w.task ? esc(w.task) + ' <span class="muted">#' + w.taskId + (w.prefetched ? " +" + w.prefetched + " next" : "") + "</span>" : "") + "</td>" +
    "<td>" + (w.since ? secs(now - w.since) : "") + "</td></tr>").join("");
  $("actors").tBodies[0].innerHTML = state.actors.map((a) =>
    '<tr data-state="' + a.state + '"><td>' + esc(a.name) + ' <span class="muted">' + a.id.slice(0, 8) + "</span></td><td><span class=\\"pill " + a.state + '"' + (a.death ? ' title="' + esc(a.death) + '"' : "") + ">" + a.state + "</span></td><td>" + a.queued + "</td><td>" + a.running + "</td></tr>").join("");
  $("noactors").style.display = state.actors.length ? "none" : "";
  gantt(now);
}
function gantt(now) {
  const win = state.timeline.window, from = now - win;
  $("window").textContent = Math.round(win / 1000);
  const rows = state.workers.map((w) => w.row);
  for (const e of state.timeline.events) if (!rows.includes(e[0])) rows.push(e[0]);
  // Workers by node, then by number; actors' rows after them.
  const key = (row) => { const m = /^worker (\d+)(?: \(node (.+)\))?$/.exec(row); return m ? [0, m[2] || "", Number(m[1])] : [1, row, 0]; };
  rows.sort((a, b) => { const [p, q] = [key(a), key(b)]; return p[0] - q[0] || (p[1] < q[1] ? -1 : p[1] > q[1] ? 1 : 0) || p[2] - q[2]; });
  const width = Math.max(400, $("gantt").clientWidth || 800), left = 80, right = 24, rowH = 22, top = 4;
  const height = top + rows.length * rowH + 18;
  const x = (t) => left + ((Math.max(from, Math.min(now, t)) - from) / win) * (width - left - right);
  let out = '<svg id="gantt-svg" width="' + width + '" height="' + height + '" role="img" aria-label="timeline">';
  rows.forEach((r, i) => { out += '<text x="2" y="' + (top + i * rowH + 12) + '">' + esc(r) + '</text><line x1="' + left + '" x2="' + width + '" y1="' + (top + (i + 1) * rowH) + '" y2="' + (top + (i + 1) * rowH) + '" stroke="#eee"/>'; });
  const bar = (row, name, start, end, cls, fill) => {
    const i = rows.indexOf(row); if (i < 0 || end < from) return;
    const x0 = x(start), w = Math.max(1.5, x(end) - x0);
    out += '<rect class="' + cls + '" x="' + x0.toFixed(1) + '" y="' + (top + i * rowH + 2) + '" width="' + w.toFixed(1) + '" height="' + (rowH - 4) + '" rx="3" stroke="#fff" stroke-width="1" fill="' + fill + '"><title>' + esc(name) + " " + secs(end - start) + "</title></rect>";
  };
  for (const [row, name, start, end, ok] of state.timeline.events) bar(row, name, start, end, ok ? "done" : "failed", ok ? colour(name) : "var(--bad)");
  for (const w of state.workers) if (w.task && w.since) bar(w.row, w.task, w.since, now, "live", colour(w.task));
  for (let s = 0; s <= win / 1000; s += 5) {
    const tx = x(from + s * 1000);
    out += '<text x="' + tx.toFixed(1) + '" y="' + (height - 4) + '" text-anchor="middle">' + (s === win / 1000 ? "now" : "-" + (win / 1000 - s) + "s") + "</text>";
  }
  $("gantt").innerHTML = out + "</svg>";
}
function connect() {
  const source = new EventSource("api/events");
  source.onmessage = (event) => { state = JSON.parse(event.data); receivedAt = Date.now(); $("conn").className = "live"; $("conn").textContent = "live"; render(); };
  source.onerror = () => { $("conn").className = ""; $("conn").textContent = "reconnecting…"; };
}
connect();
setInterval(render, 250);
</script>
</body>
</html>
`;
