/**
 * One table of alert codes (telemetry/event-codes.ts) and everything that reads it: the agent's
 * rules, the telemetry's own events, the dashboard's rows, /metrics and what Alertmanager sends.
 * A code without a name in either language, or two places that disagree on a severity, fails
 * here before a clerk or a provincial officer sees it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertBook, ALERT_RULES, type AlertLimits } from '../../agent/station/alerts.js';
import { alertsSchema } from '../../agent/config/schema.js';
import { Store } from '../../agent/store/store.js';
import { ManualClock } from '../../core/clock.js';
import { toAmAlert } from '../../dashboard/alertmanager.js';
import { toRow, type StationEntry } from '../../dashboard/fleet.js';
import { metricsText } from '../../dashboard/prometheus.js';
import { ALERT_CODES, SEVERITIES } from '../../telemetry/codes.js';
import { codeName, EVENT_CODES, usualSeverity } from '../../telemetry/event-codes.js';
import { Outbox } from '../../telemetry/outbox.js';
import { Telemetry } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import { health, T0 } from '../support/dashboard-rig.js';
import { healthyBody } from '../support/health.js';
import { quietLog, tempDir } from '../support/sim.js';

const limits: AlertLimits = alertsSchema().parse({});
const table = Object.fromEntries(ALERT_CODES.map((c) => [c, EVENT_CODES[c].severity]));

function entry(code: string): StationEntry {
  const h = health('5371-01', '5371', (x) => {
    x.alerts = [code];
  });
  return { station: '5371-01', province: '53', regency: '5371', online: true, offlineReason: null, lastSeenMs: T0, health: h, healthAtMs: T0 };
}

describe('the table of alert codes', () => {
  it('has every code of the contract, and only those, each with a severity and a name in both languages', () => {
    expect(Object.keys(EVENT_CODES).sort()).toEqual([...ALERT_CODES].sort());
    for (const code of ALERT_CODES) {
      const row = EVENT_CODES[code];
      expect(SEVERITIES, code).toContain(row.severity);
      expect(row.name.id.trim(), `${code}: Indonesian name`).not.toBe('');
      expect(row.name.en.trim(), `${code}: English name`).not.toBe('');
      // A name copied into the other language's slot is a translation that was never made.
      expect(row.name.id, `${code}: the same words in both languages`).not.toBe(row.name.en);
    }
  });

  it('names an unknown code (a later agent) by itself, as a warning', () => {
    expect(codeName('printer.cover_open')).toEqual({ id: 'printer.cover_open', en: 'printer.cover_open' });
    expect(usualSeverity('printer.cover_open')).toBe('warning');
    expect(usualSeverity('__proto__')).toBe('warning');
  });

  it('names the imbalance for what the rule means: one supply runs out long before the others', () => {
    const { id, en } = EVENT_CODES['supply.imbalance'].name;
    expect(en).not.toMatch(/add up|count/i);
    expect(id).not.toMatch(/tidak cocok/i);
    expect(en).toMatch(/runs out long before/);
    expect(id).toMatch(/habis jauh lebih dulu/);
  });
});

describe('every place agrees with the table', () => {
  it("each agent rule's usual severity is the table's, and a raise goes out at it", () => {
    expect(Object.fromEntries(ALERT_RULES.map((r) => [r.code, r.severity]))).toEqual(Object.fromEntries(ALERT_RULES.map((r) => [r.code, table[r.code]])));
    // A verdict that names no severity of its own: the book sends the rule's, which is the table's.
    for (const rule of ALERT_RULES) {
      const book = new AlertBook([{ ...rule, evaluate: () => ({ active: true, message: 'raised' }) }], limits);
      expect(book.evaluate(healthyBody()).map((t) => t.severity), rule.code).toEqual([table[rule.code]]);
    }
  });

  it("the dashboard's row is critical (3) for exactly the table's critical codes, a warning (2) for its warnings, and an info code leaves it as it was: ups.output_off among the critical", () => {
    const seen = Object.fromEntries(ALERT_CODES.map((c) => [c, ['info', 'info', 'warning', 'critical'][toRow(entry(c), T0, 60_000).severity] ?? '?']));
    expect(seen).toEqual(table);
    expect(seen['ups.output_off']).toBe('critical');
  });

  it("/metrics gives an alert the table's severity when the station's events did not say one", async () => {
    for (const code of ALERT_CODES) {
      const body = (await metricsText({ entries: [entry(code)], nowMs: T0 + 5000, staleAfterMs: 60_000 })).body.toString();
      expect(body, code).toContain(`ektp_alert_active{station="5371-01",code="${code}",severity="${table[code]}"} 1`);
    }
  });

  it("Alertmanager's summary is the table's name in both languages", () => {
    const a = { station: '5371-01', province: '53', regency: '5371', code: 'supply.imbalance', severity: 'warning', message: 'x', startsAtMs: T0, ts: new Date(T0).toISOString(), seq: 1, install: 0 };
    const { id, en } = EVENT_CODES['supply.imbalance'].name;
    expect(toAmAlert(a, T0 + 60_000, 'Kota Kupang').annotations).toMatchObject({ summary: `${id} / ${en}: 5371-01 (Kota Kupang)`, summary_id: `${id}: stasiun 5371-01 (Kota Kupang)`, summary_en: `${en}: station 5371-01 (Kota Kupang)` });
  });
});

describe("the telemetry's own events go out at the table's severity", () => {
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it('store.error and telemetry.dropped', async () => {
    const store = await Store.open(tempDir(), () => 0);
    stores.push(store);
    const clock = new ManualClock();
    // A tiny outbox: a few health samples fill it, and the telemetry says it dropped some.
    const outbox = new Outbox(store, { maxMessages: 3, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, clock);
    await outbox.init();
    const events: { code: string; state: string; severity: string }[] = [];
    outbox.onAppend((m) => {
      if (m.kind === 'event') events.push(JSON.parse(m.payload) as { code: string; state: string; severity: string });
    });
    const topics = stationTopics('ektp/v1', { id: 's1', province: 'p', regency: 'r' });
    const link = () => ({ connected: false, lastError: 'test', refused: 0 });
    const telemetry = new Telemetry(store, outbox, link, 's1', topics, clock, quietLog, () => Promise.resolve());
    await telemetry.reportStoreProblem('the database file is read-only');
    for (let i = 0; i < 6; i++) await telemetry.health(healthyBody());
    const raised = (code: string) => events.find((e) => e.code === code && e.state === 'raised')?.severity;
    expect(raised('store.error')).toBe(table['store.error']);
    expect(raised('telemetry.dropped')).toBe(table['telemetry.dropped']);
  });
});

describe("the README's list of codes", () => {
  it("gives each code the table's usual severity", () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const start = readme.indexOf('| code | severity | raised when |');
    expect(start).toBeGreaterThan(-1);
    const rows = readme.slice(start).split('\n\n')[0]?.split('\n').slice(2) ?? [];
    const said = new Map<string, string>();
    for (const line of rows) {
      const [codes = '', severity = ''] = line.split('|').slice(1, 3);
      // `supply.{ribbon,film,blanks}.low` stands for three codes; "warning; **critical** when ..." is usually a warning.
      for (const written of codes.match(/`[^`]+`/g) ?? []) {
        const m = /^`([^{]*)\{([^}]+)\}(.*)`$/.exec(written);
        const expanded = m ? (m[2] ?? '').split(',').map((k) => `${m[1]}${k}${m[3]}`) : [written.slice(1, -1)];
        for (const code of expanded) said.set(code, /^\s*(\w+)/.exec(severity)?.[1] ?? '');
      }
    }
    expect(said.size).toBeGreaterThan(15);
    for (const [code, severity] of said) expect(severity, code).toBe(usualSeverity(code));
    for (const code of said.keys()) expect(ALERT_CODES as readonly string[], code).toContain(code);
  });
});
