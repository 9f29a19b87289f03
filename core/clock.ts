/**
 * Time, injected, in its two kinds. Wall time (`now`) stamps what happened and says which day it
 * was; it steps when NTP corrects a fast PC or a clerk fixes the time. Monotonic time
 * (`monotonic`) measures how long: every period, timeout, deadline, backoff and rate limit uses
 * it (and `setTimer`, which runs on it), so a stepped wall clock neither silences the station nor
 * cuts a card short. Drivers, the station loop and the servers take a Clock, so tests can drive
 * them through hours in milliseconds and step the wall clock while monotonic time runs on.
 * Nothing outside this module calls setTimeout, setInterval or Date.now (a test holds it so).
 */
export interface Clock {
  /** Wall time, ms since the epoch: for stamps and days only. */
  now(): number;
  /** Monotonic time, ms from an arbitrary start: for periods, timeouts and deadlines. */
  monotonic(): number;
  /**
   * Call `fn` after `ms` of monotonic time; returns a function that cancels it. `unref`: the
   * timer alone does not keep the process alive (a last-resort exit, a watch beside the work).
   */
  setTimer(fn: () => void, ms: number, opts?: { unref?: boolean }): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer(fn, ms, opts) {
    const t = setTimeout(fn, ms);
    if (opts?.unref) t.unref();
    return () => clearTimeout(t);
  },
};

/** A promise that resolves after `ms` on the clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms));
}

/** Call `fn` every `ms` on the clock until the returned function is called. */
export function every(clock: Clock, ms: number, fn: () => void, opts?: { unref?: boolean }): () => void {
  let cancel = () => {};
  let stopped = false;
  const arm = () => {
    cancel = clock.setTimer(() => {
      if (stopped) return;
      arm();
      fn();
    }, ms, opts);
  };
  arm();
  return () => {
    stopped = true;
    cancel();
  };
}

/**
 * A clock that moves only when told to; due timers fire in time order as it advances. `advance`
 * moves wall and monotonic time together; `stepWall` moves the wall clock alone, as NTP or a
 * person does, while monotonic time (and every timer) stays where it is.
 */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  private mono = 0;

  constructor(private t = Date.UTC(2027, 0, 5, 8, 0, 0)) {}

  now(): number {
    return this.t;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.mono + Math.max(0, ms), fn, id });
    return () => {
      this.timers = this.timers.filter((x) => x.id !== id);
    };
  }

  advance(ms: number): void {
    const end = this.mono + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const due = this.timers[0];
      if (!due || due.at > end) break;
      this.timers.shift();
      this.t += due.at - this.mono;
      this.mono = due.at;
      due.fn();
    }
    this.t += end - this.mono;
    this.mono = end;
  }

  /** How long until the next timer is due; null with none set (a test waits for work to reach its wait). */
  nextTimerIn(): number | null {
    const next = Math.min(...this.timers.map((t) => t.at));
    return Number.isFinite(next) ? next - this.mono : null;
  }

  /** Step the wall clock by `ms` (negative: back), as NTP or a person does; timers do not move. */
  stepWall(ms: number): void {
    this.t += ms;
  }
}

/**
 * Notices the wall clock was stepped (NTP, a person): wall less monotonic time, compared with its
 * value at the last look. A change beyond `toleranceMs` is a step; a slow slew never adds up to
 * one, as each look compares with the last. For times kept on the wall clock that must keep their
 * age through a step, such as when each station was last heard.
 */
export class WallSteps {
  private offset: number | undefined;

  constructor(
    private readonly clock: Pick<Clock, 'now' | 'monotonic'>,
    private readonly toleranceMs = 1000,
  ) {}

  /** How far the wall clock stepped since the last look (ms, negative: back); 0 for none, and at the first look. */
  take(): number {
    const offset = this.clock.now() - this.clock.monotonic();
    const step = this.offset === undefined ? 0 : offset - this.offset;
    this.offset = offset;
    return Math.abs(step) > this.toleranceMs ? step : 0;
  }
}

/**
 * No real reading is older than this release. A PC whose clock battery died boots far in the
 * past; times before this floor are known to be wrong, so nothing is aged out or seeded by them.
 */
export const CLOCK_FLOOR_MS = Date.UTC(2026, 10, 1);

/**
 * Pauses a driver takes while it follows a job: each resolves after its time, or never once
 * `stop` is called (what it waited for is left to the restart check), and none starts after.
 */
export class Pauses {
  private stopped = false;
  private readonly waits = new Set<() => void>();

  constructor(private readonly clock: Clock) {}

  pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.stopped) return;
      const cancel = this.clock.setTimer(() => {
        this.waits.delete(cancel);
        resolve();
      }, ms);
      this.waits.add(cancel);
    });
  }

  /** Pauses may be taken again (a driver started after a stop). */
  resume(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.waits) cancel();
    this.waits.clear();
  }
}
