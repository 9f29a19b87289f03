/**
 * The processes of the national benchmark (scripts/bench-national.ts): the dashboard as it is
 * shipped (the bundle, its own process, every province), the fleet in several processes
 * (scripts/nation-fleet.ts), the baseline subscriber, and a read-only look into the dashboard's
 * database to know when every station's days are in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import sqlite3 from 'sqlite3';
import { stringify } from 'yaml';
import { dashboardSectionSchema } from '../dashboard/section.js';
import { freePort, quantiles } from './bench-support.js';
import type { FleetReport } from './nation-fleet.js';

/** The checkout: the bundle the launchers run is in dist/, tsc's output of every module (this script's too) in build/. */
const REPO = join(import.meta.dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startNode(args: string[], what: string, ipc = false): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])] });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${what}] ${d.toString()}`));
  return child;
}

export interface Dashboard {
  base: string;
  child: ChildProcess;
  dir: string;
  /** Whether the configuration took `dashboard.scope: national` (it is new; older dashboards run without it). */
  national: boolean;
}

/**
 * The dashboard CLI on every province. With `profileDir`, the unbundled program (readable names
 * in the profile) under `--cpu-prof`, written there when it stops. With `dir`, in that folder
 * (its data/ holding a database already), else in a new one.
 */
export async function startDashboard(url: string, o: { heapMb: number; profileDir?: string; dir?: string }): Promise<Dashboard> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'bench-nation-'));
  const port = await freePort();
  const national = 'scope' in dashboardSectionSchema().shape;
  const dashboard = { listen: `127.0.0.1:${port}`, provinces: [], timeZone: 'Asia/Jakarta', heapMegabytes: o.heapMb, ...(national ? { scope: 'national' } : {}) };
  writeFileSync(join(dir, 'd.yaml'), stringify({ dataDir: './data', mqtt: { url }, log: { level: 'warn' }, dashboard }));
  const program = o.profileDir ? [`--cpu-prof`, `--cpu-prof-dir=${o.profileDir}`, join(REPO, 'build/agent/cli.js')] : [join(REPO, 'dist/bin/station-agent.js')];
  // The heap given here, so the dashboard does not start itself again in a child (its pid is the one measured).
  const child = startNode([`--max-old-space-size=${o.heapMb}`, ...program, 'dashboard', '--config', join(dir, 'd.yaml')], 'dashboard');
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${base}/api/metrics`).then((r) => r.ok, () => false)) return { base, child, dir, national };
    await sleep(100);
  }
  throw new Error('the dashboard did not start');
}

export interface Fleet {
  children: ChildProcess[];
  /** Resolves when every process says its stations' backlogs were acknowledged. */
  backlogDone: Promise<void>;
  report(): Promise<FleetReport[]>;
  /** Hold the backlog (the dashboard is far behind), or let it go on. */
  hold(paused: boolean): void;
}

export function startFleet(url: string, o: { stations: number; offices: number; seed: number; parts: number; nowMs: number; backDays: number }): Fleet {
  const children = Array.from({ length: o.parts }, (_, part) =>
    startNode(
      [join(import.meta.dirname, 'nation-fleet.js'), '--url', url, '--stations', String(o.stations), '--offices', String(o.offices), '--seed', String(o.seed), '--part', String(part), '--parts', String(o.parts), '--now', String(o.nowMs), '--back-days', String(o.backDays), '--connect-per-second', String(Math.ceil(2000 / o.parts))],
      `fleet ${part}`,
      true,
    ),
  );
  const backlogDone = Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve, reject) => {
          c.on('message', (m: { type?: string }) => m.type === 'backlog-done' && resolve());
          c.once('exit', (code) => reject(new Error(`a fleet process exited (${code}) before its backlog was out`)));
        }),
    ),
  ).then(() => undefined);
  const report = () =>
    Promise.all(
      children.map(
        (c) =>
          new Promise<FleetReport>((resolve) => {
            const on = (m: { type?: string; report?: FleetReport }) => {
              if (m.type !== 'report' || !m.report) return;
              c.off('message', on);
              resolve(m.report);
            };
            c.on('message', on);
            c.send('report');
          }),
      ),
    );
  const hold = (paused: boolean) => {
    for (const c of children) if (c.connected) c.send(paused ? 'pause' : 'resume');
  };
  return { children, backlogDone, report, hold };
}

/** Child: the baseline, a bare subscriber to everything the dashboard gets, parsing each message and noting each live health's lag. */
export async function baseline(url: string): Promise<void> {
  const lags: number[] = [];
  const c = await mqtt.connectAsync(url, { protocolVersion: 5 });
  c.on('message', (topic, payload, packet) => {
    const p = JSON.parse(payload.toString()) as { ts?: string };
    if (!packet.retain && topic.endsWith('/health') && p.ts) lags.push(Date.now() - Date.parse(p.ts));
  });
  await c.subscribeAsync('ektp/v1/#', { qos: 1 });
  process.on('message', (m) => {
    if (m === 'report') {
      process.send?.(quantiles(lags));
      lags.length = 0;
    }
  });
}

export function startBaseline(url: string, self: string): ChildProcess & { lag(): Promise<ReturnType<typeof quantiles>> } {
  const sub = spawn(process.execPath, [self, '--phase', 'baseline', '--url', url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return Object.assign(sub, {
    lag: () =>
      new Promise<ReturnType<typeof quantiles>>((resolve) => {
        sub.once('message', (m) => resolve(m as ReturnType<typeof quantiles>));
        sub.send('report');
      }),
  });
}

export interface BookCounts {
  offices: number;
  days: number;
  entries: number;
}

/** What the dashboard's database holds of the offices' books, read beside it (WAL lets a reader in). */
export function bookCounts(dir: string): Promise<BookCounts> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(join(dir, 'data', 'dashboard.db'), sqlite3.OPEN_READONLY, (err) => {
      if (err) return reject(err);
      db.get<BookCounts>('SELECT (SELECT COUNT(*) FROM offices) AS offices, (SELECT COUNT(*) FROM station_days) AS days, (SELECT COUNT(*) FROM office_entries) AS entries', (e, row) => {
        db.close();
        if (e || !row) reject(e ?? new Error('no counts'));
        else resolve(row);
      });
    });
  });
}

/**
 * Until the database holds every office, day and entry the fleet sent; meanwhile the fleet's
 * backlog is held while more than `behind` of what it sent is not in the database yet, so the
 * dashboard takes it at its own pace.
 */
export async function waitForBooks(dir: string, want: BookCounts, fleet: Fleet, o: { timeoutMs: number; behind: number; progress: (c: BookCounts, behind: number) => void }): Promise<void> {
  const t0 = Date.now();
  const timeoutMs = o.timeoutMs;
  let held = false;
  let moved = { at: Date.now(), total: -1 };
  for (let i = 0; ; i++) {
    const c = await bookCounts(dir).catch(() => ({ offices: 0, days: 0, entries: 0 }));
    if (c.offices >= want.offices && c.days >= want.days && c.entries >= want.entries) return fleet.hold(false);
    const reports = await fleet.report();
    const behind = reports.reduce((s, r) => s + r.accountsSent, 0) - c.days - c.entries;
    if (c.days + c.entries !== moved.total) moved = { at: Date.now(), total: c.days + c.entries };
    else if (behind <= 0 && Date.now() - moved.at > 120_000) throw new Error(`nothing more has reached the dashboard for 2 minutes and the fleet has nothing more on its way: it holds ${JSON.stringify(c)} of ${JSON.stringify(want)}; the fleet says ${JSON.stringify(reports)}`);
    if (behind > o.behind !== held) fleet.hold((held = behind > o.behind));
    if (i % 10 === 0) o.progress(c, behind);
    if (Date.now() - t0 > timeoutMs) throw new Error(`after ${timeoutMs / 1000} s the dashboard holds ${JSON.stringify(c)} of ${JSON.stringify(want)}`);
    await sleep(1000);
  }
}
