import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll's 1 s default is shorter than one refresh of a page or a snapshot on a loaded
    // two-core machine; a poll that meets its value returns at once, so only failures wait longer.
    expect: { poll: { timeout: 5_000 } },
    // Integration tests start real brokers and agents; two cores, so keep the pool small.
    maxWorkers: 2,
    // In CI, also a JSON report, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});
