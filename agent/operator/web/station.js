// The station page. Every value is put on the page as text (textContent), never as HTML.
import { WORDS } from '/words.js';

const csrf = document.querySelector('meta[name="csrf"]').content;
let lang = localStorage.getItem('station.lang') || document.querySelector('meta[name="lang"]').content || 'id';
if (lang !== 'id' && lang !== 'en') lang = 'id';
let last = null;
let reachable = true;

const $ = (id) => document.getElementById(id);
const w = (key) => WORDS[key][lang];
/** A {id, en} text from the agent, in the page's language. */
const t = (text) => (text && typeof text === 'object' ? (text[lang] ?? text.en ?? '') : text == null ? '' : String(text));
const num = (v) => (v === null || v === undefined ? '–' : String(v));
const days = (d) => (d === null || d === undefined ? w('unknown') : d < 1 ? w('lessThanDay') : `${Math.round(d)} ${w('days')}`);
const el = (tag, text, cls) => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};
const time = (iso) => new Date(iso).toLocaleTimeString(lang === 'id' ? 'id-ID' : 'en-GB', { hour: '2-digit', minute: '2-digit' });

function applyWords() {
  document.documentElement.lang = lang;
  document.title = w('title');
  for (const e of document.querySelectorAll('[data-t]')) e.textContent = w(e.dataset.t);
  $('lang-toggle').textContent = w('langButton');
}

function banner(cls, title, why, todo) {
  $('banner').className = `banner ${cls}`;
  $('banner-title').textContent = title;
  $('banner-why').textContent = why;
  $('banner-todo').textContent = todo ? `${w('todo')}: ${todo}` : '';
}

function render() {
  applyWords();
  if (!reachable) return banner('unknown', w('noAgent'), w('noAgentWhy'), '');
  if (!last) return;
  const s = last;
  $('station-name').textContent = `${s.station.id}${s.station.name ? ` · ${s.station.name}` : ''}`;
  $('freshness').textContent = s.ageSeconds === null ? '' : `${w('updated')} ${s.ageSeconds} ${w('secondsAgo')}`;
  const v = s.view;
  if (!v || v.canPrint === null) banner('unknown', w('unknownState'), w('unknownWhy'), '');
  else if (v.held) banner('held', `${w('held')}: ${t(v.held.why)}`, '', t(v.held.todo));
  else banner('ok', w('canPrint'), w('canPrintWhy'), '');

  $('q-waiting').textContent = num(v?.queue.waiting);
  $('q-printing').textContent = num(v?.queue.printing);
  // An agent before good cards (an old snapshot) gives none: unknown, never its printed count under this label.
  $('q-printed').textContent = num(v?.queue.goodToday);
  $('q-spoiled').textContent = num(v?.queue.spoiledToday);
  $('q-failed').textContent = num(v?.queue.failedToday);

  const list = $('verify-list');
  list.replaceChildren();
  for (const c of s.verify) {
    const li = el('li');
    li.dataset.record = c.recordId;
    li.append(el('b', c.recordId), el('div', c.reason ?? '', 'muted'), el('div', `${w('printerSays')}: ${t(c.printer)}`));
    const actions = el('div', undefined, 'actions');
    for (const [outcome, key] of [['printed', 'printedBtn'], ['not-printed', 'notPrintedBtn'], ['spoiled', 'spoiledBtn']]) {
      const b = el('button', w(key));
      b.type = 'button';
      b.dataset.outcome = outcome;
      // Spoiled asks why and offers the reprint, as the spoil form does; the other two act at once.
      if (outcome === 'spoiled') b.addEventListener('click', () => openSpoil('form-verify-spoil', c.recordId));
      else b.addEventListener('click', () => act('jobs-verify', { recordId: c.recordId, outcome }, b));
      actions.append(b);
    }
    li.append(actions);
    list.append(li);
  }
  $('verify-none').hidden = s.verify.length > 0;

  // Cards the printer spoiled today; one spoiled twice waits for the clerk's reprint.
  $('spoils').replaceChildren(...(s.spoils ?? []).map((x) => {
    const li = el('li', undefined, x.now === 'held' ? 'status-to-verify' : '');
    li.append(el('div', t(x.words)));
    const b = el('button', w('reprintBtn'));
    b.type = 'button';
    b.addEventListener('click', () => act('jobs-add', { ids: x.recordId }, b));
    if (x.now === 'held') li.append(b);
    return li;
  }));
  $('spoils-card').hidden = !(s.spoils ?? []).length;

  const recent = $('recent');
  recent.replaceChildren();
  for (const j of s.recent) {
    const tr = el('tr');
    tr.dataset.record = j.recordId;
    const cell = el('td');
    if (j.state === 'printed') {
      const b = el('button', w('markSpoiled'), 'plain');
      b.type = 'button';
      b.addEventListener('click', () => openSpoil('form-spoil', j.recordId));
      cell.append(b);
    } else if (j.state === 'queued' || j.state === 'failed') {
      // Out of the queue: a record this station will not print, given up for another station to print.
      const b = el('button', w('cancelJob'), 'plain');
      b.type = 'button';
      b.dataset.cancel = j.recordId;
      b.addEventListener('click', () => act('jobs-cancel', { recordId: j.recordId }, b));
      cell.append(b);
    }
    tr.append(el('td', j.recordId), el('td', t(j.words), j.state === 'needs_verification' ? 'status-to-verify' : ''), el('td', time(j.at)), cell);
    recent.append(tr);
  }

  const est = v?.estimate;
  const estDays = (d) => days(d) + (est && d !== null && d !== undefined ? ` (${t(est.mark)})` : '');
  for (const id of ['supplies-estimate', 'blanks-estimate']) Object.assign($(id), { textContent: est ? t(est.note) : '', hidden: !est });
  const supplies = $('supplies');
  supplies.replaceChildren();
  for (const x of v?.supplies ?? []) {
    if (x.kind !== 'ribbon' && x.kind !== 'film') continue;
    const tr = el('tr');
    tr.dataset.kind = x.kind;
    tr.append(el('td', t(x.name)), el('td', t(x.level)), el('td', estDays(x.daysLeft)), el('td', x.onShelf === null ? w('notRecorded') : String(x.onShelf)));
    supplies.append(tr);
  }
  $('b-onhand').textContent = s.stock.onHand === null ? w('notRecorded') : String(s.stock.onHand);
  $('b-days').textContent = v ? estDays(v.blanks.daysLeft) : '–';
  $('b-printed').textContent = String(s.stock.good);
  $('b-spoiled').textContent = String(s.stock.spoiled);
  $('b-since').textContent = s.stock.since ? `${w('since')} ${s.stock.since} ${w('sinceWhy')}` : '';
  $('printer-words').textContent = v ? t(v.printer) : w('unknown');
  $('ups-words').textContent = v ? t(v.ups) : w('unknown');
  $('alerts').textContent = v && v.alertNames.length ? v.alertNames.map(t).join('; ') : w('none');
  spoilChoices(s.spoilCodes ?? []);
  document.dispatchEvent(new CustomEvent('station:view', { detail: { view: s, lang } }));
}

/** A spoiled card's form (the verify box's or the spoil form): why, the kind of damage, the reprint. */
function openSpoil(formId, recordId) {
  const f = $(formId);
  f.hidden = false;
  f.elements.recordId.value = recordId;
  const shown = f.querySelector('.spoil-record');
  if (shown) shown.textContent = recordId;
  (recordId ? f.elements.reason : f.elements.recordId).focus();
}

/** The kinds of damage the agent counts, in the page's language; drawn again only when they change. */
function spoilChoices(codes) {
  const key = `${lang}:${codes.map((c) => c.code).join(',')}`;
  for (const sel of document.querySelectorAll('form.spoil select[name="code"]')) {
    if (sel.dataset.drawn === key) continue;
    const keep = sel.value;
    const first = el('option', w('codeFromReason'));
    first.value = '';
    sel.replaceChildren(first, ...codes.map((c) => Object.assign(el('option', t(c.words)), { value: c.code })));
    sel.value = keep;
    sel.dataset.drawn = key;
  }
}

function notice(text, bad) {
  const n = $('notice');
  n.hidden = false;
  n.className = bad ? 'notice bad' : 'notice';
  n.textContent = text;
}

function clearErrors(form) {
  if (form) for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
}

async function act(action, body, button, form) {
  if (button) button.disabled = true;
  clearErrors(form);
  try {
    const res = await fetch(`/api/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) });
    const r = await res.json();
    if (res.ok) {
      const refused = (r.refused ?? []).map((x) => `${w('refused')} ${x.recordId}: ${t(x.why)}`);
      notice([t(r.message), ...refused].join('\n'), refused.length > 0);
      // The office's part of the page (office.js) shows the hand-over slip of a movement just made.
      document.dispatchEvent(new CustomEvent('station:acted', { detail: { action, result: r } }));
      if (form) {
        form.reset();
        if (form.classList.contains('spoil')) form.hidden = true;
      }
    } else if (r.field && form && form.querySelector(`[data-for="${r.field}"]`)) {
      form.querySelector(`[data-for="${r.field}"]`).textContent = t(r.message);
      notice(`${w('refused')}: ${t(r.message)}`, true);
    } else {
      const msg = t(r.message ?? r.error);
      notice(`${w('refused')}: ${msg}${r.hint ? `\n${w('todo')}: ${t(r.hint)}` : ''}`, true);
    }
  } catch (err) {
    notice(`${w('failed')}: ${err.message}`, true);
  } finally {
    if (button) button.disabled = false;
    await refresh();
  }
}

function formBody(form) {
  const body = {};
  for (const e of form.elements) {
    if (!e.name) continue;
    if (e.type === 'checkbox') body[e.name] = e.checked;
    else body[e.name] = e.value;
  }
  return body;
}

async function refresh() {
  try {
    const res = await fetch('/api/view', { cache: 'no-store', signal: AbortSignal.timeout(5000) });
    // Busy (another program floods the agent): keep what is shown, look again at the next poll.
    if (res.status === 503) return;
    if (!res.ok) throw new Error(String(res.status));
    last = await res.json();
    reachable = true;
  } catch {
    reachable = false;
  }
  render();
}

for (const form of document.querySelectorAll('form[data-action]')) {
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void act(form.dataset.action, formBody(form), form.querySelector('button[type="submit"]'), form);
  });
}
for (const b of document.querySelectorAll('form.spoil button.close')) {
  b.addEventListener('click', () => {
    b.form.reset();
    b.form.hidden = true;
  });
}
$('spoil-open').addEventListener('click', () => openSpoil('form-spoil', ''));
$('lang-toggle').addEventListener('click', () => {
  lang = lang === 'id' ? 'en' : 'id';
  localStorage.setItem('station.lang', lang);
  render();
});
/** The next look 2 s after the last answer (or failure): a slow agent never has requests piling up. */
async function poll() {
  await refresh();
  setTimeout(() => void poll(), 2000);
}
applyWords();
void poll();
