/**
 * The printable pages a head of office signs: the month's reconciliation of blank cards (laporan
 * rekonsiliasi blangko) and the request to the ministry (usulan kebutuhan blangko), in Indonesian
 * (English on a link), every value escaped. They print on one A4 page from the browser.
 */
import type { Lang, Text } from '../core/i18n.js';
import type { Reconciliation } from './reconcile.js';
import type { Request } from './request.js';

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const MONTHS: Record<Lang, string[]> = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};
const monthName = (m: string, lang: Lang) => `${MONTHS[lang][Number(m.slice(5, 7)) - 1] ?? m} ${m.slice(0, 4)}`;
export const num = (n: number) => n.toLocaleString('id-ID');

const W = {
  recTitle: { id: 'Laporan Rekonsiliasi Blangko KTP-el', en: 'Reconciliation of e-KTP blank cards' },
  reqTitle: { id: 'Usulan Kebutuhan Blangko KTP-el', en: 'Request for e-KTP blank cards' },
  office: { id: 'Kantor', en: 'Office' },
  regency: { id: 'Kabupaten/Kota', en: 'Regency' },
  province: { id: 'Provinsi', en: 'Province' },
  nation: { id: 'Nasional', en: 'Nation' },
  period: { id: 'Periode', en: 'Period' },
  through: { id: 'sampai', en: 'through' },
  opening: { id: 'Stok awal', en: 'Opening stock' },
  received: { id: 'Diterima dari kementerian', en: 'Received from the ministry' },
  borrowed: { id: 'Dipinjam dari kantor lain', en: 'Borrowed from other offices' },
  lent: { id: 'Dipinjamkan ke kantor lain', en: 'Lent to other offices' },
  printed: { id: 'Tercetak (kartu baik)', en: 'Printed (good cards)' },
  spoiled: { id: 'Rusak', en: 'Spoiled' },
  corrections: { id: 'Koreksi dan selisih hitung', en: 'Corrections and count differences' },
  closing: { id: 'Stok akhir', en: 'Closing stock' },
  where: { id: 'Letak stok akhir', en: 'Where the closing stock is' },
  store: { id: 'Gudang', en: 'Store room' },
  inTransit: { id: 'Dalam perjalanan', en: 'In transit' },
  problems: { id: 'Selisih dan catatan', en: 'Differences and notes' },
  none: { id: 'Tidak ada selisih.', en: 'No differences.' },
  balanced: { id: 'Stok akhir = stok awal + diterima + dipinjam − dipinjamkan − tercetak − rusak + koreksi.', en: 'Closing = opening + received + borrowed − lent − printed − spoiled + corrections.' },
  head: { id: 'Kepala Dinas / Kepala Kantor', en: 'Head of office' },
  keeper: { id: 'Pengelola gudang', en: 'Store keeper' },
  name: { id: 'Nama', en: 'Name' },
  nip: { id: 'NIP', en: 'NIP' },
  other: { id: 'English', en: 'Bahasa Indonesia' },
  print: { id: 'Cetak halaman ini dari peramban (Ctrl+P).', en: "Print this page from the browser (Ctrl+P)." },
  rate: { id: 'Pemakaian per hari', en: 'Use per day' },
  onHand: { id: 'Stok (gudang dan printer)', en: 'Stock (store and printers)' },
  queued: { id: 'Rekaman antre', en: 'Records queued' },
  lead: { id: 'Lama pengiriman (hari)', en: 'Delivery time (days)' },
  point: { id: 'Titik pengajuan', en: 'Request point' },
  on: { id: 'Ajukan paling lambat', en: 'Write by' },
  quantity: { id: 'Jumlah yang diusulkan', en: 'Quantity requested' },
  plan: { id: 'Rencana pembelian pita dan film setahun', en: "The year's ribbon and film purchase plan" },
  rolls: { id: 'gulungan', en: 'rolls' },
  implausible: { id: 'Angka yang tidak masuk akal', en: 'Implausible figures' },
  counted: { id: 'Angka di atas menghitungnya apa adanya: periksa stasiunnya sebelum menandatangani.', en: 'The figures above count them as they are: check the station before signing.' },
  leftOut: { id: 'Kantor yang tidak dihitung di atas: {offices}.', en: 'Offices left out of the figures above: {offices}.' },
} satisfies Record<string, Text>;

/** Figures of the stations' days that cannot be: counted in an office's own figures, their offices left out of a unit's; '' for none. */
function implausibleSection(r: Pick<Reconciliation, 'implausible' | 'leftOut'>, lang: Lang): string {
  if (r.implausible.length === 0 && r.leftOut.length === 0) return '';
  const said = r.leftOut.length ? W.leftOut[lang].replace('{offices}', r.leftOut.join(', ')) : W.counted[lang];
  return `<h2>${esc(W.implausible[lang])}</h2><p>${esc(said)}</p><ul>${r.implausible.map((x) => `<li>${esc(x.station)}: ${esc(x.words[lang])}</li>`).join('')}</ul>`;
}

export function shell(title: string, lang: Lang, body: string, bodyClass = 'report'): string {
  const other = lang === 'id' ? 'en' : 'id';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><link rel="stylesheet" href="/app.css"></head>
<body class="${bodyClass}"><main><p class="noprint"><a id="lang" href="?${'__Q__'}lang=${other}">${esc(W.other[lang])}</a> · ${esc(W.print[lang])}</p>
${body}</main></body></html>`;
}

function signatures(lang: Lang): string {
  const box = (role: Text) => `<div class="sign"><p>${esc(role[lang])}</p><br><br><br><p>${esc(W.name[lang])}: ______________________</p><p>${esc(W.nip[lang])}: ______________________</p></div>`;
  return `<div class="signatures">${box(W.head)}${box(W.keeper)}</div>`;
}

export function reconciliationPage(r: Reconciliation, lang: Lang, query: string): string {
  const t = (k: keyof typeof W) => esc(W[k][lang]);
  const scope = `${esc(W[r.scope.kind][lang])}: ${esc(r.name ? `${r.name} (${r.scope.id})` : r.scope.id)}`;
  const line = (k: 'opening' | 'received' | 'borrowed' | 'lent' | 'printed' | 'spoiled' | 'corrections' | 'closing', sign = '') => `<tr${k === 'closing' ? ' class="total"' : ''}><td>${t(k)}</td><td class="n">${sign}${num(r[k])}</td></tr>`;
  const printers = Object.entries(r.where.printers).map(([s, n]) => `<tr><td>Printer ${esc(s)}</td><td class="n">${num(n)}</td></tr>`).join('');
  const problems = r.problems.length ? `<ul>${r.problems.map((p) => `<li>${esc(p.words[lang])}</li>`).join('')}</ul>` : `<p>${t('none')}</p>`;
  const body = `<h1>${t('recTitle')}</h1><p>${scope}<br>${t('period')}: ${esc(monthName(r.month, lang))} (${t('through')} ${esc(r.through)})</p>
<table class="figures"><tbody>${line('opening')}${line('received', '+ ')}${line('borrowed', '+ ')}${line('lent', '− ')}${line('printed', '− ')}${line('spoiled', '− ')}${line('corrections', '± ')}${line('closing')}</tbody></table>
<p class="muted">${t('balanced')}</p>
<h2>${t('where')}</h2><table class="figures"><tbody><tr><td>${t('store')}</td><td class="n">${num(r.where.store)}</td></tr>${printers}<tr><td>${t('inTransit')}</td><td class="n">${num(r.where.inTransit)}</td></tr></tbody></table>
<h2>${t('problems')}</h2>${problems}${implausibleSection(r, lang)}${signatures(lang)}`;
  return shell(W.recTitle[lang], lang, body).replace('__Q__', query ? `${esc(query)}&amp;` : '');
}

export function requestPage(q: Request & Partial<Pick<Reconciliation, 'implausible' | 'leftOut'>>, scope: { kind: 'office' | 'regency'; id: string; name: string | null }, lang: Lang, query: string): string {
  const t = (k: keyof typeof W) => esc(W[k][lang]);
  const row = (k: keyof typeof W, v: string) => `<tr><td>${t(k)}</td><td class="n">${esc(v)}</td></tr>`;
  const plan = (['ribbon', 'film'] as const).map((k) => `<tr><td>${k === 'ribbon' ? (lang === 'id' ? 'Pita' : 'Ribbon') : lang === 'id' ? 'Film retransfer' : 'Retransfer film'}</td><td class="n">${q.year[k].rolls} ${t('rolls')}${q.year[k].cost === null ? '' : ` (Rp ${num(q.year[k].cost ?? 0)})`}</td></tr>`).join('');
  const body = `<h1>${t('reqTitle')}</h1><p>${esc(W[scope.kind][lang])}: ${esc(scope.name ? `${scope.name} (${scope.id})` : scope.id)}</p>
<table class="figures"><tbody>${row('rate', `${q.ratePerDay}`)}${row('onHand', num(q.onHand))}${row('inTransit', num(q.inTransit))}${row('queued', num(q.queued))}${row('lead', `${q.leadDays}`)}${row('point', num(q.requestPoint))}${row('on', q.requestOn ?? '–')}<tr class="total"><td>${t('quantity')}</td><td class="n">${num(q.quantity)}</td></tr></tbody></table>
<p>${esc(q.words[lang])}</p>${implausibleSection({ implausible: q.implausible ?? [], leftOut: q.leftOut ?? [] }, lang)}<h2>${t('plan')}</h2><table class="figures"><tbody>${plan}</tbody></table>${signatures(lang)}`;
  return shell(W.reqTitle[lang], lang, body).replace('__Q__', query ? `${esc(query)}&amp;` : '');
}
