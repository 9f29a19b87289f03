import { setImmediate as nextTurn } from 'node:timers/promises';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { collectEvery, fullCollector } from '../../platform/heap.js';

describe('the full collection a minute that keeps the idle heap at its live size', () => {
  it('this Node gives a collector that really collects: an object nothing holds is gone after it', async () => {
    const collect = fullCollector();
    expect(collect).toBeTypeOf('function');
    let ref: WeakRef<object> | undefined;
    (() => {
      ref = new WeakRef({ garbage: new Array(10_000).fill('x') });
    })();
    // A WeakRef's target is kept to the end of the job that made it; collect in the next one.
    await nextTurn();
    collect?.();
    expect(ref?.deref()).toBeUndefined();
  });

  it("with --expose-gc (the launchers' flag) it calls this context's gc and makes no second context for it", () => {
    const own = globalThis as { gc?: () => void };
    const before = own.gc;
    const contexts = getHeapStatistics().number_of_native_contexts;
    let calls = 0;
    own.gc = () => calls++;
    try {
      const collect = fullCollector();
      collect?.();
      expect(calls).toBe(1);
      // The fallback's context would stay alive beside this one: 1.1 MB of heap in the agent.
      expect(getHeapStatistics().number_of_native_contexts).toBeLessThanOrEqual(contexts);
    } finally {
      own.gc = before;
      if (before === undefined) delete own.gc;
    }
  });

  it('runs on the clock, once per period, and never after its stop', () => {
    const clock = new ManualClock();
    let runs = 0;
    const stop = collectEvery(60_000, clock, () => runs++);
    clock.advance(59_999);
    expect(runs).toBe(0);
    clock.advance(1);
    expect(runs).toBe(1);
    clock.advance(120_000);
    expect(runs).toBe(3);
    stop();
    clock.advance(600_000);
    expect(runs).toBe(3);
  });

  it('the first collection can come sooner, to return what starting took; then one per period', () => {
    const clock = new ManualClock();
    let runs = 0;
    const stop = collectEvery(60_000, clock, () => runs++, 10_000);
    clock.advance(9_999);
    expect(runs).toBe(0);
    clock.advance(1);
    expect(runs).toBe(1);
    clock.advance(59_999);
    expect(runs).toBe(1);
    clock.advance(1);
    expect(runs).toBe(2);
    stop();
  });
});
