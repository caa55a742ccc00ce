//! The one stylesheet of the dashboard and the login page, inlined in each: system
//! fonts, no external resource, a grid of cards that folds to one column on a phone.

pub const STYLE: &str = r#"
:root {
  color-scheme: light;
  --ink: #0f172a;
  --muted: #475569;
  --line: #e2e8f0;
  --page: #f1f5f9;
  --card: #ffffff;
  --accent: #4338ca;
  --accent-soft: #eef2ff;
  --danger: #b91c1c;
  --radius: 12px;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--page);
  color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible {
  outline: 3px solid #a5b4fc;
  outline-offset: 2px;
}
.visually-hidden {
  position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap;
}
.topbar { background: #0f172a; color: #e2e8f0; }
.topbar-inner {
  max-width: 1240px; margin: 0 auto; padding: 10px 24px;
  display: flex; align-items: center; gap: 16px; flex-wrap: wrap;
}
.brand {
  font-weight: 700; font-size: 19px; letter-spacing: -0.01em; color: #fff;
  text-decoration: none; display: inline-flex; align-items: center; gap: 8px;
}
.brand::before {
  content: ""; width: 22px; height: 22px; border-radius: 6px;
  background: linear-gradient(135deg, #6366f1, #06b6d4);
}
.spacer { flex: 1; }
.user { color: #cbd5e1; font-size: 14px; }
.user strong { color: #fff; font-weight: 600; }
.languages { display: inline-flex; gap: 2px; font-size: 13px; }
.languages a {
  padding: 3px 9px; border-radius: 999px; text-decoration: none; color: inherit;
}
.topbar .languages a { color: #cbd5e1; }
.languages a.is-current { background: #334155; color: #fff; font-weight: 600; }
.logout { margin: 0; }
.logout button {
  font: inherit; font-size: 13px; cursor: pointer; color: #e2e8f0;
  background: transparent; border: 1px solid #475569; border-radius: 8px; padding: 4px 12px;
}
.logout button:hover { background: #1e293b; border-color: #64748b; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 24px 48px; }
.page-head {
  display: flex; align-items: flex-end; justify-content: space-between;
  gap: 16px; flex-wrap: wrap; margin-bottom: 20px;
}
h1 { font-size: 26px; line-height: 1.2; margin: 0; letter-spacing: -0.02em; }
.period-range { margin: 4px 0 0; color: var(--muted); }
.periods {
  display: inline-flex; background: var(--card); border: 1px solid var(--line);
  border-radius: 10px; padding: 3px; gap: 2px;
}
.periods a {
  padding: 6px 12px; border-radius: 7px; text-decoration: none; color: var(--muted);
  font-size: 14px; font-weight: 500; white-space: nowrap;
}
.periods a:hover { color: var(--ink); background: #f8fafc; }
.periods a.is-current { background: var(--accent); color: #fff; }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: var(--radius);
  box-shadow: 0 1px 2px rgb(15 23 42 / 0.04);
}
.kpis {
  display: grid; gap: 16px; margin-bottom: 16px;
  grid-template-columns: repeat(4, minmax(0, 1fr));
}
@media (max-width: 1000px) {
  .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
.kpi { padding: 16px 18px; min-width: 0; }
.kpi h3 {
  margin: 0 0 6px; font-size: 13px; font-weight: 600; color: var(--muted);
  text-transform: none; letter-spacing: 0;
}
.kpi-value {
  margin: 0; font-size: 28px; font-weight: 700; letter-spacing: -0.02em;
  line-height: 1.2; font-variant-numeric: tabular-nums;
}
.kpi-value .unit { font-size: 14px; font-weight: 500; color: var(--muted); letter-spacing: 0; }
.kpi-value.is-empty { color: #94a3b8; }
.kpi-detail { margin: 6px 0 0; font-size: 13px; color: var(--muted); }
.charts {
  display: grid; gap: 16px; margin-bottom: 16px;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr));
}
.chart { margin: 0; padding: 18px 20px 20px; min-width: 0; }
.chart.wide { grid-column: 1 / -1; }
.chart figcaption { margin-bottom: 14px; }
.chart h2, .board h2 { font-size: 16px; margin: 0; letter-spacing: -0.01em; }
.hint { margin: 2px 0 0; font-size: 13px; color: var(--muted); }
.chart-svg { display: block; width: 100%; height: auto; }
.scroll { overflow-x: auto; }
.chart.wide .chart-svg { min-width: 640px; }
.board { padding: 18px 20px 8px; }
.board table { width: 100%; border-collapse: collapse; margin-top: 10px; font-variant-numeric: tabular-nums; }
.board caption { text-align: left; }
.board th:first-child { width: 64px; }
.board th, .board td { padding: 9px 10px; border-top: 1px solid var(--line); text-align: left; }
.board thead th {
  border-top: 0; font-size: 12px; font-weight: 600; color: var(--muted);
  text-transform: uppercase; letter-spacing: 0.04em;
}
.board .number { text-align: right; white-space: nowrap; }
.board tbody tr:hover { background: #f8fafc; }
.rank {
  display: inline-flex; align-items: center; justify-content: center;
  width: 26px; height: 26px; border-radius: 999px; background: #f1f5f9;
  font-size: 13px; font-weight: 700; color: var(--muted);
}
.rank-1 { background: #fef3c7; color: #92400e; }
.rank-2 { background: #e2e8f0; color: #334155; }
.rank-3 { background: #ffedd5; color: #9a3412; }
.board .empty { color: var(--muted); text-align: center; padding: 24px 10px; }
.login {
  min-height: 100vh; display: flex; flex-direction: column; align-items: center;
  justify-content: center; padding: 24px 16px;
}
.login .languages { margin-bottom: 16px; }
.login .languages a { color: var(--muted); }
.login .languages a.is-current { background: #e2e8f0; color: var(--ink); }
.signin { width: 100%; max-width: 400px; padding: 32px 32px 28px; }
.signin .brand { color: var(--ink); margin-bottom: 20px; }
.signin h1 { font-size: 22px; }
.intro { margin: 6px 0 22px; color: var(--muted); }
.setup-banner {
  margin: 0 0 20px; padding: 14px 18px; border-radius: 10px;
  background: #fff7ed; border: 1px solid #fdba74; color: #7c2d12;
}
.setup-banner h2 { font-size: 16px; margin: 0 0 8px; }
.setup-banner ul { margin: 0; padding-left: 18px; }
.setup-banner li { margin: 6px 0; overflow-wrap: anywhere; }
.setup-banner .fix { color: #9a3412; }
.alert {
  margin: 0 0 18px; padding: 10px 14px; border-radius: 8px; font-size: 14px;
  background: #fef2f2; border: 1px solid #fecaca; color: var(--danger);
}
.field { margin-bottom: 16px; }
.field label { display: block; font-weight: 600; font-size: 14px; margin-bottom: 6px; }
.field input {
  width: 100%; font: inherit; padding: 10px 12px; color: var(--ink); background: #fff;
  border: 1px solid #cbd5e1; border-radius: 8px;
}
.field input:focus { border-color: #6366f1; }
.primary {
  width: 100%; margin-top: 6px; font: inherit; font-weight: 600; cursor: pointer;
  padding: 11px 16px; border: 0; border-radius: 8px; background: var(--accent); color: #fff;
}
.primary:hover { background: #3730a3; }
@media (max-width: 640px) {
  .topbar-inner, main { padding-left: 14px; padding-right: 14px; }
  .kpis { gap: 12px; }
  .kpi-value { font-size: 22px; }
  .periods a { padding: 6px 9px; }
}
"#;
