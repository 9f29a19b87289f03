import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticRecord } from '../../hal/records/sim/driver.js';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { freePort, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

interface LogLine {
  level: number;
  msg: string;
}
const DEBUG = 20;

function lines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

/** A stand-in upsd that takes the login and then refuses it: the password reaches the agent's error path. */
async function refusingUpsd(): Promise<{ server: Server; port: number }> {
  const port = await freePort();
  const server = createServer((socket) => {
    socket.setEncoding('utf8');
    let buf = '';
    socket.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        socket.write(line.startsWith('PASSWORD') ? 'ERR ACCESS-DENIED\n' : 'OK\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port };
}

describe('the agent log', () => {
  let agent: AgentUnderTest | undefined;
  let upsd: Server | undefined;
  afterEach(async () => {
    await agent?.proc.stop();
    upsd?.close();
    agent = undefined;
    upsd = undefined;
  });

  it('SIGHUP re-reads log.level: debug lines appear without a restart', async () => {
    const dir = tempDir('log-level-');
    const port = await freePort();
    const config = testConfig('embedded', {
      mqtt: { url: 'embedded', embedded: { port } },
      printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 0.1 } },
      records: { driver: 'sim', sim: { latencyMs: 10 } },
      log: { level: 'info' },
    });
    agent = startAgent(config, dir);
    const cfg = agent.configFile;
    await agent.proc.waitForOutput(/station agent running/);
    expect((await runCli(['stock', 'receive', '10', '--batch', 'LOG-1', '--config', cfg])).code).toBe(0);
    expect((await runCli(['jobs', 'add', 'LOG-0001', '--config', cfg])).code).toBe(0);
    const pid = agent.proc.child.pid ?? 0;
    await waitUntil('the first card printed', async () => (await runCli(['jobs', 'list', '--json', '--config', cfg])).stdout.includes('"printed"'));
    // At info, the simulated printer's "started a card" line (debug) is not written.
    expect(lines(agent.proc.stdout).filter((l) => l.level === DEBUG)).toEqual([]);

    writeFileSync(cfg, stringify({ ...config, log: { level: 'debug' } }));
    process.kill(pid, 'SIGHUP');
    await agent.proc.waitForOutput(/log level changed/);
    const before = agent.proc.stdout.length;
    expect((await runCli(['jobs', 'add', 'LOG-0002', '--config', cfg])).code).toBe(0);
    await waitUntil('a debug line after SIGHUP', () => lines(agent?.proc.stdout.slice(before) ?? '').some((l) => l.level === DEBUG && /started a card/.test(l.msg)), 10_000);
    // The same process: SIGHUP did not restart or stop it.
    expect(agent.proc.child.pid).toBe(pid);
    expect(agent.proc.child.exitCode).toBeNull();

    // A broken file keeps the level and says why; back to info stops the debug lines.
    writeFileSync(cfg, 'station: [');
    process.kill(pid, 'SIGHUP');
    await agent.proc.waitForOutput(/log level not changed: the configuration cannot be read/);
    writeFileSync(cfg, stringify(config));
    process.kill(pid, 'SIGHUP');
    await waitUntil('level back to info', () => /"logLevel":"info","was":"debug"/.test(agent?.proc.stdout ?? ''));
    const atInfo = agent.proc.stdout.length;
    expect((await runCli(['jobs', 'add', 'LOG-0003', '--config', cfg])).code).toBe(0);
    await waitUntil('the third card printed', async () => (await runCli(['jobs', 'list', '--json', '--config', cfg])).stdout.split('"printed"').length > 3);
    expect(lines(agent.proc.stdout.slice(atInfo)).filter((l) => l.level === DEBUG)).toEqual([]);

    agent.proc.child.kill('SIGTERM');
    expect((await agent.proc.exited).code).toBe(0);
  }, 60_000);

  it('a SIGHUP during the clean stop (systemctl reload then) does not cut it short', async () => {
    const dir = tempDir('log-hup-stop-');
    const config = testConfig('embedded', {
      mqtt: { url: 'embedded', embedded: { port: await freePort() } },
      // A card that takes 5 s: the stop gives it its second, so the stop is still going when SIGHUP comes.
      printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 5 } },
      records: { driver: 'sim', sim: { latencyMs: 10 } },
      log: { level: 'info' },
    });
    agent = startAgent(config, dir);
    const cfg = agent.configFile;
    await agent.proc.waitForOutput(/station agent running/);
    expect((await runCli(['stock', 'receive', '10', '--batch', 'HUP-1', '--config', cfg])).code).toBe(0);
    expect((await runCli(['jobs', 'add', 'HUP-0001', '--config', cfg])).code).toBe(0);
    await waitUntil('the card printing', async () => (await runCli(['jobs', 'list', '--json', '--config', cfg])).stdout.includes('"printing"'));
    agent.proc.child.kill('SIGTERM');
    await agent.proc.waitForOutput(/"msg":"stopping"/);
    agent.proc.child.kill('SIGHUP');
    const { code, signal } = await agent.proc.exited;
    expect({ code, signal }, agent.proc.output.slice(-2000)).toEqual({ code: 0, signal: null });
    expect(agent.proc.output).toMatch(/stopped cleanly/);
  }, 30_000);

  it('at trace level, with records and password files, no NIK, name or password is ever written', async () => {
    const dir = tempDir('log-pii-');
    const port = await freePort();
    const refusing = await refusingUpsd();
    upsd = refusing.server;
    const mqttPassword = 'mqtt-Secret-7f3a9c';
    const upsPassword = 'ups-Secret-41d2e8';
    writeFileSync(join(dir, 'mqtt.pass'), `${mqttPassword}\n`);
    writeFileSync(join(dir, 'ups.pass'), `${upsPassword}\n`);
    const ids = Array.from({ length: 12 }, (_, i) => `PII-${String(i + 1).padStart(4, '0')}`);
    const config = testConfig('embedded', {
      mqtt: { url: 'embedded', embedded: { port }, username: 'station-it-01', passwordFile: 'mqtt.pass' },
      printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 0.05 } },
      ups: { driver: 'nut', host: '127.0.0.1', port: refusing.port, name: 'ups', username: 'monitor', passwordFile: 'ups.pass', timeoutSeconds: 1 },
      // A flapping server and one record it never has: the failure paths log too.
      records: { driver: 'sim', sim: { latencyMs: 10, failureRate: 0.3, missing: ['PII-0012'] } },
      jobs: { retryAfterSeconds: 0.05 },
      log: { level: 'trace' },
    });
    agent = startAgent(config, dir);
    const cfg = agent.configFile;
    await agent.proc.waitForOutput(/station agent running/);
    expect((await runCli(['stock', 'receive', '100', '--batch', 'PII-BATCH', '--config', cfg])).code).toBe(0);
    expect((await runCli(['jobs', 'add', ...ids, '--config', cfg])).code).toBe(0);
    const list = async () => JSON.parse((await runCli(['jobs', 'list', '--json', '--config', cfg])).stdout) as { state: string }[];
    await waitUntil('every card printed or set aside', async () => (await list()).every((j) => j.state === 'printed' || j.state === 'failed'), 30_000, 200);
    // The stand-in upsd really was asked with the password, and refused it.
    await agent.proc.waitForOutput(/upsd refused the login/);
    agent.proc.child.kill('SIGTERM');
    expect((await agent.proc.exited).code).toBe(0);

    const out = agent.proc.output;
    const logged = lines(agent.proc.stdout);
    expect(logged.some((l) => l.level === DEBUG), 'debug lines were written').toBe(true);
    expect((await list()).filter((j) => j.state === 'printed').length).toBeGreaterThan(5);
    for (const id of ids) {
      const person = syntheticRecord(id);
      expect(out.includes(person.nik), `NIK of ${id}`).toBe(false);
      expect(out.includes(person.name), `name of ${id}`).toBe(false);
      expect(out.includes(person.address.street), `address of ${id}`).toBe(false);
    }
    expect(out).not.toMatch(/CONTOH WARGA/);
    expect(out).not.toMatch(/\b000000\d{10}\b/);
    expect(out).not.toContain(mqttPassword);
    expect(out).not.toContain(upsPassword);
  }, 60_000);

  it('with log.file, the log goes to rotated files in that folder instead of standard output', async () => {
    const dir = tempDir('log-file-');
    const port = await freePort();
    agent = startAgent(testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port } }, log: { level: 'info', file: { path: 'logs/agent.log', keepFiles: 5 } } }), dir);
    const logs = join(dir, 'logs');
    const text = () => (existsSync(logs) ? readdirSync(logs) : []).map((f) => readFileSync(join(logs, f), 'utf8')).join('');
    await waitUntil('the agent running, in its log file', () => /station agent running/.test(text()), 15_000);
    agent.proc.child.kill('SIGTERM');
    expect((await agent.proc.exited).code).toBe(0);
    expect(text()).toMatch(/stopped cleanly/);
    expect(readdirSync(logs)).toEqual([expect.stringMatching(/^agent\.\d{4}-\d{2}-\d{2}\.1\.log$/)]);
    expect(agent.proc.stdout).toBe('');
  }, 30_000);
});
