/**
 * Idle stock found and moved: offices whose blanks cover more than dashboard.idleMonths at their
 * recent rate hold a surplus above their own need (their lead time and the request horizon);
 * offices that reach their request point within their lead time are short. Moves are suggested
 * in whole boxes, nearest first (the same regency, then the same province, then another), the
 * most urgent first, each lender keeping its own need, with what stays short. Only what offices
 * published counts: an office silent for more than a week is left out and listed, never guessed.
 */
import type { Text } from '../core/i18n.js';
import type { OfficeStock } from './office-api.js';
import { allocate } from './planner.js';
import { csv } from './raw.js';

export interface Move {
  kind: 'blanks';
  from: string;
  to: string;
  quantity: number;
  words: Text;
}
export interface Allocation {
  moves: Move[];
  idle: { office: string; surplus: number; months: number | null }[];
  short: { office: string; shortfall: number; requestOn: string | null; left: number }[];
  silent: string[];
}

const DAY = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const fmt = (n: number) => n.toLocaleString('id-ID');

export function allocation(offices: readonly OfficeStock[], o: { today: string; idleMonths: number; horizonDays?: number; silentDays?: number }): Allocation {
  const horizon = o.horizonDays ?? 90;
  const silentSince = addDays(o.today, -(o.silentDays ?? 7));
  const silent = offices.filter((s) => s.updatedAt === null || s.updatedAt < silentSince).map((s) => s.office).sort();
  const live = offices.filter((s) => !silent.includes(s.office));
  const stock = (s: OfficeStock) => s.onHand + s.inTransit;
  const months = (s: OfficeStock) => (s.ratePerDay > 0 ? stock(s) / s.ratePerDay / 30 : null);
  const idle = live
    .filter((s) => { const m = months(s); return m === null ? stock(s) > 0 : m > o.idleMonths; })
    .map((s) => ({ s, surplus: Math.max(0, stock(s) - Math.ceil(s.ratePerDay * (s.leadDays + horizon))) }))
    .filter((x) => x.surplus > 0);
  const short = live
    .filter((s) => s.requestOn !== null && s.requestOn <= addDays(o.today, s.leadDays))
    .map((s) => ({ s, shortfall: Math.max(0, Math.ceil(s.requestPoint + s.ratePerDay * s.leadDays - stock(s))) }))
    .filter((x) => x.shortfall > 0)
    .sort((a, b) => (a.s.requestOn ?? '').localeCompare(b.s.requestOn ?? '') || a.s.office.localeCompare(b.s.office));
  const spare = new Map(idle.map((x) => [x.s.office, x.surplus]));
  const tier = (want: OfficeStock, lender: OfficeStock) => (lender.regency === want.regency ? 0 : lender.province === want.province ? 1 : 2);
  const allotted = allocate(short, {
    need: (w) => w.shortfall,
    candidates: (w) => [...idle].sort((a, b) => tier(w.s, a.s) - tier(w.s, b.s) || b.surplus - a.surplus || a.s.office.localeCompare(b.s.office)),
    key: (c) => c.s.office,
    spare,
    self: (w, c) => w.s.office === c.s.office,
    step: (c) => c.s.boxSize,
  });
  const moves: Move[] = allotted.flatMap(({ want, gives }) =>
    gives.map(({ offer, give }) => {
      const m = months(offer.s);
      const cover = m === null ? { id: 'tanpa pemakaian', en: 'no use' } : { id: `stok ${Math.round(m)} bulan`, en: `${Math.round(m)} months of stock` };
      const left = want.s.daysLeft === null ? { id: '', en: '' } : { id: `, habis dalam ${Math.round(want.s.daysLeft)} hari`, en: `, runs out in ${Math.round(want.s.daysLeft)} days` };
      return {
        kind: 'blanks' as const,
        from: offer.s.office,
        to: want.s.office,
        quantity: give,
        words: {
          id: `pindahkan ${fmt(give)} blangko dari ${offer.s.name ?? offer.s.office} (${cover.id}) ke ${want.s.name ?? want.s.office}${left.id}`,
          en: `move ${fmt(give)} blanks from ${offer.s.name ?? offer.s.office} (${cover.en}) to ${want.s.name ?? want.s.office}${left.en}`,
        },
      };
    }),
  );
  return {
    moves,
    idle: idle.map((x) => ({ office: x.s.office, surplus: x.surplus, months: months(x.s) === null ? null : Math.round((months(x.s) ?? 0) * 10) / 10 })),
    short: allotted.map(({ want, left }) => ({ office: want.s.office, shortfall: want.shortfall, requestOn: want.s.requestOn, left })),
    silent,
  };
}

/** The moves for the ministry, one a line, then the idle, the short and the silent offices. */
export function allocationCsv(a: Allocation): string {
  const lines: (string | number | null)[][] = [['move', 'kind', 'from', 'to', 'quantity', 'words']];
  for (const m of a.moves) lines.push(['move', m.kind, m.from, m.to, m.quantity, m.words.id]);
  for (const i of a.idle) lines.push(['idle', i.office, i.surplus, i.months]);
  for (const s of a.short) lines.push(['short', s.office, s.shortfall, s.requestOn, s.left]);
  for (const s of a.silent) lines.push(['silent', s]);
  return csv(lines);
}
