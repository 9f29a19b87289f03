import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../agent/store/store.js';
import { ManualClock } from '../../core/clock.js';
import { Outbox } from '../../telemetry/outbox.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { Telemetry } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import { healthyBody } from '../support/health.js';
import { quietLog, tempDir } from '../support/sim.js';

const topics = stationTopics('ektp/v1', { id: 's1', province: 'p', regency: 'r' });
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(store: Store) {
  stores.push(store);
  const clock = new ManualClock();
  const outbox = new Outbox(store, { maxMessages: 100_000, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, clock);
  await outbox.init();
  const stored: number[] = [];
  const storedEvents: string[] = [];
  outbox.onAppend((m) => {
    stored.push(m.seq);
    const p = JSON.parse(m.payload) as { code?: string; state?: string };
    if (m.kind === 'event') storedEvents.push(`${p.code} ${p.state}`);
  });
  const direct: { topic: string; body: Record<string, unknown> }[] = [];
  const link = () => ({ connected: true, lastError: null, refused: 0 });
  const telemetry = new Telemetry(store, outbox, link, 's1', topics, clock, quietLog, (topic, payload) => {
    direct.push({ topic, body: JSON.parse(payload) as Record<string, unknown> });
    return Promise.resolve();
  });
  return { outbox, telemetry, stored, storedEvents, direct };
}

describe('seq never repeats nor goes back, whatever the store went through', () => {
  it('seqs handed out while the disk was full are not handed out again after a restart', async () => {
    const dir = tempDir();
    const a = await Store.open(dir, () => 0);
    const outboxA = new Outbox(a, { maxMessages: 100, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, new ManualClock());
    await outboxA.init();
    await outboxA.add('health', 't/health', (seq) => ({ seq }));
    const reserved = [outboxA.reserveSeq(), outboxA.reserveSeq()];
    await a.close();
    const b = await Store.open(dir, () => 0);
    stores.push(b);
    const outboxB = new Outbox(b, { maxMessages: 100, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, new ManualClock());
    await outboxB.init();
    const { payload } = await outboxB.add('health', 't/health', (seq) => ({ seq }));
    expect(payload.seq).toBeGreaterThan(Math.max(...reserved));
  });

  it('after running on the in-memory stand-in, the real database counts on from above it', async () => {
    const dir = tempDir();
    const real = await Store.open(dir, () => 0);
    await real.close();
    const stand = await Store.openInMemory(() => 5_000_000, 0, dir);
    const outboxS = new Outbox(stand, { maxMessages: 100, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, new ManualClock());
    await outboxS.init();
    const { payload: last } = await outboxS.add('event', 't/event', (seq) => ({ seq }));
    await stand.close();
    const back = await Store.open(dir, () => 0);
    stores.push(back);
    const outboxB = new Outbox(back, { maxMessages: 100, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, new ManualClock());
    await outboxB.init();
    expect((await outboxB.add('event', 't/event', (seq) => ({ seq }))).payload.seq).toBeGreaterThan(last.seq);
  });
});

describe('telemetry when the store cannot be written', () => {
  it('disk full: messages go out directly with fresh seqs, store.error is raised once, and cleared when writes succeed again', async () => {
    const store = await Store.open(tempDir(), () => 0);
    const t = await setup(store);
    await t.telemetry.health(healthyBody());
    // SQLite's own size limit stands in for a full disk: the same SQLITE_FULL error.
    const pages = await store.db.get<{ page_count: number }>('PRAGMA page_count');
    await store.db.exec(`PRAGMA max_page_count = ${pages?.page_count ?? 1}`);
    const during: HealthPayload[] = [];
    for (let i = 0; i < 40; i++) during.push(await t.telemetry.health(healthyBody()));
    const raised = t.direct.filter((d) => d.body.code === 'store.error');
    expect(raised).toHaveLength(1);
    expect(raised[0]?.body).toMatchObject({ state: 'raised', severity: 'critical', message: expect.stringMatching(/SQLITE_FULL.*free space/) as string });
    expect(t.direct.filter((d) => d.topic === topics.health).length).toBeGreaterThan(0);
    expect(during.at(-1)?.store.error).toMatch(/full/);
    // Listed with the alerts raised now, as a consumer ranks stations by them.
    expect(during.at(-1)?.alerts).toContain('store.error');

    await store.db.exec('PRAGMA max_page_count = 1000000');
    const first = await t.telemetry.health(healthyBody()); // stored again; the clear follows it
    const next = await t.telemetry.health(healthyBody());
    expect(next.store.error).toBeNull();
    expect(next.alerts).not.toContain('store.error');
    expect(t.storedEvents).toEqual(['store.error cleared']);
    const all = [...t.stored, ...t.direct.map((d) => Number(d.body.seq))];
    expect(new Set(all).size).toBe(all.length); // no seq handed out twice
    expect(Math.max(...all)).toBe(next.seq);
    expect(Math.min(...t.stored.filter((x) => x >= first.seq))).toBe(first.seq);
    expect(Math.max(...t.direct.map((d) => Number(d.body.seq)))).toBeLessThan(first.seq);
  });

  it('on an in-memory stand-in, health says the store is not durable and store.error is raised through the outbox', async () => {
    const store = await Store.openInMemory(() => 0);
    const t = await setup(store);
    await t.telemetry.reportStoreProblem('Cannot use the database /x/station.db: SQLITE_NOTADB');
    const h = await t.telemetry.health(healthyBody());
    expect(h.store).toEqual({ durable: false, error: expect.stringMatching(/SQLITE_NOTADB/) as string });
    expect(t.storedEvents).toEqual(['store.error raised']);
    expect(t.stored).toHaveLength(2);
    expect(t.direct).toEqual([]);
  });
});
