import { officeSchema } from '../../agent/office/config.js';
import { note } from '../../agent/jobs/notes.js';
import { systemClock } from '../../core/clock.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRepo } from '../../agent/jobs/repo.js';
import { OperatorPage } from '../../agent/operator/server.js';
import { Store } from '../../agent/store/store.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import { healthyBody } from '../support/health.js';
import { quietLog, tempDir } from '../support/sim.js';

let store: Store;
beforeAll(async () => {
  store = await Store.open(tempDir('operator-view-'));
});
afterAll(() => store.close());

describe('the station page and a printer that does not answer', () => {
  it('answers at once with "asking the printer", asks once per record at a time, and shows the answer when it comes', async () => {
    const repo = new JobRepo(store.db, () => 1);
    await repo.add(['SYN-0001', 'SYN-0002']);
    await store.db.transaction(async (tx) => {
      for (const id of ['SYN-0001', 'SYN-0002']) {
        await JobRepo.move(tx, id, ['queued'], 'fetching', 1, note('legacy', { text: 'test' }));
        await JobRepo.move(tx, id, ['fetching'], 'ready', 2, note('legacy', { text: 'test' }));
        await JobRepo.move(tx, id, ['ready'], 'printing', 3, note('legacy', { text: 'test' }));
        await JobRepo.move(tx, id, ['printing'], 'needs_verification', 4, note('legacy', { text: 'the agent stopped while this card was printing' }));
      }
    });
    let asked = 0;
    let answer: (ids: string[]) => void = () => undefined;
    const printer = {
      printedFor: () => {
        asked += 1;
        return new Promise<string[]>((resolve) => (answer = resolve));
      },
    } as unknown as PrinterDriver;
    const page = new OperatorPage({
      host: '127.0.0.1',
      port: 0,
      token: null,
      deps: { store, printer, snapshot: () => healthyBody(), snapshotAt: () => systemClock.monotonic(), staleSeconds: 30, yields: { ribbon: 500, film: 1500 }, station: { id: 'it-01' }, config: { station: { id: 'it-01', province: '99', regency: '9901' }, office: officeSchema().parse({}) }, language: undefined, clock: systemClock, kick: () => undefined, log: quietLog },
    });
    type View = { verify: { recordId: string; printer: { en: string } }[] };
    const started = Date.now();
    const first = (await page.view()) as View;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(first.verify.map((v) => v.printer.en)).toEqual(['Asking the printer…', 'Asking the printer…']);
    // Many polls while the printer is silent: one question at a time, never a pile.
    for (let i = 0; i < 20; i++) await page.view();
    expect(asked).toBe(1);
    answer([]);
    await expect.poll(() => asked).toBe(2);
    answer([]);
    await expect.poll(async () => ((await page.view()) as View).verify.map((v) => v.printer.en)).toEqual([
      "The printer's history has no finished card for this record.",
      "The printer's history has no finished card for this record.",
    ]);
  });
});
