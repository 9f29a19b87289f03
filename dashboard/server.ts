/**
 * The dashboard's web server: the page (static files from dashboard/web), the JSON API under
 * /api/, Prometheus metrics on /metrics, and a server-sent event stream that pushes changed rows
 * and new alerts once a second.
 * Loopback-only unless configured; beyond loopback every request needs the token. A request that
 * changes something and carries an Origin (a browser's) must come from this dashboard's own page.
 * The checks both pages share, and errors as `{error: {id, en}}`, live in platform/http.ts.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import type { Logger } from 'pino';
import { authorised, HttpError, originAllowed, readJson, sendError, sendJson } from '../platform/http.js';
import { addressOf, answerLogin, closeNow, guardedServer, listenOn } from '../platform/http-serve.js';
import { shippedFolder } from '../platform/shipped.js';
import type { Api } from './api.js';
import type { PublicStock } from './public-stock.js';
import { Raw } from './raw.js';

const STATIC: Record<string, string> = { '/': 'index.html', '/app.js': 'app.js', '/app.css': 'app.css', '/i18n.js': 'i18n.js', '/charts.js': 'charts.js', '/retire.js': 'retire.js', '/checks.js': 'checks.js', '/plans.js': 'plans.js' };
const PAGES = new Set(['/reconciliation', '/request', '/nation', '/allocation']);
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
/** An acknowledgement's body is a few words. */
const MAX_BODY = 4096;
const MAX_STREAM_BACKLOG = 1024 * 1024;
/** Open pages at once: a province's IT office has a few; hundreds is not a person. */
const MAX_STREAMS = 64;
const COOKIE = 'dashboard_token';
/** The charts draw data: images; nothing else comes from anywhere but the dashboard. */
const CSP = "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

/** The page's files: dashboard/web in the source tree, copied into dist/ by the build. */
function webDir(): string {
  return shippedFolder(join('dashboard', 'web', 'index.html'), import.meta.dirname, { en: "the dashboard's files", id: 'berkas dasbor' });
}

export class DashboardServer {
  private server: Server | undefined;
  private readonly streams = new Set<ServerResponse>();
  private readonly files = new Map<string, Buffer>();

  constructor(
    private readonly o: { host: string; port: number; token: Buffer | null; api: Api; log: Logger; publicStock?: PublicStock; metrics?: () => Promise<{ contentType: string; body: Buffer }>; home?: string },
  ) {}

  get address(): string {
    return addressOf(this.server);
  }

  async start(): Promise<void> {
    const dir = webDir();
    for (const [route, file] of Object.entries(STATIC)) this.files.set(route, readFileSync(join(dir, file)));
    this.server = guardedServer(
      {
        csp: CSP,
        token: this.o.token,
        // Without a token the page is open to this PC only; a web page elsewhere that points a name
        // of its own at 127.0.0.1 (DNS rebinding) must not read the fleet or acknowledge alerts.
        refusedHost: {
          id: 'dasbor ini hanya menjawab http://127.0.0.1 atau http://localhost; agar dapat dibuka dari PC lain, atur dashboard.listen dan dashboard.tokenFile',
          en: 'this dashboard answers only to http://127.0.0.1 or http://localhost; to reach it from elsewhere set dashboard.listen and dashboard.tokenFile',
        },
        failed: { id: 'galat internal; lihat log dasbor', en: 'internal error; see the dashboard log' },
        log: this.o.log,
        failedLog: 'dashboard request failed',
        isPublic: (path) => this.o.publicStock?.isPublic(path) ?? false,
      },
      (req, res, url) => this.route(req, res, url),
    );
    await listenOn(this.server, this.o.host, this.o.port);
  }

  /** Push to every open page: named SSE event with a JSON body. */
  broadcast(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.streams) {
      // A page that stopped reading (a sleeping laptop) must not pile up the province's updates
      // in memory: it is cut off, and its EventSource reconnects and re-reads the table.
      if (res.writableLength > MAX_STREAM_BACKLOG) {
        this.streams.delete(res);
        res.destroy();
        continue;
      }
      res.write(frame);
    }
  }

  get clients(): number {
    return this.streams.size;
  }

  async stop(): Promise<void> {
    for (const res of this.streams) res.end();
    this.streams.clear();
    await closeNow(this.server);
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // The public stock list, when enabled: no token, any Host; it says nothing but the offices' stock.
    if (this.o.publicStock?.isPublic(url.pathname) && req.method === 'GET') {
      const out = await this.o.publicStock.answer(req, url);
      res.writeHead(200, { 'content-type': out.contentType, 'cache-control': 'public, max-age=300' });
      return void res.end(out.body);
    }
    if (url.pathname === '/login') return answerLogin(req, res, { token: this.o.token, cookie: COOKIE, page: loginPage });
    // The login page's own style is public; nothing in it is about the fleet.
    if (!authorised(req, this.o.token, COOKIE) && url.pathname !== '/app.css') {
      if (url.pathname.startsWith('/api/') || url.pathname === '/metrics') {
        throw new HttpError(401, { id: 'perlu token: kirim "Authorization: Bearer TOKEN" (tokennya ada di dashboard.tokenFile)', en: 'token required: send "Authorization: Bearer TOKEN" (the token is in dashboard.tokenFile)' });
      }
      res.writeHead(303, { location: '/login' });
      return void res.end();
    }
    // The national dashboard opens on the nation's tree; the province's on its stations.
    if (url.pathname === '/' && req.method === 'GET' && this.o.home) return void res.writeHead(303, { location: this.o.home }).end();
    const file = this.files.get(url.pathname);
    if (file && req.method === 'GET') {
      res.writeHead(200, { 'content-type': TYPES[extname(STATIC[url.pathname] ?? '')] ?? 'application/octet-stream' });
      return void res.end(file);
    }
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (url.pathname === '/api/stream' && req.method === 'GET') return this.stream(req, res);
    if (url.pathname === '/metrics' && req.method === 'GET' && this.o.metrics) {
      const m = await this.o.metrics();
      res.writeHead(200, { 'content-type': m.contentType });
      return void res.end(m.body);
    }
    // The printable reconciliation and request, the nation and the allocation: pages the API answers.
    const page = req.method === 'GET' && PAGES.has(url.pathname);
    if (url.pathname.startsWith('/api/') || page) {
      // A script sends no Origin; a browser sends its page's, which must be this dashboard.
      if (!originAllowed(req, { required: false })) {
        throw new HttpError(403, { id: 'permintaan ditolak: hanya halaman dasbor ini sendiri, atau skrip tanpa header Origin, yang boleh mengubah sesuatu', en: "request refused: only this dashboard's own page, or a script sending no Origin header, may change anything" });
      }
      const body = req.method === 'POST' ? await readJson(req, MAX_BODY) : undefined;
      const out = await this.o.api.handle(req.method ?? 'GET', url, body);
      if (out instanceof Raw) {
        res.writeHead(200, { 'content-type': out.contentType, 'cache-control': 'no-store' });
        return void res.end(out.body);
      }
      return sendJson(res, 200, out);
    }
    throw new HttpError(404, { id: `tidak ada halaman ${url.pathname}`, en: `no such page: ${url.pathname}` });
  }

  private stream(req: IncomingMessage, res: ServerResponse): void {
    // Each open page holds a connection and, if it stops reading, up to MAX_STREAM_BACKLOG.
    if (this.streams.size >= MAX_STREAMS) return sendError(res, 503, { id: `sudah ${MAX_STREAMS} halaman terbuka di dasbor ini; tutup satu, atau muat ulang nanti`, en: `${MAX_STREAMS} pages are already open on this dashboard; close one, or reload later` });
    res.writeHead(200, { 'content-type': 'text/event-stream', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
  }
}

function loginPage(error: string): string {
  return `<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Dasbor KTP-el: masuk</title><link rel="stylesheet" href="/app.css"></head>
<body class="login"><form method="post" action="/login"><h1>Dasbor stasiun cetak KTP-el</h1>
<label>Token akses / access token <input type="password" name="token" autofocus></label>
<button type="submit">Masuk / Sign in</button><p class="error">${error}</p></form></body></html>`;
}
