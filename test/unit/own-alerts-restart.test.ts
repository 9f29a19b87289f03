/**
 * The telemetry's own alerts across a restart. The dashboard holds an alert raised until the
 * station sends its clear; telemetry.dropped and agent.payload_invalid are raised by the
 * telemetry itself, not by the station's rules (whose alerts the store keeps), so a restart
 * that forgot them left them firing at the province for ever. Each run here is a new Telemetry
 * and Outbox on the same database, as after a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../agent/store/store.js';
import { ManualClock } from '../../core/clock.js';
import { Outbox } from '../../telemetry/outbox.js';
import type { EventPayload, StationBody } from '../../telemetry/payloads.js';
import { Telemetry } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import { healthyBody } from '../support/health.js';
import { quietLog, tempDir } from '../support/sim.js';

const station = { id: 'KPG1-0001', province: '53', regency: '5371' };
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** One run of the agent's telemetry on the database in `dir`; `events` collects what it stores. */
async function run(dir: string, o: { connected: boolean; maxMessages?: number }) {
  const store = await Store.open(dir, () => 0);
  stores.push(store);
  const clock = new ManualClock();
  const outbox = new Outbox(store, { maxMessages: o.maxMessages ?? 10_000, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, clock);
  await outbox.init();
  const events: EventPayload[] = [];
  outbox.onAppend((m) => {
    if (m.kind === 'event') events.push(JSON.parse(m.payload) as EventPayload);
  });
  const telemetry = new Telemetry(store, outbox, () => ({ connected: o.connected, lastError: null, refused: 0 }), station.id, stationTopics('ektp/v1', station), clock, quietLog);
  const of = (code: string) => events.filter((e) => e.code === code).map((e) => e.state);
  /** Everything in the outbox delivered, as the broker would acknowledge it. */
  const deliver = async () => outbox.ack((await outbox.page(0, Number.MAX_SAFE_INTEGER, 100_000)).map((m) => m.seq));
  return { store, telemetry, events, of, deliver };
}

/** A health whose printer model is past the contract's 2,000 characters: sent cut, and agent.payload_invalid raised. */
const overlong = (): StationBody => healthyBody({ printer: { model: 'M'.repeat(2500) } });

describe("the telemetry's own alerts across a restart", () => {
  it('telemetry.dropped raised before a restart is cleared by the next run once the backlog is delivered', async () => {
    const dir = tempDir('own-alerts-');
    const first = await run(dir, { connected: false, maxMessages: 3 });
    for (let i = 0; i < 6; i++) await first.telemetry.health(healthyBody());
    expect(first.of('telemetry.dropped')).toEqual(['raised']);
    await first.store.close();
    stores.length = 0;

    const second = await run(dir, { connected: true, maxMessages: 3 });
    // The backlog the first run left is still there: nothing is cleared yet.
    await second.telemetry.health(healthyBody());
    expect(second.of('telemetry.dropped')).toEqual([]);
    await second.deliver();
    await second.telemetry.health(healthyBody());
    expect(second.of('telemetry.dropped')).toEqual(['cleared']);
    await second.store.close();
    stores.length = 0;

    // Cleared is kept too: a third run has nothing to clear.
    const third = await run(dir, { connected: true });
    await third.deliver();
    await third.telemetry.health(healthyBody());
    expect(third.of('telemetry.dropped')).toEqual([]);
  });

  it('agent.payload_invalid raised before a restart is cleared by the first message that passes, and not raised twice while it still fails', async () => {
    const dir = tempDir('own-alerts-');
    const first = await run(dir, { connected: true });
    await first.telemetry.health(overlong());
    expect(first.of('agent.payload_invalid')).toEqual(['raised']);
    await first.store.close();
    stores.length = 0;

    // Still failing the same way after the restart: raised already, not raised again; listed among the alerts.
    const second = await run(dir, { connected: true });
    const h = await second.telemetry.health(overlong());
    expect(second.of('agent.payload_invalid')).toEqual([]);
    expect(h.alerts).toContain('agent.payload_invalid');
    await second.store.close();
    stores.length = 0;

    const third = await run(dir, { connected: true });
    await third.telemetry.health(healthyBody());
    expect(third.of('agent.payload_invalid')).toEqual(['cleared']);
    const next = await third.telemetry.health(healthyBody());
    expect(next.alerts).not.toContain('agent.payload_invalid');
    await third.store.close();
    stores.length = 0;

    const fourth = await run(dir, { connected: true });
    await fourth.telemetry.health(healthyBody());
    expect(fourth.of('agent.payload_invalid')).toEqual([]);
  });
});
