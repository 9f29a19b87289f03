/**
 * What the Windows spooler says, pure: Win32_Printer's status numbers → the contract's state and
 * IPP-style reasons; Win32_PrintJob's status bits → where a card is; the PrintService log's
 * "document printed" events (ID 307) → the proof used after a crash. Values as Microsoft documents
 * them for Win32_Printer (PrinterStatus, DetectedErrorState, ExtendedPrinterStatus,
 * ExtendedDetectedErrorState) and for JOB_INFO's Status (JOB_STATUS_* in winspool.h).
 */
import { BLOCKING_REASONS, type PrinterState } from '../types.js';
import type { Win32Job, Win32Printer } from './protocol.js';

/** DetectedErrorState → reason (0 unknown, 1 other and 2 no error say nothing). */
const DETECTED: Record<number, string> = {
  3: 'media-low',
  4: 'media-empty',
  5: 'marker-supply-low',
  6: 'marker-supply-empty',
  7: 'cover-open',
  8: 'media-jam',
  9: 'offline',
  10: 'service-requested',
  11: 'output-area-full',
};

/** ExtendedDetectedErrorState → reason, where DetectedErrorState said nothing. */
const EXTENDED_DETECTED: Record<number, string> = {
  3: 'media-low',
  4: 'media-empty',
  5: 'marker-supply-low',
  6: 'marker-supply-empty',
  7: 'cover-open',
  8: 'media-jam',
  9: 'service-requested',
  10: 'output-area-full',
  11: 'media-problem',
  12: 'cannot-print-page',
  13: 'user-intervention-required',
  14: 'out-of-memory',
};

/** ExtendedPrinterStatus values that are a condition of their own. */
const EXTENDED_STATUS: Record<number, string> = { 7: 'offline', 8: 'paused', 9: 'other', 11: 'offline', 16: 'pending-deletion' };

/** Conditions that stop a card printer: nothing prints until a person acts. */
const STOPPING = new Set<string>([...BLOCKING_REASONS, 'paused', 'marker-supply-empty', 'user-intervention-required', 'service-requested', 'pending-deletion', 'other']);

export interface SpoolerView {
  state: PrinterState;
  reasons: string[];
}

/** Win32_Printer's status → state and reasons; `extra` are reasons from elsewhere (vendor software). */
export function spoolerState(p: Win32Printer, extra: readonly string[] = []): SpoolerView {
  const reasons: string[] = [];
  const add = (r: string | undefined) => {
    if (r !== undefined && !reasons.includes(r)) reasons.push(r);
  };
  if (p.WorkOffline === true || p.PrinterStatus === 7) add('offline');
  add(p.DetectedErrorState === null ? undefined : DETECTED[p.DetectedErrorState]);
  if (p.DetectedErrorState === null || p.DetectedErrorState <= 2) add(p.ExtendedDetectedErrorState === null ? undefined : EXTENDED_DETECTED[p.ExtendedDetectedErrorState]);
  add(p.ExtendedPrinterStatus === null ? undefined : EXTENDED_STATUS[p.ExtendedPrinterStatus]);
  for (const r of extra) add(r);
  // "Other" only when nothing more telling was said.
  if (reasons.length > 1 && reasons.includes('other')) reasons.splice(reasons.indexOf('other'), 1);

  let state: PrinterState;
  if (reasons.includes('offline')) state = 'offline';
  else if (p.PrinterStatus === 6 || reasons.some((r) => STOPPING.has(r))) state = 'stopped';
  else if (p.PrinterStatus === 4 || p.ExtendedPrinterStatus === 4) state = 'printing';
  else state = 'idle';
  return { state, reasons };
}

/** JOB_STATUS_* bits (winspool.h). */
export const JOB_STATUS = {
  PAUSED: 0x1,
  ERROR: 0x2,
  DELETING: 0x4,
  SPOOLING: 0x8,
  PRINTING: 0x10,
  OFFLINE: 0x20,
  PAPEROUT: 0x40,
  PRINTED: 0x80,
  DELETED: 0x100,
  BLOCKED_DEVQ: 0x200,
  USER_INTERVENTION: 0x400,
  RESTART: 0x800,
  COMPLETE: 0x1000,
} as const;

const TROUBLE = JOB_STATUS.ERROR | JOB_STATUS.OFFLINE | JOB_STATUS.PAPEROUT | JOB_STATUS.BLOCKED_DEVQ | JOB_STATUS.USER_INTERVENTION | JOB_STATUS.PAUSED;

/** Where a card in the queue is: done (kept after printing), being cancelled, held by trouble, or on its way. */
export type QueuedJob = 'printed' | 'deleting' | 'trouble' | 'active';

export function queuedJobState(j: Win32Job): QueuedJob {
  const s = j.StatusMask ?? 0;
  if (s & (JOB_STATUS.DELETING | JOB_STATUS.DELETED)) return 'deleting';
  if (s & (JOB_STATUS.PRINTED | JOB_STATUS.COMPLETE) && !(s & JOB_STATUS.ERROR)) return 'printed';
  if (s & TROUBLE) return 'trouble';
  return 'active';
}

/** The raw status bits in words, for a message: "error, paper out". */
export function jobStatusWords(j: Win32Job): string {
  if (j.JobStatus) return j.JobStatus;
  const s = j.StatusMask ?? 0;
  const words = Object.entries(JOB_STATUS)
    .filter(([, bit]) => s & bit)
    .map(([name]) => name.toLowerCase().replace('_', ' '));
  return words.join(', ') || 'queued';
}

/** A real event 307 is about 1.5 KB; more is not one, and is not read. */
const MAX_EVENT_XML = 8 * 1024;

/** One "document printed" event (PrintService/Operational, ID 307). */
export interface PrintedEvent {
  jobId: string;
  document: string;
  printer: string;
}

function element(xml: string, name: string): string | undefined {
  // Attributes bounded, and never past the next tag: a tag that does not close must not make
  // every try scan to the end (quadratic on `<Param1 <Param1 ...`).
  const m = new RegExp(`<${name}(?:\\s[^<>]{0,256})?>([^<]*)</${name}>`).exec(xml);
  return m?.[1] === undefined ? undefined : decodeXmlText(m[1]);
}

export function decodeXmlText(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (_all, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/**
 * Event 307's UserData is <DocumentPrinted> with Param1 (the spooler's job id), Param2 (the
 * document name: the agent's job id), Param5 (the printer). Anything else is not this event.
 */
export function parsePrintedEvent(xml: string): PrintedEvent | undefined {
  const doc = xml.slice(0, MAX_EVENT_XML);
  const start = doc.indexOf('<DocumentPrinted');
  const end = doc.indexOf('</DocumentPrinted>', start);
  if (start === -1 || end === -1) return undefined;
  const body = doc.slice(start, end);
  const jobId = element(body, 'Param1');
  const document = element(body, 'Param2');
  const printer = element(body, 'Param5');
  if (jobId === undefined || !/^\d{1,10}$/.test(jobId.trim()) || document === undefined || printer === undefined) return undefined;
  return { jobId: jobId.trim(), document, printer };
}

/** The cards this printer's log says were printed under a document name (only event 307 counts). */
export function printedEvents(events: readonly { id: number; xml: string }[], printer: string): PrintedEvent[] {
  const out: PrintedEvent[] = [];
  for (const e of events) {
    if (e.id !== 307) continue;
    const p = parsePrintedEvent(e.xml);
    if (p && p.printer.toLowerCase() === printer.toLowerCase()) out.push(p);
  }
  return out;
}
