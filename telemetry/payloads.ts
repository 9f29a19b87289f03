/**
 * Payloads of the contract, as zod schemas: the TypeScript types and the JSON Schemas in
 * telemetry/schemas/ (scripts/gen-schemas.ts) both come from here, the health schema from
 * health-schema.ts and the office's accounts from account-schemas.ts. The JSON Schemas are
 * rendered in zod's "input" mode, which leaves objects open (additional properties allowed),
 * so adding a field never breaks a consumer validating with an older schema; renaming or
 * repurposing one needs a new schema version.
 */
import { z } from 'zod';
import { SEVERITIES } from './codes.js';
import { dailySchema, officeEntrySchema } from './account-schemas.js';
import { healthSchema, supplySchema } from './health-schema.js';
import { finite, seq, station, TEXT, ts } from './payload-parts.js';

export { ALERT_CODES, COMMAND_NAMES, HOLD_CODES, SEVERITIES, UPS_ALARM_CODES } from './codes.js';
export type { AlertCode, HoldCode, Severity } from './codes.js';
export { dailySchema, officeEntrySchema } from './account-schemas.js';
export { healthSchema, RATE_SOURCES, supplySchema } from './health-schema.js';
export type { RateSource } from './health-schema.js';

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
