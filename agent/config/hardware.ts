/**
 * Configuration of the hardware abstraction: the printer, the UPS and the record source, one
 * discriminated union per family keyed by `driver`. Part of the one schema (schema.ts).
 */
import { z } from 'zod';
import { filePath, port } from './fields.js';
export const supplyCapacity = z.number().int().min(1).max(1_000_000);

export const simPrinterSchema = z.strictObject({
  stateFile: filePath.optional().describe('JSON file re-read on every change, to set supply levels and faults by hand (see README): what a technician does to the real printer.'),
  secondsPerCard: z.number().min(0.01).max(600).default(20).describe('Time the simulated printer takes per card, in seconds.'),
  outputDir: filePath
    .optional()
    .describe('Every card that comes out is written here as <recordId>--<unique>.pdf: what really came out, for tests and demos.'),
  cardsPerHour: z.number().min(0).max(3600).default(0).describe('Demo load: cards the simulated office prints per hour outside the print queue, 0 for none.'),
  capacity: z
    .strictObject({
      ribbon: supplyCapacity.default(500).describe('Cards a full simulated ribbon prints.'),
      film: supplyCapacity.default(1000).describe('Cards a full simulated film prints.'),
      blanks: supplyCapacity.default(100).describe('Cards the simulated hopper holds.'),
    })
    .prefault({})
    .describe('What the simulated printer starts with, full.'),
  lowPercent: z.number().min(0).max(100).default(10).describe('The simulated printer\'s own "low" mark, in percent of capacity (like IPP marker-low-levels).'),
});

const supplyMapping = z.strictObject({
  match: z
    .string()
    .min(1)
    .optional()
    .describe('Part of the name the printer gives this consumable (a marker, printer-supply or input-tray name), case-insensitive. Without it: ribbon by type ink-ribbon/ribbon-wax or a name with "ribbon", film by type transfer-unit or a name with "film"/"retransfer", blanks by the first input tray that counts its cards.'),
  capacity: supplyCapacity
    .optional()
    .describe('Cards a full one prints (e.g. 200 for a YMCKO ribbon), to turn the percentage the printer reports into cards left. Without it the cards left are learned from use.'),
});

export const ippPrinterSchema = z.strictObject({
  driver: z.literal('ipp').describe('the card printer over IPP: its CUPS queue or its own IPP service'),
  url: z
    .string()
    .regex(/^(ipps?|https?):\/\/[^\s@/]+\/\S*$/, 'expected ipp://HOST[:PORT]/PATH, e.g. ipp://localhost:631/printers/card (a CUPS queue) or ipp://printer.local/ipp/print')
    .describe('The card printer: its CUPS queue (ipp://localhost:631/printers/NAME) or the printer\'s own IPP address. ipps:// for TLS.'),
  timeoutSeconds: z.number().min(0.1).max(120).default(5).describe('Longest wait for one IPP answer.'),
  jobPollSeconds: z.number().min(0.05).max(60).default(1).describe('How often a card being printed is asked after (Get-Job-Attributes).'),
  jobTimeoutSeconds: z
    .number()
    .min(1)
    .max(86_400)
    .default(600)
    .describe('A card the printer has not finished after this long (a jam nobody clears) is set aside for a person to verify.'),
  supplies: z
    .strictObject({
      ribbon: supplyMapping.optional().describe('Where the ribbon is.'),
      film: supplyMapping.optional().describe('Where the retransfer film is.'),
      blanks: supplyMapping.optional().describe('Where the card hopper is.'),
    })
    .prefault({})
    .describe('Where ribbon, film and blanks are among what the printer reports, for a vendor driver that names them its own way.'),
});

export const printerSchema = z.discriminatedUnion('driver', [
  z.strictObject({
    driver: z.literal('sim').describe('a simulated card printer, for the demo and tests'),
    sim: simPrinterSchema.prefault({}).describe('The simulated printer.'),
  }),
  ippPrinterSchema,
]);

export const simUpsSchema = z.strictObject({
  stateFile: filePath
    .optional()
    .describe('JSON file read at every poll to inject mains loss, low battery or a pulled cable (see README "Injecting faults").'),
  /** Runtime on a full battery at the simulated load. */
  runtimeAtFullMinutes: z.number().min(0.1).max(1440).default(30).describe('Simulated runtime on a full battery, in minutes.'),
  /** Time to charge an empty battery on mains. */
  rechargeMinutes: z.number().min(0.1).max(1440).default(240).describe('Simulated time to charge an empty battery on mains, in minutes.'),
  lowBatteryPercent: z.number().min(0).max(100).default(20).describe('Charge, in percent, at which the simulated UPS itself says "low battery".'),
  inputVoltage: z.number().min(0).max(500).default(220).describe('Simulated mains voltage, in volts, while on mains.'),
  loadPercent: z.number().min(0).max(200).default(35).describe('Simulated load, in percent of the UPS\'s rating.'),
});

/** USB ids as lsusb prints them ("051d"), with or without 0x; a YAML 0x051d arrives as a number. */
const usbId = (what: string) =>
  z
    .union([z.number().int().min(0).max(0xffff), z.string().regex(/^(0x)?[0-9a-fA-F]{4}$/, `expected a USB ${what} id of 4 hex digits, e.g. "0x051d"`)])
    .transform((v) => (typeof v === 'number' ? v : parseInt(v.replace(/^0x/i, ''), 16)));

/** Keys every real or simulated UPS driver takes. */
const upsCommon = {
  lowBatteryCommand: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'A command run once per power cut when, on battery, the battery goes low or the UPS announces its shutdown (like NUT upsmon\'s SHUTDOWNCMD), as a list: program, then arguments, e.g. ["/usr/sbin/shutdown", "-h", "+1"]. Never run through a shell; its exit and last output are logged. Off when absent.',
    ),
  lowBatteryCommandTimeoutSeconds: z
    .number()
    .min(1)
    .max(3600)
    .default(60)
    .describe('How long ups.lowBatteryCommand may run, in seconds; past it the agent stops it (SIGTERM, then SIGKILL 5 s later) and logs that it timed out.'),
};

export const upsSchema = z
  .discriminatedUnion('driver', [
    z.strictObject({
      driver: z.literal('sim').describe('a simulated UPS, for the demo and tests'),
      sim: simUpsSchema.prefault({}).describe('The simulated UPS\'s battery model.'),
      ...upsCommon,
    }),
    z.strictObject({
      driver: z.literal('nut').describe('read the UPS from NUT\'s upsd over its network protocol (the usual choice on Linux)'),
      /** upsd's address; loopback when the UPS hangs off this PC. */
      host: z.string().min(1).default('127.0.0.1').describe('Address of upsd; 127.0.0.1 when the UPS hangs off this PC.'),
      port: port.default(3493).describe('TCP port of upsd.'),
      /** The UPS's name in ups.conf (upsc -l lists them). */
      name: z.string().min(1).default('ups').describe('The UPS\'s name in NUT\'s ups.conf (`upsc -l` lists them).'),
      username: z.string().min(1).optional().describe('upsd login (upsd.users); reading needs none on a default NUT install.'),
      passwordFile: filePath.optional().describe('File holding the upsd password, for username.'),
      timeoutSeconds: z
        .number()
        .min(0.1)
        .max(60)
        .default(3)
        .describe('How long to wait for upsd to answer, in seconds, before the UPS counts as unreadable (ups.comm_lost).'),
      tls: z
        .strictObject({
          ca: filePath.optional().describe('PEM file of the CA that signed upsd\'s certificate. Without it the system\'s CAs are trusted.'),
        })
        .optional()
        .describe('Talk to upsd over TLS (STARTTLS, as upsmon does with CERTVERIFY): needed when upsd is on another PC. upsd must have a certificate (CERTFILE or CERTPATH in upsd.conf); the connection fails rather than fall back to plain text.'),
      ...upsCommon,
    }),
    z.strictObject({
      driver: z.literal('hid').describe('read a USB UPS directly (HID Power Device class: APC, CyberPower, Eaton, ...); needs the node-hid package and, on Linux, the udev rule'),
      vendorId: usbId('vendor')
        .optional()
        .describe('USB vendor id of the UPS as lsusb shows it: "051d" APC, "0764" CyberPower, "0463" Eaton. Without vendorId, productId and path, the one HID Power Device attached is used.'),
      productId: usbId('product').optional().describe('USB product id of the UPS as lsusb shows it, e.g. "0002" for an APC Back-UPS.'),
      path: z.string().min(1).optional().describe('Device path (Linux: /dev/hidrawN), to choose one of several UPSes attached.'),
      pollFeatureReports: z
        .boolean()
        .default(true)
        .describe('Ask the UPS for its feature reports at every poll, as NUT does. false: ask once on connecting, then read only the input reports the UPS sends when something changes (for UPSes that stall on frequent requests).'),
      timeoutSeconds: z.number().min(0.1).max(60).default(3).describe('How long to wait for the UPS to answer over USB, in seconds, before it counts as unreadable (ups.comm_lost).'),
      ...upsCommon,
    }),
    z.strictObject({ driver: z.literal('none').describe('no UPS at this station: power readings stay unknown and no power alerts are raised') }),
  ])
  .describe('The UPS that keeps the station running through a power cut. Required in a file: a station says which it has.');

export const simRecordsSchema = z.strictObject({
  /** Time the simulated central server takes per record (a slow server is the usual case). */
  latencyMs: z.number().min(0).max(600_000).default(1500).describe('Time the simulated central server takes per record, in milliseconds.'),
  /** Share of fetches that fail (a flapping server), 0 to 1. */
  failureRate: z.number().min(0).max(1).default(0).describe('Share of simulated fetches that fail, from 0 (none) to 1 (all).'),
  /** Record ids that this server never has (answered as not found). */
  missing: z.array(z.string()).default([]).describe('Record ids the simulated server never has (answered "not found").'),
});

export const httpRecordsSchema = z.strictObject({
  /** Base URL of the record service: GET {url}/records/{recordId} (see README). */
  url: z
    .string()
    .regex(/^https?:\/\/[^\s@]+$/, 'expected http://HOST[:PORT][/PATH] or https://...')
    .describe('Base URL of the record service; the agent asks GET {url}/records/{recordId} (contract in README).'),
  /** A bearer token for the service, read from this file. */
  tokenFile: filePath.optional().describe('File holding the bearer token sent to the record service, if it wants one.'),
  timeoutSeconds: z.number().min(0.1).max(600).default(20).describe('How long one fetch may take, in seconds, before it counts as failed.'),
  retries: z.number().int().min(0).max(20).default(3).describe('Quick retries within one fetch attempt on a 5xx answer or a network error.'),
});

export const recordsSchema = z
  .discriminatedUnion('driver', [
    z.strictObject({
      driver: z.literal('sim').describe('a simulated central server that makes synthetic records (demo, tests)'),
      sim: simRecordsSchema.prefault({}).describe('The simulated server\'s behaviour.'),
    }),
    z.strictObject({
      driver: z.literal('http').describe('the record service over HTTP(S)'),
      http: httpRecordsSchema.describe('Where the record service is and how to reach it.'),
    }),
  ])
  .describe('Where print-ready records come from. Without it, queued jobs wait (held: no record source).');
