import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay } from '../../core/backoff.js';
import { ManualClock } from '../../core/clock.js';
import { OneAtATime } from '../../core/one-at-a-time.js';
import { turn } from '../support/settle.js';

describe('reconnect backoff', () => {
  it('doubles up to the cap, with half of each delay random', () => {
    const o = { initialMs: 1000, maxMs: 60_000, jitter: true };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, o, () => 0))).toEqual([500, 1000, 2000, 4000, 30_000]);
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, o, () => 1))).toEqual([1000, 2000, 4000, 8000, 60_000]);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(5, o)));
    expect(spread.size).toBeGreaterThan(10);
  });

  it('a device link waits whole doublings, and waiting it out is not a failure; a success starts over', () => {
    const clock = new ManualClock();
    const b = new Backoff({ initialMs: 1000, maxMs: 30_000, jitter: false }, clock);
    expect([b.failed(), b.failed(), b.failed(), b.failed(), b.failed(), b.failed()]).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000]);
    expect(b.waiting).toBe(true);
    clock.advance(29_999);
    expect(b.waiting).toBe(true);
    clock.advance(1);
    expect(b.waiting).toBe(false);
    b.succeeded();
    expect(b.failed()).toBe(1000);
  });
});

describe('serial calls', () => {
  it('run one at a time in the order asked, and a failure does not stop the ones behind it', async () => {
    const serial = new OneAtATime();
    const log: string[] = [];
    let release: () => void = () => undefined;
    const first = serial.run(() => new Promise<string>((r) => (release = () => (log.push('first'), r('a')))));
    const failing = serial.run(() => (log.push('second'), Promise.reject(new Error('no'))));
    const third = serial.run(() => (log.push('third'), Promise.resolve('c')));
    await turn();
    expect(log).toEqual([]); // nothing overtakes the first while it runs
    release();
    await expect(first).resolves.toBe('a');
    await expect(failing).rejects.toThrow('no');
    await expect(third).resolves.toBe('c');
    expect(log).toEqual(['first', 'second', 'third']);
  });
});
