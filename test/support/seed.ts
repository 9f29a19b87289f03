/**
 * Random moments a test can replay: the seed comes from TEST_SEED, else a new one is drawn, and
 * it is printed before anything else happens, so a failure names the seed that replays its
 * moments (the kills land at the same offsets; the agent's own timing may still differ).
 */
export function seededRandom(test: string, given: string | undefined = process.env.TEST_SEED): { seed: number; random: () => number } {
  const seed = given === undefined || given === '' ? Math.floor(Math.random() * 2 ** 32) : parseSeed(given);
  console.log(`${test}: seed ${seed} (replay with TEST_SEED=${seed})`);
  return { seed, random: xorshift32(seed) };
}

function parseSeed(given: string): number {
  const n = /^\d{1,10}$/.test(given) ? Number(given) : NaN;
  if (!(n <= 0xffff_ffff)) throw new Error(`TEST_SEED is a whole number from 0 to 4294967295, not "${given}"`);
  return n;
}

/** Marsaglia's xorshift (13, 17, 5) on 32 bits: numbers in [0, 1), the same for the same seed. */
export function xorshift32(seed: number): () => number {
  // Zero is the one state xorshift never leaves: a seed of 0 starts from another.
  let x = seed >>> 0 || 0x9e37_79b9;
  return () => {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    return x / 2 ** 32;
  };
}
