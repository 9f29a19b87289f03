import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { makeTestPki, type TestPki } from '../support/tls.js';
import { tempDir } from '../support/sim.js';

const station = { id: '5371-01', province: '53', regency: '5371', name: 'Test station' };
const base = 'ektp/v1/53/5371/5371-01';
const validators = schemaValidators();

/** The per-station ACL documented in the README, verbatim in spirit: own subtree, own commands, the regency's status and health. */
function aclFile(dir: string): string {
  const file = join(dir, 'acl');
  writeFileSync(
    file,
    [
      'user station-5371-01',
      `topic write ${base}/#`,
      `topic read ${base}/cmd/+`,
      'topic read ektp/v1/53/5371/+/status',
      'topic read ektp/v1/53/5371/+/health',
      '',
      'user dashboard',
      'topic read ektp/v1/#',
      'topic write ektp/v1/+/+/+/cmd/+',
      'topic write ektp/v1/+/+/+/status',
      'topic write ektp/v1/+/+/+/health',
      'topic write ektp/v1/+/+/+/diagnostics',
      '',
    ].join('\n'),
  );
  return file;
}

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto') || !peerAvailable('openssl', 'openssl'))('TLS, a password file and the per-station ACL', () => {
  let mosq: Mosquitto;
  let pki: TestPki;
  let url: string;
  beforeAll(async () => {
    pki = makeTestPki();
    const dir = tempDir('mosq-secure-');
    const passwd = join(dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-c', '-b', passwd, 'station-5371-01', 'station-secret-1']);
    execFileSync('mosquitto_passwd', ['-b', passwd, 'dashboard', 'dashboard-secret-1']);
    mosq = await startMosquitto([`cafile ${pki.ca}`, `certfile ${pki.serverCert}`, `keyfile ${pki.serverKey}`, `password_file ${passwd}`, `acl_file ${aclFile(dir)}`], {
      anonymous: false,
    });
    url = `mqtts://localhost:${mosq.port}`;
  });
  afterAll(async () => {
    await mosq.stop();
  });

  function agentWith(mqtt: Record<string, unknown>, password = 'station-secret-1'): AgentUnderTest {
    const dir = tempDir();
    writeFileSync(join(dir, 'mqtt.pass'), `${password}\n`);
    return startAgent(testConfig(url, { station, mqtt: { url, username: 'station-5371-01', passwordFile: 'mqtt.pass', ca: pki.ca, ...mqtt } }), dir);
  }

  const dashboard = () => MqttWatch.start(url, `${base}/#`, { username: 'dashboard', password: 'dashboard-secret-1', ca: readFileSync(pki.ca), protocolVersion: 5 });

  it('publishes everything over TLS under the ACL, and answers commands on its own subtree', async () => {
    const watch = await dashboard();
    const agent = agentWith({});
    try {
      await watch.waitFor('birth', (m) => m.kind === 'status' && m.payload.online === true);
      // The first sample may predate the connection (it says so: connected false); one after it says true.
      const health = await watch.waitFor('health taken while connected', (m) => m.kind === 'health' && (m.payload.telemetry as { connected: boolean }).connected);
      expect(payloadErrors(validators, health.payload)).toEqual([]);
      expect(health.payload.telemetry).toMatchObject({ refused: 0, lastError: null });

      const send = (name: string, body: string, retain = false) => watch.client.publishAsync(`${base}/cmd/${name}`, body, { qos: 1, retain });
      await send('snapshot', '{"id":"req-1"}');
      const ok = await watch.waitFor('snapshot reply', (m) => m.topic === `${base}/cmd/snapshot/reply` && m.payload.id === 'req-1');
      expect(ok.payload).toMatchObject({ schema: 'station.cmd-reply/1', status: 'ok', command: 'snapshot' });
      expect(payloadErrors(validators, ok.payload)).toEqual([]);
      await watch.waitFor('the snapshot health', (m) => m.kind === 'health' && m.payload.seq === ok.payload.seq);

      await send('reboot', '{}');
      const unknown = await watch.waitFor('reply to an unknown command', (m) => m.topic === `${base}/cmd/reboot/reply`);
      expect(unknown.payload).toMatchObject({ status: 'error', error: expect.stringMatching(/unknown command "reboot"/) as string });
      await send('snapshot', '{"id": "x", "force": true}');
      const bad = await watch.waitFor('reply to a malformed request', (m) => m.topic === `${base}/cmd/snapshot/reply` && m.payload.status === 'error');
      expect(bad.payload.error).toMatch(/invalid request.*force/);
      await send('snapshot', 'not json');
      await watch.waitFor('reply to non-JSON', (m) => m.topic === `${base}/cmd/snapshot/reply` && /not JSON/.test(String(m.payload.error)));
      // A retained request arriving live is still seen as retained (MQTT 5 retain-as-published) and refused.
      await send('snapshot', '{"id":"retained-1"}', true);
      await watch.waitFor('reply to a retained request', (m) => m.topic === `${base}/cmd/snapshot/reply` && /retained commands are refused/.test(String(m.payload.error)));
      await send('snapshot', '', true); // clear it from the broker
      expect(agent.proc.output).toMatch(/command refused/);
      expect(agent.proc.output).not.toContain('station-secret-1');
    } finally {
      await agent.proc.stop();
      await watch.stop();
    }
  });

  it('the ACL is in force: the station login cannot write into another station, nor read its commands', async () => {
    const intruder = await mqtt.connectAsync(url, { username: 'station-5371-01', password: 'station-secret-1', ca: readFileSync(pki.ca), protocolVersion: 5, clientId: 'acl-probe' });
    try {
      const err = (await intruder.publishAsync('ektp/v1/53/5371/5371-02/health', '{}', { qos: 1 }).catch((e: unknown) => e)) as { code?: number };
      expect(err.code).toBe(135);
      // Mosquitto 2.0 grants the subscription but filters delivery by the ACL: check what arrives.
      const got: string[] = [];
      intruder.on('message', (topic) => got.push(topic));
      await intruder.subscribeAsync(['ektp/v1/53/5371/5371-02/cmd/+', `${base}/cmd/+`], { qos: 1 });
      const province = await dashboard();
      await province.client.publishAsync('ektp/v1/53/5371/5371-02/cmd/snapshot', '{}', { qos: 1 });
      await province.client.publishAsync(`${base}/cmd/acl-probe`, '{}', { qos: 1 });
      await waitUntil('its own command', () => got.includes(`${base}/cmd/acl-probe`));
      expect(got).toEqual([`${base}/cmd/acl-probe`]);
      await province.stop();
    } finally {
      await intruder.endAsync(true);
    }
  });

  it('a wrong password names the settings to check and the agent keeps retrying', async () => {
    const agent = agentWith({ reconnect: { initialSeconds: 0.1, maxSeconds: 0.3 } }, 'not-the-password');
    try {
      await agent.proc.waitForOutput(/check mqtt\.username and mqtt\.passwordFile/);
      await agent.proc.waitForOutput(/"attempt":3[^\n]*MQTT reconnect scheduled/);
      expect(agent.proc.child.exitCode).toBeNull();
      expect(agent.proc.output).not.toContain('not-the-password');
    } finally {
      await agent.proc.stop();
    }
  });

  it('a CA that did not sign the broker certificate names mqtt.ca and the agent keeps retrying', async () => {
    const agent = agentWith({ ca: pki.otherCa, reconnect: { initialSeconds: 0.1, maxSeconds: 0.3 } });
    try {
      await agent.proc.waitForOutput(/TLS certificate was not accepted .*check mqtt\.ca/);
      await agent.proc.waitForOutput(/"attempt":3[^\n]*MQTT reconnect scheduled/);
      expect(agent.proc.child.exitCode).toBeNull();
    } finally {
      await agent.proc.stop();
    }
  });
});
