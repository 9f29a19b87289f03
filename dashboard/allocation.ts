/**
 * Idle stock found and moved: offices whose blanks (or rolls of ribbon and film, where offices
 * report them) cover more than dashboard.idleMonths at their recent rate hold a surplus above
 * their own need (their lead time and the request horizon); offices that reach their request
 * point within their lead time are short. Moves are suggested in whole boxes (whole rolls),
 * nearest first (the same regency, then the same province, then another; by distance inside each
 * where dashboard.regencies places them), the most urgent first, each lender keeping its own
 * need, with what stays short. Only what offices published counts: an office silent for more
 * than a week is left out and listed, never guessed; so is an office whose figures cannot be
 * (its stations' books past what a printer prints or a room holds: dashboard/plausible.ts).
 */
import type { Text } from '../core/i18n.js';
import type { OfficeStock } from './office-api.js';
import { allocate } from './planner.js';
import { csv } from './raw.js';

export type MoveKind = 'blanks' | 'ribbon' | 'film';

export interface Move {
  kind: MoveKind;
  from: string;
  to: string;
  quantity: number;
  words: Text;
}
export interface Allocation {
  moves: Move[];
  idle: { kind: MoveKind; office: string; surplus: number; months: number | null }[];
  short: { kind: MoveKind; office: string; shortfall: number; requestOn: string | null; left: number }[];
  silent: string[];
  /** Offices left out for figures that cannot be, each with what and why (in both languages). */
  implausible: { office: string; station: string; what: string; words: Text }[];
}

export interface AllocationOptions {
  today: string;
  idleMonths: number;
  horizonDays?: number;
  silentDays?: number;
  /** km between two regencies' offices; null when either is not placed. */
  distance?: (a: string, b: string) => number | null;
}

/** One office's holding of one kind, as the planner sees it. */
interface Holding {
  s: OfficeStock;
  stock: number;
  rate: number;
  requestPoint: number;
  requestOn: string | null;
  step: number;
}

const DAY = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** Made once: toLocaleString makes a formatter on every call, and a nation's moves are hundreds. */
const NUMBERS = { id: new Intl.NumberFormat('id-ID'), en: new Intl.NumberFormat('en-GB') };
const fmt = (n: number, lang: 'id' | 'en') => NUMBERS[lang].format(n);
const UNIT: Record<MoveKind, Text> = { blanks: { id: 'blangko', en: 'blanks' }, ribbon: { id: 'gulungan pita', en: 'ribbon rolls' }, film: { id: 'gulungan film', en: 'film rolls' } };
/** Days past the lead time the request point covers, as the request counts it (dashboard/request.ts). */
const SAFETY_DAYS = 7;

function holdings(offices: readonly OfficeStock[], kind: MoveKind, today: string): Holding[] {
  if (kind === 'blanks') return offices.map((s) => ({ s, stock: s.onHand + s.inTransit, rate: s.ratePerDay, requestPoint: s.requestPoint, requestOn: s.requestOn, step: s.boxSize }));
  return offices.flatMap((s) => {
    const r = s.rolls?.[kind];
    if (!r) return [];
    const requestPoint = Math.ceil(r.perDay * (s.leadDays + SAFETY_DAYS));
    const requestOn = r.perDay > 0 ? addDays(today, Math.max(0, Math.floor((r.onHand - requestPoint) / r.perDay))) : null;
    return [{ s, stock: r.onHand, rate: r.perDay, requestPoint, requestOn, step: 1 }];
  });
}

function plan(kind: MoveKind, live: readonly OfficeStock[], o: AllocationOptions): Omit<Allocation, 'silent' | 'implausible'> {
  const horizon = o.horizonDays ?? 90;
  const all = holdings(live, kind, o.today);
  const months = (h: Holding) => (h.rate > 0 ? h.stock / h.rate / 30 : null);
  const idle = all
    .filter((h) => { const m = months(h); return m === null ? h.stock > 0 : m > o.idleMonths; })
    .map((h) => ({ h, surplus: Math.max(0, h.stock - Math.ceil(h.rate * (h.s.leadDays + horizon))) }))
    .filter((x) => x.surplus > 0);
  const short = all
    .filter((h) => h.requestOn !== null && h.requestOn <= addDays(o.today, h.s.leadDays))
    .map((h) => ({ h, shortfall: Math.max(0, Math.ceil(h.requestPoint + h.rate * h.s.leadDays - h.stock)) }))
    .filter((x) => x.shortfall > 0)
    .sort((a, b) => (a.h.requestOn ?? '').localeCompare(b.h.requestOn ?? '') || a.h.s.office.localeCompare(b.h.s.office));
  const tier = (want: OfficeStock, lender: OfficeStock) => (lender.regency === want.regency ? 0 : lender.province === want.province ? 1 : 2);
  const km = (want: OfficeStock, lender: OfficeStock) => o.distance?.(want.regency, lender.regency) ?? Infinity;
  // Nearest first (same regency, same province, then by km), then the largest surplus, then by id. The
  // last two do not depend on the want: the lenders are put in that order once, and each want's sort,
  // stable, orders them by tier and km alone (a nation has hundreds of each: a sort per want by
  // every key took most of the allocation's time). Two unplaced lenders are equally near.
  const lenders = [...idle].sort((a, b) => b.surplus - a.surplus || a.h.s.office.localeCompare(b.h.s.office));
  const allotted = allocate(short, {
    need: (w) => w.shortfall,
    candidates: (w) =>
      lenders
        .map((x) => ({ x, tier: tier(w.h.s, x.h.s), km: km(w.h.s, x.h.s) }))
        .sort((a, b) => a.tier - b.tier || a.km - b.km || 0)
        .map((d) => d.x),
    key: (c) => c.h.s.office,
    spare: new Map(idle.map((x) => [x.h.s.office, x.surplus])),
    self: (w, c) => w.h.s.office === c.h.s.office,
    step: (c) => c.h.step,
  });
  const unit = UNIT[kind];
  const moves: Move[] = allotted.flatMap(({ want, gives }) =>
    gives.map(({ offer, give }) => {
      const m = months(offer.h);
      const cover = m === null ? { id: 'tanpa pemakaian', en: 'no use' } : { id: `stok ${Math.round(m)} bulan`, en: `${Math.round(m)} months of stock` };
      const daysLeft = want.h.rate > 0 ? Math.round(want.h.stock / want.h.rate) : null;
      const left = daysLeft === null ? { id: '', en: '' } : { id: `, habis dalam ${daysLeft} hari`, en: `, runs out in ${daysLeft} days` };
      const from = offer.h.s.name ?? offer.h.s.office;
      const to = want.h.s.name ?? want.h.s.office;
      return {
        kind,
        from: offer.h.s.office,
        to: want.h.s.office,
        quantity: give,
        words: { id: `pindahkan ${fmt(give, 'id')} ${unit.id} dari ${from} (${cover.id}) ke ${to}${left.id}`, en: `move ${fmt(give, 'en')} ${unit.en} from ${from} (${cover.en}) to ${to}${left.en}` },
      };
    }),
  );
  return {
    moves,
    idle: idle.map((x) => ({ kind, office: x.h.s.office, surplus: x.surplus, months: months(x.h) === null ? null : Math.round((months(x.h) ?? 0) * 10) / 10 })),
    short: allotted.map(({ want, left }) => ({ kind, office: want.h.s.office, shortfall: want.shortfall, requestOn: want.h.requestOn, left })),
  };
}

export function allocation(offices: readonly OfficeStock[], o: AllocationOptions): Allocation {
  const silentSince = addDays(o.today, -(o.silentDays ?? 7));
  const silent = offices.filter((s) => s.updatedAt === null || s.updatedAt < silentSince).map((s) => s.office).sort();
  // 10^9 cards a day once claimed a need of 42 billion and drew every spare card to it: such an office neither asks nor lends.
  const implausible = offices.flatMap((s) => (s.implausible ?? []).map((x) => ({ office: s.office, station: x.station, what: x.what, words: x.words })));
  const bad = new Set(implausible.map((x) => x.office));
  const live = offices.filter((s) => !silent.includes(s.office) && !bad.has(s.office));
  const plans = (['blanks', 'ribbon', 'film'] as const).map((k) => plan(k, live, o));
  return { moves: plans.flatMap((p) => p.moves), idle: plans.flatMap((p) => p.idle), short: plans.flatMap((p) => p.short), silent, implausible };
}

/** The moves for the ministry, one a line, then the idle, the short and the silent offices. */
export function allocationCsv(a: Allocation): string {
  const lines: (string | number | null)[][] = [['move', 'kind', 'from', 'to', 'quantity', 'words']];
  for (const m of a.moves) lines.push(['move', m.kind, m.from, m.to, m.quantity, m.words.id]);
  lines.push([], ['idle', 'kind', 'office', 'surplus', 'months']);
  for (const i of a.idle) lines.push(['idle', i.kind, i.office, i.surplus, i.months]);
  lines.push([], ['short', 'kind', 'office', 'shortfall', 'requestOn', 'left']);
  for (const s of a.short) lines.push(['short', s.kind, s.office, s.shortfall, s.requestOn, s.left]);
  for (const s of a.silent) lines.push(['silent', s]);
  for (const x of a.implausible) lines.push(['implausible', x.office, x.station, x.what, x.words.id]);
  return csv(lines);
}
