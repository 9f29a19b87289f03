/**
 * Consumables forecast: how many cards each supply has left and in how many days it runs out.
 *
 * Two things are learned from what the station really does, and kept across restarts:
 * - the usage rate: cards through the printer per day over a trailing window (from the
 *   ledger's printed + spoiled count, so any card the agent printed counts once);
 * - the consumption per card of each supply whose level the printer gives only in percent:
 *   level dropped ÷ cards printed meanwhile, refills skipped. Until enough cards are seen,
 *   the configured cards per full supply stands in.
 * Until the station has a day of its own use, the rate is borrowed (rate-choice.ts): the office's
 * other printers', else forecast.expectedCardsPerDay, and every forecast made with it says so in
 * its rateSource. Without a rate or a level, a forecast is null with the reason.
 */
import type { Config } from '../config/schema.js';
import type { StationBody, SupplyPayload } from '../../telemetry/payloads.js';
import type { SupplyCount } from '../ledger/supplies.js';
import { chooseRate, type Rate } from './rate-choice.js';

export type ForecastConfig = Config['forecast'];
type Kind = 'ribbon' | 'film' | 'blanks';
const KINDS: readonly Kind[] = ['ribbon', 'film', 'blanks'];
const DAY_MS = 86_400_000;
/** Cards of learning before a learned consumption replaces the configured one. */
const LEARN_MIN_CARDS = 20;
/** Older learning fades: past this many cards both sums are scaled down (a new ribbon type is picked up). */
const LEARN_MAX_CARDS = 3000;

interface Learned {
  /** Level and card count where the level last changed. */
  level: number | null;
  cards: number | null;
  dropPercent: number;
  dropCards: number;
}

/** The model's memory, a small JSON value the daemon keeps in the store. */
export interface ForecastState {
  version: 1;
  since: number | null;
  lastCards: number | null;
  /** [day number since the epoch, cards that day], oldest first, the window's worth only. */
  days: [number, number][];
  learned: Record<Kind, Learned>;
}

export function emptyForecastState(): ForecastState {
  const fresh = (): Learned => ({ level: null, cards: null, dropPercent: 0, dropCards: 0 });
  return { version: 1, since: null, lastCards: null, days: [], learned: { ribbon: fresh(), film: fresh(), blanks: fresh() } };
}

export interface StockForecast {
  daysLeft: number | null;
  daysLeftReason: string | null;
  cardsPerDay: number | null;
}

export class ConsumablesForecast {
  private state: ForecastState;
  private changed = false;

  constructor(
    private readonly config: ForecastConfig,
    initial?: ForecastState,
    /** The office's other printers' mean cards a day by their own count, at `now` (office/peer-rates.ts); null when none is heard. */
    private readonly officeRate: (now: number) => number | null = () => null,
  ) {
    this.state = initial?.version === 1 ? structuredClone(initial) : emptyForecastState();
  }

  /** The state to keep, when it changed since the last call. */
  takeChanges(): ForecastState | undefined {
    if (!this.changed) return undefined;
    this.changed = false;
    return structuredClone(this.state);
  }

  /** Learn from one poll: cards used so far (ledger) and the supplies as the printer reads them. */
  observe(now: number, supplies: readonly SupplyPayload[], cardsUsed: number | null): void {
    const s = this.state;
    if (s.since === null) {
      s.since = now;
      this.changed = true;
    }
    if (cardsUsed !== null) {
      const delta = s.lastCards === null ? 0 : cardsUsed - s.lastCards;
      if (delta > 0) this.addCards(now, delta);
      if (delta !== 0 || s.lastCards === null) {
        s.lastCards = cardsUsed; // a smaller count (a new database) restarts the count from here
        this.changed = true;
      }
    }
    for (const kind of KINDS) {
      // Only the printer's own levels teach the drop per card; a counted level is the count itself.
      const sup = supplies.find((x) => x.kind === kind && x.source !== 'counted');
      if (sup && sup.levelPercent !== null && cardsUsed !== null) this.learn(s.learned[kind], sup.levelPercent, cardsUsed);
    }
  }

  private addCards(now: number, n: number): void {
    const day = Math.floor(now / DAY_MS);
    const last = this.state.days[this.state.days.length - 1];
    if (last && last[0] === day) last[1] += n;
    else this.state.days.push([day, n]);
    const oldest = day - Math.ceil(this.config.windowDays) - 1;
    this.state.days = this.state.days.filter(([d]) => d >= oldest);
  }

  private learn(l: Learned, level: number, cards: number): void {
    if (l.level === null || l.cards === null || cards < l.cards || level > l.level + 2) {
      // First sight, a new database, or a refill: a new baseline, nothing learned from the jump.
      if (l.level !== level || l.cards !== cards) {
        l.level = level;
        l.cards = cards;
        this.changed = true;
      }
      return;
    }
    if (level < l.level && cards > l.cards) {
      l.dropPercent += l.level - level;
      l.dropCards += cards - l.cards;
      if (l.dropCards > LEARN_MAX_CARDS) {
        const k = LEARN_MAX_CARDS / l.dropCards;
        l.dropPercent *= k;
        l.dropCards *= k;
      }
      l.level = level;
      l.cards = cards;
      this.changed = true;
    } else if (level < l.level) {
      l.level = level; // the level moved without cards printed (a test print, a calibration): rebase
      this.changed = true;
    }
  }

  /** The rate forecasts count with: the station's own, else the office's, else the first estimate. */
  rate(now: number): Rate {
    return chooseRate(this.ownRate(now), this.state.lastCards !== null, this.officeRate(now), this.config.expectedCardsPerDay);
  }

  /**
   * Cards a day over the trailing window, from whole days only (today's are not over yet, and
   * an office prints in the daytime), or why it is not known yet.
   */
  ownRate(now: number): { perDay: number | null; reason: string | null } {
    const s = this.state;
    if (s.since === null || s.lastCards === null) return { perDay: null, reason: 'no card count yet (the print queue is not running)' };
    const today = Math.floor(now / DAY_MS);
    const firstDay = Math.floor(Math.max(s.since, now - this.config.windowDays * DAY_MS) / DAY_MS);
    const covered = (today * DAY_MS - Math.max(s.since, firstDay * DAY_MS)) / DAY_MS;
    if (covered < 1) return { perDay: null, reason: 'learning: less than a full day of use seen' };
    const cards = s.days.filter(([d]) => d >= firstDay && d < today).reduce((a, [, n]) => a + n, 0);
    if (cards === 0) return { perDay: 0, reason: `no cards printed in the last ${Math.round(covered)} days` };
    return { perDay: cards / covered, reason: null };
  }

  /** Percent of a full supply one card uses: learned, else from the capacity given. */
  perCardPercent(kind: Kind, capacity: number | null): number | null {
    const l = this.state.learned[kind];
    if (l.dropCards >= LEARN_MIN_CARDS && l.dropPercent > 0) return l.dropPercent / l.dropCards;
    const cap = capacity ?? (kind === 'blanks' ? null : this.config.cardsPerSupply[kind]);
    return cap !== null && cap > 0 ? 100 / cap : null;
  }

  /**
   * The supplies with cards left and days left filled in, the office's blank stock in days, and
   * the office's ribbon and film in days: the roll in the printer and the rolls on the shelf,
   * each expected to give what this office's rolls give (`counted`, from the supply ledger).
   */
  apply(body: StationBody, now: number, counted: Record<'ribbon' | 'film', SupplyCount> | null = null): void {
    const { perDay, reason, source } = this.rate(now);
    const days = (cards: number | null, what: string): { daysLeft: number | null; daysLeftReason: string | null } => {
      if (cards === null) return { daysLeft: null, daysLeftReason: `the ${what} level is not known` };
      if (perDay === null || perDay === 0) return { daysLeft: null, daysLeftReason: reason };
      return { daysLeft: round1(cards / perDay), daysLeftReason: null };
    };
    // Each supply's days left says where its rate came from; none, where there are no days left.
    const marked = (d: { daysLeft: number | null; daysLeftReason: string | null }) => ({ ...d, rateSource: d.daysLeft === null ? null : source });
    body.printer.supplies = body.printer.supplies.map((s) => {
      if (s.kind !== 'ribbon' && s.kind !== 'film' && s.kind !== 'blanks') return s;
      let remaining = s.remaining;
      if (remaining === null && s.levelPercent !== null) {
        const per = this.perCardPercent(s.kind, s.capacity);
        if (per !== null) remaining = Math.floor(s.levelPercent / per);
      }
      return { ...s, remaining, ...marked(days(remaining, s.kind)) };
    });
    const onHand = body.stock.blanksOnHand;
    const stock = onHand === null ? { daysLeft: null, daysLeftReason: 'no blank-card ledger kept yet (station-agent stock receive)' } : days(Math.max(0, onHand), 'blank stock');
    // The shelf unknown (no roll of the kind ever recorded), the office's total is unknown too.
    const office = (kind: 'ribbon' | 'film'): number | null => {
      const roll = body.printer.supplies.find((x) => x.kind === kind)?.remaining ?? null;
      const c = counted?.[kind];
      if (roll === null || !c || c.onShelf === null || perDay === null || perDay === 0) return null;
      return round1((roll + Math.max(0, c.onShelf) * c.expectedYield) / perDay);
    };
    body.stock = { ...body.stock, ...stock, cardsPerDay: perDay === null ? null : round1(perDay), rateSource: perDay === null ? null : source, ribbonDaysLeft: office('ribbon'), filmDaysLeft: office('film') };
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
