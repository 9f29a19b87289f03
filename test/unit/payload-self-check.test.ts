/**
 * The agent checks its own messages (issue 32, defect 2): whatever the station loop or a rule
 * hands the telemetry, what enters the outbox passes the dashboard's check. A message that would
 * fail goes out reduced, never dropped, and `agent.payload_invalid` says what was cut; it is
 * cleared once that kind of message passes again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../agent/store/store.js';
import { ManualClock } from '../../core/clock.js';
import { Outbox } from '../../telemetry/outbox.js';
import type { EventPayload, HealthPayload, StationBody } from '../../telemetry/payloads.js';
import { Telemetry } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import { healthyBody } from '../support/health.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { quietLog, tempDir } from '../support/sim.js';

const validators = schemaValidators();
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** The telemetry over a real outbox, and every message as the outbox stored it (the bytes the broker carries). */
async function rig() {
  const store = await Store.open(tempDir('self-check-'), () => 0);
  stores.push(store);
  const clock = new ManualClock();
  const outbox = new Outbox(store, { maxMessages: 10_000, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, clock);
  await outbox.init();
  const texts: string[] = [];
  outbox.onAppend((m) => texts.push(m.payload));
  const station = { id: 'KPG1-0001', province: '53', regency: '5371' };
  const telemetry = new Telemetry(store, outbox, () => ({ connected: true, lastError: null, refused: 0 }), station.id, stationTopics('ektp/v1', station), clock, quietLog);
  const all = () => texts.map((t) => JSON.parse(t) as HealthPayload | EventPayload);
  return {
    telemetry,
    texts,
    healths: () => all().filter((p): p is HealthPayload => p.schema === 'station.health/1'),
    events: () => all().filter((p): p is EventPayload => p.schema === 'station.event/1'),
    invalid: () => all().filter((p): p is EventPayload => p.schema === 'station.event/1' && p.code === 'agent.payload_invalid'),
  };
}

function expectAccepted(texts: readonly string[]): void {
  for (const t of texts) {
    expect(payloadErrors(validators, JSON.parse(t)), t.slice(0, 120)).toEqual([]);
    expect(Buffer.byteLength(t)).toBeLessThanOrEqual(32 * 1024);
  }
}

/** A health as a station loop without a boundary would have made it from a printer that says too much. */
function overlong(): StationBody {
  const body = healthyBody({ printer: { state: 'stopped', model: 'M'.repeat(2500), reasons: Array.from({ length: 80 }, (_, i) => `vendor-reason-${i}`) } });
  const ribbon = body.printer.supplies[0];
  if (ribbon) ribbon.name = 'R'.repeat(3000);
  return body;
}

describe('the agent checks its own messages before they enter the outbox', () => {
  it('a health that would break the contract goes out reduced, raises agent.payload_invalid naming what was cut, and clears when health passes again', async () => {
    const r = await rig();
    const sent = await r.telemetry.health(overlong());
    expectAccepted(r.texts);
    const h = r.healths()[0];
    expect(h?.printer.model).toHaveLength(2000);
    expect(h?.printer.model?.endsWith('…')).toBe(true);
    expect(h?.printer.reasons).toHaveLength(64);
    expect(h?.printer.supplies[0]?.name).toHaveLength(2000);
    // What the caller gets back is what went out.
    expect(sent.printer.model).toBe(h?.printer.model);
    const raised = r.invalid();
    expect(raised).toMatchObject([{ state: 'raised', severity: 'warning' }]);
    expect(raised[0]?.message).toMatch(/^messages of this agent did not pass the contract and were sent reduced\. station\.health\/1: /);
    expect(raised[0]?.message).toMatch(/`printer\.model` cut to 2000 characters/);
    expect(raised[0]?.message).toMatch(/`printer\.reasons` cut to 64 entries/);
    expect(raised[0]?.message).toMatch(/`printer\.supplies\.0\.name` cut to 2000 characters/);
    // The same again: no second raise; the health lists it among the alerts raised now.
    await r.telemetry.health(overlong());
    expect(r.invalid()).toHaveLength(1);
    expect(r.healths()[1]?.alerts).toContain('agent.payload_invalid');
    // A health that passes: cleared, and no longer listed.
    await r.telemetry.health(healthyBody());
    await r.telemetry.health(healthyBody());
    expect(r.invalid().map((e) => e.state)).toEqual(['raised', 'cleared']);
    expect(r.healths().at(-1)?.alerts).not.toContain('agent.payload_invalid');
    // Never dropped: four healths in, four out.
    expect(r.healths()).toHaveLength(4);
    expectAccepted(r.texts);
  });

  it('a part no field-by-field fix can save goes out in its unknown form, the rest as it was', async () => {
    const r = await rig();
    const body = healthyBody({ ups: { chargePercent: 55 } });
    (body.printer as { state: string }).state = 'jammed';
    // Not finite: null on the wire, where null is not allowed; the field above it may be null.
    body.ups.battery = { date: null, testResult: null, runtimeAtLoad: { runtimeSeconds: Number.NaN, loadPercent: 30 } };
    await r.telemetry.health(body);
    expectAccepted(r.texts);
    const h = r.healths()[0];
    expect(h?.printer).toMatchObject({ driver: 'sim', state: 'unknown', reasons: [], supplies: [], model: null });
    expect(h?.printer.error).toMatch(/did not pass the contract/);
    expect(h?.ups.chargePercent).toBe(55);
    expect(h?.ups.battery).toEqual({ date: null, testResult: null, runtimeAtLoad: null });
    expect(r.invalid()[0]?.message).toMatch(/`printer` replaced by the unknown form/);
    expect(r.invalid()[0]?.message).toMatch(/`ups\.battery\.runtimeAtLoad` made null/);
  });

  it("a health within the schema but past the dashboard's 32 KB has its longest texts halved until it fits", async () => {
    const r = await rig();
    const body = healthyBody({ printer: { reasons: Array.from({ length: 64 }, (_, i) => `${i}-${'k'.repeat(1990)}`) } });
    await r.telemetry.health(body);
    expectAccepted(r.texts);
    expect(r.healths()[0]?.printer.reasons).toHaveLength(64);
    expect(r.invalid()[0]?.message).toMatch(/cut to \d+ characters for the message to fit 32768 bytes/);
  });

  it('an event whose message runs past 2,000 characters goes out cut, and says so', async () => {
    const r = await rig();
    const e = await r.telemetry.event({ code: 'printer.error', state: 'raised', severity: 'critical', message: `printer stopped: ${'x'.repeat(5000)}` });
    expectAccepted(r.texts);
    expect(e.message).toHaveLength(2000);
    expect(r.events()[0]).toMatchObject({ code: 'printer.error', state: 'raised' });
    expect(r.invalid()[0]?.message).toMatch(/station\.event\/1: `message` cut to 2000 characters/);
  });

  it('says what was cut in both languages, Indonesian and English from the same cuts', async () => {
    const { invalidWords } = await import('../../telemetry/self-check.js');
    const words = invalidWords(new Map([['station.health/1', [{ id: '`printer.model` dipotong menjadi 2000 karakter', en: '`printer.model` cut to 2000 characters' }]]]));
    expect(words?.id).toMatch(/^pesan agen ini tidak lolos kontrak dan dikirim dalam bentuk dipangkas\. `station\.health\/1`: `printer\.model` dipotong menjadi 2000 karakter$/);
    expect(words?.en).toMatch(/^messages of this agent did not pass the contract and were sent reduced\. station\.health\/1: `printer\.model` cut to 2000 characters$/);
    expect(invalidWords(new Map())).toBeNull();
  });
});
