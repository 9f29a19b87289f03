/**
 * The station page: the clerk's screen, served by the running agent (operator.listen, loopback
 * by default). GET /api/view is the station now, in both languages; POST /api/<action> does
 * what the clerk asks. Beyond loopback every request needs the token (operator.tokenFile).
 *
 * Cross-site requests cannot act: a POST needs the session cookie (SameSite=Strict), the
 * per-session token the page carries (x-csrf-token, an HMAC of the session), an Origin of this
 * very host, and a JSON body. Without a token the Host must name this PC, so a web page
 * elsewhere cannot reach it through a name pointed at 127.0.0.1 (DNS rebinding).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import { AgentError } from '../../core/errors.js';
import { shippedFolder } from '../../platform/shipped.js';
import type { Lang, Text } from '../../core/i18n.js';
import { loopbackHost } from '../../platform/listen.js';
import type { StationBody } from '../../telemetry/payloads.js';
import { askDriver, printerViewText } from '../jobs/printer-view.js';
import { JobRepo, startOfLocalDay } from '../jobs/repo.js';
import { STATE_WORDS } from '../jobs/words.js';
import { Ledger } from '../ledger/blanks.js';
import { SupplyLedger, type Yields } from '../ledger/supplies.js';
import type { Store } from '../store/store.js';
import { stationView } from '../station/view.js';
import { ACTIONS, FieldError, refusal, type ActionName } from './actions.js';
import type { Config } from '../config/schema.js';
import { officeView } from './office-view.js';

const FILES: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/station.js': ['station.js', 'text/javascript; charset=utf-8'],
  '/station.css': ['station.css', 'text/css; charset=utf-8'],
  '/office.js': ['office.js', 'text/javascript; charset=utf-8'],
};
const MAX_BODY = 70 * 1024;
const SESSION = 'station_session';
const TOKEN_COOKIE = 'station_token';
const SECRET_KEY = 'operator.sessionSecret';
/** Views computed at once: a clerk's page or two, with room to spare. */
const MAX_VIEWS = 8;
/** How long the printer's word on a held card is kept before it is asked again. */
const PRINTER_VIEW_MS = 30_000;
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface OperatorDeps {
  store: Store;
  printer: PrinterDriver;
  snapshot: () => StationBody | undefined;
  /** When that snapshot was taken (the clock's monotonic ms). */
  snapshotAt: () => number | undefined;
  /** Seconds after which a snapshot is stale (three health periods). */
  staleSeconds: number;
  yields: Yields;
  station: { id: string; name?: string };
  /** The office: its store book here, or stacks taken from its store. */
  config: Pick<Config, 'station' | 'office'>;
  language: Lang | undefined;
  /** Wall time stamps what the clerk does and says which day it is; monotonic time how old a reading is. */
  clock: Clock;
  /** After an action: the queue looks at once rather than at its next step. */
  kick: () => void;
  log: Logger;
}

/** The page's files: agent/operator/web in the source tree, copied into dist/ by the build. */
function webDir(): string {
  return shippedFolder(join('agent', 'operator', 'web', 'index.html'), import.meta.dirname, { en: "the station page's files", id: 'berkas halaman stasiun' });
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly text: Text,
  ) {
    super(text.en);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS });
  res.end(JSON.stringify(body));
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(/;\s*/)) {
    if (!part.startsWith(`${name}=`)) continue;
    try {
      return decodeURIComponent(part.slice(name.length + 1));
    } catch {
      return undefined; // a malformed cookie is no cookie, not a crash
    }
  }
  return undefined;
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new HttpError(415, { id: 'isi permintaan harus JSON', en: 'expected content-type application/json' });
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new HttpError(413, { id: `isi permintaan lebih dari ${MAX_BODY} bita`, en: `body over ${MAX_BODY} bytes` });
    chunks.push(c);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, { id: 'isi permintaan bukan JSON yang sah', en: 'body is not valid JSON' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, { id: 'isi permintaan harus objek JSON', en: 'body must be a JSON object' });
  return body as Record<string, unknown>;
}

export class OperatorPage {
  private server: Server | undefined;
  private readonly files = new Map<string, Buffer>();
  private secret = randomBytes(32);
  private readonly printerWords = new Map<string, { at: number; text: Text }>();
  /** Records whose printer's word is being asked, one after another: a page never waits for the printer. */
  private readonly asking = new Set<string>();
  private askQueue: Promise<void> = Promise.resolve();
  private viewing = 0;

  constructor(
    private readonly o: { host: string; port: number; token: Buffer | null; deps: OperatorDeps },
  ) {}

  get address(): string {
    const a = this.server?.address();
    return a && typeof a === 'object' ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : '';
  }

  async start(): Promise<void> {
    // Kept in the store, so a page left open stays usable across an agent restart.
    const kept = await this.o.deps.store.getState<string>(SECRET_KEY).catch(() => undefined);
    if (kept && /^[A-Za-z0-9_-]{43}$/.test(kept.value)) this.secret = Buffer.from(kept.value, 'base64url');
    else await this.o.deps.store.setState(SECRET_KEY, this.secret.toString('base64url')).catch(() => undefined);
    const dir = webDir();
    for (const [route, [file]] of Object.entries(FILES)) this.files.set(route, readFileSync(join(dir, file)));
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (err instanceof HttpError) return send(res, err.status, { error: err.text });
        this.o.deps.log.error({ err: (err as Error).message, url: (req.url ?? '').slice(0, 200) }, 'station page request failed');
        if (!res.headersSent) send(res, 500, { error: { id: 'galat di agen; lihat log agen', en: "the agent failed; see the agent's log" } });
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.o.port, this.o.host, () => resolve());
    });
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private csrfFor(session: string): string {
    return createHmac('sha256', this.secret).update(session).digest('base64url');
  }

  private authorised(req: IncomingMessage): boolean {
    const token = this.o.token;
    if (!token) return true;
    const auth = req.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : (cookie(req, TOKEN_COOKIE) ?? '');
    return same(given, token.toString('utf8'));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.o.token && !loopbackHost(req.headers.host)) {
      throw new HttpError(403, { id: 'halaman stasiun hanya menjawab http://127.0.0.1 atau http://localhost', en: 'the station page answers only to http://127.0.0.1 or http://localhost' });
    }
    const url = new URL(req.url ?? '/', 'http://station.invalid');
    if (url.pathname === '/login' && this.o.token) return this.login(req, res);
    if (!this.authorised(req)) {
      if (req.method === 'GET' && url.pathname === '/') return this.loginPage(res, 200, '');
      throw new HttpError(401, { id: 'perlu token akses (operator.tokenFile)', en: 'an access token is needed (operator.tokenFile)' });
    }
    if (req.method === 'GET' && this.files.has(url.pathname)) return this.file(req, res, url.pathname);
    if (url.pathname === '/favicon.ico') return void res.writeHead(204, SECURITY_HEADERS).end();
    if (req.method === 'GET' && url.pathname === '/api/view') return this.viewOrBusy(res);
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) return this.act(req, res, url.pathname.slice(5));
    throw new HttpError(404, { id: 'tidak ada', en: 'not found' });
  }

  private file(req: IncomingMessage, res: ServerResponse, route: string): void {
    const [, type] = FILES[route] ?? ['', 'text/plain'];
    let body = this.files.get(route) ?? Buffer.alloc(0);
    const headers: Record<string, string> = { 'content-type': type, ...SECURITY_HEADERS };
    if (route === '/') {
      let session = cookie(req, SESSION);
      if (!session || !/^[A-Za-z0-9_-]{43}$/.test(session)) {
        session = randomBytes(32).toString('base64url');
        headers['set-cookie'] = `${SESSION}=${session}; HttpOnly; SameSite=Strict; Path=/`;
      }
      body = Buffer.from(
        body
          .toString('utf8')
          .replace('__CSRF__', this.csrfFor(session))
          .replace('__LANG__', this.o.deps.language ?? 'id'),
      );
    }
    res.writeHead(200, headers);
    res.end(body);
  }

  private async act(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const host = req.headers.host ?? '';
    const origin = req.headers.origin;
    const session = cookie(req, SESSION);
    const csrf = req.headers['x-csrf-token'];
    const fromHere = origin === `http://${host}` || origin === `https://${host}`;
    if (!fromHere || !session || typeof csrf !== 'string' || !same(csrf, this.csrfFor(session))) {
      throw new HttpError(403, { id: 'permintaan ditolak: muat ulang halaman stasiun lalu coba lagi', en: 'request refused: reload the station page and try again' });
    }
    if (!Object.hasOwn(ACTIONS, name)) throw new HttpError(404, { id: `tidak ada tindakan ${name.slice(0, 40)}`, en: `no action ${name.slice(0, 40)}` });
    const body = await readJson(req);
    const d = this.o.deps;
    try {
      const result = await ACTIONS[name as ActionName]({ store: d.store, yields: d.yields, now: () => d.clock.now(), config: d.config }, body);
      d.log.info({ action: name }, 'station page action done');
      d.kick();
      send(res, 200, { ok: true, ...result });
    } catch (err) {
      if (err instanceof FieldError) return send(res, 400, { ok: false, field: err.field, message: err.text });
      if (err instanceof AgentError) {
        d.log.info({ action: name, code: err.code }, 'station page action refused');
        return send(res, 409, { ok: false, ...refusal(err) });
      }
      throw err;
    }
  }

  /**
   * A page polls once every 2 s; a program that floods the page is answered 503 beyond
   * MAX_VIEWS views in flight, so it cannot queue database reads without end in the agent that
   * prints.
   */
  private async viewOrBusy(res: ServerResponse): Promise<void> {
    if (this.viewing >= MAX_VIEWS) {
      res.setHeader('retry-after', '2');
      return send(res, 503, { error: { id: 'agen sedang sibuk; halaman mencoba lagi sendiri', en: 'the agent is busy; the page tries again by itself' } });
    }
    this.viewing += 1;
    try {
      send(res, 200, await this.view());
    } finally {
      this.viewing -= 1;
    }
  }

  /** The station now: the last snapshot for the hardware, the database for what the clerk just changed. */
  async view(): Promise<unknown> {
    const d = this.o.deps;
    const now = d.clock.now();
    const mono = d.clock.monotonic();
    const h = d.snapshot();
    const taken = d.snapshotAt();
    const ageSeconds = h && taken !== undefined ? Math.max(0, Math.round((mono - taken) / 1000)) : null;
    const stale = ageSeconds === null || ageSeconds > d.staleSeconds;
    const db = d.store.db;
    const repo = new JobRepo(db, () => d.clock.now());
    const counts = await repo.counts(startOfLocalDay(now));
    const stock = await Ledger.summaryIn(db);
    const rolls = await SupplyLedger.countsIn(db, d.yields);
    const view = h ? stationView(h, stale) : null;
    if (view) {
      view.queue = { waiting: counts.queued + counts.fetching + counts.ready, printing: counts.printing, printedToday: counts.printedToday, failedToday: counts.failedToday };
      view.verify = { count: counts.needsVerification, ids: counts.needsVerificationIds };
      view.blanks.onHand = stock.kept ? stock.onHand : null;
      for (const s of view.supplies) if (s.kind === 'ribbon' || s.kind === 'film') s.onShelf = rolls[s.kind].onShelf;
    }
    const toVerify = await repo.list({ state: 'needs_verification' });
    const verify = [];
    for (const j of toVerify.slice(0, 20)) verify.push({ recordId: j.recordId, since: new Date(j.updatedAt).toISOString(), reason: j.lastError, printer: this.printerSays(j.recordId, j.agentJobId, mono) });
    const recent = (await repo.list({ sinceMs: now - 24 * 3600_000 })).slice(-30).reverse();
    return {
      station: d.station,
      // The reading's wall time: now, less how long ago (monotonic) it was taken.
      at: h && taken !== undefined ? new Date(now - Math.max(0, mono - taken)).toISOString() : null,
      ageSeconds,
      stale,
      view,
      verify,
      recent: recent.map((j) => ({ recordId: j.recordId, state: j.state, words: STATE_WORDS[j.state], at: new Date(j.updatedAt).toISOString() })),
      stock: { onHand: stock.kept ? stock.onHand : null, received: stock.received, printed: stock.printed, spoiled: stock.spoiled, adjusted: stock.adjusted },
      rolls: Object.fromEntries(Object.entries(rolls).map(([k, c]) => [k, { onShelf: c.onShelf, remaining: c.remaining, yield: c.yield }])),
      office: await officeView(d.store, d.config, now),
    };
  }

  /**
   * What the printer said about this record, as last asked; asked again in the background when
   * older than PRINTER_VIEW_MS, one record at a time, so a slow or dead printer neither holds the
   * page nor piles up requests in front of the cards the queue sends it.
   */
  private printerSays(recordId: string, agentJobId: string | null, mono: number): Text {
    const known = this.printerWords.get(recordId);
    if ((!known || mono - known.at >= PRINTER_VIEW_MS) && !this.asking.has(recordId)) {
      this.asking.add(recordId);
      this.askQueue = this.askQueue
        .then(async () => {
          const text = printerViewText(await askDriver(this.o.deps.printer, recordId, agentJobId));
          if (this.printerWords.size > 100) this.printerWords.clear();
          this.printerWords.set(recordId, { at: this.o.deps.clock.monotonic(), text });
        })
        .catch(() => undefined)
        .finally(() => this.asking.delete(recordId));
    }
    return known?.text ?? { id: 'Sedang menanyakan printer…', en: 'Asking the printer…' };
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return this.loginPage(res, 200, '');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > 4096) throw new HttpError(413, { id: 'terlalu besar', en: 'too large' });
      chunks.push(c);
    }
    const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? '';
    if (this.o.token && same(token, this.o.token.toString('utf8'))) {
      res.writeHead(303, { location: '/', 'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`, ...SECURITY_HEADERS });
      return void res.end();
    }
    return this.loginPage(res, 401, 'Token salah / wrong token');
  }

  private loginPage(res: ServerResponse, status: number, said: string): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
    res.end(`<!doctype html><html lang="id"><meta charset="utf-8"><title>Stasiun cetak KTP-el</title>
<form method="post" action="/login"><p>${said}</p>
<label>Token akses / access token <input type="password" name="token" autofocus></label>
<button>Masuk / Sign in</button></form></html>`);
  }
}
