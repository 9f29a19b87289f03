/**
 * Time, injected. Drivers and the station loop take a Clock so tests can drive simulated
 * hardware through hours in milliseconds, deterministically.
 */
export interface Clock {
  now(): number;
  /** Call `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** A clock that moves only when told to; due timers fire in time order as it advances. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;

  constructor(private t = Date.UTC(2027, 0, 5, 8, 0, 0)) {}

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    return () => {
      this.timers = this.timers.filter((x) => x.id !== id);
    };
  }

  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const due = this.timers[0];
      if (!due || due.at > end) break;
      this.timers.shift();
      this.t = due.at;
      due.fn();
    }
    this.t = end;
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
