import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../agent/store/store.js';
import { ManualClock } from '../../core/clock.js';
import { Outbox, type OutboxLimits } from '../../telemetry/outbox.js';
import { Sender, type Transport } from '../../telemetry/sender.js';
import { quietLog, tempDir } from '../support/sim.js';
import { waitUntil } from '../support/peers.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(limits: Partial<OutboxLimits> = {}, dir = tempDir()) {
  const store = await Store.open(dir, () => 0);
  stores.push(store);
  const clock = new ManualClock();
  const outbox = new Outbox(store, { maxMessages: 1000, maxBytes: 10_000_000, maxAgeSeconds: 86_400, ...limits }, clock);
  await outbox.init();
  // Ten seconds apart, as health samples come.
  const add = (kind: 'health' | 'event') => {
    clock.advance(10_000);
    return outbox.add(kind, `t/${kind}`, (seq) => ({ seq, kind, pad: 'x'.repeat(50) }));
  };
  const seqs = async () => (await outbox.page(0, Number.MAX_SAFE_INTEGER, 100_000)).map((m) => `${m.kind[0]}${m.seq}`);
  return { store, clock, outbox, add, seqs, dir };
}

/** A broker stand-in that acknowledges when told to, and records what it was given. */
class FakeBroker implements Transport {
  got: { topic: string; seq: number; retain: boolean }[] = [];
  private pending: (() => void)[] = [];
  autoAck = true;
  publish(topic: string, payload: string, retain: boolean): Promise<void> {
    this.got.push({ topic, seq: (JSON.parse(payload) as { seq: number }).seq, retain });
    if (this.autoAck) return Promise.resolve();
    return new Promise((resolve) => this.pending.push(resolve));
  }
  ackAll(): void {
    for (const r of this.pending.splice(0)) r();
  }
}

describe('outbox', () => {
  it('stores each message with its seq and keeps it until acknowledged', async () => {
    const t = await setup();
    await t.add('health');
    await t.add('event');
    expect(await t.seqs()).toEqual(['h1', 'e2']);
    expect(t.outbox.stats()).toMatchObject({ backlog: 2, lastSeq: 2 });
    await t.outbox.ack([1]);
    expect(await t.seqs()).toEqual(['e2']);
    expect(t.outbox.stats().backlog).toBe(1);
  });

  it('past its message cap, thins health where it is densest, keeps the first and last, and keeps every event', async () => {
    const t = await setup({ maxMessages: 10 });
    for (let i = 0; i < 10; i++) await t.add(i % 5 === 0 ? 'event' : 'health');
    const { dropped } = await t.add('health');
    // Health every 10 s, events at 10 and 60 s: h3 and h8 sit where samples are densest
    // (h5 and h7 have the event's gap beside them); one over the cap, plus a tenth of the cap.
    expect(dropped).toEqual({ health: 2, event: 0 });
    expect(await t.seqs()).toEqual(['e1', 'h2', 'h4', 'h5', 'e6', 'h7', 'h9', 'h10', 'h11']);
    for (let i = 0; i < 20; i++) await t.add('health');
    const kept = await t.seqs();
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept.filter((s) => s.startsWith('e'))).toEqual(['e1', 'e6']);
    expect(t.outbox.stats().dropped).toEqual({ health: 31 - kept.length, event: 0 });
  });

  it('thins over a long outage: what remains spans it evenly, not one growing hole', async () => {
    const t = await setup({ maxMessages: 40 });
    for (let i = 0; i < 200; i++) await t.add('health');
    const kept = (await t.seqs()).map((x) => Number(x.slice(1)));
    expect(kept.length).toBeLessThanOrEqual(40);
    expect(kept[0]).toBe(1); // the start of the outage is still there
    expect(kept.filter((s) => s <= 100).length).toBeGreaterThanOrEqual(5); // the first half is not one hole
    const gaps = kept.slice(1).map((s, i) => s - (kept[i] ?? 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(16);
  });

  it('a clock that was wrong (before the floor) when a message was stored does not age it out', async () => {
    const t = await setup({ maxAgeSeconds: 3600 });
    const wrong = new ManualClock(Date.UTC(2001, 0, 1));
    const outbox = new Outbox(t.store, { maxMessages: 1000, maxBytes: 10_000_000, maxAgeSeconds: 3600 }, wrong);
    await outbox.init();
    await outbox.add('event', 't/event', (seq) => ({ seq }));
    await t.outbox.init();
    await t.add('health'); // the right clock now: 26 years "later"
    expect(await t.seqs()).toEqual(['e1', 'h2']);
  });

  it('drops events only when nothing but events is left, and counts them apart', async () => {
    const t = await setup({ maxMessages: 10 });
    for (let i = 0; i < 12; i++) await t.add('event');
    expect(await t.seqs()).toEqual(['e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10', 'e11', 'e12']);
    expect(t.outbox.stats().dropped).toEqual({ health: 0, event: 2 });
  });

  it('keeps within its byte cap', async () => {
    const t = await setup({ maxBytes: 2000 });
    for (let i = 0; i < 100; i++) await t.add('health');
    expect(t.outbox.stats().backlogBytes).toBeLessThanOrEqual(2000);
    expect(t.outbox.stats().backlog).toBeGreaterThan(10);
  });

  it('drops what is older than its max age', async () => {
    const t = await setup({ maxAgeSeconds: 3600 });
    await t.add('event');
    t.clock.advance(3_600_001);
    await t.add('health');
    expect(await t.seqs()).toEqual(['h2']);
    expect(t.outbox.stats().dropped).toEqual({ health: 0, event: 1 });
  });

  it('counters survive a restart: backlog, bytes and dropped', async () => {
    const t = await setup({ maxMessages: 10 });
    for (let i = 0; i < 12; i++) await t.add('health');
    const before = t.outbox.stats();
    await t.store.close();
    stores.pop();
    const again = await setup({ maxMessages: 10 }, t.dir);
    expect(again.outbox.stats()).toEqual(before);
  });
});

describe('sender', () => {
  it('replays the stored backlog oldest first with retain off, sends live messages at once with health retained', async () => {
    const t = await setup();
    const sender = new Sender(t.outbox, quietLog, t.clock, { window: 3, pageSize: 2 });
    for (let i = 0; i < 7; i++) await t.add(i % 2 ? 'event' : 'health');
    const broker = new FakeBroker();
    broker.autoAck = false;
    sender.up(broker);
    await waitUntil('a full window', () => broker.got.length === 3);
    await t.add('health'); // live health, while the backlog is still going out: sent at once
    await t.add('event'); // live event: waits for the replay to pass it
    expect(broker.got.map((g) => g.seq)).toEqual([1, 2, 3, 8]);
    // Each window acknowledged as it goes out, until the replay has passed the live event (9).
    while (broker.got.length < 9) {
      const sent = broker.got.length;
      broker.ackAll();
      await waitUntil('the next window', () => broker.got.length > sent, 5000, 1);
    }
    broker.ackAll();
    await sender.drained();
    const backlog = broker.got.filter((g) => g.seq < 8);
    expect(backlog.map((g) => g.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(backlog.every((g) => !g.retain)).toBe(true);
    expect(broker.got.find((g) => g.seq === 8)?.retain).toBe(true);
    expect(broker.got.filter((g) => g.topic === 't/event').map((g) => g.seq)).toEqual([2, 4, 6, 9]);
    broker.autoAck = true;
    await t.add('event'); // after the replay, events go out at once
    expect(broker.got.at(-1)).toMatchObject({ seq: 10, retain: false });
    await sender.drained();
    expect(t.outbox.stats().backlog).toBe(0);
  });

  it('what was in flight when the session dropped is sent again on the next one', async () => {
    const t = await setup();
    const sender = new Sender(t.outbox, quietLog, t.clock);
    const first = new FakeBroker();
    first.autoAck = false;
    sender.up(first);
    await t.add('event');
    await t.add('health');
    await waitUntil('both sent', () => first.got.length === 2);
    sender.down();
    first.ackAll(); // a late acknowledgement from the dead session still counts
    await sender.flush();
    await t.add('event');
    const second = new FakeBroker();
    sender.up(second);
    await sender.drained();
    expect(second.got.map((g) => g.seq)).toEqual([3]);
    expect(t.outbox.stats().backlog).toBe(0);
  });

  it('a message the broker refuses (not authorised) is dropped and counted, not re-sent forever', async () => {
    const t = await setup();
    const sender = new Sender(t.outbox, quietLog, t.clock);
    sender.up({ publish: () => Promise.reject(Object.assign(new Error('Publish error: Not authorized'), { code: 135 })) });
    await t.add('event');
    await sender.drained();
    await waitUntil('the refusal to be recorded', () => sender.refused === 1);
    await sender.flush();
    expect(t.outbox.stats().backlog).toBe(0);
  });
});

describe('sender when the broker turns one message down for now', () => {
  it('sends the backlog again from the outbox, so the message is not left behind; a broker limit on messages in flight is kept', async () => {
    const t = await setup();
    // Stored first (adding moves the clock): the session replays them, and only the sender's own wait is left on the clock.
    for (let i = 0; i < 6; i++) await t.add('event');
    const sender = new Sender(t.outbox, quietLog, t.clock);
    let inFlight = 0;
    let most = 0;
    let refusedOnce = false;
    const got: number[] = [];
    sender.up(
      {
        publish: async (_topic, payload) => {
          const seq = (JSON.parse(payload) as { seq: number }).seq;
          inFlight += 1;
          most = Math.max(most, inFlight);
          // Acknowledged a turn of the event loop later (no time passes): the sender has its window out meanwhile.
          await new Promise((r) => setImmediate(r));
          inFlight -= 1;
          if (seq === 2 && !refusedOnce) {
            refusedOnce = true;
            throw Object.assign(new Error('Publish error: Quota exceeded'), { code: 0x97 });
          }
          got.push(seq);
        },
      },
      2,
    );
    // Turned down once: the rest go on, and 2 waits a second on the injected clock, not the machine's.
    await waitUntil('the others acknowledged', () => got.length === 5 && t.outbox.stats().backlog === 1, 5000, 1);
    expect(got).toEqual([1, 3, 4, 5, 6]);
    expect(t.clock.nextTimerIn()).toBe(1000);
    t.clock.advance(999);
    expect(t.outbox.stats().backlog).toBe(1);
    t.clock.advance(1);
    await waitUntil('every message acknowledged', () => t.outbox.stats().backlog === 0, 5000, 1);
    expect(got).toEqual([1, 3, 4, 5, 6, 2]);
    expect(most).toBe(2);
    expect(sender.refused).toBe(0);
  });
});
