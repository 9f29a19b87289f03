/**
 * Dashboard benchmark: N simulated stations (scripts/fleet.ts, one process, one MQTT client
 * each) publish health every 10 s to Mosquitto; the real dashboard (the CLI, its own process)
 * ingests it, while one page watches (its live stream read in full, and the stations, lending
 * and ranking it fetches every 15 s). Measured over a window once every station is in: the
 * dashboard's CPU share and RSS, its ingest lag (publish to applied, by the stations'
 * timestamps), the watching page's API times, and, in the same run,
 * the same figures for a bare mqtt.js subscriber (the baseline: what receiving alone costs).
 * Then the page's time to first render for 1,000 stations in headless Chromium.
 *
 *   npm run bench:dashboard [-- --stations 10000 --seconds 60 --page-stations 1000]
 *
 * The last line printed is one JSON object with the figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { arg, freePort, startMosquitto } from './bench-support.js';

const ROOT = join(import.meta.dirname, '..');
/** What the launchers run: the bundle (scripts/build-dist.ts). */
const CLI = join(ROOT, 'bin/station-agent.js');
const FLEET = join(ROOT, 'scripts/fleet.js');
const TICKS = 100; // USER_HZ on Linux
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) and peak RSS of a process, from /proc. */
function procStats(pid: number): { cpuSeconds: number; rssMb: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuSeconds, rssMb: Math.round(kb('VmRSS') / 102.4) / 10, peakRssMb: Math.round(kb('VmHWM') / 102.4) / 10 };
}

function start(args: string[], what: string): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${what}] ${d.toString()}`));
  return child;
}

function quantiles(xs: number[]): { p50: number; p95: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (f: number) => s[Math.min(s.length - 1, Math.floor(f * s.length))] ?? 0;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s[s.length - 1] ?? 0 };
}

/** Child: the baseline, a bare subscriber that parses each health and notes its lag. */
async function baseline(url: string): Promise<void> {
  const lags: number[] = [];
  const c = await mqtt.connectAsync(url, { protocolVersion: 5 });
  c.on('message', (_t, payload, packet) => {
    if (packet.retain) return;
    const ts = (JSON.parse(payload.toString()) as { ts?: string }).ts;
    if (ts) lags.push(Date.now() - Date.parse(ts));
  });
  await c.subscribeAsync('ektp/v1/+/+/+/health', { qos: 1 });
  process.on('message', (m) => {
    if (m === 'report') {
      process.send?.(quantiles(lags));
      lags.length = 0;
    }
  });
}

async function dashboardApi<T>(base: string, path: string): Promise<T> {
  return (await (await fetch(`${base}${path}`)).json()) as T;
}

async function startDashboard(url: string): Promise<{ base: string; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dash-'));
  const port = await freePort();
  writeFileSync(join(dir, 'd.yaml'), stringify({ dataDir: './data', mqtt: { url }, log: { level: 'warn' }, dashboard: { listen: `127.0.0.1:${port}` } }));
  const child = start(['--max-old-space-size=512', CLI, 'dashboard', '--config', join(dir, 'd.yaml')], 'dashboard');
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${base}/api/metrics`).then((r) => r.ok, () => false)) return { base, child, dir };
    await sleep(100);
  }
  throw new Error('the dashboard did not start');
}

async function waitForStations(base: string, n: number, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const m = await dashboardApi<{ stations: number }>(base, '/api/metrics');
    if (m.stations >= n) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`only ${m.stations} of ${n} stations reached the dashboard in ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** The fleet at 10 s reports, no outages (every station should be counted). */
function startFleet(url: string, stations: number): ChildProcess {
  return start([FLEET, '--url', url, '--stations', String(stations), '--health-seconds', '10', '--outage-rate', '0', '--connect-per-second', '1000'], 'fleet');
}

async function ingest(stations: number, seconds: number) {
  const broker = await startMosquitto(['max_queued_messages 0', 'max_connections -1']);
  const dash = await startDashboard(broker.url);
  const sub = spawn(process.execPath, [fileURLToPath(import.meta.url), '--phase', 'baseline', '--url', broker.url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const fleet = startFleet(broker.url, stations);
  try {
    const rampMs = await waitForStations(dash.base, stations, 180_000);
    process.stderr.write(`all ${stations} stations in after ${Math.round(rampMs / 1000)} s; measuring ${seconds} s\n`);
    await sleep(10_000); // one full report period after the ramp, so the window is steady state
    const report = () => new Promise<ReturnType<typeof quantiles>>((resolve) => { sub.once('message', (m) => resolve(m as ReturnType<typeof quantiles>)); sub.send('report'); });
    await report();
    const d0 = procStats(dash.child.pid ?? 0);
    const s0 = procStats(sub.pid ?? 0);
    const m0 = await dashboardApi<{ ingest: { applied: number } }>(dash.base, '/api/metrics');
    const t0 = Date.now();
    const lagSnapshots: { p95: number; max: number }[] = [];
    // One page watching: its live stream read in full, and what it fetches on each 15 s tick.
    const watcher = new AbortController();
    let streamBytes = 0;
    const stream = fetch(`${dash.base}/api/stream`, { signal: watcher.signal }).then(async (res) => {
      for await (const chunk of res.body ?? []) streamBytes += (chunk as Uint8Array).length;
    }).catch(() => undefined);
    const apiMs: Record<string, number[]> = { stations: [], lending: [], ranking: [] };
    let nextTick = Date.now();
    while (Date.now() - t0 < seconds * 1000) {
      if (Date.now() >= nextTick) {
        nextTick += 15_000;
        for (const route of Object.keys(apiMs)) {
          const a = Date.now();
          await (await fetch(`${dash.base}/api/${route}`)).arrayBuffer();
          apiMs[route]?.push(Date.now() - a);
        }
      }
      await sleep(1000);
      const m = await dashboardApi<{ ingest: { lagMs: { p95: number | null; max: number | null } } }>(dash.base, '/api/metrics');
      lagSnapshots.push({ p95: m.ingest.lagMs.p95 ?? 0, max: m.ingest.lagMs.max ?? 0 });
    }
    watcher.abort();
    await stream;
    const wall = (Date.now() - t0) / 1000;
    const d1 = procStats(dash.child.pid ?? 0);
    const s1 = procStats(sub.pid ?? 0);
    const m1 = await dashboardApi<{ ingest: { applied: number; invalid: Record<string, number> } }>(dash.base, '/api/metrics');
    const baseLag = await report();
    const t1 = Date.now();
    // Render of the whole fleet as well, for scale.
    const render10k = await renderTimes(dash.base, 1, stations);
    return {
      stations,
      windowSeconds: Math.round(wall),
      messagesPerSecond: Math.round((m1.ingest.applied - m0.ingest.applied) / wall),
      dashboardCpuPercent: Math.round(((d1.cpuSeconds - d0.cpuSeconds) / wall) * 1000) / 10,
      dashboardRssMb: d1.rssMb,
      dashboardPeakRssMb: d1.peakRssMb,
      ingestLagMs: { p95Max: Math.max(...lagSnapshots.map((l) => l.p95)), max: Math.max(...lagSnapshots.map((l) => l.max)) },
      invalid: m1.ingest.invalid,
      baselineCpuPercent: Math.round(((s1.cpuSeconds - s0.cpuSeconds) / wall) * 1000) / 10,
      baselineRssMb: s1.rssMb,
      baselineLagMs: baseLag,
      cpuRatio: Math.round(((d1.cpuSeconds - d0.cpuSeconds) / Math.max(0.01, s1.cpuSeconds - s0.cpuSeconds)) * 100) / 100,
      pageRenderMsAllStations: render10k.median,
      watchingPage: { streamKBPerSecond: Math.round(streamBytes / 1024 / wall), apiMsMax: Object.fromEntries(Object.entries(apiMs).map(([k, v]) => [k, Math.max(...v)])) },
      renderMeasuredAfterSeconds: Math.round((t1 - t0) / 1000),
    };
  } finally {
    fleet.kill('SIGTERM');
    sub.kill();
    dash.child.kill('SIGTERM');
    await sleep(1500);
    broker.stop();
  }
}

/** Navigation to the table drawn with every row (body[data-ready] and n rows), in ms. */
async function renderTimes(base: string, runs: number, n: number): Promise<{ median: number; all: number[] }> {
  // Loaded here only, so the baseline child (this same file) carries no browser driver in its RSS.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const all: number[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const t0 = Date.now();
      await page.goto(base);
      await page.waitForFunction(
        (count) => {
          // Runs in the page; this file is built without the DOM's types, so the little it uses is named here.
          const doc = (globalThis as unknown as { document: { body: { dataset: Record<string, string> }; querySelectorAll(s: string): { length: number } } }).document;
          return doc.body.dataset.ready === 'true' && doc.querySelectorAll('#fleet tbody tr').length >= count;
        },
        n,
        { timeout: 60_000, polling: 10 },
      );
      all.push(Date.now() - t0);
      await page.close();
    }
    return { median: quantiles(all).p50, all };
  } finally {
    await browser.close();
  }
}

async function render(pageStations: number) {
  const broker = await startMosquitto();
  const dash = await startDashboard(broker.url);
  const fleet = startFleet(broker.url, pageStations);
  try {
    await waitForStations(dash.base, pageStations, 60_000);
    const empty = await startDashboard(broker.url.replace(/:\d+$/, ':1')); // nothing to show: the page's fixed cost
    try {
      const baselineEmpty = await renderTimes(empty.base, 5, 0);
      const full = await renderTimes(dash.base, 5, pageStations);
      return { pageStations, firstRenderMs: full.median, firstRenderRunsMs: full.all, emptyPageMs: baselineEmpty.median, renderRatio: Math.round((full.median / Math.max(1, baselineEmpty.median)) * 10) / 10 };
    } finally {
      empty.child.kill('SIGTERM');
    }
  } finally {
    fleet.kill('SIGTERM');
    dash.child.kill('SIGTERM');
    await sleep(1500);
    broker.stop();
  }
}

async function main(): Promise<void> {
  if (arg('phase', 'main') === 'baseline') return baseline(arg('url', ''));
  const stations = Number(arg('stations', '10000'));
  const seconds = Number(arg('seconds', '60'));
  const pageStations = Number(arg('page-stations', '1000'));
  const page = await render(pageStations);
  process.stderr.write(`page: ${JSON.stringify(page)}\n`);
  const ing = await ingest(stations, seconds);
  const result = { ...ing, ...page, lagUnder2s: ing.ingestLagMs.max < 2000 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-dashboard: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
