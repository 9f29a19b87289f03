import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch, type Seen } from '../support/mqtt-watch.js';
import { peerAvailable } from '../support/peers.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';

const POLL_MS = 500;
const base = 'ektp/v1/99/9901/it-01';
const validators = schemaValidators();
const hasMosquitto = peerAvailable('Mosquitto', 'mosquitto');

describe.skipIf(!hasMosquitto)('the agent against a real Mosquitto', () => {
  let mosq: Mosquitto;
  beforeAll(async () => {
    mosq = await startMosquitto();
  });
  afterAll(async () => {
    await mosq.stop();
  });

  const isEvent = (code: string, state: string) => (m: Seen) => m.kind === 'event' && m.payload.code === code && m.payload.state === state;

  /** Write a state file and wait for what it should cause; "within 2 poll periods" (+ 1 s of slack for a loaded machine). */
  async function inject(watch: MqttWatch, file: string, state: object, what: string, pred: (m: Seen) => boolean): Promise<Seen> {
    const from = watch.messages.length;
    writeFileSync(file, JSON.stringify(state));
    return watch.waitFor(what, pred, 2 * POLL_MS + 1000, from);
  }

  it('birth, health, events, retained state and the shutdown status arrive as the contract says; seq survives a restart', async () => {
    const watch = await MqttWatch.start(mosq.url, 'ektp/#');
    let agent: AgentUnderTest | undefined = startAgent(testConfig(mosq.url, { intervals: { pollSeconds: POLL_MS / 1000, healthSeconds: 2 } }));
    try {
      const birth = await watch.waitFor('birth status', (m) => m.topic === `${base}/status` && m.payload.online === true);
      expect(payloadErrors(validators, birth.payload)).toEqual([]);
      const firstHealth = await watch.waitFor('health', (m) => m.topic === `${base}/health`);
      expect(payloadErrors(validators, firstHealth.payload)).toEqual([]);
      expect(firstHealth.payload).toMatchObject({ station: 'it-01', province: '99', regency: '9901', printer: { state: 'idle' }, ups: { status: 'online' } });
      // The simulated printer's rated time a card (testConfig: 1 s), through the driver boundary to the broker.
      expect((firstHealth.payload.printer as { secondsPerCard?: number }).secondsPerCard).toBe(1);

      // Film runs out: the event and the health change within two poll periods, and clear on refill.
      const filmEmpty = await inject(watch, agent.printerFile, { film: { remaining: 0 } }, 'supply.film.empty raised', isEvent('supply.film.empty', 'raised'));
      expect(filmEmpty.payload).toMatchObject({ severity: 'critical', schema: 'station.event/1' });
      expect(payloadErrors(validators, filmEmpty.payload)).toEqual([]);
      const film = (m: Seen) => (m.payload.printer as { supplies: { kind: string; status: string }[] }).supplies.find((s) => s.kind === 'film');
      const emptyHealth = await watch.waitFor('health with film empty', (m) => m.kind === 'health' && film(m)?.status === 'empty');
      expect(emptyHealth.payload).toMatchObject({ printer: { state: 'stopped' } });
      expect(emptyHealth.payload.alerts).toContain('supply.film.empty');
      await inject(watch, agent.printerFile, { film: { remaining: 1000 } }, 'supply.film.empty cleared', isEvent('supply.film.empty', 'cleared'));

      // Mains lost, then back.
      await inject(watch, agent.upsFile, { mains: false }, 'ups.on_battery raised', isEvent('ups.on_battery', 'raised'));
      const onBattery = await watch.waitFor('health on battery', (m) => m.kind === 'health' && (m.payload.ups as { status: string }).status === 'on_battery');
      expect((onBattery.payload.ups as { inputVoltage: number }).inputVoltage).toBe(0);
      await inject(watch, agent.upsFile, { mains: true }, 'ups.on_battery cleared', isEvent('ups.on_battery', 'cleared'));

      // A dashboard that connects now gets the retained birth and the newest health at once.
      const newestSeq = Math.max(...watch.of('health').map((m) => Number(m.payload.seq)));
      const late = await MqttWatch.start(mosq.url, `${base}/+`);
      const retainedStatus = await late.waitFor('retained status', (m) => m.kind === 'status' && m.retain);
      const retainedHealth = await late.waitFor('retained health', (m) => m.kind === 'health' && m.retain);
      expect(retainedStatus.payload).toMatchObject({ online: true });
      expect(Number(retainedHealth.payload.seq)).toBeGreaterThanOrEqual(newestSeq);
      await late.stop();

      // Clean stop: exit 0 within 5 s, a last health, then the retained shutdown status.
      const stoppingAt = Date.now();
      const before = watch.messages.length;
      agent.proc.child.kill('SIGTERM');
      const { code } = await agent.proc.exited;
      expect(code).toBe(0);
      expect(Date.now() - stoppingAt).toBeLessThan(5000);
      const shutdown = await watch.waitFor('shutdown status', (m) => m.kind === 'status' && m.payload.online === false, 3000, before);
      expect(shutdown.payload).toMatchObject({ online: false, reason: 'shutdown' });
      expect(watch.messages.slice(before).map((m) => m.kind)).toEqual(['health', 'status']);
      expect(agent.proc.output).toContain('stopped cleanly');

      // Restart on the same data: seq goes on from where it stopped.
      const lastSeq = Math.max(...watch.messages.filter((m) => typeof m.payload.seq === 'number').map((m) => Number(m.payload.seq)));
      const restartFrom = watch.messages.length;
      agent = startAgent(testConfig(mosq.url), agent.dir);
      const next = await watch.waitFor('health after restart', (m) => m.kind === 'health', 10_000, restartFrom);
      expect(Number(next.payload.seq)).toBeGreaterThan(lastSeq);

      // Every health and event, across both runs, in strictly increasing seq order.
      const seqs = watch.messages.filter((m) => m.kind === 'health' || m.kind === 'event').map((m) => Number(m.payload.seq));
      expect(seqs.every((s, i) => i === 0 || s > (seqs[i - 1] ?? 0))).toBe(true);
      for (const m of watch.messages) expect(payloadErrors(validators, m.payload), m.topic).toEqual([]);
    } finally {
      await agent?.proc.stop();
      await watch.stop();
    }
  });

  it('kill -9 of the agent makes the broker publish the Will', async () => {
    const watch = await MqttWatch.start(mosq.url, `${base}/status`);
    const agent = startAgent(testConfig(mosq.url));
    try {
      await watch.waitFor('birth', (m) => m.payload.online === true);
      const from = watch.messages.length;
      agent.proc.child.kill('SIGKILL');
      const will = await watch.waitFor('the Will', (m) => m.payload.online === false, 5000, from);
      expect(will.payload).toMatchObject({ schema: 'station.status/1', station: 'it-01', online: false, reason: 'lost' });
      expect(payloadErrors(validators, will.payload)).toEqual([]);
      // Locally, status does not claim the killed agent is running.
      const local = await runCli(['status', '--config', agent.configFile, '--json']);
      expect(JSON.parse(local.stdout)).toMatchObject({ agent: { state: 'gone' } });
    } finally {
      await agent.proc.stop();
      await watch.stop();
    }
  });
});
