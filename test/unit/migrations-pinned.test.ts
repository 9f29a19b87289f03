import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../agent/store/migrations.js';

/**
 * The SHA-256 of each released migration's SQL text. Stations have already run these: an edit
 * would never reach them (their user_version says it is done) and would make new databases
 * differ from upgraded ones, as version 3 once did (see addAgentJobIdWhereMissing).
 * A new migration is pinned here in the commit that adds it, with a fixture
 * test/fixtures/db/vN.sql made by that commit's agent (see test/integration/upgrade.test.ts).
 */
const RELEASED: Record<number, string> = {
  1: 'd8b5ff14d0b1533ede7d43aa29da5792b2b464123b42f73b9076e9fb4acceadb',
  2: 'd7f450d4bba5689c8c82188801c97d3f357ed2f2d32bf183e6ab5711e665e50b',
  3: 'ea5259dee853abbc40da2ae35f8d47a68e415f6e4e9035d0d22326d9bba47b72',
  4: '2e332eadbe6e0dfb8a1506b552668489c9e38740429478b6d26ffd3091850855',
  5: '4764c1da5d792a75ec80e68273325eb512acf10da47ca3de0b4a11bf04c21efb',
  6: 'c5ec9ec6d8232735d2cd8ee9626788ab558ce4027061bda6d6c4e9f5f82433fc',
  7: 'fd7a8e377045d45880ca886840e6f50cf9d778c7600c7e9b993ad99767e5ab97',
  8: '3148258bdff53e593f5eef099a03357c0627df19c48ebdd04287c9b9011b83fe',
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('released migrations are never edited', () => {
  it('versions run 1, 2, 3, ... with no gap, the last one the schema version', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: MIGRATIONS.length }, (_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  for (const m of MIGRATIONS) {
    it(`migration ${m.version} (${m.name})`, () => {
      const pinned = RELEASED[m.version];
      expect(
        pinned,
        `migration ${m.version} is not pinned: add "${m.version}: '${sha256(m.sql)}'" to RELEASED in this file, and a fixture test/fixtures/db/v${m.version}.sql dumped from a database this version made`,
      ).toBeDefined();
      expect(
        sha256(m.sql),
        `migration ${m.version} (${m.name}) was changed after its release: stations that ran it will never run the new text. ` +
          `Put its SQL back as it was and add a new migration instead (version ${SCHEMA_VERSION + 1}) that makes the change.`,
      ).toBe(pinned);
    });
  }
});
