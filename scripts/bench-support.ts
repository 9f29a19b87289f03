/** What the benchmarks share: arguments, a free port, and a private Mosquitto. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';

/** `--name value` from the command line, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/**
 * `--env "NAME=value ..."`: what a benchmark adds to its children's environment; by default the
 * Linux service's (AGENT_ENV), so they run as stations do; `--env ""` for none.
 */
export function childEnv(defaults: Readonly<Record<string, string>>): { env: NodeJS.ProcessEnv; text: string } {
  const text = arg('env', Object.entries(defaults).map(([k, v]) => `${k}=${v}`).join(' '));
  const added: Record<string, string> = {};
  for (const pair of text.split(' ').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--env takes NAME=value pairs separated by spaces, not "${pair}"`);
    added[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { env: { ...process.env, ...added }, text: text || '(none)' };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** A private Mosquitto on loopback with no per-client caps, so the broker is never what limits a run. */
export async function startMosquitto(extra: string[] = []): Promise<{ url: string; pid: number; stop: () => void }> {
  if (spawnSync('sh', ['-c', 'command -v mosquitto']).status !== 0) throw new Error('mosquitto is not installed (apt-get install mosquitto); the benchmark needs a real broker');
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosq-'));
  const port = await freePort();
  writeFileSync(join(dir, 'm.conf'), ['user root', `listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', 'log_type error', 'max_inflight_messages 0', ...extra, ''].join('\n'));
  const proc = spawn('mosquitto', ['-c', join(dir, 'm.conf')], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 500 }).then(
      (c) => c.endAsync().then(() => true),
      () => false,
    );
    if (ok) return { url, pid: proc.pid ?? 0, stop: () => proc.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error('mosquitto did not start');
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) and RSS now and at its peak of a process, from /proc. */
export function procStats(pid: number): { cpuSeconds: number; rssMb: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuSeconds, rssMb: Math.round(kb('VmRSS') / 102.4) / 10, peakRssMb: Math.round(kb('VmHWM') / 102.4) / 10 };
}

/** p50, p95, p99 and max of a sample (nearest rank); zeros for an empty one. */
export function quantiles(xs: readonly number[]): { p50: number; p95: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (f: number) => s[Math.min(s.length - 1, Math.floor(f * s.length))] ?? 0;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s[s.length - 1] ?? 0 };
}
