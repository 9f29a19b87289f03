/**
 * The national dashboard's endpoints, asked against a country already in its database: a quick
 * loop for work on them, beside the full `bench:national` (which takes ten minutes to bring the
 * month's books in). It copies a dashboard database a full run left behind (its dashboard's
 * `data/dashboard.db`, under /tmp/bench-nation-*), starts the dashboard on it with a real
 * Mosquitto, and keeps it as busy as the full run's fleet does: every station's last health sent
 * again every 10 s (seq and time moved on) and its today's figures every 60 s, from one client.
 * Then each endpoint is asked cold and warm while its ingest lag is watched, and its RSS read.
 *
 *   npm run build && node build/scripts/bench-national-asked.js --db /tmp/bench-nation-XXXX/data/dashboard.db [--warm 5 --profile DIR --only /metrics]
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import sqlite3 from 'sqlite3';
import { arg, procStats, quantiles, startMosquitto } from './bench-support.js';
import { startDashboard } from './bench-national-procs.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Lag { p50: number | null; p95: number | null; max: number | null }

function all<T>(file: string, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return reject(err);
      db.all<T>(sql, (e, rows) => {
        db.close();
        if (e) reject(e);
        else resolve(rows);
      });
    });
  });
}

/** One client sending every station's health each 10 s and its today's figures each 60 s, spread over the period. */
async function keepBusy(url: string, file: string): Promise<{ stop: () => Promise<void>; sent: () => number }> {
  const stations = await all<{ station: string; province: string; regency: string; health: string }>(file, 'SELECT station, province, regency, health FROM stations WHERE health IS NOT NULL');
  const today = await all<{ station: string; office: string; seq: number; figures: string }>(file, 'SELECT station, office, seq, figures FROM station_days WHERE day = (SELECT MAX(day) FROM station_days)');
  const todayOf = new Map(today.map((d) => [d.station, d]));
  const c = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: 'asked-load' });
  let sent = 0;
  let stopped = false;
  // Online again: the run that left the database stopped its fleet, whose Wills said every station was lost.
  for (const s of stations) {
    const status = { schema: 'station.status/1', station: s.station, ts: new Date().toISOString(), online: true, version: 'asked' };
    void c.publishAsync(`ektp/v1/${s.province}/${s.regency}/${s.station}/status`, JSON.stringify(status), { qos: 1, retain: true }).then(() => sent++);
  }
  let tick = 0;
  const healths = stations.map((s) => ({ ...s, h: JSON.parse(s.health) as { seq: number; ts: string } }));
  const timer = setInterval(() => {
    if (stopped) return;
    const ts = new Date().toISOString();
    // Every 100 ms one hundredth of the stations: all of them in 10 s, and each one's day every sixth time.
    const slot = tick % 100;
    const round = Math.floor(tick++ / 100);
    for (let i = slot; i < healths.length; i += 100) {
      const s = healths[i];
      if (!s) continue;
      s.h.seq += 1;
      s.h.ts = ts;
      void c.publishAsync(`ektp/v1/${s.province}/${s.regency}/${s.station}/health`, JSON.stringify(s.h), { qos: 1, retain: true }).then(() => sent++);
      const d = todayOf.get(s.station);
      if (d && (round + i) % 6 === 0) {
        d.seq += 1;
        const body = { schema: 'station.daily/1', station: s.station, ts, seq: d.seq, office: d.office, timeZone: 'Asia/Jakarta', ...(JSON.parse(d.figures) as object) };
        void c.publishAsync(`ektp/v1/${s.province}/${s.regency}/${s.station}/daily`, JSON.stringify(body), { qos: 1 }).then(() => sent++);
      }
    }
  }, 100);
  return {
    sent: () => sent,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await c.endAsync();
    },
  };
}

async function lagNow(base: string): Promise<Lag | null> {
  const r = await fetch(`${base}/api/metrics`, { signal: AbortSignal.timeout(60_000) }).catch(() => null);
  return r ? ((await r.json()) as { ingest: { lagMs: Lag } }).ingest.lagMs : null;
}

/** Lag snapshots once a second while `work` runs. */
async function watch<T>(base: string, work: Promise<T>): Promise<{ value: T; p95Worst: number; max: number; unanswered: number }> {
  let done = false;
  const snaps: Lag[] = [];
  let unanswered = 0;
  const watching = (async () => {
    while (!done) {
      await sleep(1000);
      const l = await lagNow(base);
      if (l) snaps.push(l);
      else unanswered++;
    }
  })();
  const value = await work.finally(() => (done = true));
  await watching;
  return { value, p95Worst: Math.max(0, ...snaps.map((s) => s.p95 ?? 0)), max: Math.max(0, ...snaps.map((s) => s.max ?? 0)), unanswered };
}

async function call(base: string, path: string): Promise<{ ms: number; status: number; kB: number }> {
  const t0 = performance.now();
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(180_000) });
  const body = await res.arrayBuffer();
  return { ms: Math.round(performance.now() - t0), status: res.status, kB: Math.round(body.byteLength / 1024) };
}

async function main(): Promise<void> {
  const source = arg('db', '');
  if (!source) throw new Error('--db: a dashboard.db a full bench:national run left behind (/tmp/bench-nation-*/data/dashboard.db)');
  const warm = Number(arg('warm', '5'));
  const only = arg('only', '');
  const dir = mkdtempSync(join(tmpdir(), 'bench-asked-'));
  mkdirSync(join(dir, 'data'));
  copyFileSync(source, join(dir, 'data', 'dashboard.db'));
  const [month] = (await all<{ m: string }>(source, 'SELECT substr(MAX(day), 1, 7) AS m FROM station_days')).map((r) => r.m);
  const broker = await startMosquitto(['max_queued_messages 0', 'max_connections -1']);
  const t0 = Date.now();
  const dash = await startDashboard(broker.url, { heapMb: Number(arg('heap', '1024')), profileDir: arg('profile', '') || undefined, dir });
  process.stderr.write(`dashboard up on the copied database after ${Date.now() - t0} ms, RSS ${procStats(dash.child.pid ?? 0).rssMb} MB\n`);
  const load = await keepBusy(broker.url, source);
  try {
    // Every station's health fresh again (one period), and the lag window (2,000 healths) all of now.
    await sleep(Number(arg('settle', '15')) * 1000);
    const quiet = await watch(dash.base, sleep(10_000));
    process.stderr.write(`steady: lag p95 worst ${quiet.p95Worst} ms, RSS ${procStats(dash.child.pid ?? 0).rssMb} MB, ${load.sent()} messages sent\n`);
    const paths = [
      '/metrics',
      '/api/offices',
      '/api/allocation',
      `/api/reconciliation?province=53&month=${month}`,
      '/api/nation',
      `/api/reconciliation?nation&month=${month}`,
    ].filter((p) => !only || p.startsWith(only));
    const rows: string[][] = [['endpoint', 'first / warm median / max, ms', 'kB', 'lag p95 worst / max, ms', 'RSS / peak, MB']];
    for (const path of paths) {
      writeClearRefs(dash.child.pid ?? 0);
      const r = await watch(
        dash.base,
        (async () => {
          const first = await call(dash.base, path);
          const again = [];
          for (let i = 0; i < warm; i++) again.push(await call(dash.base, path));
          return { first, again };
        })(),
      );
      const p = procStats(dash.child.pid ?? 0);
      const w = quantiles(r.value.again.map((x) => x.ms));
      rows.push([`${path.split('&')[0]} (${r.value.first.status})`, `${r.value.first.ms} / ${w.p50} / ${Math.max(r.value.first.ms, w.max)}`, String(r.value.first.kB), `${r.p95Worst} / ${r.max}${r.unanswered ? ` (${r.unanswered} unanswered)` : ''}`, `${p.rssMb} / ${p.peakRssMb}`]);
      process.stderr.write(`${rows[rows.length - 1]?.join(' | ')}\n`);
    }
    const width = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
    for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(width[i] ?? 0)).join(' | ')}\n`);
  } finally {
    await load.stop();
    dash.child.kill('SIGTERM');
    await new Promise((r) => {
      dash.child.once('exit', r);
      setTimeout(r, 15_000);
    });
    broker.stop();
  }
}

/** The peak RSS from here on (Linux: 5 to clear_refs resets VmHWM). */
function writeClearRefs(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not Linux, or not allowed: the peak is since the start
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-national-asked: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
