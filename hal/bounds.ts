/**
 * How much a reading may say: the contract's limits on what a payload carries, kept here, at the
 * bottom, because both ends need them. The payload schemas (telemetry/payload-parts.ts,
 * telemetry/health-schema.ts) are built from these numbers, and the HAL's boundary
 * (printer/bounded.ts, ups/bounded.ts) cuts every driver's reading to them before the agent sees
 * it, so a printer that says too much cannot make health or an event break the contract: the
 * dashboard refuses such a message whole, and the station would look fine while it is stopped.
 */
import type { Logger } from 'pino';

/** The longest text any payload carries (a model, a name, a reason, an event's message). */
export const TEXT_MAX = 2000;
/** Numbers in a payload lie within ±this: finite, as JSON's 1e999 is not. */
export const NUMBER_MAX = 1e15;
/** printer.reasons holds at most this many keywords, the mark of a cut among them. */
export const REASONS_MAX = 64;
/** printer.supplies holds at most this many entries. */
export const SUPPLIES_MAX = 16;
/** ups.alarms holds at most this many codes. */
export const UPS_ALARMS_MAX = 8;
/** The largest message a consumer takes (the dashboard refuses a larger one unread): a health is about 2 KB. */
export const PAYLOAD_BYTES_MAX = 32 * 1024;

/** What stands at the end of a text that was cut, and as the last entry of a list that was. */
export const CUT_MARK = '\u2026';

/**
 * `text` at most `max` characters (UTF-16 units, as the schemas count): cut with the mark at its
 * end when it is longer, never through a surrogate pair. `max` counts the mark.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - CUT_MARK.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // a high surrogate whose partner would be cut off
  return `${text.slice(0, end)}${CUT_MARK}`;
}

/**
 * Text a device sent, fit to show: control characters (C0, C1, and the replacement character
 * a bad byte decodes to) become spaces, runs of space one, the ends trimmed, then cut to `max`
 * with the mark. Empty is null: a device that says nothing said no name.
 */
export function deviceText(text: string, max: number): string | null {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean === '' ? null : cutText(clean, max);
}

/** A number a device sent, if it is one the contract can carry; else null (unknown, never a made-up value). */
export function deviceNumber(n: number | null | undefined): number | null {
  return typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= NUMBER_MAX ? n : null;
}

/**
 * A list cut to `max` entries, the mark the last of them when anything was left out. Entries
 * `keep` says matter more are kept before the others (a printer's unknown keywords are left out
 * before its known ones), each in its order.
 */
export function boundList(items: readonly string[], max: number, keep: (item: string) => boolean = () => true): string[] {
  if (items.length <= max) return [...items];
  const room = max - 1;
  const chosen = new Set<number>();
  for (const [i, item] of items.entries()) if (chosen.size < room && keep(item)) chosen.add(i);
  for (const i of items.keys()) if (chosen.size < room) chosen.add(i);
  return [...items.filter((_, i) => chosen.has(i)), CUT_MARK];
}

/** Says in the log what a device's readings had cut, once each time that changes: a device that keeps saying too much is told of once. */
export class CutNotice {
  private said = '';

  constructor(
    private readonly log: Logger,
    /** Who says too much, as the line names it: "the printer", "the UPS". */
    private readonly device: string,
  ) {}

  note(cuts: readonly string[]): void {
    const now = cuts.join('; ');
    if (now !== '' && now !== this.said) this.log.warn({ cuts }, `${this.device} says more than the contract carries, cut: ${now}`);
    this.said = now;
  }
}
