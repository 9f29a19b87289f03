/**
 * Why a job moved, as a code with its details: stored with each move (job_events.code, detail)
 * and read in the reader's language (`jobs show`, the page). The job's note is its latest move's,
 * never an older one. Details are machine facts (a state, a count, a station, a printer keyword,
 * an error code); the driver's own message is kept for the technician, never shown as the words.
 */
import type { Text } from '../../core/i18n.js';
import { printerReasonsWords } from '../../hal/printer/reason-words.js';
import type { JobState } from './job.js';
import { STATE_WORDS } from './words.js';

export const NOTE_CODES = [
  'added',
  'added_again',
  'fetch_attempt',
  'fetched',
  'fetch_retry',
  'fetch_gave_up',
  'fetch_set_aside',
  'render_failed',
  'printer_history_hold',
  'sent',
  'printed',
  'printer_not_ready',
  'printer_spoiled',
  'reprint_queued',
  'spoiled_again',
  'outcome_unknown',
  'claim_not_found',
  'refused_held',
  'verified_printed',
  'verified_spoiled',
  'verified_not_printed',
  'verified_not_printed_despite_history',
  'spoiled_by_person',
  'cancelled',
  'recovered_printed',
  'recovered_verify',
  'recovered_requeued',
  'orphan_requeued',
  'orphan_verify',
  'legacy',
] as const;
export type NoteCode = (typeof NOTE_CODES)[number];

/** The facts a note names; which ones depends on its code. */
export interface NoteDetail {
  from?: JobState;
  attempts?: number;
  /** A record source's error code (hal/records/types.ts RECORD_ERRORS), or a print error code. */
  error?: string;
  /** The driver's message, for the technician (`jobs show --json`, the log); not the words people read. */
  message?: string;
  jobId?: string;
  printerJobId?: string;
  /** The printer's keywords (media-jam, cover-open, offline ...), said in words. */
  reasons?: string[];
  by?: string;
  since?: string | null;
  /** A person's own words (a spoiled card's reason): kept as typed. */
  words?: string;
  /** A note written before notes had codes: its stored text. */
  text?: string;
}

export interface Note extends NoteDetail {
  code: NoteCode;
}

export const note = (code: NoteCode, detail: NoteDetail = {}): Note => ({ code, ...detail });

const RECORD_ERROR_WORDS: Record<string, Text> = {
  'not-found': { id: 'server data pusat tidak punya rekaman siap cetak ini', en: 'the central record server has no such print-ready record' },
  invalid: { id: 'data rekaman dari server tidak lengkap atau tidak sah', en: "the record's data from the server is incomplete or invalid" },
  refused: { id: 'server data pusat menolak permintaan stasiun ini', en: "the central record server refused this station's request" },
  unavailable: { id: 'server data pusat tidak menjawab', en: 'the central record server did not answer' },
  timeout: { id: 'server data pusat terlalu lama menjawab', en: 'the central record server took too long to answer' },
};
const errorWords = (e: string | undefined): Text => (e && RECORD_ERROR_WORDS[e]) || { id: 'kesalahan yang tidak dikenal', en: 'an unknown error' };

const both = (id: string, en: string): Text => ({ id, en });

/** A note in words, in both languages. */
export function noteWords(n: Note): Text {
  const why = printerReasonsWords(n.reasons ?? []);
  switch (n.code) {
    case 'added':
      return both('ditambahkan ke antrean', 'added to the queue');
    case 'added_again': {
      const s = n.from ? STATE_WORDS[n.from] : { id: '?', en: '?' };
      return both(`ditambahkan lagi setelah ${s.id}`, `added again after ${s.en}`);
    }
    case 'fetch_attempt':
      return both(`mengambil data, percobaan ke-${n.attempts ?? '?'}`, `fetching, attempt ${n.attempts ?? '?'}`);
    case 'fetched':
      return both('data rekaman sudah diambil', 'record fetched');
    case 'fetch_retry':
      return both(`gagal mengambil data: ${errorWords(n.error).id}; dicoba lagi sendiri`, `fetch failed: ${errorWords(n.error).en}; tried again by itself`);
    case 'fetch_gave_up':
      return both(`disisihkan: ${errorWords(n.error).id}${n.attempts ? ` (setelah ${n.attempts} percobaan)` : ''}; tambahkan lagi untuk mencoba ulang`, `set aside: ${errorWords(n.error).en}${n.attempts ? ` (after ${n.attempts} attempts)` : ''}; add it again to retry`);
    case 'fetch_set_aside':
      return both(
        `disisihkan setelah ${n.attempts ?? '?'} percobaan yang tidak selesai (agen berhenti setiap kali); tambahkan lagi untuk mencoba ulang`,
        `set aside after ${n.attempts ?? '?'} fetch attempts that did not finish (the agent stopped during each); add it again to retry`,
      );
    case 'render_failed':
      return both('gambar kartu tidak bisa dibuat dari data rekaman; hubungi teknisi', "the card's image could not be made from the record; call the technician");
    case 'printer_history_hold':
      return both(`riwayat printer mencatat kartu untuk rekaman ini (pekerjaan ${n.printerJobId ?? '?'}); periksa sebelum dicetak lagi`, `the printer's history shows a card for this record (job ${n.printerJobId ?? '?'}); check before it prints again`);
    case 'sent':
      return both(`dikirim ke printer (${n.jobId ?? '?'})`, `sent to the printer (${n.jobId ?? '?'})`);
    case 'printed':
      return both(`tercetak (pekerjaan printer ${n.printerJobId ?? '?'})`, `printed (printer job ${n.printerJobId ?? '?'})`);
    case 'printer_not_ready':
      return both(`printer belum memulai kartu${why ? `: ${why.id}` : ''}; dicoba lagi sendiri`, `the printer did not start the card${why ? `: ${why.en}` : ''}; tried again by itself`);
    case 'printer_spoiled':
      return both(`kartu rusak di printer${why ? `: ${why.id}` : ''}`, `card spoiled in the printer${why ? `: ${why.en}` : ''}`);
    case 'reprint_queued':
      return both(`kartu rusak di printer${why ? ` (${why.id})` : ''}; dicetak ulang sendiri`, `card spoiled in the printer${why ? ` (${why.en})` : ''}; being reprinted by itself`);
    case 'spoiled_again':
      return both(
        `rusak lagi di printer${why ? ` (${why.id})` : ''}: dua kartu rusak untuk rekaman ini, jadi tidak dicetak ulang sendiri; periksa printer, lalu cetak ulang`,
        `spoiled again in the printer${why ? ` (${why.en})` : ''}: two cards spoiled for this record, so it is not reprinted by itself; check the printer, then reprint it`,
      );
    case 'outcome_unknown':
      return both('jawaban printer tidak diketahui; periksa kartunya', "the printer's answer is unknown; check the card");
    case 'claim_not_found':
      return both('server data pusat tidak mengenal rekaman ini saat diklaim; tambahkan lagi untuk mencoba ulang', 'the central record server did not know this record when it was claimed; add it again to retry');
    case 'refused_held':
      return both(`ditolak: dipegang stasiun ${n.by ?? '?'}${n.since ? ` sejak ${n.since}` : ''}`, `refused: held by station ${n.by ?? '?'}${n.since ? ` since ${n.since}` : ''}`);
    case 'verified_printed':
      return both('diperiksa petugas: kartu tercetak', 'checked by a person: the card was printed');
    case 'verified_spoiled':
      return both(`diperiksa petugas: kartu rusak${n.words ? ` (${n.words})` : ''}`, `checked by a person: the card was spoiled${n.words ? ` (${n.words})` : ''}`);
    case 'verified_not_printed':
      return both('diperiksa petugas: tidak ada kartu yang keluar; dicetak lagi', 'checked by a person: no card came out; printing it again');
    case 'verified_not_printed_despite_history':
      return both('diperiksa petugas: tidak ada kartu yang keluar walau riwayat printer mencatatnya; dicetak lagi', "checked by a person: no card came out, although the printer's history shows one; printing it again");
    case 'spoiled_by_person':
      return both(`ditandai rusak oleh petugas: ${n.words ?? ''}`, `marked spoiled by a person: ${n.words ?? ''}`);
    case 'cancelled':
      return both('dibatalkan petugas', 'cancelled by a person');
    case 'recovered_printed':
      return both('riwayat printer menunjukkan kartu ini selesai', "the printer's job history shows this card completed");
    case 'recovered_verify':
      return both('agen berhenti saat kartu ini dicetak; periksa apakah kartunya keluar', 'the agent stopped while this card was printing; check whether it came out');
    case 'recovered_requeued':
      return both('agen dimulai ulang; data rekaman diambil lagi', 'the agent restarted; the record is fetched again');
    case 'orphan_requeued':
      return both('tidak ada pekerjaan yang memegangnya: kembali ke antrean', 'no work in progress for it: queued again');
    case 'orphan_verify':
      return both('hasilnya tidak pernah tercatat; periksa kartunya', 'its outcome was never recorded; check the card');
    case 'legacy':
      return both(`catatan lama: ${n.text ?? ''}`, `earlier note: ${n.text ?? ''}`);
  }
}

/** The stored form: the code in its column, the details as JSON (null when none). */
export function storedNote(n: Note): { code: NoteCode; detail: string | null } {
  const { code, ...d } = n;
  const keys = Object.keys(d).filter((k) => d[k as keyof NoteDetail] !== undefined);
  return { code, detail: keys.length ? JSON.stringify(Object.fromEntries(keys.map((k) => [k, d[k as keyof NoteDetail]]))) : null };
}

/** A note as read back; an unknown code (a newer agent's) reads as an earlier note, never as a crash. */
export function readNote(code: string | null, detail: string | null, text: string): Note {
  if (!code || !(NOTE_CODES as readonly string[]).includes(code)) return { code: 'legacy', text };
  let d: NoteDetail = {};
  try {
    d = detail ? (JSON.parse(detail) as NoteDetail) : {};
  } catch {
    d = {};
  }
  return { ...d, code: code as NoteCode };
}
