// The dashboard page: reads /api/, listens to /api/stream, renders the fleet worst first.
import { barChart, lineChart } from '/charts.js';
import { translate } from '/i18n.js';
import { retireCard } from '/retire.js';
import { healthLineHtml, implausibleBadge, implausibleList } from '/checks.js';
import { lendingHtml, rankingInto } from '/plans.js';

const KINDS = ['ribbon', 'film', 'blanks'];
const PROBLEMS = ['offline', 'power', 'printer', 'supplies', 'jobs', 'host', 'stale', 'implausible'];
const state = { live: false, link: { connected: true, lostSince: null }, words: {}, severities: {}, lang: localStorage.getItem('lang') || 'id', rows: new Map(), alerts: [], view: 'fleet', station: null, pending: false };
const $ = (id) => document.getElementById(id);
const t = (key, vars, fallback) => translate(state.lang, key, vars, fallback);

function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

async function api(path, init) {
  const res = await fetch(path, init);
  if (res.status === 401) { location.href = '/login'; throw new Error('login'); }
  if (!res.ok) {
    // Errors come as {error: {id, en}}: said in the page's language.
    const said = (await res.json().catch(() => ({}))).error;
    throw new Error(`${path}: ${res.status} ${said?.[state.lang] ?? ''}`);
  }
  return res.json();
}

function ago(iso) {
  if (!iso) return t('unknown');
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  const text = s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} d`;
  return t('lastSeen', { t: text });
}

/** An alert code's name in the page's language (from /api/config); a code the dashboard does not know is shown as it is. */
const label = (code) => state.words[code]?.[state.lang] ?? t(`tr_${code}`, {}, code);
const regencyOf = (r) => r.regencyName ?? r.regency;
/** Days in words, singular and "less than a day" right in both languages. */
const daysText = (d) => (d === null || d === undefined ? t('noDays') : d < 1 ? t('lessThanDay') : Math.floor(d) === 1 ? t('oneDay') : t('days', { n: Math.floor(d) }));

// A code's usual severity, from the dashboard's table (telemetry/event-codes.ts); a code it does not know is a warning.
const alertClass = (code) => (state.severities[code] === 'critical' ? 'bad' : 'warn');

/** Days left on a borrowed rate (a station with less than a day of its own use) are marked, and say whose. */
const estimateMark = (r) => (r.rateSource === 'office' || r.rateSource === 'expected' ? ` <span class="badge estimate" data-rate-source="${r.rateSource}" title="${esc(t(`est_${r.rateSource}`))}">${t('estimate')}</span>` : '');

function supplyCell(c, extra = '', est = '') {
  if (!c || (c.levelPercent === null && c.daysLeft === null && c.status === 'unknown')) return `<td class="num muted">?${extra}</td>`;
  const cls = c.status === 'empty' ? 'bad' : c.status === 'low' ? 'warn' : '';
  const level = c.levelPercent === null ? '' : `${Math.round(c.levelPercent)} % `;
  const days = daysText(c.daysLeft) + (c.daysLeft === null ? '' : est);
  return `<td class="num ${cls}" data-status="${c.status}">${c.status === 'empty' ? `<span class="badge bad">${t('isEmpty')}</span> ` : ''}${level}<br><span class="muted">${days}</span>${extra}</td>`;
}

function rowHtml(r) {
  const conn = r.online === false ? `<span class="badge bad">${t('offline')}</span>` : r.online ? `<span class="badge ok">${t('online')}</span>` : `<span class="badge">${t('unknown')}</span>`;
  const power = r.power ? `<span class="badge ${r.power.status === 'online' ? '' : r.power.status === 'unknown' ? '' : r.power.status === 'low_battery' ? 'bad' : 'warn'}">${t(`ups_${r.power.status}`)}</span>${r.power.chargePercent === null ? '' : ` ${Math.round(r.power.chargePercent)} %`}` : '?';
  const printer = r.printer ? t(`st_${r.printer.state}`) : '?';
  const stock = r.blanksOnHand === null ? '' : `<br><span class="muted">${esc(r.blanksOnHand)} ${t('stock').toLowerCase()}</span>`;
  return `<tr class="sev-${r.severity}${r.stale ? ' stale' : ''}" data-station="${esc(r.station)}" data-online="${r.online}">
    <td><a href="#/station/${encodeURIComponent(r.station)}">${esc(r.station)}</a>${r.name ? `<br><span class="muted">${esc(r.name)}</span>` : ''}</td>
    <td class="wrap regency" data-regency="${esc(r.regency)}">${esc(regencyOf(r))}</td>
    <td>${conn}<br><span class="muted">${ago(r.lastSeen)}</span>${r.stale && r.online !== false ? ` <span class="badge">${t('stale')}</span>` : ''}</td>
    <td>${power}</td><td>${esc(printer)}</td>
    ${supplyCell(r.supplies.ribbon, '', estimateMark(r))}${supplyCell(r.supplies.film, '', estimateMark(r))}${supplyCell(r.supplies.blanks, stock, estimateMark(r))}
    <td class="num">${r.queued ?? '?'}</td><td class="num">${r.printedToday ?? '?'}</td>
    <td class="alert-codes">${r.alerts.map((a) => `<span class="badge ${alertClass(a)}" data-alert="${esc(a)}" title="${esc(a)}">${esc(label(a))}</span>`).join('')}${(r.trouble ?? []).map((x) => `<span class="badge trouble" data-trouble="${esc(x)}">${esc(t(`tr_${x}`))}</span>`).join('')}${implausibleBadge(state.lang, r)}</td></tr>`;
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
    t(rows.length === 1 ? 'summaryStation' : 'summaryStations', { n: rows.length }),
    t('summaryOffline', { n: rows.filter((r) => r.online === false).length }),
    t('summaryCritical', { n: rows.filter((r) => r.severity >= 3).length }),
  ].map((s) => `<span>${esc(s)}</span>`).join('');
}

function renderFleet() {
  const all = [...state.rows.values()].sort(compare);
  const regency = $('f-regency').value;
  const problem = $('f-problem').value;
  const names = new Map(all.map((r) => [r.regency, regencyOf(r)]));
  const regencies = [...names.keys()].sort((a, b) => names.get(a).localeCompare(names.get(b)));
  $('f-regency').innerHTML = `<option value="">${t('all')}</option>` + regencies.map((g) => `<option value="${esc(g)}" ${g === regency ? 'selected' : ''}>${esc(names.get(g))}</option>`).join('');
  $('f-problem').innerHTML = `<option value="">${t('all')}</option>` + PROBLEMS.map((p) => `<option value="${p}" ${p === problem ? 'selected' : ''}>${t(`p_${p}`)}</option>`).join('');
  const shown = all.filter((r) => (!regency || r.regency === regency) && (!problem || r.problems.includes(problem)));
  $('fleet').tHead.innerHTML = `<tr>${['station', 'regency', 'connection', 'power', 'printer', 'ribbon', 'film', 'blanks', 'queue', 'printedToday', 'activeAlerts'].map((k) => `<th>${t(k)}</th>`).join('')}</tr>`;
  $('fleet').tBodies[0].innerHTML = shown.map(rowHtml).join('');
  $('shown').textContent = t('shown', { n: shown.length, m: all.length });
  renderSummary();
}

/** What the ranking and lending views need of the page: its words and what it knows of the stations. */
const plansCtx = () => ({ t, esc, daysText, kinds: KINDS, lang: state.lang, regencyOf: (station, fallback) => state.rows.get(station)?.regencyName ?? fallback, rows: [...state.rows.values()] });
const renderRanking = async () => rankingInto($('ranking'), await api('/api/ranking'), plansCtx());
const renderLending = async () => void ($('lending-list').innerHTML = lendingHtml(await api('/api/lending'), plansCtx()));

function alertHtml(a) {
  // A clearing needs no one to acknowledge it; a raised alert does, once.
  const acked = a.ackedAt ? `<span class="muted">${esc(t('acked', { t: a.ackedAt.slice(0, 16).replace('T', ' ') }))}</span>` : a.state === 'raised' ? `<button type="button" data-ack="${a.id}">${t('ack')}</button>` : '';
  return `<li class="${a.state === 'cleared' ? 'cleared' : esc(a.severity)}${a.ackedAt ? ' acked' : ''}" data-alert-id="${a.id}" data-code="${esc(a.code)}" data-station="${esc(a.station)}">
    <span class="when">${esc(a.ts.slice(0, 19).replace('T', ' '))}</span><strong>${esc(a.station)}</strong><span class="muted">${esc(state.rows.get(a.station)?.regencyName ?? a.regency ?? '')}</span>
    <span class="badge ${a.state === 'cleared' ? 'ok' : alertClass(a.code)}" title="${esc(a.code)}">${esc(label(a.code))}</span><span>${t(a.state)}</span><span>${esc(alertText(a))}</span>${acked}</li>`;
}

/**
 * The alert's text in the page's language: the station's own message is English, so in
 * Indonesian the facts are said again from the station's row (level and days left, charge and
 * runtime, cards to verify); where there is nothing to add, the name says it.
 */
function alertText(a) {
  if (state.lang === 'en' || a.state === 'cleared') return state.lang === 'en' ? a.message : t('clearedText');
  const r = state.rows.get(a.station);
  const kind = /^supply\.(ribbon|film|blanks)\./.exec(a.code)?.[1];
  if (r && kind) {
    const c = r.supplies[kind];
    return t('supplyFacts', { level: c.levelPercent === null ? '?' : Math.round(c.levelPercent), d: daysText(c.daysLeft) });
  }
  if (r && a.code.startsWith('ups.') && r.power) return t('upsFacts', { c: r.power.chargePercent ?? '?', m: r.power.runtimeSeconds === null ? '?' : Math.round(r.power.runtimeSeconds / 60) });
  return label(a.code);
}

function renderAlerts() {
  $('alert-feed').innerHTML = state.alerts.map(alertHtml).join('');
}

async function renderStation(id) {
  const d = await api(`/api/stations/${encodeURIComponent(id)}?days=30`);
  const r = d.row;
  const fact = (k, v) => `<div><span class="muted">${t(k)}:</span> ${v}</div>`;
  const view = $('view-station');
  view.innerHTML = `<p><a href="#/">${t('back')}</a></p><div class="card" data-station="${esc(r.station)}"><h3>${esc(r.station)}${r.name ? ` · ${esc(r.name)}` : ''} · ${esc(regencyOf(r))}${r.provinceName ? `, ${esc(r.provinceName)}` : ''}</h3><div class="facts">
    ${fact('connection', `${r.online === false ? t('offline') : r.online ? t('online') : t('unknown')} (${ago(r.lastSeen)})`)}
    ${fact('power', r.power ? `${t(`ups_${r.power.status}`)} ${r.power.chargePercent ?? '?'} %` : '?')}
    ${fact('printer', r.printer ? `${t(`st_${r.printer.state}`)}` : '?')}${fact('model', esc(r.printer?.model ?? '?'))}
    ${KINDS.map((k) => fact(k, `${r.supplies[k].levelPercent ?? '?'} %, ${daysText(r.supplies[k].daysLeft)}`)).join('')}
    ${fact('stock', r.blanksOnHand ?? '?')}${fact('cardsPerDay', r.cardsPerDay === null ? '?' : `${r.cardsPerDay.toFixed(1)}${estimateMark(r)}`)}
    ${fact('queue', r.queued ?? '?')}${fact('printedToday', r.printedToday ?? '?')}
    ${fact('diagnostics', d.diagnostics ? `${esc(d.diagnostics.status)} (${esc(d.diagnostics.ts.slice(0, 16))})` : t('none'))}
    ${fact('activeAlerts', r.alerts.map((a) => `<span class="badge ${alertClass(a)}" title="${esc(a)}">${esc(label(a))}</span>`).join(' ') || '—')}</div></div>
    ${implausibleList(state.lang, r)}<div class="charts"><div class="card"><h3>${t('supplyHistory')}</h3><div class="legend"><span><i class="c-ribbon"></i>${t('ribbon')}</span><span><i class="c-film"></i>${t('film')}</span><span><i class="c-blanks"></i>${t('blanks')}</span></div><div id="c-supplies"></div></div>
    <div class="card"><h3>${t('printedPerDay')}</h3><div id="c-daily"></div></div><div class="card"><h3>${t('powerHistory')}</h3><div id="c-power"></div></div></div>
    <div class="card"><h3>${t('recentAlerts')}</h3><ol class="feed">${d.alerts.map(alertHtml).join('')}</ol></div>`;
  const pts = (key) => d.samples.map((s) => [Date.parse(s.ts), s[key]]);
  $('c-supplies').append(lineChart([{ name: 'ribbon', color: '#1a73e8', points: pts('ribbon') }, { name: 'film', color: '#e37400', points: pts('film') }, { name: 'blanks', color: '#188038', points: pts('blanks') }]));
  $('c-daily').append(barChart(d.daily.map((x) => [x.day.slice(5), x.printed])));
  $('c-power').append(lineChart([{ name: 'charge', color: '#a142f4', points: pts('chargePercent') }]));
  // Gone for good: its row goes at once, and the dashboard's words say what went and what stays.
  view.append(retireCard(state.lang, r.station, (done) => {
    state.rows.delete(done.station);
    $('notice').textContent = done.words?.[state.lang] ?? '';
    $('notice').hidden = false;
    location.hash = '#/';
  }));
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

/** Live only while the page has its stream and the dashboard its broker; a lost broker says so at the top. */
function showLive() {
  const live = state.live && state.link.connected;
  $('live').className = `live ${live ? 'on' : 'off'}`;
  $('live').textContent = t(live ? 'live' : state.live ? 'brokerLostShort' : 'offline');
  const banner = $('link-banner');
  if (state.link.connected) { banner.hidden = true; return; }
  banner.hidden = false;
  const since = state.link.lostSince ? new Date(state.link.lostSince).toLocaleTimeString(state.lang === 'id' ? 'id-ID' : 'en-GB', { hour: '2-digit', minute: '2-digit' }) : '?';
  banner.textContent = t('brokerLost', { t: since });
}

function translatePage() {
  document.documentElement.lang = state.lang;
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  $('lang').textContent = state.lang === 'id' ? 'EN' : 'ID';
  $('health-line').innerHTML = healthLineHtml(state.lang, state.metrics);
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

/** The dashboard's own health line, read again with the table. */
async function loadHealth() {
  state.metrics = await api('/api/metrics').catch(() => state.metrics);
  $('health-line').innerHTML = healthLineHtml(state.lang, state.metrics);
}

async function loadAll() {
  const [rows, alerts, link] = await Promise.all([api('/api/stations'), api('/api/alerts?limit=200'), api('/api/link'), loadHealth()]);
  state.rows = new Map(rows.map((r) => [r.station, r]));
  state.alerts = alerts;
  state.link = link;
  showLive();
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
  es.addEventListener('link', (m) => {
    state.link = JSON.parse(m.data);
    showLive();
  });
  es.addEventListener('tick', async (m) => {
    const tick = JSON.parse(m.data);
    if (tick.link) { state.link = tick.link; showLive(); }
    state.rows = new Map((await api('/api/stations')).map((r) => [r.station, r]));
    await loadHealth();
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
  const config = await api('/api/config');
  state.words = config.alertWords ?? {};
  state.severities = config.alertSeverities ?? {};
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
