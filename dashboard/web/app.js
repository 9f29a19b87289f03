// The dashboard page: reads /api/, listens to /api/stream, renders the fleet worst first.
import { barChart, lineChart } from '/charts.js';
import { translate } from '/i18n.js';

const KINDS = ['ribbon', 'film', 'blanks'];
const PROBLEMS = ['offline', 'power', 'printer', 'supplies', 'jobs', 'host', 'stale'];
const state = { live: false, lang: localStorage.getItem('lang') || 'id', rows: new Map(), alerts: [], view: 'fleet', station: null, pending: false };
const $ = (id) => document.getElementById(id);
const t = (key, vars) => translate(state.lang, key, vars);

function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

async function api(path, init) {
  const res = await fetch(path, init);
  if (res.status === 401) { location.href = '/login'; throw new Error('login'); }
  if (!res.ok) throw new Error(`${path}: ${res.status} ${(await res.json().catch(() => ({}))).error ?? ''}`);
  return res.json();
}

function ago(iso) {
  if (!iso) return t('unknown');
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  const text = s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} d`;
  return t('lastSeen', { t: text });
}

const alertClass = (code) => (/\.empty$|low_battery|printer\.(offline|error)|store\.error/.test(code) ? 'bad' : 'warn');

function supplyCell(c, extra = '') {
  if (!c || (c.levelPercent === null && c.daysLeft === null && c.status === 'unknown')) return `<td class="num muted">?${extra}</td>`;
  const cls = c.status === 'empty' ? 'bad' : c.status === 'low' ? 'warn' : '';
  const level = c.levelPercent === null ? '' : `${Math.round(c.levelPercent)} % `;
  const days = c.daysLeft === null ? t('noDays') : t('days', { n: c.daysLeft < 1 ? '< 1' : Math.floor(c.daysLeft) });
  return `<td class="num ${cls}" data-status="${c.status}">${c.status === 'empty' ? `<span class="badge bad">${t('isEmpty')}</span> ` : ''}${level}<span class="muted">${days}</span>${extra}</td>`;
}

function rowHtml(r) {
  const conn = r.online === false ? `<span class="badge bad">${t('offline')}</span>` : r.online ? `<span class="badge ok">${t('online')}</span>` : `<span class="badge">${t('unknown')}</span>`;
  const power = r.power ? `<span class="badge ${r.power.status === 'online' ? '' : r.power.status === 'unknown' ? '' : r.power.status === 'low_battery' ? 'bad' : 'warn'}">${t(`ups_${r.power.status}`)}</span>${r.power.chargePercent === null ? '' : ` ${Math.round(r.power.chargePercent)} %`}` : '?';
  const printer = r.printer ? t(`st_${r.printer.state}`) : '?';
  const stock = r.blanksOnHand === null ? '' : `<br><span class="muted">${esc(r.blanksOnHand)} ${t('stock').toLowerCase()}</span>`;
  return `<tr class="sev-${r.severity}${r.stale ? ' stale' : ''}" data-station="${esc(r.station)}" data-online="${r.online}">
    <td><a href="#/station/${encodeURIComponent(r.station)}">${esc(r.station)}</a></td>
    <td>${esc(r.regency)}</td>
    <td>${conn}<br><span class="muted">${ago(r.lastSeen)}</span>${r.stale && r.online !== false ? ` <span class="badge">${t('stale')}</span>` : ''}</td>
    <td>${power}</td><td>${esc(printer)}</td>
    ${supplyCell(r.supplies.ribbon)}${supplyCell(r.supplies.film)}${supplyCell(r.supplies.blanks, stock)}
    <td class="num">${r.queued ?? '?'}</td><td class="num">${r.printedToday ?? '?'}</td>
    <td class="alert-codes">${r.alerts.map((a) => `<span class="badge ${alertClass(a)}" data-alert="${esc(a)}">${esc(a)}</span>`).join('')}</td></tr>`;
}

function compare(a, b) {
  if (a.severity !== b.severity) return b.severity - a.severity;
  const soon = (r) => Math.min(...KINDS.map((k) => r.supplies[k].daysLeft ?? Infinity));
  const d = soon(a) - soon(b);
  if (d && !Number.isNaN(d)) return d;
  return a.station < b.station ? -1 : 1;
}

function renderSummary() {
  const rows = [...state.rows.values()];
  $('summary').innerHTML = [
    t('summaryStations', { n: rows.length }),
    t('summaryOffline', { n: rows.filter((r) => r.online === false).length }),
    t('summaryCritical', { n: rows.filter((r) => r.severity >= 3).length }),
  ].map((s) => `<span>${esc(s)}</span>`).join('');
}

function renderFleet() {
  const all = [...state.rows.values()].sort(compare);
  const regency = $('f-regency').value;
  const problem = $('f-problem').value;
  const regencies = [...new Set(all.map((r) => r.regency))].sort();
  $('f-regency').innerHTML = `<option value="">${t('all')}</option>` + regencies.map((g) => `<option ${g === regency ? 'selected' : ''}>${esc(g)}</option>`).join('');
  $('f-problem').innerHTML = `<option value="">${t('all')}</option>` + PROBLEMS.map((p) => `<option value="${p}" ${p === problem ? 'selected' : ''}>${t(`p_${p}`)}</option>`).join('');
  const shown = all.filter((r) => (!regency || r.regency === regency) && (!problem || r.problems.includes(problem)));
  $('fleet').tHead.innerHTML = `<tr>${['station', 'regency', 'connection', 'power', 'printer', 'ribbon', 'film', 'blanks', 'queue', 'printedToday', 'activeAlerts'].map((k) => `<th>${t(k)}</th>`).join('')}</tr>`;
  $('fleet').tBodies[0].innerHTML = shown.map(rowHtml).join('');
  $('shown').textContent = t('shown', { n: shown.length, m: all.length });
  renderSummary();
}

async function renderRanking() {
  const rows = await api('/api/ranking');
  const num = (v, d = 0) => (v === null || v === undefined ? '?' : Number(v).toFixed(d));
  $('ranking').tHead.innerHTML = `<tr>${['station', 'regency', 'today', 'week', 'perDay', 'queue', 'backlog', 'flags'].map((k) => `<th>${t(k)}</th>`).join('')}</tr>`;
  $('ranking').tBodies[0].innerHTML = rows.map((r) => `<tr data-station="${esc(r.station)}" class="${r.flags.length ? 'sev-2' : 'sev-0'}">
    <td><a href="#/station/${encodeURIComponent(r.station)}">${esc(r.station)}</a></td><td>${esc(r.regency)}</td>
    <td class="num">${num(r.today)}</td><td class="num">${num(r.week)}</td><td class="num">${num(r.perDay, 1)}</td><td class="num">${num(r.queued)}</td><td class="num">${num(r.backlogDays, 1)}</td>
    <td>${r.flags.map((f) => `<span class="badge warn" data-flag="${f}">${t(f === 'backlog' ? 'backlog_flag' : f)}</span>`).join(' ')}</td></tr>`).join('');
}

async function renderLending() {
  const list = await api('/api/lending');
  if (list.length === 0) { $('lending-list').innerHTML = `<p class="muted">${t('lendNone')}</p>`; return; }
  $('lending-list').innerHTML = list.map((s) => {
    const stateText = s.status === 'empty' ? t('isEmpty') : t('runsOutIn', { n: Math.floor(s.daysLeft) });
    const lenders = s.lenders.length === 0 ? `<div class="lender muted">${t('noLender')}</div>` : s.lenders.map((l) => {
      const dist = l.distanceKm === null ? t('distUnknown') : t('km', { n: l.distanceKm });
      const spare = l.basis === 'forecast' ? t('spareDays', { n: l.spareDays }) : l.blanksOnHand !== null ? `${l.blanksOnHand}` : t('spareLevel', { n: Math.round(l.levelPercent ?? 0) });
      return `<div class="lender" data-lender="${esc(l.station)}">→ ${esc(t('lenderLine', { station: l.station, regency: l.regency, dist, spare }))}</div>`;
    }).join('');
    return `<div class="card lend" data-needs="${esc(s.station)}" data-kind="${s.kind}"><h3>${esc(t('needs', { station: s.station, regency: s.regency, kind: t(s.kind), state: stateText }))}</h3>${lenders}</div>`;
  }).join('');
}

function alertHtml(a) {
  // A clearing needs no one to acknowledge it; a raised alert does, once.
  const acked = a.ackedAt ? `<span class="muted">${esc(t('acked', { t: a.ackedAt.slice(0, 16).replace('T', ' ') }))}</span>` : a.state === 'raised' ? `<button type="button" data-ack="${a.id}">${t('ack')}</button>` : '';
  return `<li class="${a.state === 'cleared' ? 'cleared' : esc(a.severity)}${a.ackedAt ? ' acked' : ''}" data-alert-id="${a.id}" data-code="${esc(a.code)}" data-station="${esc(a.station)}">
    <span class="when">${esc(a.ts.slice(0, 19).replace('T', ' '))}</span><strong>${esc(a.station)}</strong>
    <span class="badge ${a.state === 'cleared' ? 'ok' : alertClass(a.code)}">${esc(a.code)}</span><span>${t(a.state)}</span><span>${esc(a.message)}</span>${acked}</li>`;
}

function renderAlerts() {
  $('alert-feed').innerHTML = state.alerts.map(alertHtml).join('');
}

async function renderStation(id) {
  const d = await api(`/api/stations/${encodeURIComponent(id)}?days=30`);
  const r = d.row;
  const fact = (k, v) => `<div><span class="muted">${t(k)}:</span> ${v}</div>`;
  const view = $('view-station');
  view.innerHTML = `<p><a href="#/">${t('back')}</a></p><div class="card" data-station="${esc(r.station)}"><h3>${esc(r.station)} · ${esc(r.regency)}</h3><div class="facts">
    ${fact('connection', `${r.online === false ? t('offline') : r.online ? t('online') : t('unknown')} (${ago(r.lastSeen)})`)}
    ${fact('power', r.power ? `${t(`ups_${r.power.status}`)} ${r.power.chargePercent ?? '?'} %` : '?')}
    ${fact('printer', r.printer ? `${t(`st_${r.printer.state}`)}` : '?')}${fact('model', esc(r.printer?.model ?? '?'))}
    ${KINDS.map((k) => fact(k, `${r.supplies[k].levelPercent ?? '?'} %, ${r.supplies[k].daysLeft === null ? t('noDays') : t('days', { n: Math.floor(r.supplies[k].daysLeft) })}`)).join('')}
    ${fact('stock', r.blanksOnHand ?? '?')}${fact('cardsPerDay', r.cardsPerDay === null ? '?' : r.cardsPerDay.toFixed(1))}
    ${fact('queue', r.queued ?? '?')}${fact('printedToday', r.printedToday ?? '?')}
    ${fact('diagnostics', d.diagnostics ? `${esc(d.diagnostics.status)} (${esc(d.diagnostics.ts.slice(0, 16))})` : t('none'))}
    ${fact('activeAlerts', r.alerts.map((a) => `<span class="badge ${alertClass(a)}">${esc(a)}</span>`).join(' ') || '—')}</div></div>
    <div class="charts"><div class="card"><h3>${t('supplyHistory')}</h3><div class="legend"><span><i class="c-ribbon"></i>${t('ribbon')}</span><span><i class="c-film"></i>${t('film')}</span><span><i class="c-blanks"></i>${t('blanks')}</span></div><div id="c-supplies"></div></div>
    <div class="card"><h3>${t('printedPerDay')}</h3><div id="c-daily"></div></div><div class="card"><h3>${t('powerHistory')}</h3><div id="c-power"></div></div></div>
    <div class="card"><h3>${t('recentAlerts')}</h3><ol class="feed">${d.alerts.map(alertHtml).join('')}</ol></div>`;
  const pts = (key) => d.samples.map((s) => [Date.parse(s.ts), s[key]]);
  $('c-supplies').append(lineChart([{ name: 'ribbon', color: '#1a73e8', points: pts('ribbon') }, { name: 'film', color: '#e37400', points: pts('film') }, { name: 'blanks', color: '#188038', points: pts('blanks') }]));
  $('c-daily').append(barChart(d.daily.map((x) => [x.day.slice(5), x.printed])));
  $('c-power').append(lineChart([{ name: 'charge', color: '#a142f4', points: pts('chargePercent') }]));
}

function show(view) {
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== `view-${view}`;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.view === view);
}

async function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [name, arg] = hash.split('/');
  state.view = name === 'station' ? 'station' : ['ranking', 'lending', 'alerts'].includes(name) ? name : 'fleet';
  state.station = name === 'station' ? decodeURIComponent(arg ?? '') : null;
  show(state.view);
  if (state.view === 'fleet') renderFleet();
  else if (state.view === 'ranking') await renderRanking();
  else if (state.view === 'lending') await renderLending();
  else if (state.view === 'alerts') renderAlerts();
  else if (state.view === 'station') await renderStation(state.station);
}

function showLive() {
  $('live').className = `live ${state.live ? 'on' : 'off'}`;
  $('live').textContent = t(state.live ? 'live' : 'offline');
}

function translatePage() {
  document.documentElement.lang = state.lang;
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  $('lang').textContent = state.lang === 'id' ? 'EN' : 'ID';
  document.title = t('title');
  showLive();
}

/** Many rows arrive at once: draw at most once a frame, and only the view on screen. */
function redrawSoon() {
  if (state.pending) return;
  state.pending = true;
  requestAnimationFrame(() => {
    state.pending = false;
    if (state.view === 'fleet') renderFleet();
    else renderSummary();
  });
}

async function loadAll() {
  const [rows, alerts] = await Promise.all([api('/api/stations'), api('/api/alerts?limit=200')]);
  state.rows = new Map(rows.map((r) => [r.station, r]));
  state.alerts = alerts;
}

function listen() {
  const es = new EventSource('/api/stream');
  // Whatever happened while the stream was down (rows, alerts) is read again on every (re)connect.
  es.onopen = async () => { state.live = true; showLive(); await loadAll(); await route(); };
  es.onerror = () => { state.live = false; showLive(); };
  es.addEventListener('rows', (m) => {
    for (const r of JSON.parse(m.data)) state.rows.set(r.station, r);
    redrawSoon();
  });
  es.addEventListener('alert', (m) => {
    state.alerts.unshift(JSON.parse(m.data));
    state.alerts.length = Math.min(state.alerts.length, 500);
    if (state.view === 'alerts') renderAlerts();
  });
  es.addEventListener('tick', async () => {
    state.rows = new Map((await api('/api/stations')).map((r) => [r.station, r]));
    if (state.view === 'lending' || state.view === 'ranking') await route();
    else redrawSoon();
  });
}

document.addEventListener('click', async (e) => {
  const id = e.target?.dataset?.ack;
  if (!id) return;
  const updated = await api(`/api/alerts/${id}/ack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  state.alerts = state.alerts.map((a) => (a.id === updated.id ? updated : a));
  await route();
});

async function start() {
  translatePage();
  $('lang').onclick = () => { state.lang = state.lang === 'id' ? 'en' : 'id'; localStorage.setItem('lang', state.lang); translatePage(); void route(); };
  $('f-regency').onchange = () => renderFleet();
  $('f-problem').onchange = () => renderFleet();
  window.addEventListener('hashchange', () => void route());
  await loadAll();
  await route();
  document.body.dataset.ready = 'true';
  listen();
}

void start();
