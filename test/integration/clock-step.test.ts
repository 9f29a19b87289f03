/**
 * The real agent under libfaketime. What is stepped: its wall clock only (CLOCK_REALTIME, which
 * Node reads for Date.now: the stamps, and which day it is), an hour back and then a day forward
 * while it runs, as NTP correcting a fast PC or a clerk fixing the time does. What is not:
 * monotonic time (CLOCK_MONOTONIC, which performance.now and Node's timers read), left alone with
 * FAKETIME_DONT_FAKE_MONOTONIC=1, as a real step leaves it. Health must keep its period, the
 * province's `snapshot` must be answered, cards must keep printing (none set aside for a person),
 * the uptime must count real seconds, and the stamps and "printed today" must follow the stepped wall.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch, type Seen } from '../support/mqtt-watch.js';
import { peerAvailable } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

const BASE = 'ektp/v1/99/9901/it-01';
/** From Debian's package `faketime` (.ci/run installs it), in this machine's multiarch folder. */
const LIBFAKETIME = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/faketime/libfaketime.so.1`;
const HOUR = 3_600_000;
const HEALTH_MS = 2000;
/** Real time watched after each step: a health period stopped by the step would show as a gap. */
const WINDOW_MS = 4000;

const ready = peerAvailable('Mosquitto', 'mosquitto') && peerAvailable('libfaketime (Debian package faketime)', LIBFAKETIME);

const live = (m: Seen) => m.kind === 'health' && !m.retain;
const jobsOf = (m: Seen) => m.payload.jobs as { queued: number; ready: number; printing: number; printedToday: number };
const printerOf = (m: Seen) => (m.payload.printer as { state: string }).state;
/** How far the agent's stamp is from the test's own (unstepped) clock, in ms. */
const skew = (m: Seen) => Date.parse(String(m.payload.ts)) - m.at;

describe.skipIf(!ready)('a wall clock stepped under the running agent (libfaketime)', () => {
  let broker: Mosquitto | undefined;
  let agent: AgentUnderTest | undefined;
  let watch: MqttWatch | undefined;
  afterEach(async () => {
    await watch?.stop();
    await agent?.proc.stop();
    await broker?.stop();
    broker = agent = watch = undefined;
  });

  it('an hour back, then a day forward: health keeps its period and its stamps follow the wall, snapshot is answered, cards keep printing', async () => {
    broker = await startMosquitto();
    const dir = tempDir('clock-step-');
    // The offset libfaketime reads on every call (FAKETIME_NO_CACHE=1): "+0", then "-3600", then "+86400".
    const offset = join(dir, 'faketime.rc');
    writeFileSync(offset, '+0\n');
    const cards = join(dir, 'cards');
    const config = testConfig(broker.url, {
      intervals: { pollSeconds: 0.5, healthSeconds: HEALTH_MS / 1000 },
      records: { driver: 'sim', sim: { latencyMs: 100 } },
      printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 1, outputDir: 'cards' } },
      log: { level: 'info' },
    });
    agent = startAgent(config, dir, { env: { LD_PRELOAD: LIBFAKETIME, FAKETIME_TIMESTAMP_FILE: offset, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' } });
    const a = agent;
    await a.proc.waitForOutput(/station agent running/, 20_000);
    const w = (watch = await MqttWatch.start(broker.url, `${BASE}/#`));
    await w.waitFor('a first health', live);
    const add = async (ids: string[]) => expect((await runCli(['jobs', 'add', ...ids, '--config', a.configFile])).code).toBe(0);
    /** Wall stamps (the agent's) of the cards out of the printer, by the files the simulated printer writes. */
    const out = () => (existsSync(cards) ? readdirSync(cards).filter((f) => f.endsWith('.pdf')) : []);

    /**
     * Step the wall clock with the printer idle and watch WINDOW_MS of real time: nothing changes
     * meanwhile, so every health seen is the period's. Then ask for a snapshot, and print two cards.
     */
    const step = async (tag: string, to: string, skewMs: number, ids: string[]) => {
      await w.waitFor('the printer idle', (m) => live(m) && printerOf(m) === 'idle', 10_000, w.messages.length);
      const from = w.messages.length;
      writeFileSync(offset, `${to}\n`);
      const stepped = Date.now();
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      // Published after the step took hold (a poll begun just before may still carry the old stamp).
      const seen = w.messages.slice(from).filter((m) => live(m) && Math.abs(skew(m) - skewMs) < 60_000);
      const at = [stepped, ...seen.map((m) => m.at), Date.now()];
      const gaps = at.slice(1).map((t, i) => t - (at[i] ?? t));
      // One every 2 s whatever the wall did (2 s more of slack for a loaded machine), never none.
      const said = `health after the step ${to}, ms after it: ${at.map((t) => t - stepped).join(', ')}`;
      expect(seen.length, said).toBeGreaterThanOrEqual(Math.floor(WINDOW_MS / HEALTH_MS) - 1);
      expect(Math.max(...gaps), said).toBeLessThan(2 * HEALTH_MS);
      const asked = w.messages.length;
      await w.client.publishAsync(`${BASE}/cmd/snapshot`, JSON.stringify({ id: tag }), { qos: 1 });
      const reply = await w.waitFor(`the snapshot reply after ${to}`, (m) => m.topic === `${BASE}/cmd/snapshot/reply`, 5000, asked);
      expect(reply.payload).toMatchObject({ status: 'ok', id: tag });
      const added = w.messages.length;
      await add(ids);
      await w.waitFor(`a card of ${ids.join(', ')} in the printer`, (m) => live(m) && printerOf(m) === 'printing', 10_000, added);
      return seen;
    };

    const back = await step('back-an-hour', '-3600', -HOUR, ['CLK-0001', 'CLK-0002']);
    const forward = await step('a-day-forward', '+86400', 24 * HOUR, ['CLK-0003', 'CLK-0004']);

    const ids = ['CLK-0001', 'CLK-0002', 'CLK-0003', 'CLK-0004'];
    // The queue empty and the printer idle, a day on: every card is through.
    const last = await w.waitFor('the last card through', (m) => live(m) && printerOf(m) === 'idle' && skew(m) > HOUR && jobsOf(m).queued + jobsOf(m).ready + jobsOf(m).printing === 0, 15_000, w.messages.length);
    // Printed, each once: none set aside for a person, none failed.
    const jobs = JSON.parse((await runCli(['jobs', 'list', '--json', '--config', a.configFile])).stdout) as { recordId: string; state: string }[];
    expect(jobs.map((j) => `${j.recordId}:${j.state}`)).toEqual(ids.map((id) => `${id}:printed`));
    expect(out().map((f) => f.split('--')[0]).sort()).toEqual(ids);
    expect(a.proc.output).not.toMatch(/needs a person to verify|did not finish within/);

    // The uptime counts real seconds through both steps: never back an hour, never on a day.
    const uptimes = [...back, ...forward].map((m) => (m.payload.agent as { uptimeSeconds: number }).uptimeSeconds);
    expect(uptimes).toEqual([...uptimes].sort((x, y) => x - y));
    expect(uptimes.at(-1)).toBeLessThan(120);
    // "Printed today" follows the wall's day: a day forward, only the cards stamped on the new day count.
    const today = new Date(Date.parse(String(last.payload.ts))).toDateString();
    const stampedToday = out().filter((f) => new Date(Number(/-(\d{13})\.pdf$/.exec(f)?.[1])).toDateString() === today).length;
    expect(stampedToday).toBeGreaterThan(0);
    expect(stampedToday).toBeLessThan(ids.length);
    expect(jobsOf(last).printedToday).toBe(stampedToday);
  }, 60_000);
});
