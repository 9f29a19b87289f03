import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../agent/ledger/blanks.js';
import { note } from '../../agent/jobs/notes.js';
import { stationRigs } from '../support/station-rig.js';

const made = stationRigs();

/** A logger whose lines the test reads. */
function capturingLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

describe('a job moved by another writer while its card prints', () => {
  it('a card a person verified while the printer printed it: the settle finds it moved, logs what it found, leaves it so, and the queue goes on (no "database cannot be written" hold)', async () => {
    const { log, lines } = capturingLog();
    const r = await made({ records: { latencyMs: 100 }, printer: { secondsPerCard: 20 }, log });
    await r.engine.start();
    await new Ledger(r.store.db).receive(10, 'B-1');
    await r.engine.repo.add(['V-1', 'V-2', 'V-3']);
    await r.until('V-1 printing', async () => (await r.states())['V-1'] === 'printing');
    // Another writer moves it (a second agent's start-up recovery), then a person verifies it.
    await r.engine.repo.transition('V-1', ['printing'], 'needs_verification', note('recovered_verify'));
    expect(await r.engine.repo.verify('V-1', 'printed')).toBe('printed');

    // The printer finishes V-1 within this time: its settle finds the job moved.
    await r.run(30_000);
    expect(r.engine.summary()).toMatchObject({ held: null, heldCode: null });
    await r.until('V-2 and V-3 printed', async () => {
      const s = await r.states();
      return s['V-2'] === 'printed' && s['V-3'] === 'printed';
    }, 600_000);
    expect(r.engine.summary()).toMatchObject({ held: null, heldCode: null });
    // As the person left it: printed by their word, the card counted once.
    expect((await r.engine.repo.history('V-1')).at(-1)?.note.code).toBe('verified_printed');
    expect(await new Ledger(r.store.db).summary()).toMatchObject({ printed: 3, onHand: 7 });
    const conflict = lines.find((l) => l.recordId === 'V-1' && l.found === 'printed');
    expect(conflict, JSON.stringify(lines.filter((l) => Number(l.level) >= 40))).toMatchObject({ expected: ['printing'], printerSaid: 'printed' });
    expect(lines.filter((l) => /cannot write to the database/.test(String(l.msg)))).toEqual([]);
  });

  it('a card another writer set aside for a person while it printed: it stays for the person, the printer\'s answer is logged, and the next cards print', async () => {
    const { log, lines } = capturingLog();
    const r = await made({ records: { latencyMs: 100 }, printer: { secondsPerCard: 20 }, log });
    await r.engine.start();
    await r.engine.repo.add(['N-1', 'N-2']);
    await r.until('N-1 printing', async () => (await r.states())['N-1'] === 'printing');
    await r.engine.repo.transition('N-1', ['printing'], 'needs_verification', note('recovered_verify'));
    await r.run(30_000);
    expect(r.engine.summary()).toMatchObject({ held: null, heldCode: null });
    await r.until('N-2 printed', async () => (await r.states())['N-2'] === 'printed', 600_000);
    expect(await r.states()).toEqual({ 'N-1': 'needs_verification', 'N-2': 'printed' });
    expect(r.engine.summary().heldCode).toBeNull();
    expect(lines.find((l) => l.recordId === 'N-1' && l.found === 'needs_verification')).toMatchObject({ printerSaid: 'printed' });
  });
});
