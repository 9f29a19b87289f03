/**
 * A card the printer spoiled (a jam, an open cover, the printer going offline mid-card) is queued
 * again by itself, once: the blank is counted spoiled, the record service is told, and the
 * reprint is claimed again before its card. A second card spoiled in the printer for the same
 * record is not reprinted by itself: something is wrong beyond one jam, and a person looks.
 */
import type { Text } from '../../core/i18n.js';
import { printerReasonsWords } from '../../hal/printer/reason-words.js';
import type { Db, Queryable } from '../../platform/db.js';
import type { JobState } from './job.js';
import { note, readNote, type Note } from './notes.js';

/** The move a card spoiled in the printer makes, and whether it is queued again after it. */
export async function printerSpoil(tx: Queryable, recordId: string, reasons: string[]): Promise<{ spoiled: Note; reprint: Note | null }> {
  const before = await tx.get<{ n: number }>("SELECT COUNT(*) AS n FROM job_events WHERE record_id = ? AND from_state = 'printing' AND to_state = 'spoiled'", [recordId]);
  if ((before?.n ?? 0) > 0) return { spoiled: note('spoiled_again', { reasons }), reprint: null };
  return { spoiled: note('printer_spoiled', { reasons }), reprint: note('reprint_queued', { reasons }) };
}

/** A card the printer spoiled since `sinceMs`, and what became of its record since. */
export interface PrinterSpoil {
  recordId: string;
  at: number;
  /** The printer's keywords at the spoil (media-jam ...). */
  reasons: string[];
  /** reprinting: queued again by itself and not yet done; reprinted: its reprint came out; held: spoiled twice, waits for a person. */
  now: 'reprinting' | 'reprinted' | 'held' | 'other';
  state: JobState;
}

/** How many spoils the page and status list: the latest, enough to act on. */
export const SPOILS_SHOWN = 10;

/** The cards the printer spoiled from `sinceMs` until before `untilMs`, latest first: which card, why, and whether it is being reprinted. */
export async function printerSpoils(db: Db, sinceMs: number, untilMs = Number.MAX_SAFE_INTEGER): Promise<PrinterSpoil[]> {
  const rows = await db.all<{ recordId: string; at: number; code: string | null; detail: string | null; reason: string; state: JobState }>(
    `SELECT e.record_id AS recordId, e.at, e.code, e.detail, e.reason, j.state FROM job_events e JOIN jobs j ON j.record_id = e.record_id
     WHERE e.from_state = 'printing' AND e.to_state = 'spoiled' AND e.at >= ? AND e.at < ?
       AND e.id = (SELECT MAX(id) FROM job_events x WHERE x.record_id = e.record_id AND x.from_state = 'printing' AND x.to_state = 'spoiled')
     ORDER BY e.id DESC LIMIT ?`,
    [sinceMs, untilMs, SPOILS_SHOWN],
  );
  return rows.map((r) => {
    const n = readNote(r.code, r.detail, r.reason);
    const now: PrinterSpoil['now'] =
      n.code === 'spoiled_again' && r.state === 'spoiled'
        ? 'held'
        : r.state === 'printed'
          ? 'reprinted'
          : ['queued', 'fetching', 'ready', 'printing'].includes(r.state)
            ? 'reprinting'
            : 'other';
    return { recordId: r.recordId, at: r.at, reasons: n.reasons ?? [], now, state: r.state };
  });
}

/** A card the printer spoiled, as the page and `status` say it: which card, why, and whether it is being reprinted. */
export function spoilWords(s: Pick<PrinterSpoil, 'recordId' | 'reasons' | 'now'>): Text {
  const why = printerReasonsWords(s.reasons);
  const card = { id: `Kartu ${s.recordId} rusak di printer${why ? ` (${why.id})` : ''}`, en: `Card ${s.recordId} was spoiled in the printer${why ? ` (${why.en})` : ''}` };
  switch (s.now) {
    case 'reprinting':
      return { id: `${card.id}; sedang dicetak ulang.`, en: `${card.en}; it is being reprinted.` };
    case 'reprinted':
      return { id: `${card.id}; sudah dicetak ulang.`, en: `${card.en}; it has been reprinted.` };
    case 'held':
      return {
        id: `${card.id}, untuk kedua kalinya; tidak dicetak ulang sendiri. Periksa printer dan blangkonya, lalu cetak ulang.`,
        en: `${card.en}, for the second time; it is not reprinted by itself. Check the printer and its blank cards, then reprint it.`,
      };
    case 'other':
      return { id: `${card.id}.`, en: `${card.en}.` };
  }
}
