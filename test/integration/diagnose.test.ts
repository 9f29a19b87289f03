import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startAgent, testConfig } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { startNut, UPSD } from '../support/nut.js';
import { freePort, peerAvailable, waitUntil } from '../support/peers.js';
import { startRecordService } from '../support/record-service.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { tempDir } from '../support/sim.js';

interface Report {
  status: string;
  checks: { id: string; status: string; title: string; facts: Record<string, unknown>; hint: string | null }[];
}
const check = (r: Report, id: string) => r.checks.find((c) => c.id === id);
const ALL = ['config', 'data-dir', 'store', 'clock', 'daemon', 'host', 'printer', 'ups', 'mqtt', 'records', 'secrets'];

async function diagnose(configFile: string, ...args: string[]) {
  const r = await runCli(['diagnose', '--config', configFile, '--json', ...args]);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))('station-agent diagnose against real peers', () => {
  let mosq: Mosquitto;
  beforeAll(async () => {
    const dir = tempDir('mosq-diag-');
    const passwd = join(dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-c', '-b', passwd, 'station-it-01', 'right-password-1']);
    mosq = await startMosquitto([`password_file ${passwd}`], { anonymous: false });
  });
  afterAll(async () => {
    await mosq.stop();
  });

  function stationConfig(mqttOver: Record<string, unknown> = {}, over: Record<string, unknown> = {}) {
    const dir = tempDir('diag-');
    writeFileSync(join(dir, 'mqtt.pass'), 'right-password-1\n', { mode: 0o600 }); // as installed: not for every user
    const config = testConfig(mosq.url, { mqtt: { url: mosq.url, username: 'station-it-01', passwordFile: 'mqtt.pass', ...mqttOver }, records: { driver: 'sim', sim: { latencyMs: 50 } }, ...over });
    return { dir, config };
  }

  it('a healthy station with the agent running: every check passes, exit 0; --publish leaves the report retained', async () => {
    const { dir, config } = stationConfig();
    const agent = startAgent(config, dir);
    try {
      await agent.proc.waitForOutput(/connected to the MQTT broker/);
      await new Promise((r) => setTimeout(r, 1200));
      const { code, report } = await diagnose(agent.configFile, '--publish');
      expect(report.checks.map((c) => c.id).sort()).toEqual([...ALL].sort());
      expect(report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.hint}`)).toEqual([]);
      expect(code).toBe(0);
      const watch = await MqttWatch.start(mosq.url, 'ektp/v1/99/9901/it-01/diagnostics', { username: 'station-it-01', password: 'right-password-1' });
      const retained = await watch.waitFor('retained report', (m) => m.retain);
      expect(payloadErrors(schemaValidators(), retained.payload)).toEqual([]);
      expect(retained.payload).toMatchObject({ schema: 'station.diagnostics/1', status: 'pass' });
      await watch.stop();
    } finally {
      await agent.proc.stop();
    }
  });

  it('an empty film: the printer check fails and says which supply, in Indonesian too', async () => {
    const { dir, config } = stationConfig();
    const file = join(dir, 'agent.yaml');
    writeFileSync(file, stringify(config));
    writeFileSync(join(dir, 'printer-state.json'), JSON.stringify({ film: { remaining: 0 } }));
    const en = await diagnose(file);
    expect(en.code).toBe(2);
    expect(check(en.report, 'printer')).toMatchObject({ status: 'fail', hint: expect.stringMatching(/Empty: film/) as string });
    const id = await diagnose(file, '--lang', 'id');
    expect(check(id.report, 'printer')?.hint).toMatch(/Habis: film/);
  });

  it('a wrong password names mqtt.passwordFile; a broker that is down names mqtt.url', async () => {
    const { dir, config } = stationConfig();
    writeFileSync(join(dir, 'mqtt.pass'), 'wrong-password\n');
    const file = join(dir, 'agent.yaml');
    writeFileSync(file, stringify(config));
    const wrong = await diagnose(file);
    expect(check(wrong.report, 'mqtt')).toMatchObject({ status: 'fail', hint: expect.stringMatching(/mqtt\.passwordFile/) as string });
    expect(JSON.stringify(wrong.report)).not.toContain('wrong-password');
    const down = stationConfig({ url: 'mqtt://127.0.0.1:1' });
    const downFile = join(down.dir, 'agent.yaml');
    writeFileSync(downFile, stringify(down.config));
    const r = await diagnose(downFile);
    expect(check(r.report, 'mqtt')).toMatchObject({ status: 'fail', hint: expect.stringMatching(/check mqtt\.url/) as string });
  });

  it('with every peer down the run still ends within 10 s and the report is complete', async () => {
    const { dir, config } = stationConfig(
      { url: 'mqtt://127.0.0.1:1' },
      { records: { driver: 'http', http: { url: 'http://127.0.0.1:1', timeoutSeconds: 2 } } },
    );
    writeFileSync(join(dir, 'printer-state.json'), JSON.stringify({ state: 'offline' }));
    writeFileSync(join(dir, 'ups-state.json'), JSON.stringify({ link: false }));
    const file = join(dir, 'agent.yaml');
    writeFileSync(file, stringify(config));
    const t0 = Date.now();
    const { code, report } = await diagnose(file);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(code).toBe(2);
    expect(report.checks.map((c) => c.id).sort()).toEqual([...ALL].sort());
    for (const id of ['printer', 'ups', 'mqtt', 'records']) expect(check(report, id)?.status, id).toBe('fail');
    expect(check(report, 'ups')?.hint).toMatch(/UPS data cable/);
    for (const c of report.checks.filter((x) => x.status !== 'pass')) expect(c.hint, c.id).toMatch(/\S/);
  });

  it("no upsd and no record service where the configuration points: the drivers' own hints, in Indonesian with --lang id", async () => {
    const [upsPort, recordsPort] = [await freePort(), await freePort()];
    const { dir, config } = stationConfig({}, { ups: { driver: 'nut', port: upsPort, name: 'ups' }, records: { driver: 'http', http: { url: `http://127.0.0.1:${recordsPort}`, timeoutSeconds: 2 } } });
    const file = join(dir, 'agent.yaml');
    writeFileSync(file, stringify(config));
    const id = await diagnose(file, '--lang', 'id');
    const upsId = check(id.report, 'ups')?.hint ?? '';
    expect(upsId).toMatch(/Jalankan server NUT \(upsd\), atau periksa ups\.host dan ups\.port\./);
    expect(upsId).not.toMatch(/Start the NUT server|Check ups\.host/);
    const recordsId = check(id.report, 'records')?.hint ?? '';
    expect(recordsId).toMatch(/Periksa records\.http\.url dan jaringan ke server pusat\./);
    expect(recordsId).not.toMatch(/Check records\.http\.url/);
    const en = await diagnose(file, '--lang', 'en');
    expect(check(en.report, 'ups')?.hint).toMatch(/Start the NUT server \(upsd\), or check ups\.host and ups\.port\./);
    expect(check(en.report, 'ups')?.hint).not.toMatch(/Jalankan/);
  });

  it('records.http.claims: false is a warning naming the key, in both languages; with claims on the check passes and says they are kept', async () => {
    const service = await startRecordService();
    try {
      const { dir, config } = stationConfig({}, { records: { driver: 'http', http: { url: service.url, tokenFile: 'records.token', timeoutSeconds: 2, claims: false } } });
      writeFileSync(join(dir, 'records.token'), `${service.token}\n`, { mode: 0o600 });
      const file = join(dir, 'agent.yaml');
      writeFileSync(file, stringify(config));
      const en = await diagnose(file, '--lang', 'en');
      expect(check(en.report, 'records')).toMatchObject({ status: 'warn', facts: { claims: 'off' }, hint: expect.stringMatching(/^record claims off \(records\.http\.claims: false\): one card per record holds on this PC only/) as string });
      expect(check((await diagnose(file, '--lang', 'id')).report, 'records')?.hint).toMatch(/^klaim rekaman mati \(records\.http\.claims: false\)/);
      writeFileSync(file, stringify({ ...config, records: { driver: 'http', http: { url: service.url, tokenFile: 'records.token', timeoutSeconds: 2 } } }));
      expect(check((await diagnose(file)).report, 'records')).toMatchObject({ status: 'pass', facts: { claims: 'kept' } });
    } finally {
      await service.close();
    }
  });

  it.skipIf(!peerAvailable('NUT upsd', UPSD))('the NUT driver killed: the UPS check fails with a hint about the NUT driver', async () => {
    const nut = await startNut();
    try {
      const { dir, config } = stationConfig({}, { ups: { driver: 'nut', port: nut.port, name: 'ups' } });
      const file = join(dir, 'agent.yaml');
      writeFileSync(file, stringify(config));
      await waitUntil('upsd to report the UPS', async () => check((await diagnose(file)).report, 'ups')?.status === 'pass', 10_000, 300);
      await nut.killDriver();
      await waitUntil('the UPS check to fail', async () => check((await diagnose(file)).report, 'ups')?.status === 'fail', 10_000, 300);
      const { report } = await diagnose(file, '--lang', 'en');
      expect(check(report, 'ups')?.hint).toMatch(/NUT driver for this UPS is not running/);
      const id = await diagnose(file, '--lang', 'id');
      expect(check(id.report, 'ups')?.hint).toMatch(/Driver NUT untuk UPS ini tidak berjalan: jalankan \(`upsdrvctl start`\)/);
    } finally {
      await nut.stop();
    }
  });

  it('a broken configuration fails its check naming the keys, exit 2; what needs them is not run; a file that is not YAML is the one check', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'station: { id: "a b" }\n');
    const { code, report } = await diagnose(file);
    expect(code).toBe(2);
    expect(check(report, 'config')?.facts.problems).toMatch(/station\.id/);
    expect((report as Report & { station: string }).station).toBe('unknown');
    for (const id of ['printer', 'ups', 'mqtt']) expect(check(report, id)?.facts.run, id).toBe(false);
    expect(check(report, 'clock')?.status).toBe('pass');
    writeFileSync(file, 'station: [unclosed\n');
    const broken = await diagnose(file);
    expect(broken.code).toBe(2);
    expect(broken.report.checks).toHaveLength(1);
    expect(check(broken.report, 'config')?.hint).toMatch(/not valid YAML or JSON/);
  });
});
