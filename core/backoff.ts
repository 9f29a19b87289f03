import type { Clock } from './clock.js';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /**
   * Half of each wait random ("equal jitter"), so a fleet that lost its broker together does
   * not come back in lockstep. A device on this PC's own cable needs none.
   */
  jitter: boolean;
}

/** Delay before retry `attempt` (0-based): exponential from initialMs, capped at maxMs. */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(o.maxMs, o.initialMs * 2 ** Math.min(attempt, 30));
  return o.jitter ? Math.round(ceiling / 2 + random() * (ceiling / 2)) : ceiling;
}

/**
 * The wait between attempts to reach something that failed (upsd, a USB UPS, the broker), one
 * for every link: each failure doubles it up to the cap, a success starts it over. Waiting it
 * out is not a new failure, so asking `waiting` never pushes the next try further away.
 */
export class Backoff {
  private failures = 0;
  private nextAt = -Infinity;

  constructor(
    private readonly o: BackoffOptions,
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
  ) {}

  /** Note a failure; returns how long to wait before the next try. */
  failed(): number {
    const delay = backoffDelay(this.failures++, this.o, this.random);
    this.nextAt = this.clock.monotonic() + delay;
    return delay;
  }

  succeeded(): void {
    this.failures = 0;
    this.nextAt = -Infinity;
  }

  /** Failures since the last success. */
  get failuresInARow(): number {
    return this.failures;
  }

  /** True until the wait after the last failure has passed. */
  get waiting(): boolean {
    return this.clock.monotonic() < this.nextAt;
  }
}
