import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ActiveAlerts } from '../../dashboard/active-alerts.js';
import { alertmanagerHeaders, AlertmanagerPoster, type AmAlert } from '../../dashboard/alertmanager.js';
import { dashboardConfigSchema } from '../../dashboard/config.js';
import { ManualClock } from '../../core/clock.js';
import type { StoredEvent } from '../../dashboard/store.js';
import { ingestRig, openStores, T0 } from '../support/dashboard-rig.js';
import { freePort, waitUntil } from '../support/peers.js';
import { quietLog, tempDir } from '../support/sim.js';

afterEach(async () => {
  for (const s of openStores.splice(0)) await s.close();
});

let seq = 0;
function ev(code: string, state: 'raised' | 'cleared', at: number, over: Partial<StoredEvent> = {}): StoredEvent {
  seq++;
  return { id: seq, station: '5371-01', province: '53', regency: '5371', ts: new Date(at).toISOString(), seq, code, state, severity: 'critical', message: `${code} ${state}`, ackedAt: null, ackedBy: null, installId: null, install: 0, ...over };
}

describe('the book of active alerts', () => {
  it('raised fires, cleared resolves at the clear, an older event replayed later changes nothing', () => {
    const book = new ActiveAlerts();
    const raise = ev('supply.film.empty', 'raised', T0);
    expect(book.apply(raise, T0 + 1000)).toEqual([{ kind: 'firing', alert: expect.objectContaining({ code: 'supply.film.empty', startsAtMs: T0 }) as unknown }]);
    const clear = ev('supply.film.empty', 'cleared', T0 + 60_000);
    expect(book.apply(clear, T0 + 61_000)).toEqual([{ kind: 'resolved', alert: expect.objectContaining({ code: 'supply.film.empty' }) as unknown, endsAtMs: T0 + 60_000 }]);
    expect(book.size).toBe(0);
    // A clear for something not raised, and a raise older than the one held, are nothing to tell.
    expect(book.apply(ev('ups.on_battery', 'cleared', T0), T0)).toEqual([]);
    book.apply(ev('ups.on_battery', 'raised', T0 + 10_000), T0 + 10_000);
    expect(book.apply(ev('ups.on_battery', 'raised', T0 + 5000, { seq: 1 }), T0 + 20_000)).toEqual([]);
  });

  it('a graver raise is another alert for Alertmanager: the old label set resolves, the new one fires', () => {
    const book = new ActiveAlerts();
    book.apply(ev('ups.comm_lost', 'raised', T0, { severity: 'warning' }), T0);
    const c = book.apply(ev('ups.comm_lost', 'raised', T0 + 30_000, { severity: 'critical' }), T0 + 30_000);
    expect(c.map((x) => [x.kind, x.alert.severity])).toEqual([
      ['resolved', 'warning'],
      ['firing', 'critical'],
    ]);
    // A renewed message with the same labels keeps its start.
    const r = book.apply(ev('ups.comm_lost', 'raised', T0 + 60_000, { severity: 'critical', message: 'new words' }), T0 + 60_000);
    expect(r).toEqual([{ kind: 'firing', alert: expect.objectContaining({ message: 'new words', startsAtMs: T0 + 30_000 }) as unknown }]);
  });

  it("a station clock ahead of the dashboard's does not start an alert in the future", () => {
    const book = new ActiveAlerts();
    const [c] = book.apply(ev('printer.offline', 'raised', T0 + 300_000), T0);
    expect(c?.alert.startsAtMs).toBe(T0);
  });

  it('from the stored feed at start: raised fires again, a recent clear resolves again, an old one is forgotten', async () => {
    const { store } = await ingestRig();
    const add = (e: StoredEvent) => store.addEvent({ station: e.station, province: e.province, regency: e.regency, ts: e.ts, seq: e.seq, code: e.code, state: e.state, severity: e.severity, message: e.message });
    await add(ev('supply.film.empty', 'raised', T0));
    await add(ev('supply.film.empty', 'cleared', T0 + 1000));
    await add(ev('supply.film.empty', 'raised', T0 + 2000)); // raised again: active
    await add(ev('ups.comm_lost', 'raised', T0, { severity: 'critical' }));
    await add(ev('ups.comm_lost', 'cleared', T0 + 600_000, { severity: 'warning' })); // cleared 4 min before the restart
    await add(ev('printer.offline', 'raised', T0));
    await add(ev('printer.offline', 'cleared', T0 + 1000)); // cleared long ago
    await add(ev('jobs.held', 'raised', T0, { station: '5303-01', regency: '5303', severity: 'warning' }));
    const book = new ActiveAlerts();
    const now = T0 + 840_000;
    const changes = book.load(await store.latestAlertEvents(), now, now - 300_000);
    const seen = changes.map((c) => `${c.kind} ${c.alert.station} ${c.alert.code} ${c.alert.severity}`).sort();
    expect(seen).toEqual(['firing 5303-01 jobs.held warning', 'firing 5371-01 supply.film.empty critical', 'resolved 5371-01 ups.comm_lost critical']);
    expect(book.list().map((a) => a.code).sort()).toEqual(['jobs.held', 'supply.film.empty']);
  });
});

describe('dashboard.alertmanager in the configuration', () => {
  const parse = (alertmanager: unknown) => dashboardConfigSchema.safeParse({ dashboard: { alertmanager } });
  it('takes a URL with optional basic auth or a bearer token from files, and refuses a password in the URL', () => {
    expect(parse({ url: 'http://127.0.0.1:9093' }).success).toBe(true);
    const ok = parse({ url: 'https://am.example.go.id/alertmanager', username: 'dash', passwordFile: '/etc/p' });
    expect(ok.success && ok.data.dashboard.alertmanager).toMatchObject({ resendSeconds: 60, timeoutSeconds: 10 });
    const issues = (x: unknown) => (parse(x).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ url: 'http://admin:secret@127.0.0.1:9093' }).join()).toMatch(/dashboard\.alertmanager\.url: no user or password in the URL/);
    expect(issues({ url: '127.0.0.1:9093' }).join()).toMatch(/expected http:\/\/HOST:PORT/);
    expect(issues({ url: 'http://a:9093', passwordFile: '/p' })).toEqual(['dashboard.alertmanager.username: passwordFile needs a username']);
    expect(issues({ url: 'http://a:9093', username: 'u', passwordFile: '/p', bearerTokenFile: '/t' }).join()).toMatch(/either username and passwordFile or bearerTokenFile/);
  });

  it('reads the secrets from their files; an unreadable one is a configuration error naming the key', () => {
    const dir = tempDir('am-secret-');
    writeFileSync(join(dir, 'pass'), 'pa:ss\n');
    expect(alertmanagerHeaders({ url: 'http://a', username: 'dash', passwordFile: join(dir, 'pass'), resendSeconds: 60, timeoutSeconds: 10 }, 'f.yaml')).toEqual({ authorization: `Basic ${Buffer.from('dash:pa:ss').toString('base64')}` });
    expect(() => alertmanagerHeaders({ url: 'http://a', bearerTokenFile: join(dir, 'missing'), resendSeconds: 60, timeoutSeconds: 10 }, 'f.yaml')).toThrow(/dashboard\.alertmanager\.bearerTokenFile/);
  });
});

/** A tiny Alertmanager stand-in: records every post; answers what `answer` says. */
async function fakeAlertmanager(port: number, answer: () => number = () => 200): Promise<{ posts: { alerts: AmAlert[]; headers: IncomingHttpHeaders }[]; server: Server; close(): Promise<void> }> {
  const posts: { alerts: AmAlert[]; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/api/v2/alerts' && req.method === 'POST') posts.push({ alerts: JSON.parse(Buffer.concat(chunks).toString()) as AmAlert[], headers: req.headers });
      res.writeHead(answer()).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { posts, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function memoryLog() {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
  return { log, lines };
}

/**
 * Let `ms` pass on the manual clock a timer at a time, each post a timer sets going answered
 * before the clock moves on: no real pause, so what the test sees does not hang on this machine's speed.
 */
async function pass(clock: ManualClock, p: AlertmanagerPoster, ms: number): Promise<void> {
  const end = clock.monotonic() + ms;
  for (;;) {
    await p.settled();
    const next = clock.nextTimerIn();
    if (next === null || clock.monotonic() + next > end) break;
    clock.advance(next);
  }
  clock.advance(end - clock.monotonic());
}

/** Move the clock a timer at a time until `cond` holds; fail after `maxMs` of the clock. */
async function passUntil(what: string, clock: ManualClock, p: AlertmanagerPoster, cond: () => boolean, maxMs = 60_000): Promise<void> {
  const end = clock.monotonic() + maxMs;
  for (;;) {
    await p.settled();
    if (cond()) return;
    const next = clock.nextTimerIn();
    if (next === null || clock.monotonic() + next > end) throw new Error(`not within ${maxMs} ms of the clock: ${what}`);
    clock.advance(next);
  }
}

describe('posting to Alertmanager', () => {
  const posters: AlertmanagerPoster[] = [];
  afterEach(async () => {
    for (const p of posters.splice(0)) await p.stop();
  });
  const poster = (port: number, clock: ManualClock, o: Partial<ConstructorParameters<typeof AlertmanagerPoster>[0]> = {}) => {
    const p = new AlertmanagerPoster({ url: `http://127.0.0.1:${port}/`, resendMs: 400, timeoutMs: 500, retryMs: 50, batchMs: 10, log: quietLog, clock, ...o });
    posters.push(p);
    return p;
  };

  it('posts a raise with the contract labels and both languages, reposts while active, resolves with endsAt', async () => {
    const port = await freePort();
    const am = await fakeAlertmanager(port);
    try {
      const clock = new ManualClock();
      const book = new ActiveAlerts();
      const p = poster(port, clock, { regencyName: (c) => (c === '5371' ? 'Kota Kupang' : undefined) });
      p.start();
      const raisedAt = clock.now() - 1000;
      p.take(book.apply(ev('supply.film.empty', 'raised', raisedAt, { message: 'Film (film) is empty: the station cannot print' }), clock.now()));
      await pass(clock, p, 10);
      expect(am.posts).toHaveLength(1);
      const a = am.posts[0]?.alerts[0];
      expect(a).toMatchObject({
        labels: { alertname: 'supply.film.empty', station: '5371-01', province: '53', regency: '5371', severity: 'critical' },
        annotations: {
          summary: 'Film habis / Film empty: 5371-01 (Kota Kupang)',
          summary_id: 'Film habis: stasiun 5371-01 (Kota Kupang)',
          summary_en: 'Film empty: station 5371-01 (Kota Kupang)',
          description: 'Film (film) is empty: the station cannot print',
        },
        startsAt: new Date(raisedAt).toISOString(),
        // Active: it says it ends four resend periods on, and is posted again before that.
        endsAt: new Date(clock.now() - 10 + 4 * 400).toISOString(),
      });
      await pass(clock, p, 800);
      expect(am.posts.map((x) => x.alerts.map((y) => y.labels.alertname))).toEqual([['supply.film.empty'], ['supply.film.empty'], ['supply.film.empty']]);
      const clearedAt = clock.now() - 100;
      p.take(book.apply(ev('supply.film.empty', 'cleared', clearedAt), clock.now()));
      await pass(clock, p, 10);
      expect(am.posts.at(-1)?.alerts.map((y) => y.endsAt)).toEqual([new Date(clearedAt).toISOString()]);
      const n = am.posts.length;
      // Two resend periods and more: resolved and taken, it is not posted again; nothing else fires.
      await pass(clock, p, 900);
      expect(am.posts.slice(n).flatMap((x) => x.alerts)).toEqual([]);
      expect(p.status()).toMatchObject({ up: true, firing: 0, pending: 0 });
    } finally {
      await am.close();
    }
  });

  it('Alertmanager down loses nothing: the raise and the clear made meanwhile are delivered once it answers', async () => {
    const port = await freePort();
    const { log, lines } = memoryLog();
    const dir = tempDir('am-token-');
    writeFileSync(join(dir, 'token'), 'tok-0123456789abcdef\n');
    const headers = alertmanagerHeaders({ url: 'http://a', bearerTokenFile: join(dir, 'token'), resendSeconds: 60, timeoutSeconds: 10 }, 'f.yaml');
    const clock = new ManualClock();
    const book = new ActiveAlerts();
    const p = poster(port, clock, { log, headers, resendMs: 300 });
    p.start();
    p.take(book.apply(ev('ups.on_battery', 'raised', clock.now(), { severity: 'warning' }), clock.now()));
    p.take(book.apply(ev('printer.offline', 'raised', clock.now()), clock.now()));
    await passUntil('a failed post', clock, p, () => p.status().up === false);
    p.take(book.apply(ev('printer.offline', 'cleared', clock.now()), clock.now()));
    expect(p.status()).toMatchObject({ up: false, firing: 1, pending: 2 });
    expect(p.status().lastError).toMatch(/ECONNREFUSED: is Alertmanager running at dashboard\.alertmanager\.url/);
    // Retried after 50, 100, 200 ms meanwhile, and said once, not on every retry.
    await pass(clock, p, 400);
    expect(lines.filter((l) => l.includes('did not take the alerts'))).toHaveLength(1);

    const am = await fakeAlertmanager(port);
    try {
      await passUntil('delivery after Alertmanager came back', clock, p, () => p.status().pending === 0 && p.status().up === true, 300);
      const got = am.posts.flatMap((x) => x.alerts);
      expect(got.find((a) => a.labels.alertname === 'ups.on_battery' && Date.parse(a.endsAt) > clock.now())).toBeDefined();
      expect(got.find((a) => a.labels.alertname === 'printer.offline' && Date.parse(a.endsAt) <= clock.now())).toBeDefined();
      expect(am.posts[0]?.headers.authorization).toBe('Bearer tok-0123456789abcdef');
      expect(lines.some((l) => l.includes('Alertmanager answers again'))).toBe(true);
      // The token never reaches the log.
      expect(lines.join('')).not.toContain('tok-0123456789abcdef');
    } finally {
      await am.close();
    }
  });

  it('an answer of 400 (alerts refused as invalid) is not posted again forever; 5xx is', async () => {
    const port = await freePort();
    let status = 400;
    const am = await fakeAlertmanager(port, () => status);
    try {
      const clock = new ManualClock();
      const book = new ActiveAlerts();
      const p = poster(port, clock, { resendMs: 5000 });
      p.start();
      p.take(book.apply(ev('host.disk_low', 'raised', clock.now(), { severity: 'warning' }), clock.now()));
      await pass(clock, p, 10);
      expect(am.posts).toHaveLength(1);
      // A failure would be retried after 50 ms, then 100, 200...: none until the resend period.
      await pass(clock, p, 4980);
      expect([am.posts.length, p.pending]).toEqual([1, 0]);
      status = 503;
      p.take(book.apply(ev('host.disk_low', 'cleared', clock.now()), clock.now()));
      await passUntil('retries of the 503', clock, p, () => am.posts.length >= 3, 1000);
      expect(p.status()).toMatchObject({ up: false, pending: 1, lastError: 'HTTP 503: ' });
    } finally {
      await am.close();
    }
  });

  it('an address that redirects to itself is named a redirect loop, not "is Alertmanager running?"; the alert is kept', async () => {
    const port = await freePort();
    let asked = 0;
    // A proxy gone wrong: every request sent back to the same address.
    const server = createServer((req, res) => {
      asked++;
      req.resume();
      res.writeHead(307, { location: `http://127.0.0.1:${port}${req.url ?? '/'}` }).end();
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    try {
      const clock = new ManualClock();
      const book = new ActiveAlerts();
      const p = poster(port, clock);
      p.start();
      p.take(book.apply(ev('printer.offline', 'raised', clock.now()), clock.now()));
      await passUntil('a failed post', clock, p, () => p.status().up === false);
      expect(p.status()).toMatchObject({ up: false, pending: 1 });
      expect(p.status().lastError).toMatch(/^a redirect loop: http:\/\/127\.0\.0\.1:\d+\/api\/v2\/alerts redirects back to itself/);
      expect(p.status().lastError).toMatch(/dashboard\.alertmanager\.url/);
      expect(p.status().lastError).not.toMatch(/is Alertmanager running/);
      // Asked once a post, not twenty times.
      expect(asked).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a loop through two addresses is named with both; a 302 (which would turn the post into a read) is not followed but named', async () => {
    const [a, b] = [await freePort(), await freePort()];
    let redirect = (other: number) => `http://127.0.0.1:${other}/api/v2/alerts`;
    let status = 308;
    const make = (other: number) =>
      createServer((req, res) => {
        req.resume();
        res.writeHead(status, { location: redirect(other) }).end();
      });
    const servers = [make(b), make(a)];
    await Promise.all(servers.map((s, i) => new Promise<void>((r) => s.listen(i === 0 ? a : b, '127.0.0.1', () => r()))));
    try {
      const clock = new ManualClock();
      const book = new ActiveAlerts();
      const p = poster(a, clock);
      p.start();
      p.take(book.apply(ev('printer.offline', 'raised', clock.now()), clock.now()));
      await passUntil('a failed post', clock, p, () => p.status().up === false);
      expect(p.status().lastError).toBe(`a redirect loop: http://127.0.0.1:${a}/api/v2/alerts → http://127.0.0.1:${b}/api/v2/alerts → back to the first: check dashboard.alertmanager.url and the proxy in front of Alertmanager`);
      status = 302;
      redirect = () => `https://alertmanager.example/api/v2/alerts`;
      p.take(book.apply(ev('printer.offline', 'cleared', clock.now()), clock.now()));
      await passUntil('the 302 named', clock, p, () => /HTTP 302/.test(p.status().lastError ?? ''));
      expect(p.status().lastError).toBe("HTTP 302: redirected to https://alertmanager.example/api/v2/alerts, where the alerts would arrive as a read, not a post: set dashboard.alertmanager.url to Alertmanager's own address");
    } finally {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
    }
  });

  it('an Alertmanager that takes the post and never answers: given up at timeoutMs on the injected clock, and the alert kept', async () => {
    const port = await freePort();
    let asked = 0;
    const server = createServer(() => void asked++);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    try {
      const clock = new ManualClock();
      const book = new ActiveAlerts();
      const p = poster(port, clock);
      p.start();
      p.take(book.apply(ev('printer.offline', 'raised', clock.now()), clock.now()));
      clock.advance(0);
      await waitUntil('the post to arrive', () => asked === 1);
      // The post waits on the clock's 500 ms, not on the machine's.
      expect(clock.nextTimerIn()).toBe(500);
      clock.advance(499);
      expect(p.status().up).toBeNull();
      clock.advance(1);
      await p.settled();
      expect(p.status()).toMatchObject({ up: false, pending: 1, lastError: 'no answer within 500 ms (dashboard.alertmanager.timeoutSeconds)' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
