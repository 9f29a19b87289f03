/**
 * Configuration sections telemetry owns: the broker the station reports to (the dashboard reads
 * the same section to reach it), the outbox's bounds, and the supply lead times that the
 * station's warnings and the dashboard's lending both count with.
 */
import { z } from 'zod';
import { filePath, port } from '../hal/config-fields.js';
import type { OutboxLimits } from './outbox.js';

export const mqttSchema = () => z
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
        (u) => u === 'embedded' || /^mqtts?:\/\/[^\s/@?#]+(:\d+)?\/?$/.test(u),
        'expected "embedded", mqtt://HOST:PORT or mqtts://HOST:PORT',
      ),
    username: z.string().min(1).optional().describe('Broker login name, usually "station-" and the station id; the broker\'s ACL lets it write only its own topics.'),
    /** The password is read from this file, never given inline or on the command line. */
    passwordFile: filePath
      .optional()
      .describe('File holding the broker password, readable by the agent\'s user only (owned by it, mode 0600: on a station its group is the clerks\' too); a trailing newline is ignored. Needs username.'),
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

export const outboxSchema = () => z.strictObject({
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

export type MqttSection = z.infer<ReturnType<typeof mqttSchema>>;

/** mqtt.reconnect in milliseconds, as the link takes it: the station and the dashboard back off alike. */
export function reconnectBackoff(r: MqttSection['reconnect']): { initialMs: number; maxMs: number } {
  return { initialMs: r.initialSeconds * 1000, maxMs: r.maxSeconds * 1000 };
}

export function outboxLimits(o: z.infer<ReturnType<typeof outboxSchema>>): OutboxLimits {
  return { maxMessages: o.maxMessages, maxBytes: Math.round(o.maxMegabytes * 1_048_576), maxAgeSeconds: o.maxAgeDays * 86_400 };
}

/** Days a refill of each supply takes to reach a station: the agent warns that far ahead, the dashboard looks for lenders. */
export const leadDaysSchema = () => z
  .strictObject({
    ribbon: z.number().min(0).max(365).default(7).describe('Days it takes to get a new ribbon to the station.'),
    film: z.number().min(0).max(365).default(7).describe('Days it takes to get new retransfer film to the station.'),
    blanks: z.number().min(0).max(365).default(28).describe('Days it takes to get blank cards (often fetched in person from Jakarta).'),
  })
  .prefault({});
