/**
 * Payloads of the contract, as zod schemas: the TypeScript types and the JSON Schemas in
 * telemetry/schemas/ (scripts/gen-schemas.ts) both come from here. The JSON Schemas are
 * rendered in zod's "input" mode, which leaves objects open (additional properties allowed),
 * so adding a field never breaks a consumer validating with an older schema; renaming or
 * repurposing one needs a new schema version.
 */
import { z } from 'zod';
import { PRINTER_STATES, SUPPLY_KINDS, SUPPLY_STATUSES } from '../hal/printer/types.js';
import { POWER_STATES, UPS_STATUSES } from '../hal/ups/types.js';
import { HOLD_CODES, SEVERITIES, UPS_ALARM_CODES } from './codes.js';

export { ALERT_CODES, COMMAND_NAMES, HOLD_CODES, SEVERITIES, UPS_ALARM_CODES } from './codes.js';
export type { AlertCode, HoldCode, Severity } from './codes.js';

/**
 * Bounds on everything that comes in: the dashboard takes these payloads from every station, so
 * a number must be finite (JSON's 1e999 parses as Infinity), a text and a list short, whatever
 * a station sends. Far above anything a real station publishes.
 */
const finite = z.number().min(-1e15).max(1e15);
const TEXT = 2000;
const nullableNumber = finite.nullable();
const ts = z.iso.datetime({ offset: false }).describe('RFC 3339 UTC time the message was made');
const station = z.string().min(1).max(64).describe('station id');
const seq = z.number().int().min(1).max(1e15).describe('per-station counter, strictly increasing across restarts');
const reason = z.string().max(TEXT).nullable().describe('why the readings are null or the state unknown; null when read fine');

export const supplySchema = z.object({
  kind: z.enum(SUPPLY_KINDS),
  name: z.string().max(TEXT),
  levelPercent: nullableNumber,
  remaining: nullableNumber,
  capacity: nullableNumber,
  status: z.enum(SUPPLY_STATUSES),
  daysLeft: nullableNumber.describe('days until it runs out at the recent rate of cards a day; null when it cannot be told (see daysLeftReason)'),
  daysLeftReason: z.string().max(TEXT).nullable().describe('why daysLeft is null (no level, still learning, no use lately); null when it is given'),
  // Optional in the schema (this agent always sends it) so health from older agents still validates.
  source: z
    .enum(['printer', 'counted'])
    .optional()
    .describe('printer: the printer reported the level; counted: the agent counted the cards printed since the roll was installed (an estimate: low at most, never empty)'),
});

export const healthSchema = z.object({
  schema: z.literal('station.health/1'),
  station,
  province: z.string().max(TEXT),
  regency: z.string().max(TEXT),
  ts,
  seq,
  agent: z.object({ version: z.string().max(TEXT), startedAt: ts, uptimeSeconds: finite }),
  printer: z.object({
    driver: z.string().max(TEXT),
    state: z.enum([...PRINTER_STATES, 'unknown']),
    reasons: z.array(z.string().max(TEXT)).max(64),
    supplies: z.array(supplySchema).max(16),
    model: z.string().max(TEXT).nullable(),
    error: reason,
    // Optional in the schema (this agent always sends it) so health from older agents still validates.
    present: z.boolean().optional().describe("false at a PC without a card printer (printer.driver: none: the office's store PC), which has no print queue and raises no printer alert; true otherwise"),
  }),
  ups: z.object({
    driver: z.string().max(TEXT),
    status: z.enum(UPS_STATUSES),
    onBattery: z.boolean().nullable().describe('mains lost; null when unknown (a UPS can be low_battery on mains while recharging)'),
    chargePercent: nullableNumber,
    runtimeSeconds: nullableNumber,
    inputVoltage: nullableNumber,
    loadPercent: nullableNumber,
    model: z.string().max(TEXT).nullable(),
    error: reason,
    // Optional in the schema (this agent always sends them) so a consumer validating against it
    // still takes health from agents that predate them.
    shutdownImminent: z.boolean().nullable().optional().describe("the UPS will cut its output soon (NUT's FSD, HID ShutdownImminent); null when it cannot say"),
    powerState: z
      .enum(POWER_STATES)
      .optional()
      .describe(
        'the power as the agent judges it, which the ups alerts, the print gate, status and diagnose all follow: low_battery also when on battery under the configured charge or runtime limits, and it stays so until mains returns; comm_lost when the UPS cannot be read; comm_lost_on_battery when it was last seen on battery and has been silent past ups.deadSeconds (taken as on battery, runtime unknown: new cards wait); unknown when it answers but says neither on line nor on battery (the reason in error); none without a UPS',
      ),
    alarms: z
      .array(z.enum(UPS_ALARM_CODES))
      .max(8)
      .nullable()
      .optional()
      .describe('the alarms the UPS reports now, as event codes: ups.replace_battery, ups.overload, ups.bypass, ups.output_off; null when the UPS cannot be read'),
    battery: z
      .object({
        date: z.string().max(TEXT).nullable().describe("the battery's date as the UPS gives it (NUT battery.date or battery.mfr.date); null when it does not say"),
        testResult: z.string().max(TEXT).nullable().describe("the UPS's last self-test result (NUT ups.test.result); null when it does not say"),
        runtimeAtLoad: z
          .object({ runtimeSeconds: finite, loadPercent: finite })
          .nullable()
          .describe('the runtime the UPS estimates at the load it carries now, both as it reports them; null when either is unknown'),
      })
      .nullable()
      .optional()
      .describe("what the UPS says of its battery's health; null when the UPS cannot be read"),
  }),
  host: z.object({
    cpuPercent: nullableNumber,
    memUsedPercent: nullableNumber,
    diskFreeBytes: nullableNumber,
    uptimeSeconds: nullableNumber,
  }),
  stock: z.object({
    blanksOnHand: nullableNumber.describe('from the blank-card ledger; null until one is kept'),
    daysLeft: nullableNumber.describe('days the office blank stock (shelf and hopper) lasts at the recent rate; null with daysLeftReason when it cannot be told'),
    daysLeftReason: z.string().max(TEXT).nullable(),
    cardsPerDay: nullableNumber.describe('cards through the printer a day over the forecast window; null while learning'),
    ribbonRolls: nullableNumber.optional().describe('ribbon rolls on the shelf (the supply ledger); null until one is recorded'),
    filmRolls: nullableNumber.optional().describe('retransfer film rolls on the shelf (the supply ledger); null until one is recorded'),
    ribbonDaysLeft: nullableNumber
      .optional()
      .describe('days the office\'s ribbon lasts at the recent rate: the roll in the printer and the rolls on the shelf; null when it cannot be told'),
    filmDaysLeft: nullableNumber.optional().describe('days the office\'s film lasts at the recent rate: the roll in the printer and the rolls on the shelf; null when it cannot be told'),
  }),
  jobs: z.object({
    queued: nullableNumber,
    fetching: nullableNumber.describe('records being fetched from the central server'),
    ready: nullableNumber.describe('records fetched, waiting for the printer'),
    printing: nullableNumber,
    printedToday: nullableNumber.describe('cards printed since local midnight'),
    failedToday: nullableNumber.describe('records set aside today because they could not be fetched'),
    needsVerification: nullableNumber.describe('cards whose outcome a person must check'),
    needsVerificationIds: z
      .array(z.string().max(64))
      .max(20)
      .nullable()
      .optional()
      .describe('the first (at most 20) records whose card a person must check, oldest first: opaque record ids, never personal data'),
    held: z
      .string()
      .max(TEXT)
      .nullable()
      .describe('why no new card starts now; null when cards may start. Raised while work waits; once raised it stays until its reason is gone'),
    heldCode: z.enum(HOLD_CODES).nullable().optional().describe('why printing is held, as a code: ' + HOLD_CODES.join(', ')),
    gate: z
      .enum(HOLD_CODES)
      .nullable()
      .optional()
      .describe('why no card could start now, as a code, even with nothing waiting (held is raised only while work waits); null when one could'),
    utilisation: nullableNumber.describe('share of the last hour the printer printed while work waited; null without work'),
  }),
  telemetry: z.object({
    connected: z.boolean().describe('an MQTT session is up now'),
    backlog: finite.int().describe('messages stored and not yet acknowledged by the broker'),
    backlogBytes: finite.int(),
    oldestBacklogSeconds: nullableNumber.describe('age of the oldest unacknowledged message; null when none'),
    dropped: finite.int().describe('messages dropped to keep the outbox within its bounds, since the store was made'),
    droppedEvents: finite.int().describe('of those, events (health samples are thinned first)'),
    refused: finite.int().describe('messages the broker refused (ACL), since the agent started'),
    lastError: z.string().max(TEXT).nullable().describe('the last connection problem and the setting to check; null when connected'),
  }),
  store: z.object({
    durable: z.boolean().describe('false while the agent runs on an in-memory stand-in for a database file it cannot use'),
    error: z.string().max(TEXT).nullable().describe('the last storage problem and what to do; null when writes succeed'),
  }),
  alerts: z.array(z.string().max(TEXT)).max(64).describe('codes of the alerts raised now'),
});

export const eventSchema = z.object({
  schema: z.literal('station.event/1'),
  station,
  ts,
  seq,
  code: z.string().max(TEXT).describe('one of the contract codes, e.g. supply.film.empty; consumers ignore codes they do not know'),
  state: z.enum(['raised', 'cleared']),
  severity: z.enum(SEVERITIES),
  message: z.string().max(TEXT).describe('human text, no personal data'),
});

const officeRef = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(200).optional(),
  // The store PC's figures, which the province's reconciliation and request count with.
  store: z.boolean().optional().describe("true at the PC that keeps the office's store book"),
  transitDays: finite.optional().describe('a transfer not confirmed after this many days is a problem, not in transit'),
  leadDays: finite.optional().describe('days a delivery of blanks takes to reach the office after it writes for them'),
  boxSize: finite.optional().describe('blanks in a box: requests are rounded up to whole boxes'),
  rollPrice: z.object({ ribbon: finite.optional(), film: finite.optional() }).optional().describe('rupiah per roll, for the purchase plan'),
});

const statusCommon = {
  schema: z.literal('station.status/1'),
  station,
  ts,
  version: z.string().max(TEXT).optional(),
  startedAt: ts.optional(),
  name: z.string().max(200).optional().describe("the office's name as configured (station.name), for people; absent when not set"),
  office: officeRef.optional().describe('the office this station belongs to (station.office; by default its regency code and "-DINAS"); every PC of one office names the same id'),
  installId: z
    .string()
    .regex(/^[0-9a-f]{16,64}$/)
    .optional()
    .describe("a random id made when this PC's database was created: two PCs claiming one station id show two of them, and a reinstalled PC a new one"),
};

/** Online (the birth, on every connect) or offline with why: the Will ("lost") or a clean stop. */
export const statusSchema = z.discriminatedUnion('online', [
  z.object({ ...statusCommon, online: z.literal(true) }),
  z.object({ ...statusCommon, online: z.literal(false), reason: z.enum(['lost', 'shutdown']).describe('lost: the Will; shutdown: a clean stop') }),
]);

export const commandReplySchema = z.object({
  schema: z.literal('station.cmd-reply/1'),
  station,
  ts,
  command: z.string().max(TEXT).describe('the command name from the topic'),
  id: z.string().max(TEXT).nullable().describe("the request's id, echoed; null when the request had none or was unreadable"),
  status: z.enum(['ok', 'error']),
  error: z.string().max(TEXT).optional().describe('why the command was refused or failed'),
  seq: seq.optional().describe('snapshot: the seq of the health it published'),
});

/** The technician's report (station-agent diagnose --publish), retained on `diagnostics`. */
export const diagnosticsSchema = z.object({
  schema: z.literal('station.diagnostics/1'),
  station,
  ts,
  lang: z.enum(['en', 'id']),
  status: z.enum(['pass', 'warn', 'fail']).describe('the worst of the checks'),
  checks: z.array(
    z.object({
      id: z.string().max(TEXT).describe('config, data-dir, store, clock, daemon, host, printer, ups, mqtt, records, secrets'),
      status: z.enum(['pass', 'warn', 'fail']),
      title: z.string().max(TEXT),
      facts: z.record(z.string().max(64), z.union([z.string().max(TEXT), finite, z.boolean(), z.null()])).describe('what was measured; counts and states, no personal data'),
      hint: z.string().max(TEXT).nullable().describe('the next step, for anything not passing'),
      ms: finite,
    }),
  )
    .max(32),
});

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

export type HealthPayload = z.infer<typeof healthSchema>;
export type OfficeEntryPayload = z.infer<typeof officeEntrySchema>;
export type DailyPayload = z.infer<typeof dailySchema>;
export type DiagnosticsPayload = z.infer<typeof diagnosticsSchema>;
export type EventPayload = z.infer<typeof eventSchema>;
export type StatusPayload = z.infer<typeof statusSchema>;
export type CommandReplyPayload = z.infer<typeof commandReplySchema>;
export type SupplyPayload = z.infer<typeof supplySchema>;
/** The body of a health or event message, before the envelope (schema, station, ts, seq). */
export type HealthBody = Omit<HealthPayload, 'schema' | 'station' | 'ts' | 'seq'>;
export type TelemetryStatus = HealthPayload['telemetry'];
/** What the station loop builds; the telemetry layer adds its own section. */
export type StationBody = Omit<HealthBody, 'telemetry' | 'store'>;
export type EventBody = Omit<EventPayload, 'schema' | 'station' | 'ts' | 'seq'>;

/** Every published payload, by schema id; the JSON Schema files are named after these. */
export const PAYLOAD_SCHEMAS = {
  'station.health/1': healthSchema,
  'station.event/1': eventSchema,
  'station.status/1': statusSchema,
  'station.cmd-reply/1': commandReplySchema,
  'station.diagnostics/1': diagnosticsSchema,
  'office.entry/1': officeEntrySchema,
  'station.daily/1': dailySchema,
} as const;
