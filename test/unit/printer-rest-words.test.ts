/**
 * What people and machines are told of a resting printer: the clerk's words with the time it
 * resumes in the station's zone (the page's view and `status`), health's hold code and resume
 * time in the contract's schema, no alert for the office's own pacing, and the configuration key.
 */
import { describe, expect, it } from 'vitest';
import { alertsSchema, configSchema, jobsSchema } from '../../agent/config/schema.js';
import { holdOf, holdWords } from '../../agent/jobs/gate.js';
import { AlertBook, ALERT_RULES } from '../../agent/station/alerts.js';
import { formatStatus } from '../../agent/station/status.js';
import { stationView } from '../../agent/station/view.js';
import type { StationBody } from '../../telemetry/payloads.js';
import { healthyBody } from '../support/health.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { join } from 'node:path';

const RESUMES = '2027-01-05T08:10:00.000Z';
const resting = (h: StationBody = healthyBody()): StationBody => ({
  ...h,
  jobs: { ...h.jobs, queued: 4, held: 'the printer is resting (printer.rest: 10 min after every 50 cards): printing resumes by itself', heldCode: 'printer_resting', gate: 'printer_resting', resumesAt: RESUMES },
});

describe('the words for a resting printer', () => {
  it('say it rests and when it resumes, in the station\'s zone: HH.MM in Indonesian, HH:MM in English', () => {
    const w = holdWords('printer_resting', resting(), 'Asia/Makassar');
    expect(w.why).toEqual({ id: 'Printer beristirahat, lanjut pukul 16.10.', en: 'The printer is resting, resumes at 16:10.' });
    expect(w.todo.id).toMatch(/berlanjut sendiri/);
    expect(holdWords('printer_resting', resting(), 'Asia/Jakarta').why.id).toBe('Printer beristirahat, lanjut pukul 15.10.');
    // An agent that did not say when: the rest without a time, never a made-up one.
    expect(holdWords('printer_resting', healthyBody(), 'Asia/Jakarta').why).toEqual({ id: 'Printer beristirahat.', en: 'The printer is resting.' });
  });

  it('are what the station page\'s view and status show', () => {
    const v = stationView(resting(), false, 'Asia/Jayapura');
    expect(v.canPrint).toBe(false);
    expect(v.held).toMatchObject({ code: 'printer_resting', why: { id: 'Printer beristirahat, lanjut pukul 17.10.' } });
    const report = { dataDir: '/tmp/x', health: { ...resting(), schema: 'station.health/1' as const, station: 'x-01', ts: RESUMES, seq: 1, telemetry: { connected: true, backlog: 0, backlogBytes: 0, oldestBacklogSeconds: null, dropped: 0, droppedEvents: 0, refused: 0, lastError: null }, store: { durable: true, error: null } }, ageSeconds: 2, stale: false, agent: null };
    expect(formatStatus(report, 'id', 'Asia/Makassar')).toMatch(/Pencetakan ditahan: Printer beristirahat, lanjut pukul 16\.10\. Yang perlu dilakukan: Biarkan printer dingin dulu/);
    expect(formatStatus(report, 'en', 'Asia/Makassar')).toMatch(/Printing is held: The printer is resting, resumes at 16:10\./);
  });
});

describe('the gate and the alerts', () => {
  const cfg = jobsSchema().parse({});
  const ctx = { hasSource: true, durable: true, resting: { afterCards: 50, minutes: 10 } };
  it('hold the queue while resting, after any fault or power hold, which a clerk must see first', () => {
    expect(holdOf(healthyBody(), cfg, ctx)?.code).toBe('printer_resting');
    expect(holdOf(healthyBody(), cfg, { ...ctx, resting: null })).toBeNull();
    expect(holdOf(healthyBody({ printer: { state: 'stopped', reasons: ['media-jam'] } }), cfg, ctx)?.code).toBe('printer_stopped');
    expect(holdOf(healthyBody({ ups: { status: 'on_battery', onBattery: true, runtimeSeconds: 60, powerState: 'on_battery' } }), cfg, ctx)?.code).toBe('on_battery_short');
  });

  it('raise no jobs.held for a rest (the office\'s own pacing, ending by itself), and clear one without claiming cards start now', () => {
    const book = new AlertBook(ALERT_RULES, alertsSchema().parse({}));
    expect(book.evaluate(resting()).map((t) => t.code)).toEqual([]);
    const jam = { ...healthyBody({ printer: { state: 'stopped', reasons: ['media-jam'] } }), jobs: { ...healthyBody().jobs, held: 'the printer is stopped (media-jam)', heldCode: 'printer_stopped' as const } };
    for (const t of book.evaluate(jam)) book.commit(t, new Date(RESUMES));
    const cleared = book.evaluate(resting()).filter((t) => t.code === 'jobs.held');
    expect(cleared.map((t) => t.state)).toEqual(['cleared']);
    expect(cleared[0]?.message).toMatch(/the printer rests \(printer\.rest\), then cards start by themselves/);
  });
});

describe('the contract', () => {
  const validators = schemaValidators(join(import.meta.dirname, '../../telemetry/schemas'));
  const envelope = { schema: 'station.health/1', station: 'x-01', ts: RESUMES, seq: 1, telemetry: { connected: true, backlog: 0, backlogBytes: 0, oldestBacklogSeconds: null, dropped: 0, droppedEvents: 0, refused: 0, lastError: null }, store: { durable: true, error: null } };
  it('health\'s JSON Schema takes heldCode printer_resting and resumesAt in UTC, and refuses a local time', () => {
    expect(payloadErrors(validators, { ...envelope, ...resting() })).toEqual([]);
    const local = resting();
    local.jobs.resumesAt = '2027-01-05 16:10';
    expect(payloadErrors(validators, { ...envelope, ...local }).join()).toMatch(/\/jobs\/resumesAt/);
  });

  it('printer.rest is off unless set, beside any print path, and bad figures are named by their path', () => {
    const base = { station: { id: 'unit-01', province: '99', regency: '9901' }, mqtt: { url: 'embedded' }, ups: { driver: 'none' } };
    expect(configSchema().parse({ ...base, printer: { driver: 'sim' } }).printer.rest).toBeUndefined();
    expect(configSchema().parse({ ...base, printer: { driver: 'ipp', url: 'ipp://127.0.0.1:631/printers/card', rest: { afterCards: 50, minutes: 10 } } }).printer.rest).toEqual({ afterCards: 50, minutes: 10 });
    const bad = configSchema().safeParse({ ...base, printer: { driver: 'sim', rest: { afterCards: 0, minutes: -1 } } });
    expect(bad.success ? [] : bad.error.issues.map((i) => i.path.join('.')).sort()).toEqual(['printer.rest.afterCards', 'printer.rest.minutes']);
  });
});
