import { afterEach, describe, expect, it, vi } from 'vitest';
import { seededRandom, xorshift32 } from '../support/seed.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('seeded random moments for the power-loss tests', () => {
  it('the same seed gives the same moments; another seed, others', () => {
    const take = (r: () => number) => Array.from({ length: 20 }, r);
    const a = take(xorshift32(12345));
    expect(take(xorshift32(12345))).toEqual(a);
    expect(take(xorshift32(12346))).not.toEqual(a);
    expect(new Set(a).size).toBe(20);
    for (const x of [...a, ...take(xorshift32(0)), ...take(xorshift32(0xffff_ffff))]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    // Spread over the range, not stuck near one end.
    const many = take(xorshift32(7)).concat(Array.from({ length: 980 }, xorshift32(7)));
    expect(many.filter((x) => x < 0.5).length).toBeGreaterThan(400);
    expect(many.filter((x) => x < 0.5).length).toBeLessThan(600);
  });

  it('takes TEST_SEED and prints it; draws and prints one without it; refuses one that is not a seed', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const given = seededRandom('kills', '4242');
    expect(given.seed).toBe(4242);
    expect(given.random()).toBe(xorshift32(4242)());
    expect(log).toHaveBeenLastCalledWith('kills: seed 4242 (replay with TEST_SEED=4242)');
    const drawn = seededRandom('kills', undefined);
    expect(Number.isInteger(drawn.seed)).toBe(true);
    expect(log).toHaveBeenLastCalledWith(`kills: seed ${drawn.seed} (replay with TEST_SEED=${drawn.seed})`);
    for (const bad of ['-1', '1.5', 'abc', '4294967296', '99999999999']) expect(() => seededRandom('kills', bad), bad).toThrow(/TEST_SEED is a whole number/);
  });
});
