/** The station's health (station.health/1), the payload it publishes every health period. */
import { z } from 'zod';
import { REASONS_MAX, SUPPLIES_MAX, UPS_ALARMS_MAX } from '../hal/bounds.js';
import { PRINTER_STATES, SUPPLY_KINDS, SUPPLY_STATUSES } from '../hal/printer/types.js';
import { POWER_STATES, UPS_STATUSES } from '../hal/ups/types.js';
import { HOLD_CODES, UPS_ALARM_CODES } from './codes.js';
import { finite, nullableNumber, seq, station, TEXT, ts } from './payload-parts.js';

const reason = z.string().max(TEXT).nullable().describe('why the readings are null or the state unknown; null when read fine');

/** Where a forecast's cards a day come from: the station's own use, its office's other printers, or the configured first estimate. */
export const RATE_SOURCES = ['own', 'office', 'expected'] as const;
export type RateSource = (typeof RATE_SOURCES)[number];
// Optional in the schema (this agent always sends it) so health from older agents, whose rates were all their own, still validates.
const rateSource = (what: string) =>
  z
    .enum(RATE_SOURCES)
    .nullable()
    .optional()
    .describe(
      `where the cards a day behind ${what} come from: own (a day or more of this station's own use), office (the mean of the office's other printers' own rates, until this station has a day of its own: an estimate), expected (forecast.expectedCardsPerDay, when no other printer of the office is heard: a first estimate); null where there is no forecast`,
    );

export const supplySchema = z.object({
  kind: z.enum(SUPPLY_KINDS),
  name: z.string().max(TEXT),
  levelPercent: nullableNumber,
  remaining: nullableNumber,
  capacity: nullableNumber,
  status: z.enum(SUPPLY_STATUSES),
  daysLeft: nullableNumber.describe('days until it runs out at the recent rate of cards a day; null when it cannot be told (see daysLeftReason)'),
  daysLeftReason: z.string().max(TEXT).nullable().describe('why daysLeft is null (no level, still learning, no use lately); null when it is given'),
  rateSource: rateSource('daysLeft'),
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
    reasons: z.array(z.string().max(TEXT)).max(REASONS_MAX),
    supplies: z.array(supplySchema).max(SUPPLIES_MAX),
    model: z.string().max(TEXT).nullable(),
    // Optional in the schema (this agent always sends it) so health from older agents still validates.
    secondsPerCard: finite
      .positive()
      .nullable()
      .optional()
      .describe(
        "the printer's rated time for one card, in seconds, as its driver knows it (the simulated printer's setting; an IPP printer's pages-per-minute-color, else pages-per-minute); null when not known, absent from older agents. The dashboard takes 86,400 / this as the most cards the station can print in a day: a rate or a day's count above it is implausible",
      ),
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
      .max(UPS_ALARMS_MAX)
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
    cardsPerDay: nullableNumber.describe('cards through the printer a day over the forecast window; until a day of its own, an estimate (see rateSource); null while learning with no estimate'),
    rateSource: rateSource('cardsPerDay and the days left of the stock (daysLeft, ribbonDaysLeft, filmDaysLeft)'),
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
    goodToday: nullableNumber
      .optional()
      .describe(
        "good cards today in the station's zone, as the blank-card ledger and station.daily/1 count them: a spoiled card and its reprint are one good card (printedToday counts both); a card printed earlier and spoiled today is taken off; null when not known, absent from older agents",
      ),
    spoiledToday: nullableNumber.optional().describe("cards spoiled today in the station's zone, as the blank-card ledger and station.daily/1 count them; null when not known, absent from older agents"),
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
    resumesAt: ts
      .nullable()
      .optional()
      .describe("while the printer rests (printer.rest), when it resumes: the agent's monotonic deadline as wall time (RFC 3339 UTC) when the sample was taken; null when not resting, absent from agents before it"),
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
