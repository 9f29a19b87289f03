import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { noteWords } from '../../agent/jobs/notes.js';
import { printerSpoils } from '../../agent/jobs/reprint.js';
import { Ledger } from '../../agent/ledger/blanks.js';
import { PageView } from '../../agent/operator/page-view.js';
import { officeSchema } from '../../agent/office/config.js';
import { healthyBody } from '../support/health.js';
import { quietLog } from '../support/sim.js';
import { type Rig, stationRigs } from '../support/station-rig.js';

const made = stationRigs();
async function rig() {
  const r = await made({ records: { latencyMs: 100 }, printer: { secondsPerCard: 30 } });
  await r.engine.start();
  await new Ledger(r.store.db).receive(20, 'B-1');
  return r;
}
const pageDeps = (r: Rig): ConstructorParameters<typeof PageView>[0] => ({
  store: r.store,
  printer: r.printer.driver,
  snapshot: () => healthyBody(),
  snapshotAt: () => r.clock.monotonic(),
  staleSeconds: 30,
  yields: { ribbon: 500, film: 1500 },
  station: { id: 'rig-01' },
  config: { station: { id: 'rig-01', province: '99', regency: '9901' }, office: officeSchema().parse({}) },
  language: undefined,
  clock: r.clock,
  kick: () => undefined,
  log: quietLog,
});
const cards = (r: Rig) => readdirSync(r.outputDir).filter((f) => f.endsWith('.pdf'));

/** Jam the printer while the record's card is in it. */
async function jamDuringCard(r: Rig, recordId: string): Promise<void> {
  await r.until(`${recordId} in the printer`, async () => (await r.engine.repo.get(recordId))?.state === 'printing' && (await r.printer.driver.read()).state === 'printing');
  r.printer.file.write({ reasons: ['media-jam'] });
}

describe('a card the printer spoiled', () => {
  it('is spoiled the moment the jam is read, not when its time is up, and is queued again by itself, once', async () => {
    const r = await rig();
    await r.engine.repo.add(['J-1']);
    await jamDuringCard(r, 'J-1');
    // The next reading of the printer finds the jam: the card in it is spoiled now, with 30 s of its time left.
    await r.printer.driver.read();
    await r.engine.settled();
    expect(cards(r).filter((f) => f.endsWith('-spoiled.pdf'))).toHaveLength(1);
    const history = await r.engine.repo.history('J-1');
    const spoil = history.findIndex((e) => e.from === 'printing' && e.to === 'spoiled');
    expect(history[spoil]?.note).toMatchObject({ code: 'printer_spoiled', reasons: ['media-jam'] });
    expect(history[spoil + 1]).toMatchObject({ from: 'spoiled', to: 'queued', note: { code: 'reprint_queued', reasons: ['media-jam'] } });
    expect(noteWords(history[spoil + 1]!.note).id).toBe('kartu rusak di printer (kartu macet); dicetak ulang sendiri');
    // The job's note is the latest move's, never an older one.
    expect((await r.engine.repo.get('J-1'))?.note?.code).not.toBe('printer_spoiled');
    expect(await printerSpoils(r.store.db, 0)).toEqual([expect.objectContaining({ recordId: 'J-1', reasons: ['media-jam'], now: 'reprinting' })]);
    // The clerk's page says so, in the station's words.
    const page = (await new PageView(pageDeps(r)).build()) as { spoils: { recordId: string; now: string; words: { id: string } }[] };
    expect(page.spoils.map((x) => [x.recordId, x.now, x.words.id])).toEqual([['J-1', 'reprinting', 'Kartu J-1 rusak di printer (kartu macet); sedang dicetak ulang.']]);
    // The jam cleared, the reprint comes out: one good card and one spoiled blank, the ledger balanced.
    r.printer.file.write({});
    await r.until('J-1 reprinted', async () => (await r.engine.repo.get('J-1'))?.state === 'printed');
    expect(await new Ledger(r.store.db).summary()).toMatchObject({ received: 20, printed: 1, spoiled: 1, onHand: 18 });
    expect(cards(r).filter((f) => !f.endsWith('-spoiled.pdf'))).toHaveLength(1);
    expect(await printerSpoils(r.store.db, 0)).toEqual([expect.objectContaining({ recordId: 'J-1', now: 'reprinted' })]);
  });

  it('spoiled a second time, it waits for a person instead of being reprinted again', async () => {
    const r = await rig();
    await r.engine.repo.add(['J-2']);
    await jamDuringCard(r, 'J-2');
    await r.printer.driver.read();
    r.printer.file.write({});
    await jamDuringCard(r, 'J-2');
    await r.printer.driver.read();
    await r.engine.settled();
    r.printer.file.write({});
    await r.run(120_000);
    const job = await r.engine.repo.get('J-2');
    expect(job).toMatchObject({ state: 'spoiled', note: { code: 'spoiled_again', reasons: ['media-jam'] } });
    expect(await new Ledger(r.store.db).summary()).toMatchObject({ printed: 0, spoiled: 2 });
    expect(await printerSpoils(r.store.db, 0)).toEqual([expect.objectContaining({ recordId: 'J-2', now: 'held' })]);
    // A person may still print it again.
    expect((await r.engine.repo.add(['J-2'])).requeued).toEqual(['J-2']);
  });

  it('a card spoiled by a person after printing is not reprinted by itself', async () => {
    const r = await rig();
    await r.engine.repo.add(['P-1']);
    await r.until('P-1 printed', async () => (await r.engine.repo.get('P-1'))?.state === 'printed');
    await r.engine.repo.spoil('P-1', 'tinta luntur');
    await r.run(60_000);
    expect(await r.engine.repo.get('P-1')).toMatchObject({ state: 'spoiled', note: { code: 'spoiled_by_person', words: 'tinta luntur' } });
    expect(await printerSpoils(r.store.db, 0)).toEqual([]);
  });
});
