import { setImmediate as nextTurn } from 'node:timers/promises';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { collectEvery, fullCollector } from '../../platform/heap.js';

describe('the full collection a minute that keeps the idle heap at its live size', () => {
  /** `globalThis.gc` set to `gc` (undefined: removed) while `fn` runs, as --expose-gc would set it or not. */
  function withGc<T>(gc: (() => void) | undefined, fn: () => T): T {
    const own = globalThis as { gc?: () => void };
    const before = own.gc;
    if (gc) own.gc = gc;
    else delete own.gc;
    try {
      return fn();
    } finally {
      if (before === undefined) delete own.gc;
      else own.gc = before;
    }
  }

  it("with --expose-gc (the launchers' flag) it is V8's own collection: an object nothing holds is gone after it", async () => {
    // V8's real gc, as --expose-gc gives it (this test process may not have the flag: set late, it
    // shows `gc` to a context made afterwards).
    setFlagsFromString('--expose-gc');
    const v8gc = runInNewContext('gc') as () => void;
    const collect = withGc(v8gc, () => fullCollector());
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

  it("calls this context's gc, and makes no second context for it", () => {
    const contexts = getHeapStatistics().number_of_native_contexts;
    let calls = 0;
    withGc(
      () => calls++,
      () => fullCollector()?.(),
    );
    expect(calls).toBe(1);
    expect(getHeapStatistics().number_of_native_contexts).toBeLessThanOrEqual(contexts);
  });

  it('without --expose-gc there is none (the daemon says so once), and no second context is made to find one', () => {
    const contexts = getHeapStatistics().number_of_native_contexts;
    expect(withGc(undefined, () => fullCollector())).toBeNull();
    // A context made to take V8's gc from would stay alive beside this one: 1.1 MB of heap in the agent.
    expect(getHeapStatistics().number_of_native_contexts).toBeLessThanOrEqual(contexts);
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
