import type { Text } from '../../core/i18n.js';
import type { Note } from './notes.js';
import { findUnseen, unseenWords } from '../../core/typed-text.js';

/**
 * What a job is, apart from where it is kept: its states, its row as read, the queue's counts,
 * and the record ids it takes. JobRepo (repo.ts) keeps jobs in SQLite.
 */
export const JOB_STATES = ['queued', 'fetching', 'ready', 'printing', 'printed', 'failed', 'spoiled', 'needs_verification', 'cancelled', 'refused'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface Job {
  recordId: string;
  state: JobState;
  fetchAttempts: number;
  nextFetchAt: number;
  /** The agent's id of the last job sent to the printer for this record (its name in the printer's history). */
  agentJobId: string | null;
  printerJobId: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  /** For a refused job: the station the record service says holds the record, and since when (RFC 3339); else null. */
  claimedBy: string | null;
  claimedAt: string | null;
  /** Why it is where it is: its latest move's note (agent/jobs/notes.ts), in words by noteWords. */
  note: Note | null;
}

export interface JobCounts {
  queued: number;
  fetching: number;
  ready: number;
  printing: number;
  needsVerification: number;
  /** The first records waiting for a person's check (opaque ids), oldest first. */
  needsVerificationIds: string[];
  printedToday: number;
  failedToday: number;
}

/** What became of a card sent to the printer, as the queue writes it (`printing` → `to`). */
export interface CardOutcome {
  to: 'printed' | 'ready' | 'spoiled' | 'needs_verification';
  note: Note;
  printerJobId?: string;
}

/** How many held record ids health carries: enough to act on, bounded for the payload. */
export const VERIFICATION_IDS_SHOWN = 20;

/** Opaque record ids only: a NIK (16 digits) would put personal data in logs and telemetry. */
const RECORD_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function checkRecordId(id: string): Text | undefined {
  // Read from a list (standard input, the page's box): a character copied in with it is named.
  const unseen = findUnseen(id);
  if (unseen) return unseenWords({ id: 'id rekaman', en: 'record id' }, unseen).message;
  if (!RECORD_ID.test(id)) return { id: 'id rekaman terdiri dari 1 sampai 64 huruf, angka, ".", "_" atau "-"', en: 'a record id is 1 to 64 letters, digits, ".", "_" or "-"' };
  // 16 digits in a row, with or without separators or letters around them: a NIK, however written.
  if (/\d{4}[ .-]?\d{4}[ .-]?\d{4}[ .-]?\d{4}/.test(id)) {
    return { id: 'ini tampak seperti NIK; tambahkan id rekaman dari daftar siap cetak, jangan pernah NIK', en: 'this looks like a NIK; add the record id from the print-ready list, never a NIK' };
  }
  return undefined;
}

/** Local midnight of the day of `now`, in ms: "today" as the office counts it. */
export function startOfLocalDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * The local day `now` falls on, from its midnight to the next, in ms. "Today" ends too: cards
 * stamped on a later day (printed while the PC's clock ran a day fast, before it was set right)
 * are not today's, as the wall clock now says.
 */
export function localDayOf(now: number): { start: number; end: number } {
  const start = startOfLocalDay(now);
  const next = new Date(start);
  next.setDate(next.getDate() + 1);
  return { start, end: next.getTime() };
}
