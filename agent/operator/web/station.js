// The station page. Every value is put on the page as text (textContent), never as HTML.
'use strict';

const WORDS = {
  title: { id: 'Stasiun cetak KTP-el', en: 'e-KTP print station' },
  queue: { id: 'Antrean cetak', en: 'Print queue' },
  waiting: { id: 'menunggu', en: 'waiting' },
  printing: { id: 'sedang dicetak', en: 'printing' },
  // Good cards as the blank-card ledger counts them: a spoiled card and its reprint are one good, one spoiled.
  goodToday: { id: 'kartu baik hari ini', en: 'good cards today' },
  spoiledToday: { id: 'rusak hari ini', en: 'spoiled today' },
  failedToday: { id: 'gagal hari ini', en: 'failed today' },
  addLabel: { id: 'Tambah rekaman: ID rekaman siap cetak, satu per baris (bukan NIK)', en: 'Add records: print-ready record ids, one per line (never a NIK)' },
  addButton: { id: 'Tambah ke antrean', en: 'Add to queue' },
  verify: { id: 'Kartu yang perlu diperiksa', en: 'Cards to verify' },
  spoils: { id: 'Kartu rusak di printer hari ini', en: 'Cards the printer spoiled today' },
  reprintBtn: { id: 'Cetak ulang', en: 'Reprint' },
  verifyHelp: { id: 'Agen tidak tahu pasti apakah kartu ini keluar. Lihat printer dan tempat kartu, lalu pilih.', en: 'The agent cannot tell whether these cards came out. Look at the printer and the output tray, then choose.' },
  verifyNone: { id: 'Tidak ada kartu yang perlu diperiksa.', en: 'No card waits for verification.' },
  printedBtn: { id: 'Tercetak', en: 'Printed' },
  notPrintedBtn: { id: 'Tidak tercetak', en: 'Not printed' },
  spoiledBtn: { id: 'Rusak', en: 'Spoiled' },
  recent: { id: 'Kartu 24 jam terakhir', en: 'Cards in the last 24 hours' },
  record: { id: 'Rekaman', en: 'Record' },
  state: { id: 'Status', en: 'State' },
  time: { id: 'Waktu', en: 'Time' },
  markSpoiled: { id: 'Rusak…', en: 'Spoiled…' },
  spoilTitle: { id: 'Tandai kartu rusak:', en: 'Mark card spoiled:' },
  reason: { id: 'Alasan', en: 'Reason' },
  reprint: { id: 'Cetak ulang', en: 'Print again' },
  spoilButton: { id: 'Simpan sebagai rusak', en: 'Record as spoiled' },
  cancel: { id: 'Batal', en: 'Cancel' },
  supplies: { id: 'Pita dan film', en: 'Ribbon and film' },
  level: { id: 'Sisa', en: 'Left' },
  daysLeft: { id: 'Habis dalam', en: 'Lasts' },
  onShelf: { id: 'Di rak', en: 'On the shelf' },
  rollsReceive: { id: 'Gulungan diterima (masuk rak)', en: 'Rolls received (onto the shelf)' },
  rollsReplace: { id: 'Gulungan baru dipasang di printer', en: 'New roll put in the printer' },
  ribbon: { id: 'Pita', en: 'Ribbon' },
  film: { id: 'Film retransfer', en: 'Retransfer film' },
  rolls: { id: 'Gulungan', en: 'Rolls' },
  lot: { id: 'Lot', en: 'Lot' },
  yield: { id: 'Kartu per gulungan (bila tidak dari rak)', en: 'Cards per roll (if not from the shelf)' },
  early: { id: 'Yang lama dilepas sebelum habis', en: 'The old one came out before it was used up' },
  save: { id: 'Simpan', en: 'Save' },
  blanks: { id: 'Kartu blangko', en: 'Blank cards' },
  onHand: { id: 'stok', en: 'on hand' },
  lasts: { id: 'habis dalam (hari)', en: 'lasts (days)' },
  goodAll: { id: 'kartu baik sejak awal buku', en: 'good cards (all time)' },
  spoiledAll: { id: 'rusak sejak awal buku', en: 'spoiled (all time)' },
  since: { id: 'Semua: sejak', en: 'All time: since' },
  sinceWhy: { id: '(entri pertama buku kartu blangko)', en: "(the blank-card ledger's first entry)" },
  blanksReceive: { id: 'Kiriman kartu blangko diterima', en: 'Delivery of blank cards received' },
  blanksCount: { id: 'Hitung fisik kartu blangko', en: 'Physical count of blank cards' },
  cards: { id: 'Jumlah kartu', en: 'Cards' },
  batch: { id: 'Nomor batch / BAST', en: 'Batch / handover no.' },
  transferNo: { id: 'Nomor transfer dari gudang', en: 'Transfer no. from the store' },
  blanksReturn: { id: 'Kembalikan kartu blangko ke gudang kantor', en: "Send blank cards back to the office's store" },
  again: { id: 'Kiriman kedua dengan nomor sama', en: 'Second delivery, same number' },
  counted: { id: 'Terhitung', en: 'Counted' },
  power: { id: 'Printer dan listrik', en: 'Printer and power' },
  alerts: { id: 'Peringatan', en: 'Alerts' },
  canPrint: { id: 'Siap mencetak', en: 'Ready to print' },
  canPrintWhy: { id: 'Kartu dicetak satu per satu dari antrean.', en: 'Cards print one by one from the queue.' },
  held: { id: 'Pencetakan ditahan', en: 'Printing is held' },
  todo: { id: 'Yang perlu dilakukan', en: 'What to do' },
  unknownState: { id: 'Keadaan belum diketahui', en: 'State not known yet' },
  unknownWhy: { id: 'Agen belum membaca printer dan UPS, atau pembacaannya sudah lama.', en: 'The agent has not read the printer and UPS yet, or the reading is old.' },
  noAgent: { id: 'Agen tidak menjawab', en: 'The agent does not answer' },
  noAgentWhy: { id: 'Halaman ini tidak bisa menghubungi agen. Pastikan layanan station-agent berjalan; hubungi teknisi bila tetap begini.', en: 'This page cannot reach the agent. Make sure the station-agent service runs; call the technician if it stays so.' },
  updated: { id: 'diperbarui', en: 'updated' },
  secondsAgo: { id: 'dtk lalu', en: 's ago' },
  unknown: { id: 'tidak diketahui', en: 'unknown' },
  none: { id: 'tidak ada', en: 'none' },
  notRecorded: { id: 'belum dicatat', en: 'not recorded' },
  printerSays: { id: 'Kata printer', en: 'The printer says' },
  refused: { id: 'Ditolak', en: 'Refused' },
  failed: { id: 'Gagal', en: 'Failed' },
  days: { id: 'hari', en: 'days' },
  lessThanDay: { id: 'kurang dari sehari', en: 'less than a day' },
  langButton: { id: 'English', en: 'Bahasa Indonesia' },
};

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
      b.addEventListener('click', () => act('jobs-verify', { recordId: c.recordId, outcome }, b));
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
      b.addEventListener('click', () => openSpoil(j.recordId));
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
  document.dispatchEvent(new CustomEvent('station:view', { detail: { view: s, lang } }));
}

function openSpoil(recordId) {
  const f = $('form-spoil');
  f.hidden = false;
  f.elements.recordId.value = recordId;
  $('spoil-record').textContent = recordId;
  f.elements.reason.focus();
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
        if (form.id === 'form-spoil') form.hidden = true;
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
$('spoil-cancel').addEventListener('click', () => {
  $('form-spoil').hidden = true;
});
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
