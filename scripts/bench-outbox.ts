/**
 * Outbox replay benchmark: fill the outbox with N messages while no broker runs, start
 * Mosquitto, and time the replay until the last PUBACK is written back; in the same run, time
 * raw mqtt.js QoS 1 publishing of the same messages to the same broker (the baseline).
 * The replay runs in a child process, with the agent's own Node flags and the Linux service's
 * environment (agent/process/runtime-flags.ts), so its RSS is the agent's alone.
 *
 *   node build/scripts/bench-outbox.js [--messages 100000] [--flags "--max-old-space-size=128 ..."] [--env "MALLOC_ARENA_MAX=2"]
 *
 * The last line printed is one JSON object with the figures.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { AGENT_ENV, AGENT_NODE_FLAGS } from '../agent/process/runtime-flags.js';
import { arg, childEnv, startMosquitto } from './bench-support.js';
import { Store } from '../agent/store/store.js';
import { systemClock } from '../core/clock.js';
import { DEFAULT_SENDER_OPTIONS } from '../telemetry/sender.js';
import { createTelemetryStack } from '../telemetry/stack.js';

const STATION = { id: 'bench-01', province: '00', regency: '0000' };
const PREFIX = 'ektp/v1';
const log = pino({ level: 'silent' });
const SENDER_WINDOW = DEFAULT_SENDER_OPTIONS.window;

/** A health payload of the real shape and size (about 1.3 KB). */
function samplePayload(seq: number): string {
  const supply = (kind: string, name: string, remaining: number, capacity: number) => ({
    kind, name, levelPercent: Math.round((remaining / capacity) * 100), remaining, capacity, status: 'ok', daysLeft: null,
  });
  return JSON.stringify({
    schema: 'station.health/1', station: STATION.id, ts: new Date(Date.UTC(2026, 0, 5) + seq * 10_000).toISOString(), seq,
    province: STATION.province, regency: STATION.regency,
    agent: { version: '0.1.0', startedAt: '2026-01-05T00:00:00.000Z', uptimeSeconds: seq * 10 },
    printer: { driver: 'sim', state: 'idle', reasons: [], model: 'Simulated retransfer card printer', error: null,
      supplies: [supply('ribbon', 'YMCKO ribbon', 400, 500), supply('film', 'Retransfer film', 800, 1000), supply('blanks', 'Input hopper', 80, 100)] },
    ups: { driver: 'sim', status: 'online', onBattery: false, chargePercent: 100, runtimeSeconds: 1800, inputVoltage: 220, loadPercent: 35, model: 'Simulated UPS', error: null },
    host: { cpuPercent: 3.2, memUsedPercent: 41.5, diskFreeBytes: 51234567890, uptimeSeconds: 86400 },
    stock: { blanksOnHand: null },
    jobs: { queued: null, printing: null, printedToday: null, failedToday: null, needsVerification: null },
    telemetry: { connected: false, backlog: seq, backlogBytes: seq * 1300, oldestBacklogSeconds: seq * 10, dropped: 0, droppedEvents: 0, refused: 0, lastError: 'nothing accepts connections' },
    alerts: [],
  });
}

/** Peak RSS, sampled while `work` runs. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakRssMb: Math.round((peak / 1_048_576) * 10) / 10 };
  } finally {
    clearInterval(timer);
  }
}

/** Child: fill the outbox while no broker is there (through the agent's own Outbox.add, in batches). */
async function fill(dataDir: string, n: number): Promise<void> {
  const store = await Store.open(dataDir);
  const topic = `${PREFIX}/${STATION.province}/${STATION.regency}/${STATION.id}/health`;
  // One transaction per 5,000 rows: the agent writes one per message, but a benchmark
  // should not spend minutes in fsync before it measures anything.
  for (let start = 1; start <= n; start += 5000) {
    await store.db.transaction(async (tx) => {
      for (let seq = start; seq < Math.min(n + 1, start + 5000); seq++) {
        const payload = samplePayload(seq);
        await tx.run('INSERT INTO outbox (seq, kind, topic, payload, created_at, bytes) VALUES (?, ?, ?, ?, ?, ?)', [seq, 'health', topic, payload, Date.now(), payload.length + topic.length]);
      }
      await tx.run("UPDATE counters SET value = ? WHERE name = 'seq'", [Math.min(n, start + 4999)]);
    });
  }
  await store.close();
}

/** Child: the agent's telemetry stack, from connect to the last acknowledgement written. */
async function replay(dataDir: string, url: string, protocolVersion: 4 | 5): Promise<void> {
  const store = await Store.open(dataDir);
  const stack = await createTelemetryStack({
    store, station: STATION, topicPrefix: PREFIX,
    mqtt: { url, clientId: 'bench-agent', keepaliveSeconds: 60, protocolVersion, backoff: { initialMs: 100, maxMs: 1000 } },
    outbox: { maxMessages: 10_000_000, maxBytes: 2 ** 40, maxAgeSeconds: 10 ** 9 },
    version: 'bench', clock: systemClock, log,
  });
  const messages = stack.outbox.stats().backlog;
  const result = await withPeakRss(async () => {
    const up = new Promise<number>((resolve) => stack.connection.once('up', () => resolve(performance.now())));
    stack.start();
    const t0 = await up;
    for (;;) {
      await stack.sender.drained();
      if (stack.outbox.stats().backlog === 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    return performance.now() - t0;
  });
  await stack.stop();
  await store.close();
  process.stdout.write(`${JSON.stringify({ messages, ms: result.value, peakRssMb: result.peakRssMb })}\n`);
}

/**
 * Baseline: plain mqtt.js, the same payloads, QoS 1, with the same number in flight as the
 * agent's sender (unbounded, mqtt.js runs out of the 65,535 packet ids and stalls).
 */
async function raw(url: string, n: number, protocolVersion: 4 | 5, window: number): Promise<{ ms: number; peakRssMb: number }> {
  const topic = `${PREFIX}/${STATION.province}/${STATION.regency}/${STATION.id}/health`;
  const client = await mqtt.connectAsync(url, { clientId: 'bench-raw', protocolVersion, reconnectPeriod: 0 });
  const r = await withPeakRss(async () => {
    const t0 = performance.now();
    let next = 1;
    const lane = async () => {
      while (next <= n) await client.publishAsync(topic, samplePayload(next++), { qos: 1 });
    };
    await Promise.all(Array.from({ length: window }, lane));
    return performance.now() - t0;
  });
  await client.endAsync();
  return { ms: r.value, peakRssMb: r.peakRssMb };
}

/** The agent's Node flags, or others to compare (`--flags "..."`), for every child of the run. */
const NODE_FLAGS = arg('flags', AGENT_NODE_FLAGS.join(' ')).split(' ').filter(Boolean);
/** The Linux service's environment, or another (`--env "..."`, `--env ""` for none). */
const CHILD_ENV = childEnv(AGENT_ENV).env;

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: CHILD_ENV });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`benchmark child ${args[0] ?? ''} exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const phase = arg('phase', 'main');
  const protocolVersion = Number(arg('protocol', '5')) === 4 ? 4 : 5;
  if (phase === 'fill') return fill(arg('data', ''), Number(arg('messages', '0')));
  if (phase === 'replay') return replay(arg('data', ''), arg('url', ''), protocolVersion);

  const n = Number(arg('messages', '100000'));
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-outbox-'));
  console.log(`filling the outbox with ${n} health messages (no broker running)...`);
  const f0 = performance.now();
  await runChild(['--phase', 'fill', '--data', dataDir, '--messages', String(n)]);
  const fillMs = performance.now() - f0;
  console.log(`  filled in ${(fillMs / 1000).toFixed(1)} s; starting Mosquitto`);
  const broker = await startMosquitto();
  try {
    console.log(`replaying through the agent's outbox (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'}, QoS 1)...`);
    const rep = JSON.parse(await runChild(['--phase', 'replay', '--data', dataDir, '--url', broker.url, '--protocol', String(protocolVersion)])) as { messages: number; ms: number; peakRssMb: number };
    if (rep.messages !== n) throw new Error(`the outbox held ${rep.messages} messages, expected ${n}`);
    console.log(`  replay: ${n} messages in ${(rep.ms / 1000).toFixed(2)} s, peak RSS ${rep.peakRssMb} MB`);
    console.log('baseline: raw mqtt.js QoS 1 publishing of the same messages...');
    const base = await raw(broker.url, n, protocolVersion, SENDER_WINDOW);
    console.log(`  raw: ${n} messages in ${(base.ms / 1000).toFixed(2)} s, peak RSS ${base.peakRssMb} MB`);
    const replayPerSecond = Math.round(n / (rep.ms / 1000));
    const rawPerSecond = Math.round(n / (base.ms / 1000));
    console.log(
      JSON.stringify({
        bench: 'outbox', messages: n, protocolVersion, fillSeconds: Math.round(fillMs / 100) / 10,
        replaySeconds: Math.round(rep.ms) / 1000, replayPerSecond, rawSeconds: Math.round(base.ms) / 1000, rawPerSecond,
        ratio: Math.round((replayPerSecond / rawPerSecond) * 100) / 100, peakRssMb: rep.peakRssMb, rawPeakRssMb: base.peakRssMb,
      }),
    );
  } finally {
    broker.stop();
  }
}

main().catch((err: Error) => {
  console.error(`bench-outbox: ${err.message}`);
  process.exit(1);
});
