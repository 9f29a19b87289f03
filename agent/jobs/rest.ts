/**
 * A printer that rests (`printer.rest`): after `afterCards` cards through the printer in one
 * run, no new card starts for `minutes`; then the queue resumes by itself. The rest is measured
 * on the monotonic clock, so a wall clock set forward or back neither ends nor lengthens it. A
 * pause of at least `minutes` with no card cools the printer as well as a rest: the run starts
 * again from zero.
 *
 * Kept across a restart of the agent (a restart does not cool the printer): the cards of the run
 * and a rest in progress are written to the store with their wall times, the only times that mean
 * anything after a restart. Read back, the rest left is the stored end less the wall time now,
 * never more than `minutes` (a clock set back while the agent was down does not lengthen it), and
 * the run is over if the last card is at least `minutes` ago.
 */
import type { Clock } from '../../core/clock.js';
import type { PrinterRestConfig } from '../../hal/printer/rest-config.js';

export type RestConfig = PrinterRestConfig;

/** Where the run and the rest are kept (store kv). */
export const REST_KEY = 'printer.rest';

/** What is kept across a restart: wall times, ms since the epoch. */
export interface RestState {
  version: 1;
  /** Cards through the printer in the run so far. */
  cards: number;
  /** When the last of them was done; null before any. */
  lastCardAt: number | null;
  /** When the rest in progress ends; null when not resting. */
  restUntil: number | null;
}

export class PrinterRest {
  private cards = 0;
  private lastCardMono: number | null = null;
  private untilMono: number | null = null;

  constructor(
    private readonly config: RestConfig,
    private readonly clock: Clock,
  ) {}

  private get restMs(): number {
    return this.config.minutes * 60_000;
  }

  /** Take up what was kept before a restart. */
  restore(s: RestState | undefined): void {
    if (s?.version !== 1) return;
    const now = this.clock.now();
    const mono = this.clock.monotonic();
    if (s.restUntil !== null) {
      const left = Math.min(this.restMs, s.restUntil - now);
      if (left > 0) this.untilMono = mono + left;
    }
    // A last card stamped after now (the clock set back) is taken as just now: the printer may be hot.
    const ago = s.lastCardAt === null ? Infinity : Math.max(0, now - s.lastCardAt);
    if (this.untilMono === null && ago < this.restMs) {
      this.cards = Math.max(0, Math.floor(s.cards));
      this.lastCardMono = mono - ago;
    }
  }

  /** A card went through the printer (printed, spoiled, or sent with its outcome unknown): the state to keep. */
  cardThrough(): RestState {
    const mono = this.clock.monotonic();
    if (this.lastCardMono !== null && mono - this.lastCardMono >= this.restMs) this.cards = 0;
    this.cards += 1;
    this.lastCardMono = mono;
    if (this.cards >= this.config.afterCards) {
      this.untilMono = mono + this.restMs;
      this.cards = 0;
    }
    return this.state();
  }

  /** The rest in progress (its monotonic end), or null; a rest that is over ends here. */
  resting(): { untilMono: number } | null {
    if (this.untilMono === null) return null;
    if (this.clock.monotonic() >= this.untilMono) {
      this.untilMono = null;
      return null;
    }
    return { untilMono: this.untilMono };
  }

  /** The run and the rest as wall times, to keep. */
  state(): RestState {
    const now = this.clock.now();
    const mono = this.clock.monotonic();
    const wall = (m: number | null) => (m === null ? null : now + (m - mono));
    return { version: 1, cards: this.cards, lastCardAt: wall(this.lastCardMono), restUntil: wall(this.untilMono) };
  }
}
