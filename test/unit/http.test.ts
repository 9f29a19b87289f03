/**
 * The HTTP checks both pages share (platform/http.ts): each refuses what it should, with the
 * right status, and says why as `{error: {id, en}}` in both languages, on a real loopback server.
 */
import type { IncomingMessage } from 'node:http';
import { request, type Server } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { authorised, hostAllowed, HttpError, originAllowed, readJson, sameSecret, sendJson } from '../../platform/http.js';
import { addressOf, answerLogin, closeNow, guardedServer, listenOn, type Route } from '../../platform/http-serve.js';
import { quietLog } from '../support/sim.js';

const TOKEN = Buffer.from('synthetic-token-0123456789abcdef');
const CSP = "default-src 'none'";

/** A request as a handler sees it: headers, a method, and a body streamed in the given chunks. */
function fakeReq(headers: Record<string, string>, chunks: string[] = [], method = 'POST'): IncomingMessage {
  return Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers, method, url: '/' }) as unknown as IncomingMessage;
}

async function refusal(p: Promise<unknown>): Promise<{ status: number; id: string; en: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpError);
  const h = err as HttpError;
  return { status: h.status, id: h.text.id, en: h.text.en };
}

describe('reading a JSON body', () => {
  const json = { 'content-type': 'application/json' };
  it('takes a JSON object up to the limit, the limit itself included', async () => {
    expect(await readJson(fakeReq(json, ['{"n":', '5}']), 7)).toEqual({ n: 5 });
  });

  it('refuses another content type (415), a body past the limit (413, declared or counted), and anything but an object (400), in both languages', async () => {
    const cases: [IncomingMessage, number, RegExp][] = [
      [fakeReq({ 'content-type': 'text/plain' }, ['{}']), 415, /content-type application\/json/],
      [fakeReq({ ...json, 'content-length': '9' }, []), 413, /body over 8 bytes/],
      [fakeReq(json, ['{"n":', '55555}']), 413, /body over 8 bytes/],
      [fakeReq(json, ['{not']), 400, /not valid JSON/],
      [fakeReq(json, ['[1,2]']), 400, /must be a JSON object/],
      [fakeReq(json, ['null']), 400, /must be a JSON object/],
      [fakeReq(json, []), 400, /not valid JSON/],
    ];
    for (const [req, status, en] of cases) {
      const r = await refusal(readJson(req, 8));
      expect(r.status).toBe(status);
      expect(r.en).toMatch(en);
      expect(r.id.length).toBeGreaterThan(0);
      expect(r.id).not.toBe(r.en);
    }
  });
});

describe('a JSON body nested deep', () => {
  const json = { 'content-type': 'application/json' };
  it('is refused 400 before it is parsed, in both languages: 34,000 deep in a field, and 17; 16 deep is taken', async () => {
    const nested = (n: number) => `{"n":${'['.repeat(n - 1)}${']'.repeat(n - 1)}}`;
    for (const depth of [34_000, 17]) {
      const r = await refusal(readJson(fakeReq(json, [nested(depth)]), 100_000));
      expect([r.status, r.en]).toEqual([400, 'body nested deeper than 16 levels: send a flat JSON object']);
      expect(r.id).toMatch(/bersarang lebih dari 16 tingkat/);
    }
    expect(await readJson(fakeReq(json, [nested(16)]), 100_000)).toHaveProperty('n');
  });
});

describe('the token, the Host and the Origin', () => {
  it('compares secrets whole: equal passes; one byte off, longer, shorter or empty does not', () => {
    expect(sameSecret('abc', Buffer.from('abc'))).toBe(true);
    for (const given of ['abd', 'abcd', 'ab', '']) expect(sameSecret(given, 'abc')).toBe(false);
  });

  it('takes the token from a Bearer header or the cookie; the header, when sent, decides', () => {
    const req = (headers: Record<string, string>) => fakeReq(headers, [], 'GET');
    const t = TOKEN.toString();
    expect(authorised(req({}), null, 'c')).toBe(true);
    expect(authorised(req({ authorization: `Bearer ${t}` }), TOKEN, 'c')).toBe(true);
    expect(authorised(req({ cookie: `x=1; c=${encodeURIComponent(t)}` }), TOKEN, 'c')).toBe(true);
    expect(authorised(req({}), TOKEN, 'c')).toBe(false);
    expect(authorised(req({ authorization: `Bearer ${t}x` }), TOKEN, 'c')).toBe(false);
    expect(authorised(req({ authorization: `Basic ${t}` }), TOKEN, 'c')).toBe(false);
    expect(authorised(req({ authorization: 'Bearer nope', cookie: `c=${t}` }), TOKEN, 'c')).toBe(false);
    expect(authorised(req({ cookie: `other=${t}` }), TOKEN, 'c')).toBe(false);
    expect(authorised(req({ cookie: 'c=%' }), TOKEN, 'c')).toBe(false);
  });

  it("without a token only this PC's names pass the Host check; with one any name does", () => {
    const host = (h?: string) => fakeReq(h === undefined ? {} : { host: h }, [], 'GET');
    for (const h of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', '127.0.0.1']) expect(hostAllowed(host(h), null), h).toBe(true);
    for (const h of ['attacker.example:8080', '127.attacker.example', '10.0.0.5:8080', undefined]) expect(hostAllowed(host(h), null), String(h)).toBe(false);
    expect(hostAllowed(host('station-7.example'), TOKEN)).toBe(true);
  });

  it("a request that changes something needs this host's Origin; required, one without is refused too; reads pass", () => {
    const req = (method: string, origin?: string) => fakeReq({ host: '127.0.0.1:8080', ...(origin === undefined ? {} : { origin }) }, [], method);
    for (const required of [true, false]) {
      expect(originAllowed(req('POST', 'http://127.0.0.1:8080'), { required })).toBe(true);
      expect(originAllowed(req('DELETE', 'https://127.0.0.1:8080'), { required })).toBe(true);
      for (const o of ['http://evil.example', 'null', 'http://127.0.0.1:8081', 'http://127.0.0.1']) expect(originAllowed(req('POST', o), { required }), o).toBe(false);
      expect(originAllowed(req('GET', 'http://evil.example'), { required })).toBe(true);
    }
    expect(originAllowed(req('POST'), { required: true })).toBe(false);
    expect(originAllowed(req('POST'), { required: false })).toBe(true);
  });
});

describe('a guarded server', () => {
  let server: Server | undefined;
  afterEach(() => closeNow(server));

  async function serve(token: Buffer | null, route: Route) {
    const errors: string[] = [];
    const log = { ...quietLog, error: (o: unknown, msg?: string) => void errors.push(`${JSON.stringify(o)} ${msg ?? ''}`) } as unknown as typeof quietLog;
    server = guardedServer({ csp: CSP, token, refusedHost: { id: 'hanya loopback', en: 'loopback only' }, failed: { id: 'gagal; lihat log', en: 'failed; see the log' }, log, failedLog: 'test page failed' }, route);
    await listenOn(server, '127.0.0.1', 0);
    return { errors, port: Number(new URL(addressOf(server)).port) };
  }

  const ask = (port: number, o: { path?: string; method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: o.path ?? '/', method: o.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...o.headers } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('close', () => res.complete || reject(new Error(`cut off after ${JSON.stringify(body)}`)));
      });
      req.on('error', reject);
      req.end(o.body);
    });
  const said = (body: string) => (JSON.parse(body) as { error: { id: string; en: string } }).error;

  it('every answer, refusals included, carries the security headers', async () => {
    const { port } = await serve(null, (_req, res) => sendJson(res, 200, { ok: true }));
    for (const headers of [{}, { host: 'attacker.example' }] as Record<string, string>[]) {
      const r = await ask(port, { headers });
      expect(r.headers['content-security-policy']).toBe(CSP);
      expect([r.headers['x-frame-options'], r.headers['x-content-type-options'], r.headers['referrer-policy'], r.headers['cache-control']]).toEqual(['DENY', 'nosniff', 'no-referrer', 'no-store']);
    }
  });

  it('a name other than loopback is refused 403 before the route runs, in both languages; with a token it is let through', async () => {
    let ran = 0;
    const route: Route = (_req, res) => ((ran += 1), sendJson(res, 200, {}));
    const { port } = await serve(null, route);
    const r = await ask(port, { headers: { host: `attacker.example:${port}` } });
    expect([r.status, said(r.body)]).toEqual([403, { id: 'hanya loopback', en: 'loopback only' }]);
    expect(ran).toBe(0);
    await closeNow(server);
    const { port: p2 } = await serve(TOKEN, route);
    expect((await ask(p2, { headers: { host: 'station-7.example' } })).status).toBe(200);
    expect(ran).toBe(1);
  });

  it('a refusal is answered with its status; a failure is a 500 that says only what to do, and goes to the log', async () => {
    const { port, errors } = await serve(null, (_req, _res, url) => {
      if (url.pathname === '/refused') throw new HttpError(409, { id: 'sudah ada', en: 'already there' });
      throw new Error('secret detail at /srv/x.js:12');
    });
    const refused = await ask(port, { path: '/refused' });
    expect([refused.status, said(refused.body)]).toEqual([409, { id: 'sudah ada', en: 'already there' }]);
    expect(errors).toEqual([]);
    const failed = await ask(port, { path: '/boom' });
    expect([failed.status, said(failed.body)]).toEqual([500, { id: 'gagal; lihat log', en: 'failed; see the log' }]);
    expect(failed.body).not.toContain('secret detail');
    expect(errors).toEqual([expect.stringMatching(/secret detail.*test page failed/)]);
  });

  it('a malformed request target is a 400 in both languages, not a failure', async () => {
    const { port, errors } = await serve(null, (_req, res) => sendJson(res, 200, {}));
    const answer = await new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.write(`GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`));
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('end', () => resolve(got));
      s.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('{"error":{"id":"alamat permintaan tidak sah","en":"malformed request target"}}');
    expect(errors).toEqual([]);
  });

  it('a failure after the answer has begun cuts the connection rather than crashing the server', async () => {
    const { port, errors } = await serve(null, (req, res) => {
      if (req.url === '/half') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('half');
        throw new Error('gone halfway');
      }
      sendJson(res, 200, { ok: true });
    });
    await expect(ask(port, { path: '/half' })).rejects.toThrow(/cut off after "half"/);
    expect(errors).toEqual([expect.stringMatching(/gone halfway/)]);
    expect((await ask(port)).status).toBe(200);
  });

  it('signs in with the token: the form, a wrong token 401, the right one a 303 with an HttpOnly SameSite=Strict cookie, an oversized form 413', async () => {
    const page = (s: string) => `<form>${s}</form>`;
    const { port } = await serve(TOKEN, (req, res) => answerLogin(req, res, { token: TOKEN, cookie: 'page_token', page }));
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(await ask(port, { path: '/login' })).toMatchObject({ status: 200, body: '<form></form>' });
    expect(await ask(port, { path: '/login', method: 'POST', headers: form, body: 'token=nope' })).toMatchObject({ status: 401, body: '<form>Token salah / wrong token</form>' });
    const ok = await ask(port, { path: '/login', method: 'POST', headers: form, body: `token=${TOKEN.toString()}` });
    expect([ok.status, ok.headers.location, ok.headers['set-cookie']]).toEqual([303, '/', [`page_token=${TOKEN.toString()}; HttpOnly; SameSite=Strict; Path=/`]]);
    const big = await ask(port, { path: '/login', method: 'POST', headers: form, body: `token=${'x'.repeat(5000)}` });
    expect([big.status, said(big.body).en, said(big.body).id]).toEqual([413, 'body over 4096 bytes', 'isi permintaan lebih dari 4096 bita']);
  });

  it('without a configured token no sign-in succeeds, not even with an empty token', async () => {
    const { port } = await serve(null, (req, res) => answerLogin(req, res, { token: null, cookie: 'page_token', page: (s) => s }));
    const r = await ask(port, { path: '/login', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=' });
    expect(r.status).toBe(401);
    expect(r.headers['set-cookie']).toBeUndefined();
  });
});
