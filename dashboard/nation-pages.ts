/**
 * The ministry's pages: the nation's tree one level at a time (provinces, then a province's
 * regencies, a regency's offices, an office's stations; the worst first), and the allocation's
 * moves. Indonesian unless ?lang=en, every value escaped, the flagged places listed at the foot.
 */
import type { Lang, Text } from '../core/i18n.js';
import type { Allocation } from './allocation.js';
import type { Flag, Level, LevelKind } from './nation.js';
import type { OfficeStock } from './office-api.js';
import { esc, shell } from './report-pages.js';

const W = {
  title: { id: 'Blangko KTP-el Nasional', en: 'e-KTP blanks across the nation' },
  allocTitle: { id: 'Pemindahan blangko antarkantor', en: 'Moving blanks between offices' },
  nation: { id: 'Nasional', en: 'Nation' },
  province: { id: 'Provinsi', en: 'Province' },
  regency: { id: 'Kabupaten/Kota', en: 'Regency' },
  office: { id: 'Kantor', en: 'Office' },
  station: { id: 'Stasiun', en: 'Station' },
  up: { id: 'Stasiun aktif', en: 'Stations up' },
  upOne: { id: 'Aktif', en: 'Up' },
  today: { id: 'Kartu baik hari ini', en: 'Good cards today' },
  month: { id: 'Tercetak bulan ini', en: 'Printed this month' },
  blanks: { id: 'Blangko', en: 'Blanks' },
  months: { id: 'Cukup (bulan)', en: 'Months of stock' },
  low: { id: 'Kantor di bawah titik pengajuan', en: 'Offices below request point' },
  slow: { id: 'Kab/kota di bawah {n} kartu/hari', en: 'Regencies under {n} cards a day' },
  rec: { id: 'Rekonsiliasi bulan ini', en: "This month's reconciliation" },
  balanced: { id: 'seimbang', en: 'balanced' },
  unbalanced: { id: '{n} kantor dengan selisih', en: '{n} offices with differences' },
  worst: { id: 'Urutan: yang paling buruk lebih dulu (kantor di bawah titik pengajuan, lalu stok tersisa paling sedikit, lalu stasiun mati).', en: 'Order: the worst first (offices below their request point, then the fewest months of stock, then stations down).' },
  flags: { id: 'Ditandai, tidak dihitung', en: 'Flagged, not counted' },
  noFlags: { id: 'Tidak ada yang ditandai.', en: 'Nothing flagged.' },
  alloc: { id: 'Pemindahan blangko yang disarankan', en: 'Suggested moves of blanks' },
  moves: { id: 'Pindahkan', en: 'Moves' },
  noMoves: { id: 'Tidak ada pemindahan yang disarankan.', en: 'No move suggested.' },
  from: { id: 'Dari', en: 'From' },
  to: { id: 'Ke', en: 'To' },
  quantity: { id: 'Jumlah', en: 'Quantity' },
  kind: { id: 'Barang', en: 'What' },
  blanksKind: { id: 'blangko', en: 'blanks' },
  ribbonKind: { id: 'gulungan pita', en: 'ribbon rolls' },
  filmKind: { id: 'gulungan film', en: 'film rolls' },
  idle: { id: 'Stok menganggur', en: 'Idle stock' },
  surplus: { id: 'Lebih dari kebutuhannya', en: 'Above its own need' },
  short: { id: 'Akan kekurangan', en: 'Running short' },
  shortfall: { id: 'Kekurangan', en: 'Shortfall' },
  requestOn: { id: 'Titik pengajuan', en: 'Request point on' },
  left: { id: 'Tetap kurang', en: 'Still short' },
  silent: { id: 'Tidak melapor lebih dari seminggu (tidak dihitung)', en: 'Silent more than a week (left out)' },
  csv: { id: 'Unduh CSV', en: 'Download CSV' },
  recLink: { id: 'rekonsiliasi', en: 'reconciliation' },
  implausible: { id: 'Angka tidak masuk akal', en: 'Implausible figures' },
  leftOut: { id: '{n} kantor tidak dihitung dalam jumlah di atas karena angkanya tidak masuk akal: {offices}', en: '{n} offices left out of the figures above for implausible figures: {offices}' },
  counted: { id: 'Angka kantor ini dihitung apa adanya, tetapi kantor ini tidak dihitung dalam jumlah kabupaten/kota, provinsi dan nasional.', en: "This office's figures are counted as they are, but the office is left out of the regency's, the province's and the nation's figures." },
  allocLeftOut: { id: 'Tidak diikutkan: angkanya tidak masuk akal', en: 'Left out: implausible figures' },
} satisfies Record<string, Text>;

const CHILD: Record<LevelKind, LevelKind | 'station'> = { nation: 'province', province: 'regency', regency: 'office', office: 'station' };
const cell = (v: string) => `<td class="n">${v}</td>`;
/** Numbers as the reader writes them: 1.234,5 in Indonesian, 1,234.5 in English. */
const numIn = (lang: Lang) => (n: number) => n.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB');

function flagList(flags: readonly Flag[], lang: Lang): string {
  return `<h2>${esc(W.flags[lang])}</h2>${flags.length ? `<ul>${flags.map((f) => `<li><code>${esc(f.kind)}</code> ${esc(f.words[lang])}</li>`).join('')}</ul>` : `<p>${esc(W.noFlags[lang])}</p>`}`;
}

function summary(l: Level, lang: Lang, minCardsPerDay: string): string {
  const num = numIn(lang);
  const orDash = (n: number | null) => (n === null ? '–' : num(n));
  const t = (k: keyof typeof W) => esc(W[k][lang]);
  const rec = l.unbalanced.length ? esc(W.unbalanced[lang].replace('{n}', String(l.unbalanced.length))) : t('balanced');
  const recScope = l.kind === 'nation' ? 'nation=1' : `${l.kind}=${encodeURIComponent(l.id)}`;
  const rows: [string, string][] = [
    [t('up'), `${num(l.stations.up)} / ${num(l.stations.total)}`],
    [t('today'), num(l.printedToday)],
    [t('month'), num(l.printedMonth)],
    [t('blanks'), orDash(l.blanks)],
    [t('months'), orDash(l.monthsOfStock)],
    [t('low'), num(l.officesLow.length)],
  ];
  if (l.kind === 'nation' || l.kind === 'province') rows.push([esc(W.slow[lang].replace('{n}', minCardsPerDay)), num(l.regenciesSlow.length)]);
  rows.push([t('rec'), `${num(l.month.opening)} + ${num(l.month.received)} + ${num(l.month.borrowed)} − ${num(l.month.lent)} − ${num(l.month.printed)} − ${num(l.month.spoiled)} ± ${num(l.month.corrections)} = ${num(l.month.closing)} (${rec}; <a href="/api/reconciliation?${recScope}">${t('recLink')}</a>)`]);
  return `<table class="figures"><tbody>${rows.map(([k, v]) => `<tr><td>${k}</td><td class="n">${v}</td></tr>`).join('')}</tbody></table>`;
}

/** What a level could not vouch for: the offices left out of its figures (or, at an office, that its own are counted as they are), and why. */
function implausibleList(l: Level, lang: Lang): string {
  if (l.implausible.length === 0 && l.leftOut.length === 0) return '';
  const head = l.kind === 'office' ? esc(W.counted[lang]) : esc(W.leftOut[lang].replace('{n}', String(l.leftOut.length)).replace('{offices}', l.leftOut.join(', ')));
  return `<h2>${esc(W.implausible[lang])}</h2><p data-left-out="${l.leftOut.length}">${head}</p><ul>${l.implausible.map((x) => `<li><code>${esc(x.station)}</code> ${esc(x.words[lang])}</li>`).join('')}</ul>`;
}

function children(l: Level, lang: Lang): string {
  const num = numIn(lang);
  const orDash = (n: number | null) => (n === null ? '–' : num(n));
  const t = (k: keyof typeof W) => esc(W[k][lang]);
  const kind = CHILD[l.kind];
  if (kind === 'station') {
    const rows = (l.stationRows ?? []).map((s) => `<tr class="${s.up ? '' : 'bad'}"><td>${esc(s.station)}</td><td>${s.up ? '✓' : '✗'}</td>${cell(orDash(s.printedToday))}</tr>`);
    return `<table class="figures wide"><thead><tr><th>${t('station')}</th><th>${t('upOne')}</th><th>${t('today')}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  }
  const head = `<tr><th>${t(kind)}</th><th>${t('up')}</th><th>${t('today')}</th><th>${t('month')}</th><th>${t('blanks')}</th><th>${t('months')}</th><th>${t('low')}</th></tr>`;
  const rows = l.children.map((c) => {
    const label = c.name ? `${c.name} (${c.id})` : c.id;
    const attention = c.officesLow.length > 0 || (c.monthsOfStock !== null && c.monthsOfStock < 1);
    return `<tr class="${attention ? 'bad' : ''}"><td><a href="/nation?${c.kind}=${encodeURIComponent(c.id)}${lang === 'en' ? '&amp;lang=en' : ''}">${esc(label)}</a></td>${cell(`${num(c.stations.up)} / ${num(c.stations.total)}`)}${cell(num(c.printedToday))}${cell(num(c.printedMonth))}${cell(orDash(c.blanks))}${cell(orDash(c.monthsOfStock))}${cell(num(c.officesLow.length))}</tr>`;
  });
  return `<table class="figures wide"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table><p class="muted">${t('worst')}</p>`;
}

export function nationPage(a: { level: Level; path: { kind: LevelKind; id: string; name: string | null }[]; flags: Flag[]; minCardsPerDay?: number }, lang: Lang, query: string): string {
  const t = (k: keyof typeof W) => esc(W[k][lang]);
  const en = lang === 'en' ? '&amp;lang=en' : '';
  const crumbs = [`<a href="/nation${lang === 'en' ? '?lang=en' : ''}">${t('nation')}</a>`, ...a.path.map((p) => `<a href="/nation?${p.kind}=${encodeURIComponent(p.id)}${en}">${esc(p.name ?? p.id)}</a>`)];
  const l = a.level;
  const here = l.kind === 'nation' ? '' : ` › ${esc(W[l.kind][lang])}: ${esc(l.name ? `${l.name} (${l.id})` : l.id)}`;
  const body = `<h1>${t('title')}</h1><p class="noprint">${crumbs.join(' › ')}${here} · <a href="/allocation${lang === 'en' ? '?lang=en' : ''}">${t('alloc')}</a></p>
${summary(l, lang, String(a.minCardsPerDay ?? 15))}${implausibleList(l, lang)}<h2>${esc(W[CHILD[l.kind]][lang])}</h2>${children(l, lang)}${flagList(a.flags, lang)}`;
  return shell(W.title[lang], lang, body, 'report wide').replace('__Q__', query ? `${esc(query)}&amp;` : '');
}

export function allocationPage(a: Allocation & { flags: Flag[] }, stocks: readonly OfficeStock[], lang: Lang, query: string): string {
  const num = numIn(lang);
  const orDash = (n: number | null) => (n === null ? '–' : num(n));
  const t = (k: keyof typeof W) => esc(W[k][lang]);
  const name = new Map(stocks.map((s) => [s.office, s.name ? `${s.name} (${s.office})` : s.office]));
  const label = (o: string) => esc(name.get(o) ?? o);
  const table = (head: string[], rows: string[][]) => `<table class="figures wide"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
  const moves = a.moves.length
    ? table([t('from'), t('to'), t('quantity'), t('kind'), ''], a.moves.map((m) => [`<td>${label(m.from)}</td>`, `<td>${label(m.to)}</td>`, cell(num(m.quantity)), `<td>${t(`${m.kind}Kind`)}</td>`, `<td>${esc(m.words[lang])}</td>`]))
    : `<p>${t('noMoves')}</p>`;
  const short = table([t('office'), t('kind'), t('shortfall'), t('requestOn'), t('left')], a.short.map((s) => [`<td>${label(s.office)}</td>`, `<td>${t(`${s.kind}Kind`)}</td>`, cell(num(s.shortfall)), `<td>${esc(s.requestOn ?? '–')}</td>`, cell(num(s.left))]));
  const idle = table([t('office'), t('kind'), t('surplus'), t('months')], a.idle.map((i) => [`<td>${label(i.office)}</td>`, `<td>${t(`${i.kind}Kind`)}</td>`, cell(num(i.surplus)), cell(orDash(i.months))]));
  const silent = a.silent.length ? `<h2>${t('silent')}</h2><p>${a.silent.map(label).join(', ')}</p>` : '';
  const implausible = a.implausible.length ? `<h2>${t('allocLeftOut')}</h2><ul>${a.implausible.map((x) => `<li>${label(x.office)}: <code>${esc(x.station)}</code> ${esc(x.words[lang])}</li>`).join('')}</ul>` : '';
  const body = `<h1>${t('allocTitle')}</h1><p class="noprint"><a href="/nation${lang === 'en' ? '?lang=en' : ''}">${t('nation')}</a> · <a href="/api/allocation?format=csv">${t('csv')}</a></p>
<h2>${t('moves')}</h2>${moves}<h2>${t('short')}</h2>${short}<h2>${t('idle')}</h2>${idle}${silent}${implausible}${flagList(a.flags, lang)}`;
  return shell(W.allocTitle[lang], lang, body, 'report wide').replace('__Q__', query ? `${esc(query)}&amp;` : '');
}
