/**
 * The one configuration schema: it gives the TypeScript type, the defaults and the validation.
 * Every key is part of the contract with the stations' files and the province's tools
 * (docs/configuration.md lists them all): add keys freely, never rename or repurpose one.
 */
import { z } from 'zod';

const TOPIC_SAFE = /^[A-Za-z0-9._-]+$/;
const topicSafe = (what: string) =>
  z
    .string()
    .min(1)
    .regex(TOPIC_SAFE, `${what} must be topic-safe: letters, digits, ".", "_" or "-" (no "/", "+", "#" or spaces)`);

/** YAML reads `province: 53` as a number; an id is text, so whole numbers are taken as written. */
const idField = (what: string) => z.preprocess((v) => (Number.isInteger(v) ? String(v) : v), topicSafe(what));

import { filePath, supplyCapacity } from '../../hal/config-fields.js';
import { printerSchema } from '../../hal/printer/index.js';
import { recordsSchema } from '../../hal/records/index.js';
import { upsSchema } from '../../hal/ups/index.js';
import { LANGS } from '../../core/i18n.js';
import { isLoopback, listenSchema } from '../../platform/listen.js';
import { logSchema } from '../../platform/log.js';
import { leadDaysSchema, mqttSchema, outboxSchema } from '../../telemetry/config.js';
import { officeSchema, stationOfficeSchema } from '../office/config.js';
import { validTimeZone } from '../office/days.js';

export const stationSchema = () => z
  .strictObject({
    id: idField('station id').describe(
      'The station\'s id, unique in the country and fixed for its life: the last level of its MQTT topics and the `station` of every payload. Usually the regency code, a dash and a number, e.g. "5371-01". Letters, digits, ".", "_" or "-".',
    ),
    province: idField('province').describe(
      'The two-digit province code (Kemendagri), e.g. "53" for Nusa Tenggara Timur; a topic level. A number in YAML is taken as its text.',
    ),
    regency: idField('regency').describe(
      'The four-digit regency or city code, e.g. "5371" for Kota Kupang; a topic level. A number in YAML is taken as its text.',
    ),
    name: z.string().max(200).optional().describe('The office\'s name, for people (diagnose, the dashboard, published in the status message); free text, at most 200 characters, never part of a topic.'),
    office: stationOfficeSchema().optional(),
    timeZone: z
      .string()
      .refine(validTimeZone, 'expected an IANA time zone: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)')
      .optional()
      .describe('The station\'s time zone, which names its days (the daily totals, "printed today"): Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT). Default: this PC\'s own zone.'),
  })
  .describe('Who this station is. Set once at installation; changing id, province or regency moves the station to new topics.');



export const jobsSchema = () => z.strictObject({
  /** Records fetched ahead of the printer (besides the card printing now); 0 fetches each just in time. */
  prefetch: z
    .number()
    .int()
    .min(0)
    .max(50)
    .default(3)
    .describe('Records fetched ahead of the printer, besides the card printing now, so a slow central server does not leave the printer idle; 0 fetches each just in time.'),
  /** Fetch attempts before a record is set aside as failed (a person can retry it). */
  maxFetchAttempts: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe('Fetch attempts before a record is set aside as failed (add it again to retry); the others go on meanwhile.'),
  /** First wait after a failed fetch; doubles each attempt, up to 5 minutes. */
  retryAfterSeconds: z.number().min(0.01).max(3600).default(10).describe('First wait after a failed fetch, in seconds; it doubles each attempt, up to 5 minutes.'),
  /** Time one card takes, for the on-battery gate (runtime left must exceed this plus the margin). */
  secondsPerCard: z
    .number()
    .min(1)
    .max(600)
    .default(30)
    .describe('Time one card takes on this printer, in seconds: on battery a new card starts only if the UPS runtime left exceeds this plus batteryMarginSeconds.'),
  /** Extra runtime kept in reserve on battery before a new card is started. */
  batteryMarginSeconds: z.number().min(0).max(3600).default(120).describe('Runtime, in seconds, kept in reserve on battery before a new card is started.'),
});

export const intervalsSchema = () => z
  .strictObject({
    pollSeconds: z.number().min(0.1).max(3600).default(2).describe('How often the printer, UPS and PC are read, in seconds. Alerts react within one poll.'),
    healthSeconds: z
      .number()
      .min(0.1)
      .max(86_400)
      .default(10)
      .describe('How often health is published, in seconds (also at once on any state change); at least pollSeconds. Raise it on a metered link: each sample is about 1 KB.'),
  })
  .refine((i) => i.healthSeconds >= i.pollSeconds, {
    message: 'healthSeconds must be at least pollSeconds',
    path: ['healthSeconds'],
  });

export const alertsSchema = () => z.strictObject({
  /** A supply is low at or under this level even if the printer does not say so. */
  supplyLowPercent: z
    .number()
    .min(0)
    .max(100)
    .default(10)
    .describe('supply.*.low is raised at or under this level, in percent, even if the printer does not say so. Raise it where refills take long to arrive.'),
  /** A raised low alert clears only above supplyLowPercent + this band, so it does not flap. */
  hysteresisPercent: z.number().min(0).max(50).default(5).describe('A raised low alert clears only above supplyLowPercent plus this, in percent, so it does not flap.'),
  /** On battery, low battery is raised at or under this charge even if the UPS does not say so. */
  lowBatteryPercent: z
    .number()
    .min(0)
    .max(100)
    .default(20)
    .describe('On battery, ups.low_battery is raised (and new cards held) at or under this charge, in percent, even if the UPS does not say so.'),
  /** On battery, low battery is raised at or under this runtime even if the UPS does not say so. */
  lowRuntimeSeconds: z
    .number()
    .min(0)
    .max(86_400)
    .default(180)
    .describe('On battery, ups.low_battery is raised (and new cards held) at or under this runtime, in seconds, even if the UPS does not say so.'),
  /** host.disk_low under this much free space in dataDir (clears 10 % above it). */
  diskLowMb: z.number().min(0).default(1024).describe('host.disk_low is raised under this much free space in dataDir, in megabytes (it clears 10 % above).'),
  leadDays: leadDaysSchema().describe('supply.*.low is also raised when the forecast days left fall to this lead time, so the order arrives before the station stops. For blanks the office stock (the ledger) counts, not the hopper.'),
  imbalanceRatio: z
    .number()
    .min(1.5)
    .max(100)
    .default(3)
    .describe('supply.imbalance is raised when one supply runs out this many times sooner than another (film gone while blanks wait on the shelf).'),
  imbalanceWithinDays: z
    .number()
    .min(1)
    .max(365)
    .default(30)
    .describe('... and the first of them runs out within this many days.'),
});

export const forecastSchema = () => z.strictObject({
  windowDays: z.number().min(1).max(90).default(14).describe('Days of use the cards-a-day rate is taken over.'),
  expectedCardsPerDay: z
    .number()
    .min(0)
    .max(10_000)
    .default(150)
    .describe(
      "Cards a day a new station is expected to print until it has a day of its own use, when no other printer of its office (station.office) publishes a rate of its own: days left are then a first estimate, marked so on the station page, in status, on the dashboard and in health (rateSource: expected). 0: no first estimate (days left stay unknown for the first day).",
    ),
  cardsPerSupply: z
    .strictObject({
      ribbon: supplyCapacity.default(500).describe('Cards a ribbon roll prints: about 500 e-KTP, as offices report (400 in one office).'),
      film: supplyCapacity.default(1500).describe('Cards a roll of retransfer film prints: about three ribbons\' worth, as an office\'s budget of 10 ribbons to 3 films suggests.'),
    })
    .prefault({})
    .describe('The yield of a roll, in cards, until the agent knows better: a roll recorded without --yield (station-agent supply replace) is expected to give this until this office\'s used-up rolls have said what they really give; for a printer that reports levels in percent, until the drop per card is learned (after about 20 cards). The box\'s figure (--yield) and printer.supplies.*.capacity win over these.'),
});

export const configSchema = () => z
  .strictObject({
    station: stationSchema(),
    dataDir: filePath
      .default('./data')
      .describe('Folder of the station\'s SQLite database (station.db): the print queue, the blank-card ledger, the telemetry outbox. Keep it on a local disk; back it up with the agent stopped.'),
    mqtt: mqttSchema(),
    printer: printerSchema().describe('The card printer: sim, or ipp for a CUPS queue or an IPP printer.'),
    ups: upsSchema(),
    /** Where print-ready records come from; without it jobs wait (held: no record source). */
    records: recordsSchema().optional(),
    jobs: jobsSchema().prefault({}).describe('The print queue: fetching records ahead, retries, and the on-battery gate.'),
    intervals: intervalsSchema().prefault({}).describe('How often hardware is read and health is published.'),
    alerts: alertsSchema().prefault({}).describe('Thresholds of the alerts the agent raises on its own.'),
    forecast: forecastSchema().prefault({}).describe('How days left are forecast for ribbon, film and blanks.'),
    outbox: outboxSchema().prefault({}).describe('Bounds of what is kept on disk while the broker cannot be reached.'),
    office: officeSchema(),
    log: logSchema().prefault({}).describe('The agent\'s own log.'),
    operator: z
      .strictObject({
        listen: z
          .union([z.literal(false), listenSchema()])
          .default('127.0.0.1:8088')
          .describe('Address and port of the station page, the clerk\'s screen (open http://127.0.0.1:8088 on this PC); false turns it off. Loopback unless set otherwise; any other address needs tokenFile.'),
        tokenFile: filePath
          .optional()
          .describe('File holding the access token asked for on the station page when listen is not a loopback address.'),
      })
      .prefault({})
      .refine((o) => o.listen === false || isLoopback(o.listen) || o.tokenFile !== undefined, {
        message: 'listening beyond this PC needs operator.tokenFile (a file holding the access token)',
        path: ['tokenFile'],
      })
      .describe('The station page: what the clerk reads and does (the queue, cards to verify, supplies, blanks), in Indonesian or English.'),
    language: z
      .enum(LANGS)
      .optional()
      .describe('Language of the command line and the station page for people at this station: "id" (Bahasa Indonesia) or "en". `--lang` and a locale naming id or en (LC_ALL, LC_MESSAGES, LANG) come first; without any, Indonesian.'),
    dashboard: z
      .unknown()
      .optional()
      .describe('The provincial dashboard\'s section, when one file serves both: `station-agent dashboard` reads it; the station itself does not.'),
  })
  .describe('station-agent configuration (YAML or JSON).');

export type Config = z.infer<ReturnType<typeof configSchema>>;
export type ConfigInput = z.input<ReturnType<typeof configSchema>>;
export type JobsConfig = Config['jobs'];

/** What `station-agent run` uses without --config: everything simulated, an in-process broker. */
export const DEMO_CONFIG: ConfigInput = {
  station: { id: 'demo-01', province: '00', regency: '0000', name: 'Demo station (simulated hardware)' },
  dataDir: './data',
  mqtt: { url: 'embedded' },
  printer: { driver: 'sim', sim: { secondsPerCard: 15, stateFile: './printer-state.json', outputDir: './printed-cards' } },
  ups: { driver: 'sim', sim: { stateFile: './ups-state.json' } },
  records: { driver: 'sim', sim: { latencyMs: 4000, failureRate: 0.05 } },
};
