/**
 * Figures beyond what a printer can print or a store room can hold: a station that says it prints
 * 10^9 cards a day, holds a negative stack or a million rolls is broken or forged, and its figure
 * is marked implausible, with what and why in both languages, and left out of lending, the
 * ranking and every sum (an office's figures and the nation's) rather than taken at face value:
 * 10^9 cards a day once claimed a need of 42 billion blanks and drew every spare card of its
 * province to it. The limits are physical, far above anything a real station reports. Pure.
 */
import type { Text } from '../core/i18n.js';
import type { HealthPayload } from '../telemetry/payloads.js';
import type { DayFigures } from './accounts.js';

const DAY_SECONDS = 86_400;
/**
 * Where a station does not say its printer's rated speed (printer.secondsPerCard), a card a
 * second: faster than any card printer. The desktop retransfer printers of the offices take tens
 * of seconds a card (100–300 cards a day is what an office reports), and even central issuance
 * lines print a few thousand cards an hour, over a second a card. A station that says its printer
 * is faster than this is not believed either: the limit never rises above 86,400 cards a day.
 */
export const FASTEST_SECONDS_PER_CARD = 1;
/**
 * Blanks at one printer or in one store room, at most: a million is over two years of the busiest
 * regency's cards (1,200 a day) and a twentieth of what the nation procures in a year (24.5 million).
 */
export const MAX_BLANKS = 1_000_000;
/** Rolls of ribbon or film on one shelf, at most: a thousand ribbons print 500,000 cards and cost Rp 3.6 billion. */
export const MAX_ROLLS = 1_000;
/** Cards one roll gives, at most: a ribbon gives about 500 e-KTP and a film roll about three ribbons' worth. */
export const MAX_CARDS_PER_ROLL = 10_000;

export interface Implausible {
  /** The figure as its payload names it: `stock.cardsPerDay`, `jobs.goodToday`, `daily.cards`, ... */
  what: string;
  value: number;
  /** The bound it passed: the most there can be, or 0 for what cannot be negative. */
  limit: number;
  /** The day of the books it was sent for; null for what health says now. */
  day: string | null;
  words: Text;
}

/** A figure found in a station's books, with the station and the office its days were sent under. */
export type PlacedImplausible = Implausible & { station: string; office: string | null };

/** The most cards a station can print in a day, and why that many. */
export interface DayLimit {
  cards: number;
  why: Text;
}

const NUMBERS = { id: new Intl.NumberFormat('id-ID', { maximumFractionDigits: 2 }), en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }) };
const fmt = (n: number, lang: 'id' | 'en') => NUMBERS[lang].format(n);

/** Made once per speed: every station of a nation's sums asks, and they share a handful of printer models. */
const LIMITS = new Map<number, DayLimit>();

export function dayLimit(secondsPerCard: number | null | undefined): DayLimit {
  const known = typeof secondsPerCard === 'number' && secondsPerCard >= FASTEST_SECONDS_PER_CARD;
  const s = known ? secondsPerCard : FASTEST_SECONDS_PER_CARD;
  const key = known ? s : 0;
  const kept = LIMITS.get(key);
  if (kept) return kept;
  if (LIMITS.size >= 1000) LIMITS.clear();
  const made = limitOf(s, known);
  LIMITS.set(key, made);
  return made;
}

function limitOf(s: number, known: boolean): DayLimit {
  const cards = Math.floor(DAY_SECONDS / s);
  const why: Text = known
    ? { id: `86.400 detik sehari ÷ ${fmt(s, 'id')} detik per kartu, kecepatan printernya`, en: `86,400 seconds a day ÷ ${fmt(s, 'en')} seconds a card, its printer's rated speed` }
    : { id: `86.400 detik sehari ÷ 1 detik per kartu, lebih cepat dari printer kartu mana pun: kecepatan printernya tidak diketahui`, en: `86,400 seconds a day ÷ 1 second a card, faster than any card printer: its printer's speed is not known` };
  return { cards, why };
}

/** What each figure is, for people. */
const NAMES: Record<string, Text> = {
  'printer.secondsPerCard': { id: 'kecepatan printer (detik per kartu)', en: "the printer's speed (seconds a card)" },
  'stock.cardsPerDay': { id: 'kartu per hari', en: 'cards a day' },
  'jobs.printedToday': { id: 'kartu tercetak hari ini', en: 'cards printed today' },
  'jobs.goodToday': { id: 'kartu baik hari ini', en: 'good cards today' },
  'jobs.spoiledToday': { id: 'kartu rusak hari ini', en: 'cards spoiled today' },
  'stock.blanksOnHand': { id: 'stok blangko', en: 'blanks on hand' },
  'stock.ribbonRolls': { id: 'gulungan pita di rak', en: 'ribbon rolls on the shelf' },
  'stock.filmRolls': { id: 'gulungan film di rak', en: 'film rolls on the shelf' },
  'ribbon.capacity': { id: 'kartu per gulungan pita', en: 'cards a ribbon roll gives' },
  'ribbon.remaining': { id: 'sisa kartu pada pita', en: 'cards left on the ribbon' },
  'film.capacity': { id: 'kartu per gulungan film', en: 'cards a film roll gives' },
  'film.remaining': { id: 'sisa kartu pada film', en: 'cards left on the film' },
  'blanks.capacity': { id: 'kapasitas blangko printer', en: "the printer's blank capacity" },
  'blanks.remaining': { id: 'sisa blangko di printer', en: 'blanks left in the printer' },
  'daily.cards': { id: 'kartu tercetak dan rusak sehari', en: 'cards printed and spoiled in the day' },
  'daily.onHandEnd': { id: 'blangko di printer pada akhir hari', en: 'blanks at the printer at the end of the day' },
  'daily.received': { id: 'blangko diterima sehari', en: 'blanks received in the day' },
  'daily.transfersIn': { id: 'blangko diambil dari gudang sehari', en: 'blanks taken from the store in the day' },
  'daily.returned': { id: 'blangko dikembalikan sehari', en: 'blanks sent back in the day' },
  'daily.corrections': { id: 'koreksi blangko sehari', en: "the day's corrections of blanks" },
  'daily.store.onHandEnd': { id: 'blangko di gudang pada akhir hari', en: 'blanks in the store room at the end of the day' },
  'daily.store.received': { id: 'blangko diterima gudang sehari', en: 'blanks the store received in the day' },
  'daily.store.sent': { id: 'blangko dikirim gudang sehari', en: 'blanks the store sent in the day' },
  'daily.store.returned': { id: 'blangko kembali ke gudang sehari', en: 'blanks back to the store in the day' },
  'daily.store.lent': { id: 'blangko dipinjamkan sehari', en: 'blanks lent in the day' },
  'daily.store.borrowed': { id: 'blangko dipinjam sehari', en: 'blanks borrowed in the day' },
  'daily.store.corrections': { id: 'koreksi blangko gudang sehari', en: "the store's corrections of blanks in the day" },
  'daily.ribbon.onHandEnd': { id: 'gulungan pita di rak pada akhir hari', en: 'ribbon rolls on the shelf at the end of the day' },
  'daily.film.onHandEnd': { id: 'gulungan film di rak pada akhir hari', en: 'film rolls on the shelf at the end of the day' },
};
const BLANKS_WHY: Text = { id: 'lebih dari dua tahun kebutuhan kabupaten/kota tersibuk', en: "over two years of the busiest regency's cards" };
const ROLLS_WHY: Text = { id: 'pita untuk 500.000 kartu', en: 'ribbon for 500,000 cards' };
const ROLL_WHY: Text = { id: 'satu pita memberi sekitar 500 kartu, satu film sekitar tiga kali itu', en: 'a ribbon gives about 500 cards, a film roll about three times that' };

/** One figure outside [low, high]: what, the value, the bound it passed and why, in both languages. */
function outside(what: string, value: number | null | undefined, low: number, high: number, why: Text, day: string | null = null): Implausible[] {
  if (typeof value !== 'number' || (value >= low && value <= high)) return [];
  const name = NAMES[what] ?? { id: what, en: what };
  const on = day === null ? { id: '', en: '' } : { id: ` (${day})`, en: ` (${day})` };
  const over = value > high;
  const limit = over ? high : low;
  const words: Text = over
    ? { id: `${name.id}${on.id} ${fmt(value, 'id')} melebihi batas ${fmt(high, 'id')} (${why.id}): tidak masuk akal, tidak dihitung`, en: `${name.en}${on.en} ${fmt(value, 'en')} is over the limit of ${fmt(high, 'en')} (${why.en}): implausible, not counted` }
    : { id: `${name.id}${on.id} ${fmt(value, 'id')} di bawah ${fmt(low, 'id')}: tidak masuk akal, tidak dihitung`, en: `${name.en}${on.en} ${fmt(value, 'en')} is below ${fmt(low, 'en')}: implausible, not counted` };
  return [{ what, value, limit, day, words }];
}

/** What a station's health says now that cannot be: its rate and counts of today past its printer's day, stock and rolls past what a room holds. */
export function healthImplausible(h: HealthPayload): Implausible[] {
  const limit = dayLimit(h.printer.secondsPerCard);
  const speed = h.printer.secondsPerCard;
  const roll = (kind: 'ribbon' | 'film' | 'blanks') => {
    const s = h.printer.supplies.find((x) => x.kind === kind);
    const [max, why] = kind === 'blanks' ? [MAX_BLANKS, BLANKS_WHY] : [MAX_CARDS_PER_ROLL, ROLL_WHY];
    return [...outside(`${kind}.capacity`, s?.capacity, 0, max, why), ...outside(`${kind}.remaining`, s?.remaining, 0, max, why)];
  };
  return [
    ...outside('printer.secondsPerCard', speed, FASTEST_SECONDS_PER_CARD, Infinity, limit.why),
    ...outside('stock.cardsPerDay', h.stock.cardsPerDay, 0, limit.cards, limit.why),
    ...outside('jobs.printedToday', h.jobs.printedToday, 0, limit.cards, limit.why),
    // A card printed before today and found bad today is taken off today's good cards: below 0 is possible, by as many as a day can spoil.
    ...outside('jobs.goodToday', h.jobs.goodToday, -limit.cards, limit.cards, limit.why),
    ...outside('jobs.spoiledToday', h.jobs.spoiledToday, 0, limit.cards, limit.why),
    ...outside('stock.blanksOnHand', h.stock.blanksOnHand, 0, MAX_BLANKS, BLANKS_WHY),
    ...outside('stock.ribbonRolls', h.stock.ribbonRolls, 0, MAX_ROLLS, ROLLS_WHY),
    ...outside('stock.filmRolls', h.stock.filmRolls, 0, MAX_ROLLS, ROLLS_WHY),
    ...roll('ribbon'),
    ...roll('film'),
    ...roll('blanks'),
  ];
}

/**
 * What one of a station's days in the books says that cannot be, but for its cards (they depend on
 * its printer's speed: `dayCards` checks them where the limit is known). Blanks and rolls moved or
 * held in a day past what a room holds; a held stock below 0.
 */
export function dayFiguresImplausible(day: string, f: DayFigures): Implausible[] {
  const blanks = (what: string, v: number | null | undefined, signed = false) => outside(what, v, signed ? -MAX_BLANKS : 0, MAX_BLANKS, BLANKS_WHY, day);
  const s = f.store?.blanks;
  return [
    ...blanks('daily.onHandEnd', f.onHandEnd),
    ...blanks('daily.received', f.received),
    ...blanks('daily.transfersIn', f.transfersIn),
    ...blanks('daily.returned', f.returned),
    ...blanks('daily.corrections', f.corrections, true),
    ...blanks('daily.store.onHandEnd', s?.onHandEnd),
    ...blanks('daily.store.received', s?.received),
    ...blanks('daily.store.sent', s?.sent),
    ...blanks('daily.store.returned', s?.returned),
    ...blanks('daily.store.lent', s?.lent),
    ...blanks('daily.store.borrowed', s?.borrowed),
    ...blanks('daily.store.corrections', s?.corrections, true),
    ...outside('daily.ribbon.onHandEnd', f.ribbon?.onHandEnd, 0, MAX_ROLLS, ROLLS_WHY, day),
    ...outside('daily.film.onHandEnd', f.film?.onHandEnd, 0, MAX_ROLLS, ROLLS_WHY, day),
  ];
}

/** A count of blanks (or rolls, with `high`) held or moved, where given, within its bounds. */
const inBounds = (v: number | null | undefined, low: number, high: number): boolean => v === null || v === undefined || (v >= low && v <= high);

/** Whether every figure `dayFiguresImplausible` checks is in bounds, in plain comparisons: the common case, made cheap. */
export function figuresInBounds(f: DayFigures): boolean {
  if (!inBounds(f.onHandEnd, 0, MAX_BLANKS) || !inBounds(f.received, 0, MAX_BLANKS) || !inBounds(f.transfersIn, 0, MAX_BLANKS) || !inBounds(f.returned, 0, MAX_BLANKS)) return false;
  if (!inBounds(f.corrections, -MAX_BLANKS, MAX_BLANKS) || !inBounds(f.ribbon?.onHandEnd, 0, MAX_ROLLS) || !inBounds(f.film?.onHandEnd, 0, MAX_ROLLS)) return false;
  const s = f.store?.blanks;
  return (
    !s ||
    (inBounds(s.onHandEnd, 0, MAX_BLANKS) && inBounds(s.received, 0, MAX_BLANKS) && inBounds(s.sent, 0, MAX_BLANKS) && inBounds(s.returned, 0, MAX_BLANKS) &&
      inBounds(s.lent, 0, MAX_BLANKS) && inBounds(s.borrowed, 0, MAX_BLANKS) && inBounds(s.corrections, -MAX_BLANKS, MAX_BLANKS))
  );
}

/** A day's cards through the printer (good and spoiled) past what its printer can do in a day. */
export function dayCards(day: string, cards: number, limit: DayLimit): Implausible[] {
  return outside('daily.cards', cards, -limit.cards, limit.cards, limit.why, day);
}
