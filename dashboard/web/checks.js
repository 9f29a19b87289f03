// What the page says of its own figures: the dashboard's health line (messages late, lost, refused or
// dropped by the broker; /api/metrics) and the figures a station sent beyond what a printer can do
// (a row's `implausible`, left out of lending, the ranking and the sums; its words come in both languages).
import { translate } from '/i18n.js';

const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** A row's badge for figures that cannot be, each said in the page's language in its title; '' for none. */
export function implausibleBadge(lang, r) {
  if (!r.implausible?.length) return '';
  const why = r.implausible.map((x) => x.words?.[lang] ?? x.what).join('\n');
  return `<span class="badge bad" data-implausible="${esc(r.implausible.map((x) => x.what).join(' '))}" title="${esc(why)}">${esc(translate(lang, 'implausibleBadge'))}</span>`;
}

/** On a station's page: each figure that cannot be, and why. */
export function implausibleList(lang, r) {
  if (!r.implausible?.length) return '';
  return `<div class="card implausible"><h3>${esc(translate(lang, 'implausibleTitle'))}</h3><ul>${r.implausible.map((x) => `<li data-what="${esc(x.what)}">${esc(x.words?.[lang] ?? x.what)}</li>`).join('')}</ul></div>`;
}

/** Under the lending suggestions: how many stations were left out for figures that cannot be. */
export function leftOutNote(lang, rows) {
  const n = rows.filter((r) => r.implausible?.length).length;
  return n === 0 ? '' : `<p class="muted" data-left-out="${n}">${esc(translate(lang, 'lendLeftOut', { n }))}</p>`;
}

/** The health line: each part a span with data-health naming it, what a person reads in the page's language. */
export function healthLineHtml(lang, m) {
  if (!m?.ingest) return '';
  const t = (key, vars) => translate(lang, key, vars);
  const i = m.ingest;
  const num = (n) => Number(n).toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB');
  const refused = Object.values(i.invalid ?? {}).reduce((a, b) => a + b, 0);
  const parts = [
    ['lag', i.lagMs?.p95 === null || i.lagMs?.p95 === undefined ? null : t('hlLag', { ms: num(i.lagMs.p95) }), false],
    ['missing', i.seqGaps?.missing ? t('hlMissing', { n: num(i.seqGaps.missing), s: num(i.seqGaps.stations) }) : t('hlNoneMissing'), i.seqGaps?.missing > 0],
    ['broker-dropped', i.brokerDropped === null || i.brokerDropped === undefined ? null : t('hlBrokerDropped', { n: num(i.brokerDropped) }), i.brokerDropped > 0],
    ['refused', refused ? t('hlRefused', { n: num(refused) }) : null, true],
    ['clock-ahead', i.clockAhead?.stations ? t('hlClockAhead', { n: num(i.clockAhead.stations) }) : null, true],
    ['not-written', i.dropped ? t('hlNotWritten', { n: num(i.dropped) }) : null, true],
  ];
  return `<span class="muted">${esc(t('hlTitle'))}</span> ` + parts.filter(([, text]) => text !== null).map(([key, text, warn]) => `<span data-health="${key}" class="${warn ? 'warn' : ''}">${esc(text)}</span>`).join(' · ');
}
