/**
 * What a station hears of its office's other printers: their retained status (which office) and
 * health (cards a day, and whether by their own count), each checked against the contract's
 * schema; its own, another office's, a borrowed rate, a PC without a printer, a stale or a
 * malformed message count for nothing.
 */
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { OfficeRates, PEER_MAX_AGE_MS } from '../../agent/office/peer-rates.js';
import type { MqttConnection } from '../../telemetry/connection.js';
import type { HealthPayload, RateSource, StatusPayload } from '../../telemetry/payloads.js';
import { healthSchema } from '../../telemetry/payloads.js';
import { healthyBody } from '../support/health.js';

const NOW = Date.parse('2027-03-02T03:00:00Z');
const BASE = 'ektp/v1/53/5371';
const ME = { id: '5371-03', province: '53', regency: '5371' };

function health(station: string, cardsPerDay: number | null, rateSource: RateSource | null | undefined, o: { at?: number; present?: boolean } = {}): HealthPayload {
  const b = healthyBody({ stock: { cardsPerDay, ...(rateSource === undefined ? {} : { rateSource }) }, printer: { present: o.present ?? true } });
  const h: HealthPayload = {
    ...b,
    schema: 'station.health/1',
    station,
    ts: new Date(o.at ?? NOW - 60_000).toISOString(),
    seq: 7,
    jobs: { ...b.jobs, printedToday: 3 },
    telemetry: { connected: true, backlog: 0, backlogBytes: 0, oldestBacklogSeconds: null, dropped: 0, droppedEvents: 0, refused: 0, lastError: null },
    store: { durable: true, error: null },
  };
  expect(healthSchema.safeParse(h).success).toBe(true);
  return h;
}

const status = (station: string, office?: string): StatusPayload => ({ schema: 'station.status/1', station, ts: new Date(NOW - 3_600_000).toISOString(), online: true, ...(office ? { office: { id: office } } : {}) });

function rig(office = '5371-DINAS') {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  const rates = new OfficeRates({ topicPrefix: 'ektp/v1', station: ME, office, log });
  const send = (station: string, kind: string, payload: unknown) => rates.take(`${BASE}/${station}/${kind}`, Buffer.from(payload === '' ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload)));
  return { rates, send, lines };
}

describe("the office's other printers' rates", () => {
  it('subscribes to its regency\'s status and health only', () => {
    expect(rig().rates.filters).toEqual([`${BASE}/+/status`, `${BASE}/+/health`]);
  });

  it("the mean per printer of the office's other printers, by their own count", () => {
    const { rates, send } = rig();
    expect(rates.perPrinter(NOW)).toBeNull();
    send('5371-01', 'status', status('5371-01', '5371-DINAS'));
    send('5371-01', 'health', health('5371-01', 100, 'own'));
    expect(rates.perPrinter(NOW)).toBe(100);
    // An agent before station.office (no office in its status) is of its regency's Dukcapil, 5371-DINAS.
    send('5371-02', 'status', status('5371-02'));
    send('5371-02', 'health', health('5371-02', 60, 'own'));
    expect(rates.perPrinter(NOW)).toBe(80);
    // An agent before rateSource with a rate had it from its own use.
    send('5371-05', 'status', status('5371-05', '5371-DINAS'));
    send('5371-05', 'health', health('5371-05', 50, undefined));
    expect(rates.perPrinter(NOW)).toBe(70);
  });

  it("counts for nothing: itself, another office, a borrowed rate, no printer, nothing printed, stale, malformed, another topic", () => {
    const { rates, send } = rig();
    send('5371-01', 'status', status('5371-01', '5371-DINAS'));
    send('5371-01', 'health', health('5371-01', 90, 'own'));
    send(ME.id, 'status', status(ME.id, '5371-DINAS'));
    send(ME.id, 'health', health(ME.id, 500, 'own'));
    send('5371-K1', 'status', status('5371-K1', '5371-KEC-ALAK'));
    send('5371-K1', 'health', health('5371-K1', 400, 'own'));
    for (const [id, h] of [
      ['5371-06', health('5371-06', 150, 'expected')],
      ['5371-07', health('5371-07', 120, 'office')],
      ['5371-08', health('5371-08', 300, 'own', { present: false })],
      ['5371-09', health('5371-09', 0, 'own')],
      ['5371-10', health('5371-10', 700, 'own', { at: NOW - PEER_MAX_AGE_MS - 1000 })],
    ] as const) {
      send(id, 'status', status(id, '5371-DINAS'));
      send(id, 'health', h);
    }
    send('5371-11', 'status', status('5371-11', '5371-DINAS'));
    send('5371-11', 'health', { ...health('5371-11', 900, 'own'), stock: { cardsPerDay: 'many' } });
    send('5371-11', 'health', '{not json');
    // A payload under another station's topic names a station other than its own: not taken.
    send('5371-12', 'status', status('5371-12', '5371-DINAS'));
    send('5371-12', 'health', health('5371-01', 800, 'own'));
    rates.take(`${BASE}/5371-13/daily`, Buffer.from(JSON.stringify(health('5371-13', 800, 'own'))));
    rates.take(`ektp/v1/53/5372/5372-01/health`, Buffer.from(JSON.stringify(health('5372-01', 800, 'own'))));
    expect(rates.perPrinter(NOW)).toBe(90);
    // Two days on, the one it heard is stale too.
    expect(rates.perPrinter(NOW + PEER_MAX_AGE_MS)).toBeNull();
  });

  it('health heard before status counts once the status names this office; an emptied status (a retired station) is forgotten', () => {
    const { rates, send } = rig();
    send('5371-01', 'health', health('5371-01', 100, 'own'));
    expect(rates.perPrinter(NOW)).toBeNull();
    send('5371-01', 'status', status('5371-01', '5371-DINAS'));
    expect(rates.perPrinter(NOW)).toBe(100);
    send('5371-01', 'status', '');
    expect(rates.perPrinter(NOW)).toBeNull();
    send('5371-02', 'status', status('5371-02', '5371-DINAS'));
    send('5371-02', 'health', health('5371-02', 100, 'own'));
    send('5371-02', 'health', '');
    expect(rates.perPrinter(NOW)).toBeNull();
  });

  it("an older sample than the one kept (a backlog replayed after an outage arrives live, oldest first) does not replace it", () => {
    const { rates, send } = rig();
    send('5371-01', 'status', status('5371-01', '5371-DINAS'));
    send('5371-01', 'health', health('5371-01', 100, 'own', { at: NOW - 60_000 }));
    send('5371-01', 'health', health('5371-01', 40, 'own', { at: NOW - 3_600_000 }));
    expect(rates.perPrinter(NOW)).toBe(100);
    send('5371-01', 'health', health('5371-01', 90, 'own', { at: NOW - 30_000 }));
    expect(rates.perPrinter(NOW)).toBe(90);
  });

  it('on a connection: subscribes on every session (they are clean), takes what arrives, and lets go when detached', () => {
    const { rates, lines } = rig();
    const connection = new EventEmitter();
    const subscribed: unknown[] = [];
    const client = {
      subscribe(filters: string[], _opts: unknown, done: (err: Error | null) => void) {
        subscribed.push(filters);
        done(Object.assign(new Error('Subscribe error: Not authorized'), { code: 135 }));
      },
    };
    const detach = rates.attach(connection as unknown as Pick<MqttConnection, 'on' | 'off'>);
    connection.emit('up', client);
    connection.emit('up', client);
    expect(subscribed).toEqual([rates.filters, rates.filters]);
    expect(lines).toHaveLength(1);
    connection.emit('message', `${BASE}/5371-01/status`, Buffer.from(JSON.stringify(status('5371-01', '5371-DINAS'))), true);
    connection.emit('message', `${BASE}/5371-01/health`, Buffer.from(JSON.stringify(health('5371-01', 110, 'own'))), true);
    expect(rates.perPrinter(NOW)).toBe(110);
    detach();
    connection.emit('up', client);
    expect(subscribed).toHaveLength(2);
    expect(connection.listenerCount('message')).toBe(0);
  });

  it('a refused subscription is said once, naming the ACL lines to add', () => {
    const { rates, lines } = rig();
    rates.subscribed(null);
    expect(lines).toEqual([]);
    const refused = Object.assign(new Error('Subscribe error: Not authorized'), { code: 135 });
    rates.subscribed(refused);
    rates.subscribed(refused);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toMatch(/refused.*forecast\.expectedCardsPerDay.*topic read ektp\/v1\/53\/5371\/\+\/status.*topic read ektp\/v1\/53\/5371\/\+\/health/);
  });
});
