import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startAgent, testConfig } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { freePort, peerAvailable, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };

describe('the command line', () => {
  it('--version and --help on the program and on each command, exit 0', async () => {
    for (const args of [['--version'], ['run', '--version'], ['status', '-V']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
    const help = await runCli(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--config <file>/);
    expect(help.stdout).toMatch(/mosquitto_sub/);
  });

  it('a usage error exits 64 and says what to run', async () => {
    const r = await runCli(['run', '--confg', 'x.yaml']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/unknown option '--confg'/);
    expect((await runCli(['prnt'])).code).toBe(64);
  });

  it('a configuration with several mistakes names every one and exits 78, for run and status alike', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'station: { id: "a b", province: "53" }\nmqtt: { url: "http://x" }\nprinter: { driver: sim, sim: { secondsPerCard: -1 } }\nups: { driver: apc }\ninterval: {}\n');
    for (const cmd of ['run', 'status']) {
      const r = await runCli([cmd, '--config', file]);
      expect(r.code, cmd).toBe(78);
      for (const path of ['station.id', 'station.regency', 'mqtt.url', 'printer.sim.secondsPerCard', 'ups.driver', 'interval']) {
        expect(r.stderr, `${cmd} names ${path}`).toContain(`- ${path}:`);
      }
      expect(r.stderr).toMatch(/6 problems/);
    }
  });

  it('status with no data says so and how to start the agent', async () => {
    const r = await runCli(['status'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No state recorded/);
    const json = await runCli(['status', '--json'], { cwd: tempDir() });
    expect(JSON.parse(json.stdout)).toMatchObject({ health: null, stale: true });
  });
});

describe('the embedded broker (the demo default)', () => {
  it('serves the station topics on loopback; status shows the live state and, after a stop, the stopped agent', async () => {
    const port = await freePort();
    const agent = startAgent(testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port } } }));
    try {
      await agent.proc.waitForOutput(/station agent running/);
      const watch = await MqttWatch.start(`mqtt://127.0.0.1:${port}`, 'ektp/#');
      // A live message may overtake the retained copy; what matters is that the retained one comes.
      const status = await watch.waitFor('retained status', (m) => m.kind === 'status' && m.retain);
      const health = await watch.waitFor('retained health', (m) => m.kind === 'health' && m.retain);
      expect(status.payload).toMatchObject({ online: true, name: 'Integration test station' });
      expect(health.payload).toMatchObject({ station: 'it-01' });
      await watch.stop();
      const live = await runCli(['status', '--config', agent.configFile, '--json']);
      expect(JSON.parse(live.stdout)).toMatchObject({ stale: false, agent: { state: 'running' }, health: { station: 'it-01' } });
      agent.proc.child.kill('SIGINT');
      expect((await agent.proc.exited).code).toBe(0);
      const after = await runCli(['status', '--config', agent.configFile]);
      expect(after.stdout).toMatch(/Station it-01 .* agent stopped at/);
      expect(after.stdout).toMatch(/Printer: ready/);
      expect(after.stdout).toMatch(/Queue: 0 waiting/);
      expect(after.stdout).toMatch(/UPS: on mains, battery \d+ %/);
    } finally {
      await agent.proc.stop();
    }
  });

  it('a port already taken is a clear error naming the setting', async () => {
    const port = await freePort();
    const first = startAgent(testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port } } }));
    try {
      await first.proc.waitForOutput(/station agent running/);
      const second = startAgent(testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port } } }));
      const { code } = await second.proc.exited;
      expect(code).toBe(1);
      expect(second.proc.stderr).toMatch(/already uses port \d+.*mqtt\.embedded\.port/);
    } finally {
      await first.proc.stop();
    }
  });
});

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))('broker login with a password file', () => {
  let mosq: Mosquitto;
  beforeAll(async () => {
    const dir = tempDir('mosq-auth-');
    const pwfile = join(dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-c', '-b', pwfile, 'station-it-01', 'correct-horse-7']);
    mosq = await startMosquitto([`password_file ${pwfile}`], { anonymous: false });
  });
  afterAll(async () => {
    await mosq.stop();
  });

  it('logs in with the password read from its file, and never prints it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mqtt.pass'), 'correct-horse-7\n');
    const agent = startAgent(testConfig(mosq.url, { mqtt: { url: mosq.url, username: 'station-it-01', passwordFile: 'mqtt.pass' } }), dir);
    try {
      await agent.proc.waitForOutput(/connected to the MQTT broker/);
      agent.proc.child.kill('SIGTERM');
      expect((await agent.proc.exited).code).toBe(0);
      expect(agent.proc.output).not.toContain('correct-horse-7');
    } finally {
      await agent.proc.stop();
    }
  });

  it('a wrong password is named as such, and the station goes on recording health', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mqtt.pass'), 'wrong-password\n');
    const agent = startAgent(testConfig(mosq.url, { mqtt: { url: mosq.url, username: 'station-it-01', passwordFile: 'mqtt.pass' } }), dir);
    try {
      await agent.proc.waitForOutput(/check mqtt\.username and mqtt\.passwordFile/);
      await waitUntil('health recorded locally', async () => {
        const r = await runCli(['status', '--config', agent.configFile, '--json']);
        return (JSON.parse(r.stdout) as { stale: boolean }).stale === false;
      });
      expect(agent.proc.output).not.toContain('wrong-password');
    } finally {
      await agent.proc.stop();
    }
  });
});

describe('a damaged database file', () => {
  it('does not stop the agent: it runs on a stand-in store, says so in health and raises store.error with what to do', async () => {
    const port = await freePort();
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'station.db'), 'not a database: this file was damaged by a power cut');
    const agent = startAgent(testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port } } }), dir);
    try {
      await agent.proc.waitForOutput(/station agent running/);
      const watch = await MqttWatch.start(`mqtt://127.0.0.1:${port}`, 'ektp/#');
      const health = await watch.waitFor('health', (m) => m.kind === 'health');
      expect(health.payload.store).toMatchObject({ durable: false, error: expect.stringMatching(/move it aside/) as string });
      // Listed with the alerts raised now (it was missing from them once: a consumer ranking by alerts under-rated the station).
      expect(health.payload.alerts).toEqual(['store.error']);
      await watch.stop();
      agent.proc.child.kill('SIGTERM');
      expect((await agent.proc.exited).code).toBe(0);
      expect(agent.proc.output).toMatch(/store\.error|temporary in-memory store/);
    } finally {
      await agent.proc.stop();
    }
  });
});
