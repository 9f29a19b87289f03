import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_NODE_FLAGS } from '../../agent/process/runtime-flags.js';
import { CLI, ENGLISH_LOCALE, runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { Proc } from '../support/process.js';
import { tempDir } from '../support/sim.js';

const hasMosquitto = peerAvailable('Mosquitto', 'mosquitto');
const STATUS = 'ektp/v1/99/9901/it-01/status';
const ids = Array.from({ length: 20 }, (_, i) => `ONE-${String(i + 1).padStart(4, '0')}`);

/**
 * A second `run` started by hand on the same configuration (so the same data folder): whether it
 * ends by itself, and how, or starts beside the first (then it is stopped here).
 */
async function secondRun(a: AgentUnderTest, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string; started: boolean }> {
  const p = new Proc(process.execPath, [...AGENT_NODE_FLAGS, CLI, 'run', '--config', a.configFile, ...args], { cwd: a.dir, env: { ...ENGLISH_LOCALE, ...env } });
  const started = await Promise.race([p.exited.then(() => false), p.waitForOutput(/station agent running/, 30_000).then(() => true, () => false)]);
  if (started) await p.stop();
  const { code } = await p.exited;
  return { code, output: p.output, started };
}

const jobStates = async (a: AgentUnderTest) => JSON.parse((await runCli(['jobs', 'list', '--json', '--config', a.configFile])).stdout) as { recordId: string; state: string }[];

describe.skipIf(!hasMosquitto)('one agent per data folder', () => {
  let mosq: Mosquitto;
  beforeAll(async () => {
    mosq = await startMosquitto();
  });
  afterAll(async () => {
    await mosq.stop();
  });

  const config = () =>
    testConfig(mosq.url, {
      printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 0.3, outputDir: 'out' } },
      records: { driver: 'sim', sim: { latencyMs: 20 } },
      log: { level: 'info' },
    });

  it('a second run beside a running agent is refused (exit 75, naming the folder and the PID, in the language asked), publishes nothing, and the first prints on; commands work beside it', async () => {
    const watch = await MqttWatch.start(mosq.url, 'ektp/#');
    const first = startAgent(config());
    try {
      await first.proc.waitForOutput(/station agent running/, 30_000);
      await watch.waitFor('the first agent online', (m) => m.topic === STATUS && m.payload.online === true, 15_000);
      // The clerk's and the technician's commands beside the running agent.
      expect((await runCli(['stock', 'receive', '100', '--batch', 'ONE-B1', '--config', first.configFile])).code).toBe(0);
      expect((await runCli(['jobs', 'add', ...ids, '--config', first.configFile])).code).toBe(0);
      const from = watch.messages.length;

      const en = await secondRun(first);
      expect(en.started, `a second agent started beside the first:\n${en.output.slice(-2000)}`).toBe(false);
      expect(en.code, en.output).toBe(75);
      const pid = String(first.proc.child.pid);
      expect(en.output).toContain(`PID ${pid}`);
      expect(en.output).toContain(join(first.dir, 'data'));
      expect(en.output).toMatch(/Another station agent is already running/);
      expect(en.output).toMatch(/systemctl stop station-agent/);
      const id = await secondRun(first, ['--lang', 'id']);
      expect(id.code, id.output).toBe(75);
      expect(id.output).toContain(`PID ${pid}`);
      expect(id.output).toMatch(/Agen stasiun lain sudah berjalan/);
      expect(id.output).not.toMatch(/Another station agent/);

      // The first agent prints every card, none set aside for a person, and the station stays online.
      await waitUntil('every card printed', async () => (await jobStates(first)).every((j) => j.state === 'printed'), 60_000, 500);
      expect((await runCli(['status', '--json', '--config', first.configFile])).code).toBe(0);
      const diagnose = await runCli(['diagnose', '--json', '--config', first.configFile]);
      // ... and still names the first agent as the one running (the second wrote no state of its own).
      const daemon = (JSON.parse(diagnose.stdout) as { checks: { id: string; status: string; facts: { pid?: number } }[] }).checks.find((c) => c.id === 'daemon');
      expect(daemon).toMatchObject({ status: 'pass', facts: { pid: first.proc.child.pid } });
      // Nothing said "offline" for the station while the second was refused (no shutdown, no will).
      const offline = watch.messages.slice(from).filter((m) => m.topic === STATUS && m.payload.online !== true);
      expect(offline.map((m) => m.payload)).toEqual([]);
      expect(first.proc.output).not.toMatch(/cannot write to the database/);
    } finally {
      await watch.stop();
      await first.proc.stop();
    }
  }, 180_000);

  it('after kill -9 a new run starts on the same folder with no cleanup, and holds it in turn', async () => {
    const dir = tempDir('one-agent-kill-');
    const first = startAgent(config(), dir);
    let next: AgentUnderTest | undefined;
    try {
      await first.proc.waitForOutput(/station agent running/, 30_000);
      first.proc.child.kill('SIGKILL');
      await first.proc.exited;
      next = startAgent(config(), dir);
      await next.proc.waitForOutput(/station agent running/, 30_000);
      const third = await secondRun(next);
      expect(third.started, third.output.slice(-2000)).toBe(false);
      expect(third.code, third.output).toBe(75);
      expect(third.output).toContain(`PID ${String(next.proc.child.pid)}`);
      next.proc.child.kill('SIGTERM');
      expect((await next.proc.exited).code).toBe(0);
    } finally {
      await next?.proc.stop();
      await first.proc.stop();
    }
  }, 120_000);
});
