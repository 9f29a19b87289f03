/**
 * The printer helper's protocol, pure: one JSON object a line each way over stdin/stdout.
 *
 *   agent  → helper  {"id": 7, "op": "printer", "printer": "FARGO HDP5000"}
 *   helper → agent   {"id": 7, "ok": true, "result": {...}}
 *                    {"id": 7, "ok": false, "error": {"type": "...", "message": "...", "stage": "..."}}
 *
 * Operations (deploy/windows/printer-helper.ps1 answers them; it passes Windows' answers through
 * raw, and every meaning is given here and in spooler.ts and vendor.ts):
 *   hello                      → {helper, protocol, powershell, clr}
 *   printer {printer}          → {found, printer: Win32_Printer's status properties | null}
 *   jobs {printer}             → {jobs: Win32_PrintJob rows of that printer}
 *   print {printer, name, png, dpi}
 *                              → {jobs: the rows named `name` seen while and after it spooled}
 *                                 an error's stage is "prepare" while nothing was sent to the spooler
 *   history {printer, max}     → {logEnabled, events: [{id, xml}]} of Microsoft-Windows-PrintService/Operational
 *   vendor {printer, fargoSdk?} → {bidi: {schema: {ok, text|error}}, fargo: {ok, properties|error} | null}
 */
import { z } from 'zod';
import { HalError } from '../../errors.js';

export const PROTOCOL_VERSION = 1;

/** An answer larger than this is not one the helper gives (history is capped at a few hundred events). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

export type Op = 'hello' | 'printer' | 'jobs' | 'print' | 'history' | 'vendor';

export function encodeRequest(id: number, op: Op, args: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...args, id, op })}\n`;
}

/** What a person may be shown of a line that is not an answer: printable, short. */
export function snippet(text: string, max = 80): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/** Splits a byte stream into lines; a line that grows past the cap is a protocol error. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.add(chunk.subarray(start, nl));
      lines.push(Buffer.concat(this.parts).toString('utf8').replace(/\r$/, ''));
      this.parts = [];
      this.size = 0;
      start = nl + 1;
    }
    if (start < chunk.length) this.add(chunk.subarray(start));
    return lines;
  }

  private add(part: Buffer): void {
    this.size += part.length;
    if (this.size > this.maxBytes) {
      this.parts = [];
      this.size = 0;
      throw new HalError('protocol', `the printer helper wrote a line longer than ${this.maxBytes} bytes`);
    }
    this.parts.push(part);
  }
}

export interface HelperFailure {
  type: string;
  message: string;
  /** "prepare": the helper failed before it handed anything to the spooler. */
  stage: string | null;
}

export type Answer = { id: number; ok: true; result: Record<string, unknown> } | { id: number; ok: false; error: HelperFailure };

const answerSchema = z.union([
  z.object({ id: z.number().int().min(0), ok: z.literal(true), result: z.record(z.string(), z.unknown()) }),
  z.object({
    id: z.number().int().min(0),
    ok: z.literal(false),
    error: z.object({ type: z.string().max(500).catch(''), message: z.string().max(4000), stage: z.string().max(50).nullish() }),
  }),
]);

/** One line → an answer, or HalError('protocol') saying what came instead. */
export function decodeAnswer(line: string): Answer {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new HalError('protocol', `the printer helper wrote something that is not JSON: "${snippet(line)}"`);
  }
  const parsed = answerSchema.safeParse(value);
  if (!parsed.success) throw new HalError('protocol', `the printer helper wrote JSON that is not an answer: "${snippet(line)}"`);
  const a = parsed.data;
  return a.ok ? { id: a.id, ok: true, result: a.result } : { id: a.id, ok: false, error: { type: a.error.type, message: a.error.message, stage: a.error.stage ?? null } };
}

/** A number Windows gives as an integer property, or null when it is missing or not one. */
const int = z.number().int().nullish().catch(null).transform((v) => v ?? null);
const text = z.string().nullish().catch(null).transform((v) => v ?? null);

export const win32PrinterSchema = z.object({
  Name: text,
  PrinterStatus: int,
  DetectedErrorState: int,
  ExtendedPrinterStatus: int,
  ExtendedDetectedErrorState: int,
  WorkOffline: z.boolean().nullish().catch(null).transform((v) => v ?? null),
  DriverName: text,
  PortName: text,
});
export type Win32Printer = z.infer<typeof win32PrinterSchema>;

export const printerResultSchema = z.object({ found: z.boolean(), printer: win32PrinterSchema.nullable() });

export const win32JobSchema = z.object({
  JobId: z.number().int().min(0),
  Document: text,
  StatusMask: int,
  JobStatus: text,
});
export type Win32Job = z.infer<typeof win32JobSchema>;

export const jobsResultSchema = z.object({ jobs: z.array(win32JobSchema).max(10_000) });

export const historyResultSchema = z.object({
  logEnabled: z.boolean().nullable(),
  events: z.array(z.object({ id: z.number().int(), xml: z.string().max(64 * 1024) })).max(10_000),
});

const rawAnswer = z.union([z.object({ ok: z.literal(true), text: z.string().max(1024 * 1024) }), z.object({ ok: z.literal(false), error: z.string().max(4000) })]);
export const vendorResultSchema = z.object({
  bidi: z.record(z.string(), rawAnswer),
  fargo: z
    .union([z.object({ ok: z.literal(true), properties: z.record(z.string(), z.string().nullable()) }), z.object({ ok: z.literal(false), error: z.string().max(4000) })])
    .nullable(),
});
export type VendorResult = z.infer<typeof vendorResultSchema>;

/** A result checked against its operation's shape; anything else is the helper's fault, said so. */
export function resultOf<S extends z.ZodType>(op: Op, schema: S, result: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(result);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new HalError('protocol', `the printer helper answered ${op} with an unexpected shape${where ? ` (at ${where})` : ''}`);
  }
  return parsed.data;
}
