import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { peerAvailable } from '../support/peers.js';
import { rssMegabytes } from '../support/process.js';

const BASE = 'ektp/v1/99/9901/it-01';
/** The agent's RSS; unreadable fails the test rather than reading as 0 MB (which would pass the bound). */
const rssMb = (pid: number) => {
  const mb = rssMegabytes(pid);
  if (mb === null) throw new Error(`the RSS of PID ${pid} could not be read`);
  return mb;
};

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))('a flood of commands through a real broker', () => {
  let broker: Mosquitto | undefined;
  let agent: AgentUnderTest | undefined;
  let watch: MqttWatch | undefined;
  afterEach(async () => {
    await watch?.stop();
    await agent?.proc.stop();
    await broker?.stop();
    broker = agent = watch = undefined;
  });

  it('thousands of snapshot and unknown commands a second, and a 60 KB name: the agent stays up, answers a few, logs a line, keeps its health and its UPS', async () => {
    broker = await startMosquitto();
    agent = startAgent(testConfig(broker.url, { intervals: { pollSeconds: 0.5, healthSeconds: 1 }, log: { level: 'info' } }));
    await agent.proc.waitForOutput(/station agent running/);
    watch = await MqttWatch.start(broker.url, `${BASE}/#`);
    await watch.waitFor('a first health', (m) => m.kind === 'health');
    const flooder = await mqtt.connectAsync(broker.url, { clientId: 'flooder', reconnectPeriod: 0 });
    const pid = agent.proc.child.pid ?? 0;
    const from = watch.messages.length;
    let sent = 0;
    let peakRss = 0;
    const end = Date.now() + 6000;
    while (Date.now() < end) {
      for (let i = 0; i < 500; i++) {
        flooder.publish(`${BASE}/cmd/${i % 2 ? 'snapshot' : 'nosuch'}`, '{"id":"f"}', { qos: 0 });
        sent++;
      }
      if (sent % 5000 === 0) peakRss = Math.max(peakRss, rssMb(pid));
      await new Promise((r) => setTimeout(r, 60));
    }
    flooder.publish(`${BASE}/cmd/${'x'.repeat(60_000)}`, '{}', { qos: 0 });
    await flooder.endAsync();
    await new Promise((r) => setTimeout(r, 2000));
    peakRss = Math.max(peakRss, rssMb(pid));

    expect(agent.proc.child.exitCode).toBeNull();
    const during = watch.messages.slice(from);
    const replies = during.filter((m) => m.topic.includes('/cmd/') && m.topic.endsWith('/reply'));
    // A burst of 10, then 2 a second over about 8 s: a few dozen answers for tens of thousands sent.
    expect(sent).toBeGreaterThan(30_000);
    expect(replies.length).toBeLessThanOrEqual(40);
    expect(during.filter((m) => m.kind === 'health').length).toBeGreaterThanOrEqual(5);
    // The loop kept its pace: no false lost link to the UPS while the flood lasted.
    expect(during.some((m) => m.kind === 'event' && m.payload.code === 'ups.comm_lost')).toBe(false);
    expect(peakRss).toBeLessThan(160);
    const log = agent.proc.output;
    expect(log.match(/commands arrive faster than they are taken/g)?.length).toBe(1);
    expect(log).not.toContain('x'.repeat(100));
    expect(log.split('\n').filter((l) => l.includes('command refused')).length).toBeLessThanOrEqual(40);
    console.log(`flood: ${sent} commands sent, ${replies.length} answered, agent peak RSS ${peakRss.toFixed(0)} MB`);
  }, 60_000);
});
