/**
 * The ribbon and film ledger: append-only (triggers refuse UPDATE and DELETE), like the
 * blank-card ledger. Per kind, rolls received onto the shelf, a roll installed in the printer
 * (with the yield it is expected to give), a roll taken out (with the cards it gave), and one
 * entry per card through the printer, posted in the transaction that posts the card to the
 * blank-card ledger. Most card printers in the offices report no supply levels (HID FARGO
 * HDP5000 on Windows, or through a CUPS queue): the agent prints every card, so it counts.
 *
 * Yields are learned per roll: each roll taken out used up says how many cards it really gave,
 * and the next roll is expected to give the mean of the configured yield (weighted as one roll)
 * and the last five used-up rolls. Three rolls giving 1,310 move a 1,500 default to 1,358; the
 * box's own figure (--yield) always wins for the roll it came with. A roll taken out early
 * (--early), or with less than half its yield given, is not learned from.
 */
import { AgentError, EXIT } from '../../core/errors.js';
import type { Db, Queryable } from '../../platform/db.js';
import { bySurface, type Text } from '../../core/i18n.js';
import { systemClock } from '../../core/clock.js';
import { typedOrNull } from '../../core/typed-text.js';
import { isSameRollReason, sighting, type OpenInstall } from './same-roll.js';

export const ROLL_KINDS = ['ribbon', 'film'] as const;
export type RollKind = (typeof ROLL_KINDS)[number];

/** The kinds as people read them; the codes stay in commands, JSON and the database. */
export const ROLL_WORDS: Record<RollKind, Text> = {
  ribbon: { id: 'pita', en: 'ribbon' },
  film: { id: 'film retransfer', en: 'film' },
};

/** Who recorded an entry: a person (the CLI, the station page), the printer (a roll change seen in its levels), the agent. */
export type EntryBy = 'person' | 'printer' | 'agent';
export type YieldFrom = 'box' | 'learned' | 'default';

/** Used-up rolls the learned yield is taken from, newest first. */
const LEARN_ROLLS = 5;

export interface Roll {
  installedAt: string;
  removedAt: string | null;
  /** Cards it gave (so far, for the roll in the printer). */
  cards: number;
  yield: number;
  yieldFrom: YieldFrom;
  lot: string | null;
  /** How it came out: used up, taken out early, or still in the printer (null). */
  removed: 'used-up' | 'removed' | null;
  recordedBy: EntryBy;
}

/** One kind's count, as `supply show` gives it and health uses it. */
export interface SupplyCount {
  kind: RollKind;
  installedAt: string | null;
  /** The yield of the roll in the printer, in cards; null when no roll was recorded. */
  yield: number | null;
  yieldFrom: YieldFrom | null;
  cardsSince: number | null;
  /** yield − cardsSince, never below 0 (a count is an estimate: printing goes on past it). */
  remaining: number | null;
  source: 'counted';
  /** Rolls on the shelf; null until a roll of this kind was ever recorded. */
  onShelf: number | null;
  /** What the next roll is expected to give, in cards: learned, else the configured default. */
  expectedYield: number;
  expectedFrom: 'learned' | 'default';
  /** Used-up rolls the expectation is learned from. */
  learnedFrom: number;
  rolls: Roll[];
}

export type Yields = Record<RollKind, number>;

/** What `replace` did: the count after, and, when the roll was already recorded, by whom and when (nothing new was taken from the shelf). */
export interface Replaced extends SupplyCount {
  sameRoll: { by: EntryBy; installedAt: string } | null;
}

interface Row {
  id: number;
  at: number;
  entry: 'receive' | 'install' | 'remove' | 'card';
  rolls: number;
  cards: number;
  yield: number | null;
  yield_from: YieldFrom | null;
  lot: string | null;
  reason: string | null;
  by: EntryBy;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class SupplyLedger {
  constructor(
    private readonly db: Db,
    /** Cards a roll gives until this office's rolls have said otherwise (forecast.cardsPerSupply). */
    private readonly defaults: Yields,
  ) {}

  /**
   * Rolls delivered onto the shelf; from the office's store under a transfer id, which is taken
   * once (a second time is refused, naming the first entry, unless `again`).
   */
  async receive(kind: RollKind, n: number, opts: { lot?: string; at?: number; transfer?: string; again?: boolean } = {}): Promise<SupplyCount> {
    checkKind(kind);
    if (!Number.isInteger(n) || n <= 0) {
      throw usage({ id: `jumlah gulungan ${ROLL_WORDS[kind].id} yang diterima harus bilangan bulat di atas 0, diberikan ${n}`, en: `the number of ${kind} rolls received must be a whole number above 0, got ${n}` });
    }
    const lot = typedOrNull(opts.lot);
    const transfer = opts.transfer ?? null;
    await this.db.transaction(async (tx) => {
      if (transfer !== null && !opts.again) {
        const earlier = await tx.get<{ id: number; at: number; rolls: number }>("SELECT id, at, rolls FROM supply_ledger WHERE entry = 'receive' AND transfer = ? ORDER BY id LIMIT 1", [transfer]);
        if (earlier) {
          throw new AgentError(
            'supply-duplicate',
            {
              id: `transfer ${transfer} sudah diterima: entri #${earlier.id}, ${earlier.rolls} gulungan ${ROLL_WORDS[kind].id} pada ${iso(earlier.at).slice(0, 10)}. Tidak ada yang dicatat.`,
              en: `transfer ${transfer} was already received: entry #${earlier.id}, ${earlier.rolls} ${kind} rolls on ${iso(earlier.at).slice(0, 10)}. Nothing was recorded.`,
            },
            {
              hint: bySurface(
                { id: 'Bila gudang memang mengirim dua kali dengan nomor yang sama, tambahkan --again.', en: 'If the store really sent twice under that number, add --again.' },
                { id: 'Bila gudang memang mengirim dua kali dengan nomor yang sama, centang "Kiriman kedua dengan nomor sama" lalu simpan lagi.', en: 'If the store really sent twice under that number, tick "Second delivery, same number" and save again.' },
              ),
              exitCode: EXIT.failure,
            },
          );
        }
      }
      await tx.run("INSERT INTO supply_ledger (at, kind, entry, rolls, lot, by, transfer) VALUES (?, ?, 'receive', ?, ?, 'person', ?)", [opts.at ?? systemClock.now(), kind, n, lot, transfer]);
    });
    return this.count(kind);
  }

  /**
   * A new roll in the printer: the one there (if any) is taken out with the cards it gave, and
   * the new one is taken from the shelf, or recorded as never shelved. Without a shelf roll a
   * person must say the yield (--yield, from the roll's box): nothing is known of that roll.
   */
  async replace(kind: RollKind, opts: { yield?: number; lot?: string; early?: boolean; by?: EntryBy; at?: number } = {}): Promise<Replaced> {
    checkKind(kind);
    if (opts.yield !== undefined && (!Number.isInteger(opts.yield) || opts.yield <= 0)) {
      throw usage(
        { id: `hasil cetak gulungan adalah jumlah kartu yang dicetaknya, bilangan bulat di atas 0, diberikan ${opts.yield}`, en: `a roll's yield is the number of cards it prints, a whole number above 0, got ${opts.yield}` },
        bySurface({ id: 'Angkanya tertulis di kotak gulungan (misalnya --yield 500).', en: 'The box says it (e.g. --yield 500).' }, { id: 'Angkanya tertulis di kotak gulungan.', en: 'The box says it.' }),
      );
    }
    const by = opts.by ?? 'person';
    const at = opts.at ?? systemClock.now();
    let sameRoll: Replaced['sameRoll'] = null;
    await this.db.transaction(async (tx) => {
      const now = await SupplyLedger.countIn(tx, kind, this.defaults[kind]);
      // A person and the printer seeing one roll change are one roll (same-roll.ts).
      const open = now.installedAt === null ? null : await openInstall(tx, kind);
      const seen = sighting(open, by, at);
      if (open && seen !== 'another') {
        sameRoll = { by: open.by, installedAt: iso(open.at) };
        if (seen === 'names') {
          await tx.run("INSERT INTO supply_ledger (at, kind, entry, rolls, yield, yield_from, lot, reason, by) VALUES (?, ?, 'install', 0, ?, ?, ?, ?, ?)", [
            at,
            kind,
            opts.yield ?? null,
            opts.yield !== undefined ? 'box' : null,
            typedOrNull(opts.lot),
            opts.early ? 'same-roll-early' : 'same-roll',
            by,
          ]);
        }
        return;
      }
      const fromShelf = (now.onShelf ?? 0) > 0;
      if (!fromShelf && opts.yield === undefined && by === 'person') {
        throw usage(
          { id: `tidak ada gulungan ${ROLL_WORDS[kind].id} di rak untuk diambil, dan hasil cetak gulungan baru tidak diberikan`, en: `no ${kind} roll is on the shelf to take, and the new roll's yield was not given` },
          bySurface(
            {
              id: `Berikan hasil cetak yang tertulis di kotaknya, misalnya station-agent supply replace ${kind} --yield ${this.defaults[kind]}, atau catat dulu penerimaannya dengan station-agent supply receive ${kind} N.`,
              en: `Give the yield from its box, e.g. station-agent supply replace ${kind} --yield ${this.defaults[kind]}, or record the delivery first with station-agent supply receive ${kind} N.`,
            },
            {
              id: `Isi "Kartu per gulungan" dengan angka di kotaknya (misalnya ${this.defaults[kind]}), atau catat dulu penerimaannya di "Gulungan diterima (masuk rak)".`,
              en: `Fill in "Cards per roll" from its box (e.g. ${this.defaults[kind]}), or record the delivery first under "Rolls received (onto the shelf)".`,
            },
          ),
        );
      }
      if (now.installedAt !== null) {
        await tx.run("INSERT INTO supply_ledger (at, kind, entry, cards, reason, by) VALUES (?, ?, 'remove', ?, ?, ?)", [at, kind, now.cardsSince ?? 0, opts.early ? 'removed' : 'used-up', by]);
      }
      const [yieldCards, yieldFrom]: [number, YieldFrom] = opts.yield !== undefined ? [opts.yield, 'box'] : [now.expectedYield, now.expectedFrom];
      await tx.run("INSERT INTO supply_ledger (at, kind, entry, rolls, yield, yield_from, lot, by) VALUES (?, ?, 'install', ?, ?, ?, ?, ?)", [
        at,
        kind,
        fromShelf ? -1 : 0,
        yieldCards,
        yieldFrom,
        typedOrNull(opts.lot),
        by,
      ]);
    });
    return { ...(await this.count(kind)), sameRoll };
  }

  count(kind: RollKind): Promise<SupplyCount> {
    return SupplyLedger.countIn(this.db, kind, this.defaults[kind]);
  }

  static async countsIn(q: Queryable, defaults: Yields): Promise<Record<RollKind, SupplyCount>> {
    return { ribbon: await SupplyLedger.countIn(q, 'ribbon', defaults.ribbon), film: await SupplyLedger.countIn(q, 'film', defaults.film) };
  }

  /**
   * One card through the printer (printed or spoiled: both use ribbon and film), counted
   * against each roll in the printer, inside the caller's transaction. A kind with no roll
   * recorded counts nothing.
   */
  static async postCard(tx: Queryable, at: number, recordId: string): Promise<void> {
    for (const kind of ROLL_KINDS) {
      const last = await tx.get<{ entry: string }>("SELECT entry FROM supply_ledger WHERE kind = ? AND entry IN ('install', 'remove') ORDER BY id DESC LIMIT 1", [kind]);
      if (last?.entry === 'install') {
        await tx.run("INSERT INTO supply_ledger (at, kind, entry, cards, by, record_id) VALUES (?, ?, 'card', 1, 'agent', ?)", [at, kind, recordId]);
      }
    }
  }

  static async countIn(q: Queryable, kind: RollKind, defaultYield: number): Promise<SupplyCount> {
    const rows = await q.all<Row>(
      "SELECT id, at, entry, rolls, cards, yield, yield_from, lot, reason, by FROM supply_ledger WHERE kind = ? AND entry IN ('receive', 'install', 'remove') ORDER BY id",
      [kind],
    );
    const rolls: (Roll & { id: number })[] = [];
    let shelf = 0;
    for (const r of rows) {
      shelf += r.rolls;
      if (r.entry === 'install' && isSameRollReason(r.reason)) {
        // A person naming the roll the printer saw: not another roll.
        const open = rolls.at(-1);
        if (open && open.removedAt === null) {
          if (r.lot !== null) open.lot = r.lot;
          if (r.yield !== null) [open.yield, open.yieldFrom] = [r.yield, r.yield_from ?? 'box'];
          const before = rolls.at(-2);
          if (r.reason === 'same-roll-early' && before) before.removed = 'removed';
        }
      } else if (r.entry === 'install') {
        rolls.push({ id: r.id, installedAt: iso(r.at), removedAt: null, cards: 0, yield: r.yield ?? defaultYield, yieldFrom: r.yield_from ?? 'default', lot: r.lot, removed: null, recordedBy: r.by });
      } else if (r.entry === 'remove') {
        const open = rolls.at(-1);
        if (open && open.removedAt === null) {
          open.removedAt = iso(r.at);
          open.cards = r.cards;
          open.removed = r.reason === 'removed' ? 'removed' : 'used-up';
        }
      }
    }
    const current = rolls.at(-1)?.removedAt === null ? rolls.at(-1) : undefined;
    if (current) {
      const n = await q.get<{ n: number }>("SELECT COUNT(*) AS n FROM supply_ledger WHERE kind = ? AND entry = 'card' AND id > ?", [kind, current.id]);
      current.cards = n?.n ?? 0;
    }
    // A roll taken out with less than half its yield given was not used up, whatever was said
    // (a roll swapped for another, a mistaken entry): learning from it would halve the next.
    const usedUp = rolls.filter((r) => r.removed === 'used-up' && r.cards * 2 >= r.yield).slice(-LEARN_ROLLS);
    const expectedYield = usedUp.length === 0 ? defaultYield : Math.round((defaultYield + usedUp.reduce((a, r) => a + r.cards, 0)) / (1 + usedUp.length));
    return {
      kind,
      installedAt: current?.installedAt ?? null,
      yield: current?.yield ?? null,
      yieldFrom: current?.yieldFrom ?? null,
      cardsSince: current?.cards ?? null,
      remaining: current ? Math.max(0, current.yield - current.cards) : null,
      source: 'counted',
      onShelf: rows.length > 0 ? shelf : null,
      expectedYield,
      expectedFrom: usedUp.length === 0 ? 'default' : 'learned',
      learnedFrom: usedUp.length,
      rolls: rolls.map(({ id: _id, ...r }) => r),
    };
  }
}

/** The install entry of the roll in the printer (the caller knows one is in), and whether a person has named it since. */
async function openInstall(q: Queryable, kind: RollKind): Promise<OpenInstall | null> {
  const rows = await q.all<{ at: number; by: EntryBy; reason: string | null }>("SELECT at, by, reason FROM supply_ledger WHERE kind = ? AND entry = 'install' ORDER BY id DESC LIMIT 2", [kind]);
  const [last, before] = rows;
  if (!last) return null;
  if (isSameRollReason(last.reason)) return before ? { at: before.at, by: before.by, named: true } : null;
  return { at: last.at, by: last.by, named: false };
}

function checkKind(kind: string): asserts kind is RollKind {
  if (!(ROLL_KINDS as readonly string[]).includes(kind)) {
    throw usage({ id: `persediaan "${kind}" tidak dikenal: harapkan \`ribbon\` (pita) atau \`film\` (kartu blangko dicatat dengan station-agent stock)`, en: `unknown supply "${kind}": expected ribbon or film (blank cards are kept with station-agent stock)` });
  }
}

function usage(message: Text, hint?: Text): AgentError {
  return new AgentError('usage', message, { exitCode: EXIT.usage, hint });
}
