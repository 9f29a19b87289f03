/**
 * What the dashboard's health line says of the messages it got late or never: the lag is never
 * negative (a stamp ahead of this PC is the station's clock ahead, counted), the seqs a station
 * skipped are counted per station (a late one fills its gap), and the broker's own count of
 * dropped messages is shown where it publishes one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { health, ingestRig, openStores, T0 } from '../support/dashboard-rig.js';

afterEach(async () => {
  for (const s of openStores.splice(0)) await s.close();
});

const healthText = (id: string, seq: number, at = T0) => JSON.stringify(health(id, '5371', () => undefined, seq, at));
const event = (station: string, seq: number, at = T0) => ({ schema: 'station.event/1', station, ts: new Date(at).toISOString(), seq, code: 'printer.error', state: 'raised', severity: 'critical', message: 'test' });

describe('the lag and a clock ahead', () => {
  it('a health stamped 999 ms ahead of this PC is a lag of 0, never −999 ms, and the station is counted as its clock ahead', async () => {
    const rig = await ingestRig();
    rig.at(T0);
    await rig.send('5371/ahead-01/health', healthText('ahead-01', 1, T0 + 999));
    expect(rig.ingest.metrics().lagMs).toEqual({ p50: 0, p95: 0, max: 0, samples: 1 });
    await rig.send('5371/fine-01/health', healthText('fine-01', 1, T0 - 250));
    const m = rig.ingest.metrics();
    expect(m.lagMs).toEqual({ p50: 250, p95: 250, max: 250, samples: 2 });
    expect(m.clockAhead).toEqual({ messages: 1, stations: 1, worst: [{ station: 'ahead-01', aheadMs: 999 }] });
    // Its clock put right: it is no longer counted as ahead (the messages it sent ahead stay counted).
    rig.at(T0 + 10_000);
    await rig.send('5371/ahead-01/health', healthText('ahead-01', 2, T0 + 9_900));
    expect(rig.ingest.metrics().clockAhead).toEqual({ messages: 1, stations: 0, worst: [] });
  });
});

describe('seq gaps, per station', () => {
  it('counts the seqs a station skipped across its health and events; a late one fills its gap; another station is apart', async () => {
    const rig = await ingestRig();
    await rig.send('5371/gap-01/health', healthText('gap-01', 10));
    await rig.send('5371/gap-01/event', event('gap-01', 11));
    await rig.send('5371/gap-01/health', healthText('gap-01', 15));
    await rig.send('5371/other-01/health', healthText('other-01', 3));
    await rig.send('5371/other-01/health', healthText('other-01', 4));
    expect(rig.ingest.metrics().seqGaps).toEqual({ missing: 3, stations: 1, worst: [{ station: 'gap-01', missing: 3 }] });
    expect(rig.ingest.missing('gap-01')).toBe(3);
    // An event of the gap arrives late (a replayed backlog): one fewer missing.
    await rig.send('5371/gap-01/event', event('gap-01', 13));
    expect(rig.ingest.missing('gap-01')).toBe(2);
    // A duplicate (QoS 1) changes nothing.
    await rig.send('5371/gap-01/event', event('gap-01', 13));
    expect(rig.ingest.metrics().seqGaps.missing).toBe(2);
  });

  it('a jump of a million seqs is a new count, not a million messages lost; a restart on a lower seq forgets the old gaps', async () => {
    const rig = await ingestRig({ staleAfterMs: 60_000 });
    await rig.send('5371/jump-01/health', healthText('jump-01', 1));
    await rig.send('5371/jump-01/health', healthText('jump-01', 3));
    await rig.send('5371/jump-01/health', healthText('jump-01', 1_000_003));
    expect(rig.ingest.metrics().seqGaps.missing).toBe(0);
    await rig.send('5371/jump-01/health', healthText('jump-01', 1_000_006));
    expect(rig.ingest.missing('jump-01')).toBe(2);
    // Stale, then back with a lower seq and a later time: a restart, on a new count.
    rig.at(T0 + 120_000);
    await rig.send('5371/jump-01/health', healthText('jump-01', 1, T0 + 120_000));
    expect(rig.ingest.missing('jump-01')).toBe(0);
  });
});

describe("the broker's own count of dropped messages", () => {
  it('is null until the broker says it, then its figure', async () => {
    const rig = await ingestRig();
    expect(rig.ingest.metrics().brokerDropped).toBeNull();
    rig.ingest.brokerStat('$SYS/broker/publish/messages/dropped', Buffer.from('80'));
    rig.ingest.brokerStat('$SYS/broker/publish/messages/dropped', Buffer.from('not a number'));
    rig.ingest.brokerStat('$SYS/broker/publish/messages/received', Buffer.from('9999'));
    expect(rig.ingest.metrics().brokerDropped).toBe(80);
  });
});
