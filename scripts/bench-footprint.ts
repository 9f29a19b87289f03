/**
 * `npm run bench:footprint`: what the idle agent costs the station PC, against a bare Node in the
 * same run. The agent runs as the service runs it (its launcher's Node flags, default intervals:
 * poll 2 s, health 10 s), on simulated printer and UPS, reporting to a real Mosquitto; the
 * baseline is `node -e "setInterval(() => {}, 1000)"` with the same flags. Both are measured
 * over the same window after a warm-up: CPU time from /proc (the process, its reaped children
 * and any still running), RSS sampled every second (the process and its children).
 *
 *   npm run bench:footprint -- [--seconds 60] [--warmup 15] [--flags "--max-old-space-size=128 ..."]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AGENT_NODE_FLAGS } from '../agent/process/runtime-flags.js';
import { arg, startMosquitto } from './bench-support.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/agent/cli.js');
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

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first`);
  const seconds = Number(arg('seconds', '60'));
  const warmup = Number(arg('warmup', '15'));
  const broker = await startMosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'bench-footprint-'));
  const config = {
    station: { id: 'bench-01', province: '99', regency: '9901' },
    dataDir: join(dir, 'data'),
    mqtt: { url: broker.url },
    printer: { driver: 'sim', sim: { stateFile: join(dir, 'printer.json') } },
    ups: { driver: 'sim', sim: { stateFile: join(dir, 'ups.json') } },
    log: { level: 'warn' },
  };
  writeFileSync(join(dir, 'agent.yaml'), stringify(config));
  // --flags "..." tries other Node flags for both (the launchers' own flags are the default).
  const flags = arg('flags', AGENT_NODE_FLAGS.join(' ')).split(' ').filter(Boolean);
  const agent = spawn(process.execPath, [...flags, CLI, 'run', '--config', join(dir, 'agent.yaml')], { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir });
  const bare = spawn(process.execPath, [...flags, '-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    process.stderr.write(`footprint: node ${flags.join(' ')}; warming up ${warmup} s, then measuring ${seconds} s (agent pid ${agent.pid}, bare node pid ${bare.pid})\n`);
    await new Promise((r) => setTimeout(r, warmup * 1000));
    if (agent.exitCode !== null) throw new Error(`the agent exited with ${agent.exitCode}`);
    const m = await measure({ agent, bare }, seconds);
    const a = m.agent;
    const b = m.bare;
    if (!a || !b) throw new Error('nothing measured');
    const ratio = a.rssMeanMb / b.rssMeanMb;
    console.log(`idle agent over ${seconds} s (poll 2 s, health 10 s, sim hardware, Mosquitto), against bare Node in the same run:`);
    console.log(`  CPU   agent ${a.cpuPercent.toFixed(2)} % of a core (target ≤ 0.5 %)   bare ${b.cpuPercent.toFixed(2)} %   child processes seen: ${a.children}`);
    console.log(`  RSS   agent ${a.rssMeanMb.toFixed(1)} MB mean, ${a.rssMaxMb.toFixed(1)} MB max   bare ${b.rssMeanMb.toFixed(1)} MB   ratio ${ratio.toFixed(2)}× (target ≤ 1.6×)`);
    console.log(JSON.stringify({ bench: 'footprint', seconds, agent: a, bare: b, rssRatio: Number(ratio.toFixed(3)) }));
  } finally {
    agent.kill('SIGTERM');
    bare.kill('SIGTERM');
    broker.stop();
  }
}

await main();
