/**
 * The request to the ministry (usulan kebutuhan blangko) for an office or a regency: at the rate
 * its printers use blanks, when it must write and for how many, in words a head of office can
 * sign; and the regency's purchase plan of ribbon and film for a year.
 *   ratePerDay   = cards used (good + spoiled) a day over the last 28 days (the days there are)
 *   requestPoint = ratePerDay × (leadDays + 7)
 *   requestOn    = the day on hand + in transit reaches the request point at that rate
 *   quantity     = ratePerDay × (30 × months + leadDays) + queued − onHand − inTransit, in whole boxes, ≥ 0
 */
import type { Text } from '../core/i18n.js';
import type { DayRow } from './accounts.js';

export interface RequestInput {
  /** The days of the unit's stations, the last 28 at least. */
  days: readonly DayRow[];
  /** What `usage` makes of the days, where it was made already (the offices' stock keeps it per station): the days are not read then. */
  usage?: Usage;
  today: string;
  onHand: number;
  inTransit: number;
  queued: number;
  leadDays: number;
  boxSize: number;
  months: number;
  /** Printing stations of the unit: the first estimate before any day is known. */
  printers: number;
  /** Cards a printer is expected to use a day before it has a day of its own (forecast.expectedCardsPerDay). */
  expectedCardsPerDay?: number;
  yields?: { ribbon: number; film: number };
  rollPrice?: { ribbon?: number; film?: number };
}

export interface RollPlan {
  rolls: number;
  yieldCards: number;
  price: number | null;
  cost: number | null;
}

export interface Request {
  ratePerDay: number;
  rateDays: number;
  rateSource: 'own' | 'expected';
  onHand: number;
  inTransit: number;
  queued: number;
  leadDays: number;
  requestPoint: number;
  requestOn: string | null;
  quantity: number;
  months: number;
  boxSize: number;
  /** ribbon and film rolls for a year at the same rate. */
  year: { ribbon: RollPlan; film: RollPlan };
  words: Text;
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Cards used (good and spoiled) over the days of the last 28 with a printer's figures, and the first of those days. */
export interface Usage {
  used: number;
  first: string | undefined;
}

export function usage(days: readonly DayRow[], today: string): Usage {
  const from = addDays(today, -28);
  const recent = days.filter((d) => d.day > from && d.day <= today && d.figures.good !== null);
  return { used: recent.reduce((s, d) => s + (d.figures.good ?? 0) + (d.figures.spoiled ?? 0), 0), first: recent.map((d) => d.day).sort()[0] };
}

export function request(i: RequestInput): Request {
  const { used, first } = i.usage ?? usage(i.days, i.today);
  const rateDays = first ? Math.round((Date.parse(`${i.today}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000) + 1 : 0;
  const rateSource = rateDays > 0 ? 'own' : 'expected';
  const ratePerDay = rateDays > 0 ? round1(used / rateDays) : i.printers * (i.expectedCardsPerDay ?? 150);
  const requestPoint = Math.ceil(ratePerDay * (i.leadDays + 7));
  const stock = i.onHand + i.inTransit;
  const requestOn = ratePerDay > 0 ? addDays(i.today, Math.max(0, Math.floor((stock - requestPoint) / ratePerDay))) : null;
  const need = ratePerDay * (30 * i.months + i.leadDays) + i.queued - stock;
  const quantity = need <= 0 ? 0 : Math.ceil(need / i.boxSize) * i.boxSize;
  const plan = (kind: 'ribbon' | 'film'): RollPlan => {
    const yieldCards = i.yields?.[kind] ?? (kind === 'ribbon' ? 500 : 1500);
    const rolls = Math.ceil((ratePerDay * 365) / yieldCards);
    const price = i.rollPrice?.[kind] ?? null;
    return { rolls, yieldCards, price, cost: price === null ? null : rolls * price };
  };
  const est = rateSource === 'expected' ? { id: ' (perkiraan awal: belum ada hari yang tercatat)', en: ' (a first estimate: no day recorded yet)' } : { id: '', en: '' };
  const when = requestOn === null ? { id: 'tidak ada pemakaian: belum perlu mengajukan', en: 'no use: no request needed yet' } : requestOn <= i.today ? { id: 'ajukan sekarang', en: 'write now' } : { id: `ajukan paling lambat ${requestOn}`, en: `write by ${requestOn}` };
  const words: Text = {
    id: `Pemakaian ${ratePerDay} kartu per hari (${rateDays} hari terakhir)${est.id}. Stok ${i.onHand} ditambah ${i.inTransit} dalam perjalanan. Pengiriman butuh ${i.leadDays} hari, ditambah cadangan 7 hari: titik pengajuan ${requestPoint} kartu; ${when.id}. Kebutuhan ${i.months} bulan (${30 * i.months} hari) ditambah masa tunggu ${i.leadDays} hari dan ${i.queued} rekaman yang antre, dikurangi stok: ${quantity} kartu (dalam kotak berisi ${i.boxSize}).`,
    en: `Use ${ratePerDay} cards a day (over the last ${rateDays} days)${est.en}. Stock ${i.onHand} plus ${i.inTransit} in transit. A delivery takes ${i.leadDays} days, with 7 days' reserve: request point ${requestPoint} cards; ${when.en}. ${i.months} months' need (${30 * i.months} days) plus the ${i.leadDays}-day wait and ${i.queued} records queued, less the stock: ${quantity} cards (in boxes of ${i.boxSize}).`,
  };
  return { ratePerDay, rateDays, rateSource, onHand: i.onHand, inTransit: i.inTransit, queued: i.queued, leadDays: i.leadDays, requestPoint, requestOn, quantity, months: i.months, boxSize: i.boxSize, year: { ribbon: plan('ribbon'), film: plan('film') }, words };
}
