/**
 * The one configuration schema: it gives the TypeScript type, the defaults and the validation.
 * Every key here is part of the contract in ARCHITECTURE.md; add keys freely, never rename.
 */
import { z } from 'zod';
import { dashboardSectionSchema } from '../../dashboard/section.js';

const TOPIC_SAFE = /^[A-Za-z0-9._-]+$/;
const topicSafe = (what: string) =>
  z
    .string()
    .min(1)
    .regex(TOPIC_SAFE, `${what} must be topic-safe: letters, digits, ".", "_" or "-" (no "/", "+", "#" or spaces)`);

/** YAML reads `province: 53` as a number; an id is text, so whole numbers are taken as written. */
const idField = (what: string) => z.preprocess((v) => (Number.isInteger(v) ? String(v) : v), topicSafe(what));

import { filePath, port, supplyCapacity } from '../../hal/config-fields.js';
import { printerSchema } from '../../hal/printer/index.js';
import { recordsSchema } from '../../hal/records/index.js';
import { upsSchema } from '../../hal/ups/index.js';
import { leadDaysSchema } from './fields.js';

export const stationSchema = z
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
    name: z.string().optional().describe('The office\'s name, for people (diagnose, the dashboard); free text, never part of a topic.'),
  })
  .describe('Who this station is. Set once at installation; changing id, province or regency moves the station to new topics.');

export const mqttSchema = z
  .strictObject({
    url: z
      .string()
      .describe(
        'The provincial broker: mqtt://HOST:PORT, or mqtts://HOST:PORT for TLS (usually port 8883). "embedded" runs a small broker inside the agent instead (the demo, or a one-PC setup). Never put a user or password in the URL.',
      )
      .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), {
        message: 'no user or password in the URL (it would be logged): put the user in mqtt.username and the password in the file named by mqtt.passwordFile',
        abort: true,
      })
      .refine(
        (u) => u === 'embedded' || /^mqtts?:\/\/[^\s/@]+(:\d+)?\/?$/.test(u),
        'expected "embedded", mqtt://HOST:PORT or mqtts://HOST:PORT',
      ),
    username: z.string().min(1).optional().describe('Broker login name, usually "station-" and the station id; the broker\'s ACL lets it write only its own topics.'),
    /** The password is read from this file, never given inline or on the command line. */
    passwordFile: filePath
      .optional()
      .describe('File holding the broker password (mode 0640 or 0600, readable by the agent\'s user only); a trailing newline is ignored. Needs username.'),
    ca: filePath.optional().describe('PEM file of the CA that signed the broker\'s certificate, for mqtts://. Without it the system\'s CAs are trusted.'),
    cert: filePath.optional().describe('PEM client certificate, for brokers that log stations in by certificate; give key with it.'),
    key: filePath.optional().describe('PEM private key of cert; keep it readable by the agent\'s user only.'),
    topicPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'expected topic levels like "ektp/v1" (no "+", "#", spaces, or leading/trailing "/")')
      .default('ektp/v1')
      .describe('First levels of every topic; change only together with the province\'s dashboard and broker ACL.'),
    clientId: z.string().min(1).optional().describe('MQTT client id; default "station-" and the station id. Two clients with one id knock each other off the broker.'),
    keepaliveSeconds: z
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(30)
      .describe('MQTT keepalive, in seconds. The broker publishes the Will (offline) about 1.5 times this after the station falls silent; lower it to notice a lost station sooner, raise it on a metered link.'),
    /** 5 lets the broker say when it refuses a message (ACL); 4 for brokers without MQTT 5. */
    protocolVersion: z
      .union([z.literal(4), z.literal(5)])
      .default(5)
      .describe('MQTT protocol version: 5 lets the broker say when its ACL refuses a message; 4 (3.1.1) only for brokers without MQTT 5. The embedded broker always uses 4.'),
    /** Reconnect backoff: doubles from initialSeconds up to maxSeconds, with jitter. */
    reconnect: z
      .strictObject({
        initialSeconds: z.number().min(0.05).max(600).default(1).describe('First wait before reconnecting, in seconds; each failed attempt doubles it.'),
        maxSeconds: z.number().min(0.1).max(3600).default(60).describe('Longest wait between reconnect attempts, in seconds. Half of each wait is random, so a province\'s stations do not return in lockstep.'),
      })
      .prefault({})
      .describe('Reconnect back-off after the broker is lost.'),
    /** Where the in-process broker listens when url is "embedded". Loopback unless configured. */
    embedded: z
      .strictObject({
        host: z.string().default('127.0.0.1').describe('Address the embedded broker listens on; keep loopback unless another PC must reach it.'),
        port: port.default(1883).describe('TCP port of the embedded broker.'),
      })
      .prefault({})
      .describe('Only used when url is "embedded".'),
  })
  .refine((m) => (m.cert === undefined) === (m.key === undefined), {
    message: 'cert and key go together: give both for a client certificate, or neither',
    path: ['cert'],
  })
  .refine((m) => m.passwordFile === undefined || m.username !== undefined, {
    message: 'passwordFile needs a username',
    path: ['username'],
  })
  .describe('The MQTT broker the station reports to: health, events, status, and commands from the province.');


export const jobsSchema = z.strictObject({
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

export const intervalsSchema = z
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

export const alertsSchema = z.strictObject({
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
  leadDays: leadDaysSchema.describe('supply.*.low is also raised when the forecast days left fall to this lead time, so the order arrives before the station stops. For blanks the office stock (the ledger) counts, not the hopper.'),
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

export const forecastSchema = z.strictObject({
  windowDays: z.number().min(1).max(90).default(14).describe('Days of use the cards-a-day rate is taken over.'),
  cardsPerSupply: z
    .strictObject({
      ribbon: supplyCapacity.default(250).describe('Cards a full ribbon prints (a YMCKO panel ribbon: 200-300).'),
      film: supplyCapacity.default(750).describe('Cards a full roll of retransfer film prints.'),
    })
    .prefault({})
    .describe('Used for cards left until the agent has learned the real figure from the printer\'s levels (after about 20 cards); printer.supplies.*.capacity wins over these.'),
});

export const outboxSchema = z.strictObject({
  /** Past any bound, the oldest health samples are thinned first; events are kept. */
  maxMessages: z
    .number()
    .int()
    .min(10)
    .default(100_000)
    .describe('Messages kept while the broker cannot be reached (100,000 is about 11 days of health at 10 s). Past any bound the oldest health samples are thinned first; events are kept.'),
  maxMegabytes: z.number().min(0.01).default(128).describe('Disk the outbox may use, in megabytes.'),
  maxAgeDays: z.number().min(0.001).default(30).describe('Undelivered messages older than this, in days, are dropped (and counted in telemetry.dropped).'),
});

export const logFileSchema = z.strictObject({
  path: filePath.describe(
    'Base name of the log files, e.g. C:\\ProgramData\\station-agent\\logs\\agent.log; the date and a number are added (agent.2026-11-22.1.log). Its folder is made if missing.',
  ),
  maxMegabytes: z.number().min(0.1).max(1024).default(10).describe('A file is closed and a new one started at this size, in megabytes (and at midnight).'),
  keepFiles: z
    .number()
    .int()
    .min(2)
    .max(1000)
    .default(14)
    .describe('Files kept, the current one included; older ones are deleted. With one file a day this is about as many days; the disk used stays under keepFiles times maxMegabytes.'),
});

export const logSchema = z.strictObject({
  level: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
    .default('info')
    .describe('Least severe level written. debug and trace help a technician find a fault; no level writes personal data or secrets. Re-read without a restart on SIGHUP (`systemctl reload station-agent`).'),
  file: logFileSchema
    .optional()
    .describe('Write the log to files rotated by size and by day, instead of standard output. For Windows; under systemd leave it out: the journal keeps and rotates the log.'),
});

export const configSchema = z
  .strictObject({
    station: stationSchema,
    dataDir: filePath
      .default('./data')
      .describe('Folder of the station\'s SQLite database (station.db): the print queue, the blank-card ledger, the telemetry outbox. Keep it on a local disk; back it up with the agent stopped.'),
    mqtt: mqttSchema,
    printer: printerSchema.describe('The card printer: sim, or ipp for a CUPS queue or an IPP printer.'),
    ups: upsSchema,
    /** Where print-ready records come from; without it jobs wait (held: no record source). */
    records: recordsSchema.optional(),
    jobs: jobsSchema.prefault({}).describe('The print queue: fetching records ahead, retries, and the on-battery gate.'),
    intervals: intervalsSchema.prefault({}).describe('How often hardware is read and health is published.'),
    alerts: alertsSchema.prefault({}).describe('Thresholds of the alerts the agent raises on its own.'),
    forecast: forecastSchema.prefault({}).describe('How days left are forecast for ribbon, film and blanks.'),
    outbox: outboxSchema.prefault({}).describe('Bounds of what is kept on disk while the broker cannot be reached.'),
    log: logSchema.prefault({}).describe('The agent\'s own log.'),
    dashboard: dashboardSectionSchema.optional(),
  })
  .describe('station-agent configuration (YAML or JSON).');

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
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
