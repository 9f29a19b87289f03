/**
 * The one configuration schema: it gives the TypeScript type, the defaults and the validation.
 * Every key here is part of the contract in ARCHITECTURE.md; add keys freely, never rename.
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

const port = z.number().int().min(1).max(65535);
const filePath = z.string().min(1);

export const stationSchema = z.strictObject({
  id: idField('station id'),
  province: idField('province'),
  regency: idField('regency'),
  name: z.string().optional(),
});

export const mqttSchema = z
  .strictObject({
    url: z
      .string()
      .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), {
        message: 'no user or password in the URL (it would be logged): put the user in mqtt.username and the password in the file named by mqtt.passwordFile',
        abort: true,
      })
      .refine(
        (u) => u === 'embedded' || /^mqtts?:\/\/[^\s/@]+(:\d+)?\/?$/.test(u),
        'expected "embedded", mqtt://HOST:PORT or mqtts://HOST:PORT',
      ),
    username: z.string().min(1).optional(),
    /** The password is read from this file, never given inline or on the command line. */
    passwordFile: filePath.optional(),
    ca: filePath.optional(),
    cert: filePath.optional(),
    key: filePath.optional(),
    topicPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'expected topic levels like "ektp/v1" (no "+", "#", spaces, or leading/trailing "/")')
      .default('ektp/v1'),
    clientId: z.string().min(1).optional(),
    keepaliveSeconds: z.number().int().min(5).max(3600).default(30),
    /** 5 lets the broker say when it refuses a message (ACL); 4 for brokers without MQTT 5. */
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
    /** Reconnect backoff: doubles from initialSeconds up to maxSeconds, with jitter. */
    reconnect: z
      .strictObject({ initialSeconds: z.number().min(0.05).max(600).default(1), maxSeconds: z.number().min(0.1).max(3600).default(60) })
      .prefault({}),
    /** Where the in-process broker listens when url is "embedded". Loopback unless configured. */
    embedded: z.strictObject({ host: z.string().default('127.0.0.1'), port: port.default(1883) }).prefault({}),
  })
  .refine((m) => (m.cert === undefined) === (m.key === undefined), {
    message: 'cert and key go together: give both for a client certificate, or neither',
    path: ['cert'],
  })
  .refine((m) => m.passwordFile === undefined || m.username !== undefined, {
    message: 'passwordFile needs a username',
    path: ['username'],
  });

const supplyCapacity = z.number().int().min(1).max(1_000_000);

export const simPrinterSchema = z.strictObject({
  /** JSON file re-read on change to inject supply levels and faults (see README). */
  stateFile: filePath.optional(),
  secondsPerCard: z.number().min(0.01).max(600).default(20),
  /** Every card that comes out is written here as <recordId>--<unique>.pdf (what "really came out"). */
  outputDir: filePath.optional(),
  /** Demo load: cards printed per hour by the simulated office, 0 for none. */
  cardsPerHour: z.number().min(0).max(3600).default(0),
  capacity: z
    .strictObject({ ribbon: supplyCapacity.default(500), film: supplyCapacity.default(1000), blanks: supplyCapacity.default(100) })
    .prefault({}),
  /** The printer's own "low" mark, as a percentage of capacity (like IPP marker-low-levels). */
  lowPercent: z.number().min(0).max(100).default(10),
});

export const printerSchema = z.discriminatedUnion('driver', [
  z.strictObject({ driver: z.literal('sim'), sim: simPrinterSchema.prefault({}) }),
]);

export const simUpsSchema = z.strictObject({
  stateFile: filePath.optional(),
  /** Runtime on a full battery at the simulated load. */
  runtimeAtFullMinutes: z.number().min(0.1).max(1440).default(30),
  /** Time to charge an empty battery on mains. */
  rechargeMinutes: z.number().min(0.1).max(1440).default(240),
  lowBatteryPercent: z.number().min(0).max(100).default(20),
  inputVoltage: z.number().min(0).max(500).default(220),
  loadPercent: z.number().min(0).max(200).default(35),
});

export const upsSchema = z.discriminatedUnion('driver', [
  z.strictObject({ driver: z.literal('sim'), sim: simUpsSchema.prefault({}) }),
  z.strictObject({
    driver: z.literal('nut'),
    /** upsd's address; loopback when the UPS hangs off this PC. */
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(3493),
    /** The UPS's name in ups.conf (upsc -l lists them). */
    name: z.string().min(1).default('ups'),
    username: z.string().min(1).optional(),
    passwordFile: filePath.optional(),
    timeoutSeconds: z.number().min(0.1).max(60).default(3),
  }),
  z.strictObject({ driver: z.literal('none') }),
]);

export const simRecordsSchema = z.strictObject({
  /** Time the simulated central server takes per record (a slow server is the usual case). */
  latencyMs: z.number().min(0).max(600_000).default(1500),
  /** Share of fetches that fail (a flapping server), 0 to 1. */
  failureRate: z.number().min(0).max(1).default(0),
  /** Record ids that this server never has (answered as not found). */
  missing: z.array(z.string()).default([]),
});

export const httpRecordsSchema = z.strictObject({
  /** Base URL of the record service: GET {url}/records/{recordId} (see README). */
  url: z.string().regex(/^https?:\/\/[^\s@]+$/, 'expected http://HOST[:PORT][/PATH] or https://...'),
  /** A bearer token for the service, read from this file. */
  tokenFile: filePath.optional(),
  timeoutSeconds: z.number().min(0.1).max(600).default(20),
  retries: z.number().int().min(0).max(20).default(3),
});

export const recordsSchema = z.discriminatedUnion('driver', [
  z.strictObject({ driver: z.literal('sim'), sim: simRecordsSchema.prefault({}) }),
  z.strictObject({ driver: z.literal('http'), http: httpRecordsSchema }),
]);

export const jobsSchema = z.strictObject({
  /** Records fetched ahead of the printer (besides the card printing now); 0 fetches each just in time. */
  prefetch: z.number().int().min(0).max(50).default(3),
  /** Fetch attempts before a record is set aside as failed (a person can retry it). */
  maxFetchAttempts: z.number().int().min(1).max(100).default(5),
  /** First wait after a failed fetch; doubles each attempt, up to 5 minutes. */
  retryAfterSeconds: z.number().min(0.01).max(3600).default(10),
  /** Time one card takes, for the on-battery gate (runtime left must exceed this plus the margin). */
  secondsPerCard: z.number().min(1).max(600).default(30),
  /** Extra runtime kept in reserve on battery before a new card is started. */
  batteryMarginSeconds: z.number().min(0).max(3600).default(120),
});

export const intervalsSchema = z
  .strictObject({
    pollSeconds: z.number().min(0.1).max(3600).default(2),
    healthSeconds: z.number().min(0.1).max(86_400).default(10),
  })
  .refine((i) => i.healthSeconds >= i.pollSeconds, {
    message: 'healthSeconds must be at least pollSeconds',
    path: ['healthSeconds'],
  });

export const alertsSchema = z.strictObject({
  /** A supply is low at or under this level even if the printer does not say so. */
  supplyLowPercent: z.number().min(0).max(100).default(10),
  /** A raised low alert clears only above supplyLowPercent + this band, so it does not flap. */
  hysteresisPercent: z.number().min(0).max(50).default(5),
  /** On battery, low battery is raised at or under this charge even if the UPS does not say so. */
  lowBatteryPercent: z.number().min(0).max(100).default(20),
  /** On battery, low battery is raised at or under this runtime even if the UPS does not say so. */
  lowRuntimeSeconds: z.number().min(0).max(86_400).default(180),
  /** host.disk_low under this much free space in dataDir (clears 10 % above it). */
  diskLowMb: z.number().min(0).default(1024),
});

export const outboxSchema = z.strictObject({
  /** Past any bound, the oldest health samples are thinned first; events are kept. */
  maxMessages: z.number().int().min(10).default(100_000),
  maxMegabytes: z.number().min(0.01).default(128),
  maxAgeDays: z.number().min(0.001).default(30),
});

export const logSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export const configSchema = z.strictObject({
  station: stationSchema,
  dataDir: filePath.default('./data'),
  mqtt: mqttSchema,
  printer: printerSchema,
  ups: upsSchema,
  /** Where print-ready records come from; without it jobs wait (held: no record source). */
  records: recordsSchema.optional(),
  jobs: jobsSchema.prefault({}),
  intervals: intervalsSchema.prefault({}),
  alerts: alertsSchema.prefault({}),
  outbox: outboxSchema.prefault({}),
  log: logSchema.prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type PrinterConfig = Config['printer'];
export type UpsConfig = Config['ups'];
export type SimPrinterOptions = z.infer<typeof simPrinterSchema>;
export type SimUpsOptions = z.infer<typeof simUpsSchema>;
export type RecordsConfig = NonNullable<Config['records']>;
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
