/**
 * The station page's HTTP side against the real agent: who may act, what is refused before
 * anything is written, and what a page beyond loopback asks for.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { freePort, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

interface Session {
  cookie: string;
  csrf: string;
}

async function open(base: string, headers: Record<string, string> = {}): Promise<Session> {
  const res = await fetch(base, { headers });
  const html = await res.text();
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /<meta name="csrf" content="([^"]+)">/.exec(html)?.[1] ?? '';
  return { cookie, csrf };
}

function post(base: string, action: string, body: unknown, s: Session, over: { origin?: string | null; csrf?: string; cookie?: string; type?: string; raw?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'content-type': over.type ?? 'application/json', 'x-csrf-token': over.csrf ?? s.csrf, cookie: over.cookie ?? s.cookie, ...over.headers };
  const origin = over.origin === undefined ? new URL(base).origin : over.origin;
  if (origin !== null) headers.origin = origin;
  return fetch(new URL(`/api/${action}`, base), { method: 'POST', headers, body: over.raw ?? JSON.stringify(body) });
}

describe('the station page over HTTP', () => {
  let agent: AgentUnderTest;
  let base: string;
  let s: Session;
  const stock = async () => JSON.parse((await runCli(['stock', 'show', '--json', '--config', agent.configFile])).stdout) as Record<string, number>;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}/`;
    agent = startAgent(testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port: await freePort() } }, operator: { listen: `127.0.0.1:${port}` }, records: { driver: 'sim', sim: { latencyMs: 50 } } }));
    await agent.proc.waitForOutput(/station page ready/, 20_000);
    s = await open(base);
  }, 30_000);
  afterAll(() => agent?.proc.stop());

  it('serves the page with a session cookie, a per-session token and headers that keep it from being framed or fed scripts', async () => {
    const res = await fetch(base);
    expect(res.headers.get('set-cookie')).toMatch(/^station_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(s.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const view = (await (await fetch(new URL('/api/view', base))).json()) as { station: { id: string }; view: unknown };
    expect(view.station.id).toBe('it-01');
  });

  it('acts only for this page: the token, the session and an Origin of this host are all needed', async () => {
    const ok = await post(base, 'stock-receive', { n: 10, batch: 'SYN-B-1' }, s);
    expect(ok.status).toBe(200);
    const other = await open(base);
    const refusals = await Promise.all([
      post(base, 'stock-receive', { n: 10, batch: 'SYN-B-2' }, s, { csrf: 'x'.repeat(43) }),
      post(base, 'stock-receive', { n: 10, batch: 'SYN-B-2' }, s, { csrf: other.csrf }), // another session's token
      post(base, 'stock-receive', { n: 10, batch: 'SYN-B-2' }, s, { cookie: '' }),
      post(base, 'stock-receive', { n: 10, batch: 'SYN-B-2' }, s, { origin: 'http://evil.example' }),
      post(base, 'stock-receive', { n: 10, batch: 'SYN-B-2' }, s, { origin: null }),
      post(base, 'stock-receive', { n: 10, batch: 'SYN-B-2' }, s, { cookie: 'station_session=%' }),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(((await refusals[0]?.json()) as { error: { id: string } }).error.id).toMatch(/muat ulang halaman/);
    // A page reached through a name pointed at this PC (DNS rebinding) is refused, reads too.
    const rebound = await new Promise<number | undefined>((resolve, reject) => {
      request(new URL('/api/view', base), { headers: { host: `station.attacker.example:${new URL(base).port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
    expect(rebound).toBe(403);
    expect(await stock()).toMatchObject({ received: 10 });
  });

  it('bad input is named field by field, in both languages, and nothing is written', async () => {
    const cases: [string, unknown, string, RegExp][] = [
      ['stock-receive', { n: '12x', batch: 'SYN-B-3' }, 'n', /Number of cards: got "12x", expected a whole number from 1 to 100000/],
      ['stock-receive', { n: 0, batch: 'SYN-B-3' }, 'n', /got 0, expected a whole number from 1/],
      ['stock-receive', { n: 5 }, 'batch', /Batch number: required/],
      ['stock-receive', { n: 5, batch: 'a\u0000b' }, 'batch', /Batch number: control character U\+0000 NULL at position 2/],
      ['stock-count', { n: 3, reason: '   ' }, 'reason', /Reason: required/],
      ['jobs-add', { ids: '  \n ' }, 'ids', /no ids given/],
      ['jobs-add', { ids: Array.from({ length: 501 }, (_, i) => `SYN-${i}`).join('\n') }, 'ids', /501 ids at once; at most 500/],
      ['jobs-verify', { recordId: 'SYN-1', outcome: 'maybe' }, 'recordId', /./],
      ['jobs-verify', { recordId: 'SYN-1', outcome: 'maybe' }, 'outcome', /expected one of printed, not-printed, spoiled/],
      ['jobs-spoil', { recordId: '3201234567890123', reason: 'x' }, 'recordId', /looks like a NIK/],
      ['supply-receive', { kind: 'toner', n: 1 }, 'kind', /expected one of ribbon, film/],
      ['supply-replace', { kind: 'film', yield: -5 }, 'yield', /expected a whole number from 1/],
      ['stock-receive', { n: 5, batch: 'B', again: 'yes' }, 'again', /expected true or false/],
    ];
    for (const [action, body, field, message] of cases) {
      const r = await post(base, action, body, s);
      const said = (await r.json()) as { field?: string; message?: { id: string; en: string } };
      if (field === 'recordId' && action === 'jobs-verify') {
        expect(r.status).toBe(400); // the outcome is checked after the record id, which is fine here
        continue;
      }
      expect([r.status, said.field], `${action} ${JSON.stringify(body).slice(0, 60)}`).toEqual([400, field]);
      expect(said.message?.en).toMatch(message);
      expect(said.message?.id.length).toBeGreaterThan(0);
    }
    const wrong = [
      await post(base, 'stock-receive', null, s, { raw: '{not json' }),
      await post(base, 'stock-receive', null, s, { raw: '[1,2]' }),
      await post(base, 'stock-receive', null, s, { type: 'text/plain', raw: '{"n":5,"batch":"SYN-B-9"}' }),
      await post(base, 'stock-receive', null, s, { raw: JSON.stringify({ n: 5, batch: 'x'.repeat(80 * 1024) }) }),
      await post(base, 'no-such-action', {}, s),
      await post(base, '__proto__', {}, s),
    ];
    expect(wrong.map((r) => r.status)).toEqual([400, 400, 415, 413, 404, 404]);
    expect(await stock()).toMatchObject({ received: 10, adjusted: 0 });
    expect(JSON.parse((await runCli(['jobs', 'list', '--json', '--config', agent.configFile])).stdout)).toEqual([]);
  });

  it('a field nested 34,000 deep (68 KB, under the size limit) is a 400 that says why in both languages, not a 500; nothing is written', async () => {
    const deep = `{"n":${'['.repeat(34_000)}${']'.repeat(34_000)},"batch":"SYN-B-4"}`;
    const r = await post(base, 'stock-receive', null, s, { raw: deep });
    const said = (await r.json()) as { error?: { id: string; en: string } };
    expect(r.status).toBe(400);
    expect(said.error?.en).toMatch(/nested deeper than 16 levels/);
    expect(said.error?.id).toMatch(/bersarang lebih dari 16 tingkat/);
    expect(await stock()).toMatchObject({ received: 10, adjusted: 0 });
    expect(agent.proc.output).not.toMatch(/station page request failed/);
  });

  it('a flood of views is answered 503 beyond a few at once; the agent keeps printing and answers the page after it', async () => {
    const statuses = await Promise.all(Array.from({ length: 400 }, () => fetch(new URL('/api/view', base)).then(async (r) => (await r.arrayBuffer(), r.status))));
    expect(statuses.every((x) => x === 200 || x === 503)).toBe(true);
    expect(statuses.filter((x) => x === 503).length).toBeGreaterThan(0);
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThan(0);
    expect((await fetch(new URL('/api/view', base))).status).toBe(200);
    expect(agent.proc.child.exitCode).toBeNull();
  });

  it('a refusal from the ledger or the queue comes with its reason and what to do', async () => {
    const twice = await post(base, 'stock-receive', { n: 10, batch: 'SYN-B-1' }, s);
    expect(twice.status).toBe(409);
    const said = (await twice.json()) as { message: { id: string; en: string }; hint: { id: string; en: string } };
    expect(said.message.en).toMatch(/batch SYN-B-1 was already received: entry #\d+/);
    // The page names its checkbox, never the command line's flag.
    expect(said.hint.id).toMatch(/centang "Kiriman kedua dengan nomor sama"/);
    expect(said.hint.en).not.toMatch(/--again|station-agent/);
    const spoil = await post(base, 'jobs-spoil', { recordId: 'SYN-404', reason: 'x' }, s);
    expect(spoil.status).toBe(409);
    expect(((await spoil.json()) as { message: { en: string } }).message.en).toBe('no job for record SYN-404');
  });

  it('counts that agree after a spoil and reprint: the page, status and health say 1 good and 1 spoiled, printedToday 2 (issue 31)', async () => {
    type View = { recent: { recordId: string; state: string }[]; view: { queue: Record<string, number> }; stock: { good: number; spoiled: number; since: string | null } };
    const view = async () => (await (await fetch(new URL('/api/view', base))).json()) as View;
    const printed = async () => (await view()).recent.filter((j) => j.recordId === 'SYN-C-1' && j.state === 'printed').length === 1;
    expect((await post(base, 'jobs-add', { ids: 'SYN-C-1' }, s)).status).toBe(200);
    await waitUntil('SYN-C-1 printed', printed, 20_000, 250);
    expect((await post(base, 'jobs-spoil', { recordId: 'SYN-C-1', reason: 'tinta luntur', reprint: true }, s)).status).toBe(200);
    await waitUntil('SYN-C-1 printed again', async () => (await view()).view.queue.printedToday === 2 && (await printed()), 20_000, 250);
    const v = await view();
    expect(v.view.queue).toMatchObject({ printedToday: 2, goodToday: 1, spoiledToday: 1 });
    expect(v.stock).toMatchObject({ good: 1, spoiled: 1 });
    expect(v.stock.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // status reads the snapshot the agent stored: the next health after the reprint.
    const status = async () => JSON.parse((await runCli(['status', '--json', '--config', agent.configFile])).stdout) as { health: { jobs: Record<string, number> } | null };
    await waitUntil('a health after the reprint', async () => (await status()).health?.jobs.printedToday === 2, 20_000, 500);
    expect((await status()).health?.jobs).toMatchObject({ printedToday: 2, goodToday: 1, spoiledToday: 1 });
    expect((await runCli(['status', '--lang', 'en', '--config', agent.configFile])).stdout).toMatch(/1 good card today, 1 spoiled today/);
    expect((await runCli(['status', '--lang', 'id', '--config', agent.configFile])).stdout).toMatch(/1 kartu baik hari ini, 1 rusak hari ini/);
  }, 60_000);
});

describe('the station page beyond loopback, and its configuration', () => {
  it('asks for the token on every request; the token never appears in the log', async () => {
    const dir = tempDir('page-token-');
    const tokenFile = join(dir, 'page-token');
    writeFileSync(tokenFile, 'synthetic-page-token-4711\n');
    chmodSync(tokenFile, 0o600);
    const port = await freePort();
    const agent = startAgent(testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port: await freePort() } }, operator: { listen: `0.0.0.0:${port}`, tokenFile } }), dir);
    try {
      await agent.proc.waitForOutput(/station page ready/, 20_000);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/api/view`)).status).toBe(401);
      expect(await (await fetch(`${base}/`)).text()).toMatch(/Token akses \/ access token/);
      const bearer = await fetch(`${base}/api/view`, { headers: { authorization: 'Bearer synthetic-page-token-4711', host: 'station-7.example' } });
      expect(bearer.status).toBe(200);
      const wrong = await fetch(`${base}/login`, { method: 'POST', body: 'token=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      expect(wrong.status).toBe(401);
      const login = await fetch(`${base}/login`, { method: 'POST', body: 'token=synthetic-page-token-4711', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      expect(login.status).toBe(303);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect((await fetch(`${base}/api/view`, { headers: { cookie } })).status).toBe(200);
      expect(agent.proc.output).not.toContain('synthetic-page-token-4711');
    } finally {
      await agent.proc.stop();
    }
  });

  it('listening beyond this PC without a token file is a configuration error naming operator.tokenFile', async () => {
    const dir = tempDir('page-config-');
    const cfg = join(dir, 'agent.yaml');
    writeFileSync(cfg, stringify(testConfig('embedded', { operator: { listen: '0.0.0.0:8088' } })));
    const r = await runCli(['run', '--config', cfg]);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/operator\.tokenFile: listening beyond this PC needs operator\.tokenFile/);
  });

  it('a port already taken leaves the agent printing and says which setting to check', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const agent = startAgent(testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port: await freePort() } }, operator: { listen: `127.0.0.1:${port}` } }));
    try {
      await agent.proc.waitForOutput(/station agent running/, 20_000);
      expect(agent.proc.output).toMatch(/station page did not start; the clerk's station page is off until the agent restarts: check operator\.listen/);
      expect(agent.proc.child.exitCode).toBeNull();
    } finally {
      await agent.proc.stop();
      blocker.close();
    }
  });
});

describe("the station page at the office's store PC and at a printer taking its stacks from it", () => {
  let store: AgentUnderTest;
  let printer: AgentUnderTest;
  let storeBase: string;
  let printerBase: string;
  beforeAll(async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    storeBase = `http://127.0.0.1:${p1}/`;
    printerBase = `http://127.0.0.1:${p2}/`;
    const office = { id: '9901-DINAS', name: 'Kantor uji' };
    store = startAgent(
      testConfig('embedded', {
        station: { id: 'it-gudang', province: '99', regency: '9901', office },
        mqtt: { url: 'embedded', embedded: { port: await freePort() } },
        operator: { listen: `127.0.0.1:${p1}` },
        printer: { driver: 'none' },
        ups: { driver: 'none' },
        office: { store: true, stations: ['it-01'] },
      }),
    );
    printer = startAgent(testConfig('embedded', { station: { id: 'it-01', province: '99', regency: '9901', office }, mqtt: { url: 'embedded', embedded: { port: await freePort() } }, operator: { listen: `127.0.0.1:${p2}` }, office: { keptAtStore: true } }));
    await store.proc.waitForOutput(/station page ready/, 20_000);
    await printer.proc.waitForOutput(/station page ready/, 20_000);
  }, 40_000);
  afterAll(async () => {
    await store?.proc.stop();
    await printer?.proc.stop();
  });

  it('the store records a delivery and a stack to a printer, which takes it by its transfer number; each refusal names the field in both languages', async () => {
    const s = await open(storeBase);
    expect((await post(storeBase, 'office-receive', { n: '1000', batch: 'SYN-KMD-1' }, s)).status).toBe(200);
    const sent = (await (await post(storeBase, 'office-send', { n: '300', to: 'it-01' }, s)).json()) as { ok: boolean; transfer: string; message: { id: string; en: string } };
    expect(sent).toMatchObject({ ok: true, transfer: '9901-DINAS-T1' });
    expect(sent.message.id).toMatch(/transfer 9901-DINAS-T1.*di gudang: 700 blangko/);
    const unknown = await post(storeBase, 'office-send', { n: '10', to: 'it-09' }, s);
    expect(unknown.status).toBe(409);
    const why = (await unknown.json()) as { message: { id: string; en: string } };
    expect(why.message.id).toMatch(/^Kepada: stasiun "it-09" tidak ada dalam daftar/);
    expect(why.message.en).toMatch(/^To: station "it-09" is not in this office's register/);
    const view = (await (await fetch(new URL('/api/view', storeBase))).json()) as { view: { printerPresent: boolean } | null; office: { onHand: { blanks: number }; sent: { transfer: string; quantity: number; to: string }[] } };
    expect(view.office.onHand.blanks).toBe(700);
    expect(view.office.sent).toEqual([expect.objectContaining({ transfer: '9901-DINAS-T1', quantity: 300, to: 'it-01' })]);

    const p = await open(printerBase);
    const byBatch = await post(printerBase, 'stock-receive', { n: '300', batch: 'SYN-KMD-1' }, p);
    expect(byBatch.status).toBe(409);
    expect(((await byBatch.json()) as { message: { en: string } }).message.en).toMatch(/counted once, at the store/);
    expect((await post(printerBase, 'stock-receive', { n: '300', transfer: '9901-dinas-t1' }, p)).status).toBe(200);
    const back = (await (await post(printerBase, 'stock-return', { n: '20' }, p)).json()) as { transfer: string };
    expect(back.transfer).toBe('it-01-T1');
    expect((await post(storeBase, 'office-return', { n: '20', from: 'it-01', transfer: back.transfer }, s)).status).toBe(200);
    expect((await post(printerBase, 'office-count', { n: '5', reason: 'x' }, p)).status).toBe(409);
  });
});
