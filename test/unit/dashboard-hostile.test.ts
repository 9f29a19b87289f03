/**
 * What one station (or anyone with its topics) can send the dashboard: nothing it sends may stop
 * the dashboard's writes, pin a row, or make it run out of memory or stack.
 */
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonDepth } from '../../dashboard/ingest.js';
import { DASHBOARD_DB } from '../../dashboard/store.js';
import { Db } from '../../platform/db.js';
import { health, ingestRig, openStores, T0 } from '../support/dashboard-rig.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { quietLog } from '../support/sim.js';

const validators = schemaValidators();
afterEach(async () => {
  for (const s of openStores.splice(0)) await s.close();
});

const text = (id: string, seq = 1, at = T0) => JSON.stringify(health(id, '5371', () => undefined, seq, at));
const stored = async (rig: Awaited<ReturnType<typeof ingestRig>>) => new Map((await rig.store.loadStations()).map((e) => [e.station, e.health?.seq ?? null]));

describe('numbers, nesting and sizes', () => {
  it('printedToday 1e999 (Infinity once parsed) is refused by the schema; the other stations are written', async () => {
    const rig = await ingestRig();
    await rig.send('5371/bad-01/health', text('bad-01').replace(/"printedToday":\d+/, '"printedToday":1e999'));
    await rig.send('5371/good-01/health', text('good-01'));
    await rig.ingest.flush();
    expect(rig.ingest.metrics().invalid).toEqual({ schema: 1 });
    expect(await stored(rig)).toEqual(new Map([['good-01', 1]]));
    expect(rig.ingest.metrics().dropped).toBe(0);
  });

  it('an extra property nested thousands deep is refused before parsing, without running out of stack', async () => {
    const rig = await ingestRig();
    const deep = (n: number, id = 'bad-01') => text(id).replace(/^\{/, `{"x":${'['.repeat(n)}${']'.repeat(n)},`);
    await rig.send('5371/bad-01/health', deep(10_000));
    await rig.send('5371/bad-01/health', deep(17));
    await rig.send('5371/good-01/health', deep(12, 'good-01')); // the contract's own nesting plus some is fine
    await rig.ingest.flush();
    expect(rig.ingest.metrics().invalid).toEqual({ 'too-deep': 2 });
    expect(await stored(rig)).toEqual(new Map([['good-01', 1]]));
  });

  it('counts nesting outside strings only, escaped quotes included', () => {
    expect(jsonDepth('{"a":[1,{"b":2}]}', 16)).toBe(3);
    expect(jsonDepth('{"a":"[[[[{{{{\\"[[[["}', 16)).toBe(1);
    expect(jsonDepth('['.repeat(1000), 16)).toBe(17); // stops counting past the limit
  });

  it('a health of 230 KB is refused unread; a list longer than the contract allows is refused by the schema', async () => {
    const rig = await ingestRig();
    await rig.send('5371/big-01/health', health('big-01', '5371', (h) => (h.alerts = Array.from({ length: 1000 }, () => `x${'y'.repeat(228)}`))));
    await rig.send('5371/big-02/health', health('big-02', '5371', (h) => (h.alerts = Array.from({ length: 65 }, (_, i) => `a${i}`))));
    await rig.send('5371/ok-01/health', health('ok-01', '5371', (h) => (h.alerts = Array.from({ length: 64 }, (_, i) => `a${i}`))));
    expect(rig.ingest.metrics().invalid).toEqual({ 'too-large': 1, schema: 1 });
    expect([...rig.fleet.entries.keys()]).toEqual(['ok-01']);
  });
});

describe('no poison pill in the database', () => {
  it('a row the database refuses is dropped and counted, never retried; every other station is written and keeps being written', async () => {
    const lines: string[] = [];
    const rig = await ingestRig({ log: { ...quietLog, error: (_o: unknown, msg?: string) => void lines.push(msg ?? '') } as unknown as typeof quietLog });
    // The real database refusing one station's row, as a full page or a constraint would.
    const other = await Db.open(join(rig.dir, DASHBOARD_DB));
    await other.exec("CREATE TRIGGER refuse BEFORE INSERT ON stations WHEN NEW.station = 'bad-01' BEGIN SELECT RAISE(ABORT, 'refused for the test'); END");
    await other.close();
    await rig.send('5371/bad-01/health', text('bad-01'));
    await rig.send('5371/good-01/health', text('good-01'));
    await rig.ingest.flush();
    expect(await stored(rig)).toEqual(new Map([['good-01', 1]]));
    expect(rig.ingest.metrics().dropped).toBe(1);
    expect(lines).toEqual(['dashboard database write failed; written one by one, what still failed is dropped']);
    // The next flush carries only what is new: the refused row is not tried again.
    rig.at(T0 + 10_000);
    await rig.send('5371/good-01/health', text('good-01', 2, T0 + 10_000));
    await rig.ingest.flush();
    expect(await stored(rig)).toEqual(new Map([['good-01', 2]]));
    expect(rig.ingest.metrics().dropped).toBe(1);
    expect(lines).toHaveLength(1);
    // The picture in memory still has the station the file could not take.
    expect(rig.fleet.entries.get('bad-01')?.health?.seq).toBe(1);
  });
});

describe('forged seq and time', () => {
  it('a seq past 10^15 (2^53 - 1) is refused; a high one is let go once the station was stale and comes back with a later time', async () => {
    const warns: string[] = [];
    const rig = await ingestRig({ staleAfterMs: 60_000, log: { ...quietLog, warn: (_o: unknown, msg?: string) => void warns.push(msg ?? '') } as unknown as typeof quietLog });
    await rig.send('5371/s-01/health', text('s-01', Number.MAX_SAFE_INTEGER));
    expect(rig.ingest.metrics().invalid).toEqual({ schema: 1 });
    await rig.send('5371/s-01/health', text('s-01', 1e15));
    // Live and fresh: a lower seq is a replay, not applied.
    rig.at(T0 + 20_000);
    await rig.send('5371/s-01/health', text('s-01', 5, T0 + 20_000));
    expect(rig.fleet.entries.get('s-01')?.health?.seq).toBe(1e15);
    // Heard from no more for longer than the stale time, then back with a new count.
    rig.at(T0 + 120_000);
    await rig.send('5371/s-01/health', text('s-01', 6, T0 + 120_000));
    expect(rig.fleet.entries.get('s-01')?.health?.seq).toBe(6);
    expect(rig.fleet.restarts).toBe(1);
    expect(warns).toContain('a station that had gone stale came back with a lower seq: taken as a restart on a new count');
    // An old backlog replayed after that is still a replay.
    await rig.send('5371/s-01/health', text('s-01', 4, T0 + 100_000));
    expect(rig.fleet.entries.get('s-01')?.health?.seq).toBe(6);
  });

  it('a station restarted after a simulated fleet held its id: its status first, then its first health on a new count, is taken as the restart (the row is not pinned)', async () => {
    const rig = await ingestRig({ staleAfterMs: 60_000 });
    await rig.send('5371/s-01/health', text('s-01', 90_000));
    // The fleet stops; an hour later the real agent starts: its status comes just before its first health.
    rig.at(T0 + 3_600_000);
    await rig.send('5371/s-01/status', { schema: 'station.status/1', station: 's-01', ts: new Date(T0 + 3_600_000).toISOString(), online: true, version: '0.1.0' });
    await rig.send('5371/s-01/health', text('s-01', 3, T0 + 3_600_500));
    expect(rig.fleet.entries.get('s-01')?.health?.seq).toBe(3);
    expect(rig.fleet.restarts).toBe(1);
  });

  it('a ts in year 9999 is refused for health and events; a few minutes of clock skew is not', async () => {
    const rig = await ingestRig();
    await rig.send('5371/s-01/health', text('s-01', 1));
    await rig.send('5371/s-01/health', text('s-01', 2, Date.parse('9999-12-31T00:00:00Z')));
    const event = (ts: string, seq: number) => ({ schema: 'station.event/1', station: 's-01', ts, seq, code: 'printer.error', state: 'raised', severity: 'critical', message: 'test' });
    await rig.send('5371/s-01/event', event('9999-12-31T00:00:00.000Z', 3));
    expect(rig.ingest.metrics().invalid).toEqual({ 'future-ts': 2 });
    expect(rig.fleet.entries.get('s-01')?.health?.seq).toBe(1);
    await rig.send('5371/s-01/health', text('s-01', 4, T0 + 5 * 60_000));
    await rig.send('5371/s-01/event', event(new Date(T0 + 5 * 60_000).toISOString(), 5));
    expect(rig.fleet.entries.get('s-01')?.health?.seq).toBe(4);
    expect(rig.ingest.metrics().invalid).toEqual({ 'future-ts': 2 });
  });
});

/** A valid health's JSON with one number replaced by the given literal. */
function withNumber(json: string, pick: number, literal: string): string {
  const spots = [...json.matchAll(/:(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?=[,}\]])/g)];
  const m = spots[pick % spots.length];
  if (!m || m.index === undefined) return json;
  return `${json.slice(0, m.index + 1)}${literal}${json.slice(m.index + m[0].length)}`;
}

describe('anything on the topics (property)', () => {
  it('never throws; whatever it takes is written to the database; nothing is dropped', async () => {
    const base = text('p-01', 1);
    const message = fc.oneof(
      fc.tuple(fc.nat(), fc.constantFrom('1e999', '-1e999', '1e308', '9007199254740991', '-0', '1e-400', '0.1', '"7"', 'null', '[]', '{}', 'true')).map(([i, l]) => withNumber(base, i, l)),
      fc.json({ maxDepth: 20 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.nat({ max: base.length }).map((n) => base.slice(0, n)),
    );
    const kind = fc.constantFrom('health', 'event', 'status', 'diagnostics', 'cmd', 'health/x');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(kind, message), { minLength: 1, maxLength: 8 }), async (msgs) => {
        const rig = await ingestRig();
        for (const [k, m] of msgs) await rig.send(`5371/p-01/${k}`, m);
        await rig.ingest.flush();
        expect(rig.ingest.metrics().dropped).toBe(0);
        const held = rig.fleet.entries.get('p-01')?.health;
        if (held) {
          expect(payloadErrors(validators, held)).toEqual([]);
          expect((await stored(rig)).get('p-01')).toBe(held.seq);
        }
        await rig.store.close();
        openStores.splice(openStores.indexOf(rig.store), 1);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

describe('the web server', () => {
  async function serve(token: Buffer | null, handle: (method: string, url: URL, body: unknown) => Promise<unknown> = () => Promise.resolve([])) {
    const { DashboardServer } = await import('../../dashboard/server.js');
    const api = { handle } as unknown as ConstructorParameters<typeof DashboardServer>[0]['api'];
    const errors: string[] = [];
    const log = { ...quietLog, error: (o: unknown, msg?: string) => void errors.push(JSON.stringify(o) + (msg ?? '')) } as unknown as typeof quietLog;
    const server = new DashboardServer({ host: '127.0.0.1', port: 0, token, api, log });
    await server.start();
    return { server, errors, port: Number(new URL(server.address).port) };
  }
  /** One raw request; the status line and the body as the server sent them. */
  const raw = (port: number, head: string) =>
    new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.write(`${head}\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`));
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('end', () => resolve(got));
      s.on('error', reject);
    });

  it('a malformed cookie is no token (401), a malformed request target is 400; neither a 500 nor a stack trace', async () => {
    const { server, errors, port } = await serve(Buffer.from('f3a9c2d47e8b1a6059cd2e7f81b4a3d6'));
    try {
      const cookie = await raw(port, 'GET /api/stations HTTP/1.1\r\nCookie: dashboard_token=%');
      expect(cookie).toMatch(/^HTTP\/1\.1 401 /);
      for (const target of ['//[', '//x:99999', '//']) {
        const answer = await raw(port, `GET ${target} HTTP/1.1`);
        expect(answer).toMatch(/^HTTP\/1\.1 400 /);
        expect(answer).toContain('malformed request target');
        expect(answer).not.toMatch(/at .*\.js:\d+/);
      }
      expect(errors).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it("a change sent from another site's page is refused 403 in both languages before the API sees it; the page itself and a script without an Origin pass", async () => {
    const seen: unknown[] = [];
    const { server, port } = await serve(null, (_method, _url, body) => (seen.push(body), Promise.resolve({ acked: true })));
    const ack = (headers: Record<string, string>, body = '{"by":"IT"}') => fetch(`http://127.0.0.1:${port}/api/alerts/1/ack`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    try {
      const refused = await ack({ origin: 'http://evil.example' });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('x-frame-options')).toBe('DENY');
      const said = ((await refused.json()) as { error: { id: string; en: string } }).error;
      expect(said.en).toMatch(/only this dashboard's own page/);
      expect(said.id).toMatch(/hanya halaman dasbor ini sendiri/);
      expect(seen).toEqual([]);
      expect((await ack({ origin: `http://127.0.0.1:${port}` })).status).toBe(200);
      expect((await ack({})).status).toBe(200);
      expect(seen).toEqual([{ by: 'IT' }, { by: 'IT' }]);
      const notObject = await ack({}, '[1]');
      expect(notObject.status).toBe(400);
      expect(((await notObject.json()) as { error: { en: string } }).error.en).toBe('body must be a JSON object');
    } finally {
      await server.stop();
    }
  });

  it('a body nested 2,000 deep (under the 4 KB limit) is a 400 that says so before the API sees it; its value never reaches the handler', async () => {
    const seen: unknown[] = [];
    const { server, errors, port } = await serve(null, (_method, _url, body) => (seen.push(body), Promise.resolve({ acked: true })));
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/alerts/1/ack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"by":${'['.repeat(2000)}${']'.repeat(2000)}}` });
      expect(res.status).toBe(400);
      const said = ((await res.json()) as { error: { id: string; en: string } }).error;
      expect(said.en).toMatch(/nested deeper than 16 levels/);
      expect(said.id).toMatch(/bersarang lebih dari 16 tingkat/);
      expect(seen).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it(`open pages are capped: past the cap a stream is answered 503 with why, and a closed page frees its place`, async () => {
    const { server, port } = await serve(null);
    const open = () =>
      new Promise<{ socket: Socket; first: string }>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
        socket.once('data', (d: Buffer) => resolve({ socket, first: d.toString() }));
      });
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 64; i++) {
        const s = await open();
        sockets.push(s.socket);
        expect(s.first).toMatch(/^HTTP\/1\.1 200 /);
      }
      const refused = await open();
      sockets.push(refused.socket);
      expect(refused.first).toMatch(/^HTTP\/1\.1 503 /);
      expect(refused.first).toContain('pages are already open');
      expect(server.clients).toBe(64);
      sockets[0]?.destroy();
      await vi.waitFor(() => expect(server.clients).toBe(63));
      const again = await open();
      sockets.push(again.socket);
      expect(again.first).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      for (const s of sockets) s.destroy();
      await server.stop();
    }
  });
});
