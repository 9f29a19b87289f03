import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Db } from '../../platform/db.js';
import { startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch, type Seen } from '../support/mqtt-watch.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

const base = 'ektp/v1/99/9901/it-01';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function storedSeq(dataDir: string): Promise<number> {
  const db = await Db.open(join(dataDir, 'station.db'), { readOnly: true });
  const row = await db.get<{ value: number }>("SELECT value FROM counters WHERE name = 'seq'");
  await db.close();
  return row?.value ?? 0;
}

async function outboxSeqs(dataDir: string): Promise<number[]> {
  const db = await Db.open(join(dataDir, 'station.db'), { readOnly: true });
  const rows = await db.all<{ seq: number }>('SELECT seq FROM outbox ORDER BY seq');
  await db.close();
  return rows.map((r) => r.seq);
}

/** The first-seen order of seqs, with repeats (QoS 1 duplicates) taken out. */
function firstSeen(ms: Seen[]): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const m of ms) {
    const seq = Number(m.payload.seq);
    if (!seen.has(seq)) out.push(seq);
    seen.add(seq);
  }
  return out;
}

const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > (xs[i - 1] ?? 0));

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))('telemetry across a broker outage (Mosquitto with persistence)', () => {
  it('broker down, agent killed with -9 and restarted meanwhile, broker back: every seq arrives, no gaps, each stream in order', async () => {
    const dir = tempDir('outage-');
    let mosq: Mosquitto = await startMosquitto([], { persistence: true });
    // The dashboard: MQTT 5, a persistent session (an MQTT 5 session needs an expiry to outlive its
    // connection), retain-as-published so live health (retained)
    // and replayed history (retain off) can be told apart.
    const watch = await MqttWatch.start(mosq.url, `${base}/+`, { protocolVersion: 5, clean: false, clientId: 'dashboard-outage', properties: { sessionExpiryInterval: 3600 } }, { rap: true });
    const config = testConfig(mosq.url, { intervals: { pollSeconds: 0.2, healthSeconds: 0.4 }, mqtt: { url: mosq.url, reconnect: { initialSeconds: 0.2, maxSeconds: 1 } } });
    let agent: AgentUnderTest = startAgent(config, dir);
    try {
      await watch.waitFor('a few health samples', (m) => m.kind === 'health' && watch.of('health').length >= 3);
      await mosq.stop();

      writeFileSync(agent.printerFile, JSON.stringify({ film: { remaining: 0 } }));
      await sleep(1500);
      agent.proc.child.kill('SIGKILL');
      await agent.proc.exited;
      agent = startAgent(config, dir);
      await agent.proc.waitForOutput(/station agent running/);
      await sleep(800);
      writeFileSync(agent.printerFile, JSON.stringify({ film: { remaining: 1000 } }));
      await sleep(1000);
      const lastStored = await storedSeq(join(dir, 'data'));

      mosq = await startMosquitto([], { persistence: true, port: mosq.port, dir: mosq.dir });
      // A new store starts seq at the clock: count from the first seq the dashboard saw.
      const firstSeq = Math.min(...watch.messages.filter((m) => m.kind !== 'status').map((m) => Number(m.payload.seq)));
      const missing = () => {
        const got = new Set(watch.messages.filter((m) => m.kind !== 'status').map((m) => Number(m.payload.seq)));
        return Array.from({ length: lastStored - firstSeq + 1 }, (_, i) => firstSeq + i).filter((s) => !got.has(s));
      };
      await waitUntil(`every seq up to ${lastStored}`, () => missing().length === 0, 20_000).catch(async (err: Error) => {
        throw new Error(`${err.message}; missing ${missing().join(',')}; still in the outbox: ${(await outboxSeqs(join(dir, 'data'))).join(',')}\n${agent.proc.output.slice(-4000)}`);
      });
      await sleep(500);

      // One seq per station across health, events and the office's accounts (the day's totals here).
      const telemetry = watch.messages.filter((m) => m.kind === 'health' || m.kind === 'event' || m.kind === 'daily' || m.kind === 'office');
      const seqs = firstSeen(telemetry);
      const max = Math.max(...seqs);
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: max - firstSeq + 1 }, (_, i) => firstSeq + i));
      const duplicates = telemetry.length - seqs.length;
      expect(duplicates).toBeLessThanOrEqual(5);

      const events = watch.of('event');
      expect(increasing(firstSeen(events))).toBe(true);
      expect(events.map((e) => `${String(e.payload.code)} ${String(e.payload.state)}`)).toEqual(
        expect.arrayContaining(['supply.film.empty raised', 'supply.film.empty cleared']),
      );
      expect(increasing(firstSeen(watch.of('health').filter((m) => !m.retain)))).toBe(true);
      expect(increasing(firstSeen(watch.of('health').filter((m) => m.retain)))).toBe(true);
      expect(watch.of('health').filter((m) => !m.retain).length).toBeGreaterThan(3);

      // The retained health is the newest snapshot, and the birth came again after the outage.
      const newest = Math.max(...watch.of('health').map((m) => Number(m.payload.seq)));
      const late = await MqttWatch.start(mosq.url, `${base}/health`);
      const retained = await late.waitFor('retained health', (m) => m.retain);
      expect(Number(retained.payload.seq)).toBeGreaterThanOrEqual(newest);
      await late.stop();
      expect(watch.of('status').filter((m) => m.payload.online === true).length).toBeGreaterThanOrEqual(2);
      console.log(`outage test: ${seqs.length} messages, ${duplicates} duplicates`);
    } finally {
      await agent.proc.stop();
      await watch.stop();
      await mosq.stop();
    }
  });
});
