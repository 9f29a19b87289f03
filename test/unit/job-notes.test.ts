import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NOTE_CODES, noteWords, readNote, storedNote, type Note } from '../../agent/jobs/notes.js';
import { MIGRATIONS } from '../../agent/store/migrations.js';
import { Db } from '../../platform/db.js';
import { tempDir } from '../support/sim.js';

const dbs: Db[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.close();
});

/** A database at version 7, as the agents before notes had codes left it. */
async function atVersion7(): Promise<Db> {
  const db = await Db.open(join(tempDir('notes-'), 'station.db'));
  dbs.push(db);
  for (const m of MIGRATIONS.filter((x) => x.version <= 7)) await db.exec(m.sql);
  return db;
}

/** Every text the agents wrote as a move's reason before version 8, with the note it must read back as. */
const WRITTEN: [from: string | null, to: string, reason: string, note: Note][] = [
  [null, 'queued', 'added', { code: 'added' }],
  ['failed', 'queued', 'added again after failed', { code: 'added_again', from: 'failed' }],
  ['queued', 'fetching', 'fetch attempt 3', { code: 'fetch_attempt', attempts: 3 }],
  ['fetching', 'ready', 'record fetched', { code: 'fetched' }],
  ['fetching', 'queued', 'fetch failed: the record server did not answer', { code: 'fetch_retry', message: 'the record server did not answer' }],
  ['queued', 'failed', 'set aside after 5 fetch attempts that did not finish (the agent stopped during each); add it again to retry', { code: 'fetch_set_aside', attempts: 5 }],
  ['fetching', 'failed', 'record X is not print-ready; add it again to retry', { code: 'fetch_gave_up', message: 'record X is not print-ready; add it again to retry' }],
  ['ready', 'failed', 'the card could not be rendered: no photo', { code: 'render_failed', message: 'no photo' }],
  ['ready', 'needs_verification', "the printer's history shows a card printed for this record (job sim-4): a person must check before it prints again", { code: 'printer_history_hold' }],
  ['ready', 'printing', 'sent to the printer as R-1@1795330803003', { code: 'sent', jobId: 'R-1@1795330803003' }],
  ['printing', 'printed', 'printed (printer job sim-12)', { code: 'printed', printerJobId: 'sim-12' }],
  ['printing', 'ready', 'the printer did not start it: the printer is offline', { code: 'printer_not_ready', message: 'the printer is offline' }],
  ['printing', 'spoiled', 'the card was spoiled: media-jam', { code: 'printer_spoiled', message: 'the card was spoiled: media-jam' }],
  ['printing', 'needs_verification', "the printer's answer is unknown (answer lost); a person must check the card", { code: 'outcome_unknown', message: "the printer's answer is unknown (answer lost); a person must check the card" }],
  ['ready', 'failed', 'not claimed: no such record; add it again to retry', { code: 'claim_not_found', message: 'no such record; add it again to retry' }],
  ['queued', 'refused', 'refused: the record service says station up-02 holds this record since 2026-11-22T08:30:00.000Z', { code: 'refused_held', by: 'up-02' }],
  ['needs_verification', 'printed', 'verified by a person: the card was printed', { code: 'verified_printed' }],
  ['needs_verification', 'spoiled', 'verified by a person: the card was spoiled', { code: 'verified_spoiled' }],
  ['needs_verification', 'queued', 'verified by a person: no card came out; printing it again', { code: 'verified_not_printed' }],
  ['needs_verification', 'queued', "verified by a person: no card came out, although the printer's history shows one; printing it again", { code: 'verified_not_printed_despite_history' }],
  ['printed', 'spoiled', 'spoiled after printing, by a person: tinta luntur', { code: 'spoiled_by_person', words: 'tinta luntur' }],
  ['queued', 'cancelled', 'cancelled by a person', { code: 'cancelled' }],
  ['printing', 'printed', "the printer's job history shows this card completed", { code: 'recovered_printed' }],
  ['printing', 'needs_verification', 'the agent stopped while this card was printing; a person must check whether it came out', { code: 'recovered_verify' }],
  ['ready', 'queued', 'the agent restarted; the record is fetched again', { code: 'recovered_requeued' }],
  ['fetching', 'queued', 'no work in progress for it: queued again', { code: 'orphan_requeued' }],
  ['printing', 'needs_verification', 'its outcome was never recorded; a person must check the card', { code: 'orphan_verify' }],
  [null, 'queued', 'before the upgrade: queued', { code: 'legacy', text: 'before the upgrade: queued' }],
];

describe('job notes', () => {
  it('migration 8 reads every reason the agents wrote back into its code and facts; a text no agent wrote stays as it was', async () => {
    const db = await atVersion7();
    for (const [i, [from, to, reason]] of WRITTEN.entries()) {
      await db.run('INSERT INTO job_events (record_id, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)', [`R-${i}`, from, to, i, reason]);
    }
    await db.exec(MIGRATIONS.find((m) => m.version === 8)!.sql);
    const rows = await db.all<{ code: string; detail: string | null; reason: string }>('SELECT code, detail, reason FROM job_events ORDER BY id');
    expect(rows.map((r) => readNote(r.code, r.detail, r.reason))).toEqual(WRITTEN.map((w) => w[3]));
    // The English text stays beside the code.
    expect(rows.map((r) => r.reason)).toEqual(WRITTEN.map((w) => w[2]));
  });

  it('every code has its words in both languages, and a stored note reads back as written', () => {
    for (const code of NOTE_CODES) {
      const n: Note = { code, from: 'failed', attempts: 2, error: 'unavailable', jobId: 'J@1', printerJobId: 'sim-1', reasons: ['media-jam', 'cover-open'], by: 'up-02', since: null, words: 'luntur', text: 'x' };
      const w = noteWords(n);
      expect(w.id, code).not.toMatch(/undefined|\?$/);
      expect(w.id, code).not.toBe(w.en);
      const { code: c, detail } = storedNote(n);
      expect(readNote(c, detail, '')).toEqual(n);
    }
    expect(noteWords({ code: 'printer_spoiled', reasons: ['media-jam'] })).toEqual({ id: 'kartu rusak di printer: kartu macet', en: 'card spoiled in the printer: card jam' });
  });

  it('a code this agent does not know (a newer agent wrote it) reads as an earlier note, with its text', () => {
    expect(readNote('printer_melted', null, 'the printer melted')).toEqual({ code: 'legacy', text: 'the printer melted' });
    expect(readNote('printed', '{not json', 'printed')).toEqual({ code: 'printed' });
  });
});
