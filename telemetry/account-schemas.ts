/** The office's accounts: each entry of its books (office.entry/1) and a station's day (station.daily/1). */
import { z } from 'zod';
import { finite, seq, station, ts } from './payload-parts.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("a day in the station's zone, YYYY-MM-DD");
const count = finite.int();
const supplyKind = z.enum(['blanks', 'ribbon', 'film']);

/**
 * One entry of an office's books that is one end of a movement or a figure the office signs for:
 * every entry of a store's book, and at a printing PC the stacks and rolls it took from the store
 * or sent back. Each entry once (by seq); no personal data, no record ids, no free text.
 */
export const officeEntrySchema = z.object({
  schema: z.literal('office.entry/1'),
  station,
  ts,
  seq,
  office: z.string().min(1).max(64).describe('the office id'),
  book: z.enum(['store', 'blanks', 'rolls']).describe("store: the office's store-room book (at the store PC); blanks, rolls: a printing PC's ledgers"),
  entry: count.describe('the entry number in that book, as the station shows it'),
  kind: z
    .enum(['delivery', 'transfer_out', 'transfer_in', 'loan_out', 'loan_in', 'count', 'correction'])
    .describe('delivery: from the ministry; transfer_out/transfer_in: a move inside the office (store ↔ printer); loan_out/loan_in: with another office; count: a physical count; correction: the reversal of `corrects`'),
  supply: supplyKind,
  quantity: count.describe('the signed change to the stock of this book: cards for blanks, rolls for ribbon and film'),
  counted: count.nullable().describe('a count: what was counted; null otherwise'),
  batch: z.string().max(200).nullable(),
  document: z.string().max(200).nullable(),
  lot: z.string().max(200).nullable(),
  transfer: z.string().max(120).nullable().describe('the transfer id both ends name (sender-T<n>)'),
  other: z.string().max(120).nullable().describe('the other end: a station of the office, or another office'),
  corrects: count.nullable().describe('a correction: the entry of the same book it reverses'),
  forced: z.boolean().describe('taken out beyond what the book held, with a reason a person gave (kept on the station)'),
  day,
  timeZone: z.string().max(64),
});

const rollDay = z.object({
  received: count.describe('rolls delivered here directly'),
  transfersIn: count.describe("rolls from the office's store"),
  returned: count,
  installed: count.describe('rolls put in the printer'),
  corrections: count,
  onHandEnd: count.nullable().describe('rolls on the shelf at the end of the day (now, for today); null until one is recorded'),
});

const storeDay = z.object({
  received: count.describe('from the ministry'),
  sent: count.describe('to the printers of the office'),
  returned: count.describe('back from the printers'),
  lent: count,
  borrowed: count,
  corrections: count.describe('counts\' differences and reversed entries, signed'),
  onHandEnd: count,
});

/**
 * A station's day in its own zone, sent again with the running totals as they change (the highest
 * seq of a day wins): blank cards received, taken from the store, sent back, printed good and
 * spoiled, and at the end of the day on hand; the same for ribbon and film rolls; at the store PC,
 * the store's own figures.
 */
export const dailySchema = z.object({
  schema: z.literal('station.daily/1'),
  station,
  ts,
  seq,
  office: z.string().min(1).max(64),
  day,
  timeZone: z.string().max(64),
  final: z.boolean().describe('false while the day runs; true once it has ended'),
  received: count.nullable().describe("blank cards delivered to this printer directly (an office without a store book); null at a PC without a printer"),
  transfersIn: count.nullable().describe("blank cards taken from the office's store"),
  returned: count.nullable().describe("blank cards sent back to the office's store"),
  good: count.nullable().describe('good cards: printed, less those found bad afterwards (counted on the day they were found)'),
  spoiled: count.nullable().describe('cards spoiled in or after printing'),
  spoiledByCode: z.partialRecord(z.enum(['jam', 'smudge', 'misprint', 'wrong-data', 'chip', 'other']), count).nullable().describe('spoiled cards by reason code (the words a clerk gave stay on the station)'),
  corrections: count.nullable().describe('counts\' differences and reversed entries, signed'),
  onHandEnd: count.nullable().describe('blank cards on hand at this printer at the end of the day (now, for today): the stack, the hopper and the cards waiting for a verdict'),
  needsVerification: count.nullable().describe('cards waiting for a person to verify them (on hand at the printer); null for a day past'),
  ribbon: rollDay.nullable(),
  film: rollDay.nullable(),
  store: z.object({ blanks: storeDay, ribbon: storeDay, film: storeDay }).nullable().describe("the office's store-room book, at the PC that keeps it; null elsewhere"),
});
