/**
 * The dashboard's web server: the page (static files from dashboard/web), the JSON API under
 * /api/, Prometheus metrics on /metrics, and a server-sent event stream that pushes changed rows
 * and new alerts once a second.
 * Loopback-only unless configured; beyond loopback every request needs the token.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import type { Logger } from 'pino';
import { loopbackHost } from '../platform/listen.js';
import { shippedFolder } from '../platform/shipped.js';
import type { Api } from './api.js';
import { Raw } from './raw.js';

const STATIC: Record<string, string> = { '/': 'index.html', '/app.js': 'app.js', '/app.css': 'app.css', '/i18n.js': 'i18n.js', '/charts.js': 'charts.js' };
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const MAX_BODY = 4096;
const MAX_STREAM_BACKLOG = 1024 * 1024;
/** Open pages at once: a province's IT office has a few; hundreds is not a person. */
const MAX_STREAMS = 64;
const COOKIE = 'dashboard_token';

/** The page's files: dashboard/web in the source tree, copied into dist/ by the build. */
function webDir(): string {
  return shippedFolder(join('dashboard', 'web', 'index.html'), import.meta.dirname, { en: "the dashboard's files", id: 'berkas dasbor' });
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'expected content-type application/json');
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new HttpError(413, `body over ${MAX_BODY} bytes`);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

export class DashboardServer {
  private server: Server | undefined;
  private readonly streams = new Set<ServerResponse>();
  private readonly files = new Map<string, Buffer>();

  constructor(
    private readonly o: { host: string; port: number; token: Buffer | null; api: Api; log: Logger; metrics?: () => Promise<{ contentType: string; body: string }> },
  ) {}

  get address(): string {
    const a = this.server?.address();
    return a && typeof a === 'object' ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : '';
  }

  async start(): Promise<void> {
    const dir = webDir();
    for (const [route, file] of Object.entries(STATIC)) this.files.set(route, readFileSync(join(dir, file)));
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (err instanceof HttpError) send(res, err.status, { error: err.message });
        else {
          this.o.log.error({ err: (err as Error).message, url: (req.url ?? '').slice(0, 200) }, 'dashboard request failed');
          if (!res.headersSent) send(res, 500, { error: 'internal error; see the dashboard log' });
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.o.port, this.o.host, () => resolve());
    });
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
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private authorised(req: IncomingMessage): boolean {
    const token = this.o.token;
    if (!token) return true;
    const auth = req.headers.authorization;
    const cookie = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`));
    let fromCookie = '';
    try {
      fromCookie = cookie ? decodeURIComponent(cookie.slice(COOKIE.length + 1)) : '';
    } catch {
      fromCookie = ''; // a malformed cookie (dashboard_token=%) is no token, not a crash
    }
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : fromCookie;
    const g = Buffer.from(given);
    return g.length === token.length && timingSafeEqual(g, token);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://dashboard');
    } catch {
      throw new HttpError(400, 'malformed request target');
    }
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-security-policy', "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    res.setHeader('referrer-policy', 'no-referrer');
    // Without a token the page is open to this PC only; a web page elsewhere that points a name
    // of its own at 127.0.0.1 (DNS rebinding) must not read the fleet or acknowledge alerts.
    if (!this.o.token && !loopbackHost(req.headers.host)) return send(res, 403, { error: 'this dashboard answers only to http://127.0.0.1 or http://localhost; to reach it from elsewhere set dashboard.listen and dashboard.tokenFile' });
    if (url.pathname === '/login') return this.login(req, res);
    // The login page's own style is public; nothing in it is about the fleet.
    if (!this.authorised(req) && url.pathname !== '/app.css') {
      if (url.pathname.startsWith('/api/') || url.pathname === '/metrics') return send(res, 401, { error: 'token required: send "Authorization: Bearer TOKEN" (the token is in dashboard.tokenFile)' });
      res.writeHead(303, { location: '/login' });
      return void res.end();
    }
    const file = this.files.get(url.pathname);
    if (file && req.method === 'GET') {
      res.writeHead(200, { 'content-type': TYPES[extname(STATIC[url.pathname] ?? '')] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      return void res.end(file);
    }
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (url.pathname === '/api/stream' && req.method === 'GET') return this.stream(req, res);
    if (url.pathname === '/metrics' && req.method === 'GET' && this.o.metrics) {
      const m = await this.o.metrics();
      res.writeHead(200, { 'content-type': m.contentType, 'cache-control': 'no-store' });
      return void res.end(m.body);
    }
    if (url.pathname.startsWith('/api/')) {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const out = await this.o.api.handle(req.method ?? 'GET', url, body);
      if (out instanceof Raw) {
        res.writeHead(200, { 'content-type': out.contentType, 'cache-control': 'no-store' });
        return void res.end(out.body);
      }
      return send(res, 200, out);
    }
    send(res, 404, { error: `no such page: ${url.pathname}` });
  }

  private stream(req: IncomingMessage, res: ServerResponse): void {
    // Each open page holds a connection and, if it stops reading, up to MAX_STREAM_BACKLOG.
    if (this.streams.size >= MAX_STREAMS) return send(res, 503, { error: `${MAX_STREAMS} pages are already open on this dashboard; close one, or reload later` });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req as AsyncIterable<Buffer>) {
        chunks.push(c);
        if (chunks.reduce((n, b) => n + b.length, 0) > MAX_BODY) throw new HttpError(413, 'too long');
      }
      const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? '';
      req.headers.authorization = `Bearer ${token}`;
      if (this.o.token && this.authorised(req)) {
        res.writeHead(303, { location: '/', 'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` });
        return void res.end();
      }
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(loginPage('Token salah / wrong token'));
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(''));
  }
}


function loginPage(error: string): string {
  return `<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Dasbor e-KTP: masuk</title><link rel="stylesheet" href="/app.css"></head>
<body class="login"><form method="post" action="/login"><h1>Dasbor stasiun cetak e-KTP</h1>
<label>Token akses / access token <input type="password" name="token" autofocus></label>
<button type="submit">Masuk / Sign in</button><p class="error">${error}</p></form></body></html>`;
}
