/** The admin UI's whole stylesheet, served from /ui/assets/ so the CSP needs no 'unsafe-inline'. System fonts only. */
export const STYLESHEET = `
:root {
  --bg: #f5f7fa; --panel: #fff; --ink: #1b2430; --muted: #5b6675; --line: #dde3ea; --line-strong: #c5ced8;
  --accent: #2463eb; --accent-ink: #fff; --danger: #c62828; --danger-bg: #fdecec;
  --prod: #157347; --prod-bg: #e3f5ea; --stage: #9a5b00; --stage-bg: #fff3d6; --alias: #3b4cca; --alias-bg: #e9ecff;
  --cand: #7c3aed; --radius: 10px;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif;
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono { font-family: var(--mono); font-size: 0.86em; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 1.05rem; margin: 0 0 12px; }
h3 { font-size: 0.95rem; margin: 0 0 8px; }
p { margin: 0 0 8px; }
.muted { color: var(--muted); }
.small { font-size: 0.85rem; }

.topbar { background: #111827; color: #e5e7eb; }
.topbar .inner { max-width: 1180px; margin: 0 auto; padding: 10px 20px; display: flex; align-items: center; gap: 20px; flex-wrap: wrap; }
.brand { color: #fff; font-weight: 700; font-size: 1.05rem; letter-spacing: 0.01em; display: flex; align-items: center; gap: 8px; }
.brand:hover { text-decoration: none; }
.brand svg { display: block; }
.nav { display: flex; gap: 4px; flex: 1; }
.nav a { color: #cbd5e1; padding: 6px 10px; border-radius: 6px; }
.nav a:hover, .nav a[aria-current="page"] { background: #1f2937; color: #fff; text-decoration: none; }
.who { display: flex; align-items: center; gap: 10px; font-size: 0.85rem; color: #cbd5e1; }
.who form { margin: 0; }
.who button { background: transparent; color: #e5e7eb; border: 1px solid #374151; padding: 4px 10px; font-size: 0.8rem; }
.who button:hover { background: #1f2937; }

main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 48px; }
.page-head { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; flex-wrap: wrap; margin-bottom: 20px; }
.crumbs { font-size: 0.85rem; color: var(--muted); margin-bottom: 6px; }
.section { margin-top: 28px; }
.section > h2 { display: flex; align-items: baseline; gap: 10px; }
.section > h2 .muted { font-weight: 400; font-size: 0.85rem; }

.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 16px 18px; }
.notice { border-radius: var(--radius); padding: 10px 14px; margin-bottom: 16px; border: 1px solid #b7e1c6; background: #eefaf2; color: #14532d; }
.notice.error { border-color: #f3b9b9; background: var(--danger-bg); color: #7f1d1d; }

.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(270px, 1fr)); gap: 14px; }
.card { background: var(--panel); border: 1px solid var(--line); border-top: 4px solid var(--line-strong); border-radius: var(--radius); padding: 14px 16px; display: flex; flex-direction: column; gap: 6px; }
.card.production { border-top-color: var(--prod); }
.card.staging { border-top-color: var(--stage); }
.card.alias { border-top-color: var(--alias); }
.card .ref-name { display: flex; justify-content: space-between; align-items: center; gap: 8px; flex-wrap: wrap; }
.card .ref-name > span:first-child { font-size: 0.78rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
.card .target { font-size: 1.5rem; font-weight: 700; line-height: 1.2; }
.card .target .semver { font-size: 1rem; font-weight: 500; color: var(--muted); margin-left: 6px; }
.card .empty { color: var(--muted); font-size: 1rem; font-weight: 500; }
.card .meta { font-size: 0.82rem; color: var(--muted); }
.card .reason { font-size: 0.85rem; font-style: italic; color: var(--ink); overflow-wrap: anywhere; }
.card .actions { margin-top: auto; padding-top: 6px; }

.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.75rem; font-weight: 600; line-height: 1.6; white-space: nowrap; border: 1px solid transparent; }
.badge.production { background: var(--prod-bg); color: var(--prod); }
.badge.staging { background: var(--stage-bg); color: var(--stage); }
.badge.alias { background: var(--alias-bg); color: var(--alias); }
.badge.ready { background: #e3f5ea; color: #157347; }
.badge.pending { background: #fff3d6; color: #9a5b00; }
.badge.failed { background: var(--danger-bg); color: var(--danger); }
.badge.neutral { background: #eef1f5; color: var(--muted); }
.badge.rollout { background: #f1eaff; color: var(--cand); }
.badge.role { background: #1f2937; color: #e5e7eb; border-color: #374151; }

.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
th, td { text-align: left; padding: 9px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); font-weight: 600; background: #fafbfc; white-space: nowrap; }
tr:last-child td { border-bottom: 0; }
tbody tr:hover { background: #f8fafc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.nowrap { white-space: nowrap; }
td.wide { min-width: 14rem; }
.sub { display: block; color: var(--muted); font-size: 0.8rem; }
.chips { display: flex; gap: 4px; flex-wrap: wrap; }

.kv { display: grid; grid-template-columns: minmax(110px, max-content) 1fr; gap: 6px 16px; margin: 0; }
.kv dt { color: var(--muted); font-size: 0.85rem; }
.kv dd { margin: 0; overflow-wrap: anywhere; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 380px), 1fr)); gap: 16px; }

form { margin: 0; }
label { display: block; font-size: 0.8rem; font-weight: 600; color: var(--muted); margin-bottom: 4px; }
input[type="text"], input[type="search"], input[type="password"], input[type="number"], input[type="date"], select {
  font: inherit; font-size: 0.9rem; padding: 7px 10px; border: 1px solid var(--line-strong); border-radius: 7px; background: #fff; color: var(--ink); width: 100%; min-width: 0;
}
input:focus, select:focus, button:focus-visible { outline: 2px solid #93b4f7; outline-offset: 1px; }
input[type="range"] { width: 100%; accent-color: var(--cand); }
button, .button {
  font: inherit; font-size: 0.88rem; font-weight: 600; padding: 7px 14px; border-radius: 7px; border: 1px solid transparent; cursor: pointer;
  background: var(--accent); color: var(--accent-ink); white-space: nowrap; display: inline-block;
}
button:hover { filter: brightness(0.95); }
button.secondary { background: #fff; color: var(--ink); border-color: var(--line-strong); }
button.danger { background: var(--danger); }
button.promote { background: var(--prod); }
.fields { display: flex; gap: 10px; align-items: flex-end; flex-wrap: wrap; }
.fields > div { flex: 1 1 160px; min-width: 0; }
.fields > div.grow { flex: 3 1 240px; }
.fields > div.tight { flex: 0 0 auto; }
.check { display: flex; gap: 6px; align-items: center; font-weight: 500; color: var(--ink); }
.check input { margin: 0; }

details.confirm > summary { list-style: none; display: inline-block; cursor: pointer; font-size: 0.85rem; font-weight: 600; color: var(--danger); padding: 5px 12px; border: 1px solid #efb4b4; border-radius: 7px; background: #fff; }
details.confirm > summary::-webkit-details-marker { display: none; }
details.confirm[open] > summary { background: var(--danger-bg); }
details.confirm.go > summary { color: var(--prod); border-color: #9fd3b5; }
details.confirm.go[open] > summary { background: var(--prod-bg); }
details.confirm form { margin-top: 10px; display: flex; flex-direction: column; gap: 8px; }

.search { display: flex; gap: 8px; max-width: 480px; width: 100%; }
.pager { display: flex; justify-content: flex-end; gap: 10px; margin-top: 10px; font-size: 0.9rem; }
.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; align-items: end; margin-bottom: 14px; }

.rollout-panel { border: 1px solid #d9c8fb; border-left: 4px solid var(--cand); }
.rollout-head { display: flex; justify-content: space-between; gap: 16px; flex-wrap: wrap; align-items: flex-start; }
.rollout-panel .weight { font-size: 2rem; font-weight: 700; color: var(--cand); line-height: 1; }
.rollout-panel .arms { font-size: 1rem; }
.split { display: block; width: 100%; height: 14px; margin: 12px 0 4px; }
.split-legend { display: flex; justify-content: space-between; font-size: 0.8rem; color: var(--muted); }
.steps { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; font-size: 0.8rem; color: var(--muted); }
.steps .step { padding: 1px 8px; border-radius: 999px; border: 1px solid var(--line-strong); color: var(--ink); }
.steps .step.done { background: #f1eaff; border-color: #d9c8fb; color: var(--cand); }
details.events { margin-top: 8px; color: var(--muted); }
details.events summary { cursor: pointer; }
details.events ol { margin: 6px 0 0; padding-left: 20px; }
details.start > summary { cursor: pointer; list-style: none; }
details.start > summary::-webkit-details-marker { display: none; }
details.start > summary strong { color: var(--accent); }
details.start > summary strong::before { content: "+ "; }
details.start[open] > summary strong::before { content: "− "; }
.controls { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 16px; margin-top: 16px; padding-top: 16px; border-top: 1px solid var(--line); }
.controls .panel { padding: 12px 14px; background: #fcfbff; }
.controls form { display: flex; flex-direction: column; gap: 8px; }
.slider-row { display: flex; gap: 10px; align-items: center; }
.slider-row output { font-weight: 700; color: var(--cand); min-width: 4.5em; text-align: right; font-variant-numeric: tabular-nums; }
.better { color: var(--prod); font-weight: 600; }
.worse { color: var(--danger); font-weight: 600; }

figure { margin: 0; }
.chart { width: 100%; height: auto; display: block; }
.chart.narrow { display: none; }
.chart-legend { display: flex; gap: 14px; font-size: 0.8rem; color: var(--muted); flex-wrap: wrap; margin-top: 6px; }
.chart-legend svg { vertical-align: -1px; margin-right: 4px; }
.tabs { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 10px; }
.tabs a { padding: 3px 10px; border-radius: 999px; border: 1px solid var(--line-strong); font-size: 0.82rem; color: var(--ink); background: #fff; }
.tabs a[aria-current="true"] { background: var(--ink); color: #fff; border-color: var(--ink); }
.tabs a:hover { text-decoration: none; border-color: var(--ink); }

.login { max-width: 400px; margin: 10vh auto 0; }
.login .panel { padding: 24px; display: flex; flex-direction: column; gap: 14px; }
.login h1 { text-align: center; }
.empty-state { padding: 28px; text-align: center; color: var(--muted); }
pre.json { margin: 0; font-family: var(--mono); font-size: 0.78rem; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 420px; color: #334155; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
pre.command { max-width: none; font-size: 0.85rem; }
ul.diff { list-style: none; margin: 0; padding: 0; font-size: 0.8rem; max-width: 440px; }
ul.diff li { overflow-wrap: anywhere; }
ul.diff .key { color: var(--muted); margin-right: 6px; }
ul.diff del { color: var(--danger); background: var(--danger-bg); text-decoration: line-through; }
ul.diff ins { color: var(--prod); background: var(--prod-bg); text-decoration: none; }
.evidence { width: 240px; max-width: 100%; height: 16px; display: block; }
.histogram { max-width: 360px; }
.dist-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 340px), 1fr)); gap: 14px; }
td.differs, th.differs { background: #fff6e0; }
td.differs { font-weight: 600; }
.verdict-ok { color: var(--prod); font-weight: 600; }
.verdict-bad { color: var(--danger); font-weight: 600; }
.secret { font-family: var(--mono); font-size: 0.95rem; padding: 8px 10px; background: #111827; color: #e5e7eb; border-radius: 7px; overflow-wrap: anywhere; user-select: all; }
.page-links { display: flex; gap: 12px; flex-wrap: wrap; font-size: 0.88rem; }

@media (max-width: 640px) {
  body { font-size: 14px; }
  .topbar .inner { padding: 8px 14px; gap: 10px; }
  .nav { order: 3; flex-basis: 100%; }
  main { padding: 16px 12px 36px; }
  h1 { font-size: 1.35rem; }
  th, td { padding: 8px 9px; }
  .hide-sm { display: none; }
  .chart.wide { display: none; }
  .chart.narrow { display: block; }
  .card .target { font-size: 1.3rem; }
}
`;
