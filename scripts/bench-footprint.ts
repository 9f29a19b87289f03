/**
 * `npm run bench:footprint`: what the idle agent costs the station PC, against a bare Node in the
 * same run. The agent runs as the service runs it (the bundle, its launcher's Node flags and the
 * Linux service's environment, AGENT_ENV, given to bare Node too; default
 * intervals: poll 2 s, health 10 s, the station page on), on simulated printer and UPS, reporting to
 * a real Mosquitto; beside it the same agent from tsc's output (build/, which does not ship), to
 * show what the bundle saves; the baseline is `node -e "setInterval(() => {}, 1000)"` with the same flags. All are measured
 * over the same window after a warm-up: CPU time from /proc (the process, its reaped children
 * and any still running), RSS sampled every second (the process and its children).
 *
 *   npm run bench:footprint -- [--seconds 60] [--warmup 15] [--flags "--max-old-space-size=128 ..."] [--env "MALLOC_ARENA_MAX=2"]
 *   (--env "" runs all three without the service's environment: as on Windows, or from npm start)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AGENT_ENV, AGENT_NODE_FLAGS } from '../agent/process/runtime-flags.js';
import { arg, childEnv, freePort, startMosquitto } from './bench-support.js';

const ROOT = join(import.meta.dirname, '../..');
/** What the launchers run (scripts/build-dist.ts), and tsc's output of the same program (build/, not shipped) for comparison. */
const BUNDLE = join(ROOT, 'dist/bin/station-agent.js');
const UNBUNDLED = join(ROOT, 'build/agent/cli.js');
const TICKS = 100; // USER_HZ on Linux
const PAGE = 4096;

/** CPU seconds of a process: its own, and its reaped children's. */
function cpuOf(pid: number): { own: number; reaped: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(f[i - 3]);
    return { own: (n(14) + n(15)) / TICKS, reaped: (n(16) + n(17)) / TICKS };
  } catch {
    return null;
  }
}

/** Every live descendant of `pid`, from the parent ids in /proc/<pid>/stat. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

function rssBytes(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
  } catch {
    return 0;
  }
}

interface Probe {
  cpu(): number;
  rss(): number;
  spawned: Set<number>;
}

/** CPU seconds and RSS of a process tree; children seen running are remembered. */
function probe(pid: number): Probe {
  const spawned = new Set<number>();
  return {
    spawned,
    cpu() {
      const self = cpuOf(pid);
      const live = descendants(pid);
      for (const c of live) spawned.add(c);
      return (self ? self.own + self.reaped : 0) + live.reduce((a, c) => a + (cpuOf(c)?.own ?? 0), 0);
    },
    rss() {
      return rssBytes(pid) + descendants(pid).reduce((a, c) => a + rssBytes(c), 0);
    },
  };
}

async function measure(procs: Record<string, ChildProcess>, seconds: number): Promise<Record<string, { cpuPercent: number; rssMeanMb: number; rssMaxMb: number; children: number }>> {
  const probes = Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, probe(p.pid ?? 0)]));
  const start = Object.fromEntries(Object.entries(probes).map(([k, p]) => [k, p.cpu()]));
  const t0 = process.hrtime.bigint();
  const rss: Record<string, number[]> = Object.fromEntries(Object.keys(procs).map((k) => [k, []]));
  for (let s = 0; s < seconds; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    for (const [k, p] of Object.entries(probes)) rss[k]?.push(p.rss());
    if ((s + 1) % 10 === 0) process.stderr.write(`  ${s + 1}/${seconds} s\n`);
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const out: Record<string, { cpuPercent: number; rssMeanMb: number; rssMaxMb: number; children: number }> = {};
  for (const [k, p] of Object.entries(probes)) {
    const r = rss[k] ?? [];
    out[k] = {
      cpuPercent: ((p.cpu() - (start[k] ?? 0)) / wall) * 100,
      rssMeanMb: r.reduce((a, b) => a + b, 0) / Math.max(1, r.length) / 1_048_576,
      rssMaxMb: Math.max(...r) / 1_048_576,
      children: p.spawned.size,
    };
  }
  return out;
}

/** A station's configuration for the benchmark: sim hardware, the broker, its own data folder. */
function stationConfig(dir: string, id: string, brokerUrl: string, pagePort: number): string {
  const config = {
    station: { id, province: '99', regency: '9901' },
    dataDir: join(dir, 'data'),
    mqtt: { url: brokerUrl },
    printer: { driver: 'sim', sim: { stateFile: join(dir, 'printer.json') } },
    ups: { driver: 'sim', sim: { stateFile: join(dir, 'ups.json') } },
    log: { level: 'warn' },
    // The station page on a free port: on by default, so measured, but not on 8088 the machine may use.
    operator: { listen: `127.0.0.1:${pagePort}` },
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'agent.yaml'), stringify(config));
  return join(dir, 'agent.yaml');
}

async function main(): Promise<void> {
  for (const p of [BUNDLE, UNBUNDLED]) if (!existsSync(p)) throw new Error(`${p} is missing: npm run build first`);
  const seconds = Number(arg('seconds', '60'));
  const warmup = Number(arg('warmup', '15'));
  const broker = await startMosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'bench-footprint-'));
  // --flags "..." tries other Node flags for all three (the launchers' own flags are the default).
  const flags = arg('flags', AGENT_NODE_FLAGS.join(' ')).split(' ').filter(Boolean);
  // --env "..." likewise for the environment (the Linux service's by default).
  const { env, text: envText } = childEnv(AGENT_ENV);
  const agentAt = async (program: string, name: string) => {
    const cfg = stationConfig(join(dir, name), `bench-${name}`, broker.url, await freePort());
    return spawn(process.execPath, [...flags, program, 'run', '--config', cfg], { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir, env });
  };
  const procs = {
    agent: await agentAt(BUNDLE, 'bundle'),
    unbundled: await agentAt(UNBUNDLED, 'unbundled'),
    bare: spawn(process.execPath, [...flags, '-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore', env }),
  };
  try {
    process.stderr.write(`footprint: node ${flags.join(' ')}, environment ${envText}; warming up ${warmup} s, then measuring ${seconds} s (agent pid ${procs.agent.pid}, unbundled agent pid ${procs.unbundled.pid}, bare node pid ${procs.bare.pid})\n`);
    await new Promise((r) => setTimeout(r, warmup * 1000));
    for (const [name, p] of Object.entries(procs)) if (p.exitCode !== null) throw new Error(`${name} exited with ${p.exitCode}`);
    const m = await measure(procs, seconds);
    const { agent: a, unbundled: u, bare: b } = m;
    if (!a || !u || !b) throw new Error('nothing measured');
    const ratio = a.rssMeanMb / b.rssMeanMb;
    console.log(`idle agent over ${seconds} s (poll 2 s, health 10 s, station page on, sim hardware, Mosquitto), against bare Node in the same run:`);
    console.log(`  CPU   agent ${a.cpuPercent.toFixed(2)} % of a core (target ≤ 0.5 %)   bare ${b.cpuPercent.toFixed(2)} %   child processes seen: ${a.children}`);
    console.log(`  RSS   agent ${a.rssMeanMb.toFixed(1)} MB mean, ${a.rssMaxMb.toFixed(1)} MB max   bare ${b.rssMeanMb.toFixed(1)} MB   ratio ${ratio.toFixed(2)}× (target ≤ 1.6×)`);
    console.log(`  the same agent from tsc's output, not bundled: RSS ${u.rssMeanMb.toFixed(1)} MB mean (${(u.rssMeanMb / b.rssMeanMb).toFixed(2)}× bare), CPU ${u.cpuPercent.toFixed(2)} %; the bundle saves ${(u.rssMeanMb - a.rssMeanMb).toFixed(1)} MB`);
    console.log(JSON.stringify({ bench: 'footprint', seconds, agent: a, unbundled: u, bare: b, rssRatio: Number(ratio.toFixed(3)), unbundledRssRatio: Number((u.rssMeanMb / b.rssMeanMb).toFixed(3)) }));
  } finally {
    for (const p of Object.values(procs)) p.kill('SIGTERM');
    broker.stop();
  }
}

await main();
