/**
 * The device's (or fleet's) page on the metrics port: `GET /` is a small HTML page (no
 * framework, no external resource) drawing every device as a square coloured by its state,
 * the sessions open, the SSH face, the faults injected and the recent events; it polls
 * `GET /ui/state` once a second. The state is compact (one short row per client) and cut at
 * MAX_ROWS clients, so a 10,000-device fleet stays a small download. Holds no secret: it is
 * built from the public status.
 */
import { publicStatus, summarize, type AgentStatus } from './types.js';

/** Clients listed one by one in /ui/state; beyond, only the counts. */
export const MAX_ROWS = 10_000;

const STATE_CODE: Record<string, string> = { connected: 'c', probing: 'p', waiting: 'w', stopped: 's' };

/** What the page draws: counts, faults, SSH face, and per client [device-id, state code, sessions open, since, last error]. */
export function uiState(raw: AgentStatus): object {
  const s = publicStatus(raw);
  const sum = summarize(s.clients);
  return {
    pid: s.pid,
    startedAt: s.startedAt,
    now: Date.now(),
    devices: s.devices ?? 1,
    byState: sum.byState,
    byProfile: sum.byProfile,
    sessions: sum.sessions,
    sessionsTotal: sum.sessionsTotal,
    faults: s.faults ?? [],
    ssh: s.ssh ?? null,
    clients: s.clients.slice(0, MAX_ROWS).map((c) => [c.deviceId, STATE_CODE[c.state] ?? '?', c.sessions.netconf + c.sessions.csh, c.since, c.lastError ? c.lastError.slice(0, 200) : '', c.profile ?? '']),
    omitted: Math.max(0, s.clients.length - MAX_ROWS),
  };
}

/** Headers of the page: nothing from elsewhere may load or run. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nc-grpc-device</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.2em; color: #222; background: #fafafa; }
  h1 { font-size: 1.2em; margin: 0 0 .4em; }
  #summary span { margin-right: 1.2em; }
  .legend i, .cell { display: inline-block; width: 14px; height: 14px; border-radius: 2px; vertical-align: middle; }
  .legend i { margin: 0 .3em 0 1em; }
  #grid { display: flex; flex-wrap: wrap; gap: 3px; margin: .8em 0; max-width: 1200px; }
  .cell { position: relative; }
  .cell.open::after { content: ''; position: absolute; inset: 4px; border-radius: 50%; background: #fff; }
  .c { background: #2e9d4f; } .p { background: #e0a800; } .w { background: #d9534f; } .s { background: #888; } .u { background: #3b7dd8; }
  section { margin-top: 1em; }
  #events { font: 12px/1.5 ui-monospace, monospace; max-height: 16em; overflow: auto; background: #fff; border: 1px solid #ddd; padding: .4em .6em; }
  #faults { color: #b02a37; }
  .muted { color: #777; }
</style>
</head>
<body>
<h1>nc-grpc-device <span id="pid" class="muted"></span></h1>
<div id="summary"></div>
<div class="legend muted"><i class="c"></i>connected<i class="p"></i>probing<i class="w"></i>waiting<i class="s"></i>stopped<i class="u"></i>SSH only (up) &nbsp; a white dot: a session is open</div>
<div id="grid" aria-label="devices"></div>
<div id="more" class="muted"></div>
<section><b>SSH</b>: <span id="ssh" class="muted">none</span></section>
<section><b>Faults</b>: <span id="faults" class="muted">none</span></section>
<section><b>Recent events</b> <span class="muted">(seen by this page)</span><div id="events"></div></section>
<script>
'use strict';
const NAMES = { c: 'connected', p: 'probing', w: 'waiting', s: 'stopped', u: 'up' };
const grid = document.getElementById('grid');
const events = document.getElementById('events');
let last = null;
let failures = 0;
function text(id, t) { document.getElementById(id).textContent = t; }
function event(line) {
  const div = document.createElement('div');
  div.textContent = new Date().toLocaleTimeString() + '  ' + line;
  events.prepend(div);
  while (events.childNodes.length > 200) events.lastChild.remove();
}
function draw(st) {
  text('pid', 'pid ' + st.pid + ', up ' + Math.round((st.now - st.startedAt) / 1000) + ' s');
  const rows = st.clients.length ? st.clients : (st.ssh ? Array.from({ length: Math.min(st.ssh.faces, 10000) }, (_, i) => ['device ' + (i + 1), 'u', i === 0 ? st.ssh.sessions : 0, st.startedAt, '', '']) : []);
  const total = st.clients.length + st.omitted;
  const parts = Object.entries(st.byState).filter(([k, v]) => k !== 'connected' && v).map(([k, v]) => v + ' ' + k);
  const open = st.sessions.netconf + st.sessions.csh + (st.ssh ? st.ssh.sessions : 0);
  const summary = document.getElementById('summary');
  summary.replaceChildren(...[
    st.devices + (st.devices === 1 ? ' device' : ' devices'),
    total ? (st.byState.connected || 0) + '/' + total + ' connected' + (parts.length ? ' (' + parts.join(', ') + ')' : '') : 'no NMS configured',
    open + (open === 1 ? ' session' : ' sessions') + ' open (netconf ' + st.sessions.netconf + ', csh ' + st.sessions.csh + (st.ssh ? ', ssh ' + st.ssh.sessions : '') + ')',
    st.sessionsTotal + (st.sessionsTotal === 1 ? ' session' : ' sessions') + ' so far',
  ].map((t) => { const s = document.createElement('span'); s.textContent = t; return s; }));
  summary.dataset.connected = String(st.byState.connected || 0);
  summary.dataset.open = String(open);
  while (grid.childNodes.length > rows.length) grid.lastChild.remove();
  while (grid.childNodes.length < rows.length) { const d = document.createElement('span'); d.className = 'cell'; grid.append(d); }
  rows.forEach((r, i) => {
    const cell = grid.childNodes[i];
    const cls = 'cell ' + r[1] + (r[2] > 0 ? ' open' : '');
    if (cell.className !== cls) cell.className = cls;
    cell.dataset.device = r[0];
    cell.dataset.state = NAMES[r[1]] || r[1];
    cell.title = r[0] + (r[5] ? ' (' + r[5] + ')' : '') + ': ' + (NAMES[r[1]] || r[1]) + ', ' + r[2] + ' open' + (r[4] ? '; last error: ' + r[4] : '');
  });
  text('more', st.omitted ? st.omitted + ' more devices not drawn' : '');
  text('ssh', st.ssh ? (st.ssh.faces > 1 ? st.ssh.faces + ' faces, the first on ' : 'on ') + st.ssh.host + ':' + st.ssh.port + ', users ' + (st.ssh.users.join(', ') || '(keys)') + ', ' + st.ssh.sessions + ' open' : 'none');
  text('faults', st.faults.length ? st.faults.join(', ') : 'none');
  if (last) {
    const before = new Map(last.clients.map((r) => [r[0], r]));
    let changes = 0;
    for (const r of st.clients) {
      const b = before.get(r[0]);
      if (changes > 50) break;
      if (b && b[1] !== r[1]) { event(r[0] + ': ' + NAMES[b[1]] + ' -> ' + NAMES[r[1]] + (r[4] && r[1] !== 'c' ? ' (' + r[4] + ')' : '')); changes++; }
      if (b && b[2] !== r[2]) { event(r[0] + ': sessions open ' + b[2] + ' -> ' + r[2]); changes++; }
    }
    if (st.faults.join() !== last.faults.join()) event('faults: ' + (st.faults.join(', ') || 'none'));
    if (st.ssh && last.ssh && st.ssh.sessions !== last.ssh.sessions) event('ssh sessions open ' + last.ssh.sessions + ' -> ' + st.ssh.sessions);
  } else {
    event('watching pid ' + st.pid + ': ' + st.devices + (st.devices === 1 ? ' device' : ' devices'));
  }
  last = st;
}
async function poll() {
  try {
    const res = await fetch('ui/state', { cache: 'no-store' });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    draw(await res.json());
    if (failures) event('the device answers again');
    failures = 0;
  } catch (e) {
    if (failures++ === 0) event('the device does not answer: ' + e.message);
  }
  setTimeout(poll, 1000);
}
poll();
</script>
</body>
</html>
`;
