/**
 * Devices that say too much, each as its driver hears it: an IPP printer's answer in bytes, a
 * upsd session, a USB UPS's product string, the Windows spooler's printer, a printer's SNMP walk,
 * the simulator's state file. And the agent they are read by: the station loop, the telemetry
 * and the outbox, as the daemon wires them (test/unit/driver-bounds.test.ts).
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { alertsSchema, intervalsSchema } from '../../agent/config/schema.js';
import { Station } from '../../agent/station/station.js';
import { Store } from '../../agent/store/store.js';
import type { Clock } from '../../core/clock.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import type { UpsDriver } from '../../hal/ups/types.js';
import { Outbox } from '../../telemetry/outbox.js';
import type { EventPayload, HealthPayload, StationBody } from '../../telemetry/payloads.js';
import { Telemetry } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import type { Alert, CardPrinterModel } from './snmp-printer.js';
import { fakeHost, quietLog, tempDir } from './sim.js';
import { attr, int, kw, nm, text } from './ipp-encode.js';

/** Keywords a card printer may say that the agent has words for. */
export const KNOWN_REASONS = ['media-jam', 'cover-open', 'ribbon-low', 'film-low', 'media-low', 'door-open', 'output-area-full', 'service-requested', 'marker-supply-low', 'input-tray-missing'];
/** Eighty reasons: the known ones spread among seventy vendor keywords, each long enough that the lot runs past 2,000 characters. */
export function eightyReasons(): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < 80; i++) {
    if (i % 8 === 0 && i / 8 < KNOWN_REASONS.length) out.push(KNOWN_REASONS[i / 8] as string);
    else out.push(`com-vendor-diagnostic-condition-number-${String(i).padStart(3, '0')}`);
  }
  return out;
}
/** A make-and-model of 2,500 characters, with an escape sequence and a line break in it. */
export const LONG_MODEL = `ACME \u001b[31mCard\u001b[0m\nPrinter ${'X'.repeat(2500)}`;

// An IPP answer in bytes, as a printer sends it (the `ipp` package cannot encode every attribute).
/** Get-Printer-Attributes answered by a stopped printer with `reasons` and `model`. */
export function ippAnswer(reasons: readonly string[], model: string): Buffer {
  return Buffer.concat([
    Buffer.from([2, 0, 0, 0, 0, 0, 0, 1, 0x01]),
    attr('attributes-charset', [{ tag: 0x47, v: 'utf-8' }]),
    attr('attributes-natural-language', [{ tag: 0x48, v: 'en' }]),
    Buffer.from([0x04]),
    attr('printer-state', [int(5)]),
    attr('printer-state-reasons', reasons.map(kw)),
    attr('printer-make-and-model', [text(model)]),
    attr('marker-names', [nm('Ribbon'), nm('Film')]),
    attr('marker-types', [kw('ink-ribbon'), kw('transfer-unit')]),
    attr('marker-levels', [int(40), int(75)]),
    Buffer.from([0x03]),
  ]);
}

/** A printer's IPP service on loopback that answers every request with `answer`. */
export async function ippServer(answer: Buffer): Promise<{ url: string; server: HttpServer }> {
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/ipp' }).end(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `ipp://127.0.0.1:${(server.address() as { port: number }).port}/printers/card`, server };
}

/** A upsd on loopback answering LIST VAR with these variables. */
export async function upsdServer(vars: Record<string, string>): Promise<{ port: number; server: TcpServer; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const lines = Object.entries(vars).map(([k, v]) => `VAR ups ${k} "${v.replace(/["\\]/g, (c) => `\\${c}`)}"`);
  const server = createTcpServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('data', () => socket.write(`BEGIN LIST VAR ups\n${lines.join('\n')}\nEND LIST VAR ups\n`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server, sockets };
}

/** An SNMP agent that names its printer, supplies and alerts at length. */
export function chattySnmpPrinter(): CardPrinterModel {
  const long = (what: string) => `${what} ${'Y'.repeat(600)}`;
  const alerts: Alert[] = Array.from({ length: 80 }, (_, i) => ({ severity: 3, group: 13, groupIndex: 1, code: 8 + (i % 3), description: long(`alert ${i}`) }));
  return {
    model: LONG_MODEL,
    printerStatus: 1,
    deviceStatus: 5,
    errorBits: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    supplies: Array.from({ length: 30 }, (_, i) => ({ type: i === 0 ? 7 : i === 1 ? 20 : 18, description: long(`supply ${i}`), unit: 19, max: 100, level: 50 })),
    hopper: { name: long('hopper'), max: 100, level: 50 },
    alerts,
  };
}

/** What the agent made of one poll of these drivers: the messages it stored for the broker, and its snapshot (the station page's). */
export interface Seen {
  healths: HealthPayload[];
  events: EventPayload[];
  /** Every message as the outbox holds it: the bytes the broker carries. */
  texts: string[];
  body: StationBody | undefined;
}

/** The station loop, the telemetry and the outbox, as the daemon wires them, reading `printer` and `ups` once. */
export async function agentReads(printer: PrinterDriver, ups: UpsDriver, clock: Clock): Promise<Seen> {
  const store = await Store.open(tempDir('bounds-'), () => 0);
  const station = { id: 'KPG1-0001', province: '53', regency: '5371' };
  const seen: Seen = { healths: [], events: [], texts: [], body: undefined };
  try {
    const outbox = new Outbox(store, { maxMessages: 10_000, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, clock);
    await outbox.init();
    outbox.onAppend((m) => {
      seen.texts.push(m.payload);
      if (m.kind === 'health') seen.healths.push(JSON.parse(m.payload) as HealthPayload);
      if (m.kind === 'event') seen.events.push(JSON.parse(m.payload) as EventPayload);
    });
    const telemetry = new Telemetry(store, outbox, () => ({ connected: true, lastError: null, refused: 0 }), station.id, stationTopics('ektp/v1', station), clock, quietLog);
    const st = new Station({
      config: { station, intervals: intervalsSchema().parse({}), alerts: alertsSchema().parse({}) },
      printer,
      ups,
      host: fakeHost,
      telemetry,
      store,
      clock,
      log: quietLog,
      version: 'test',
    });
    await printer.start();
    await ups.start();
    await st.tick({ forceHealth: true });
    seen.body = st.latest();
    await printer.stop();
    await ups.stop();
  } finally {
    await store.close();
  }
  return seen;
}
