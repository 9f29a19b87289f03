import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, FieldError, type ActionName } from '../../agent/operator/actions.js';
import { Store } from '../../agent/store/store.js';
import { AgentError } from '../../core/errors.js';
import { tempDir } from '../support/sim.js';
import { configSchema } from '../../agent/config/schema.js';

/** A store PC with a printer: every action of the page, the store's book's too, has its way in. */
const CONFIG = configSchema().parse({ station: { id: '5371-01', province: '53', regency: '5371' }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, office: { store: true, stations: ['5371-01', '5371-02'] } });

const YIELDS = { ribbon: 500, film: 1000 };
let store: Store;
beforeAll(async () => {
  store = await Store.open(tempDir('actions-'));
});
afterAll(() => store.close());

/** Everything the ledgers and the queue hold: a refused action must leave it as it was. */
async function contents(): Promise<string> {
  const rows = await Promise.all(['ledger', 'jobs', 'job_events', 'supply_ledger'].map((t) => store.db.all(`SELECT * FROM ${t}`)));
  return JSON.stringify(rows);
}

describe('station page actions', () => {
  it('any body: a result, or a refusal naming the field (or the rule) in both languages; a refused action writes nothing', async () => {
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.integer({ min: -5, max: 200_000 }), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('SYN-1', 'film', 'ribbon', 'printed', '3201234567890123', '12x', ''));
    const body = fc.dictionary(fc.constantFrom('n', 'batch', 'reason', 'ids', 'recordId', 'outcome', 'kind', 'lot', 'yield', 'again', 'early', 'reprint', '__proto__', 'constructor'), value, { maxKeys: 6 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(ACTIONS) as ActionName[])), body, async (name, b) => {
        const before = await contents();
        try {
          const r = await ACTIONS[name]({ store, yields: YIELDS, now: () => 1_800_000_000_000, config: CONFIG }, b);
          expect(r.message.id.length).toBeGreaterThan(0);
          expect(r.message.en.length).toBeGreaterThan(0);
        } catch (err) {
          if (err instanceof FieldError) {
            expect(err.text.id.length * err.text.en.length).toBeGreaterThan(0);
            expect(await contents()).toBe(before);
          } else if (err instanceof AgentError) {
            expect(err.text.message?.id.length ?? 0).toBeGreaterThan(0);
            expect(await contents()).toBe(before);
          } else throw err;
        }
      }),
      { numRuns: 400 },
    );
  });
});
