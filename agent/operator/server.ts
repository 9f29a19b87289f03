/**
 * The station page: the clerk's screen, served by the running agent (operator.listen, loopback
 * by default). GET /api/view is the station now, in both languages; POST /api/<action> does
 * what the clerk asks. Beyond loopback every request needs the token (operator.tokenFile).
 *
 * Cross-site requests cannot act: a POST needs the session cookie (SameSite=Strict), the
 * per-session token the page carries (x-csrf-token, an HMAC of the session), an Origin of this
 * very host, and a JSON body. Without a token the Host must name this PC, so a web page
 * elsewhere cannot reach it through a name pointed at 127.0.0.1 (DNS rebinding). The checks
 * both pages share live in platform/http.ts. Every answer goes through forPage: the page's
 * words point at its controls, never at a command line.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { AgentError } from '../../core/errors.js';
import { forPage } from '../../core/i18n.js';
import { authorised, cookie, HttpError, originAllowed, readJson, sameSecret, sendError, sendJson } from '../../platform/http.js';
import { addressOf, answerLogin, closeNow, guardedServer, listenOn } from '../../platform/http-serve.js';
import { shippedFolder } from '../../platform/shipped.js';
import { ACTIONS, FieldError, refusal, type ActionName } from './actions.js';
import { PageView, type OperatorDeps } from './page-view.js';

export type { OperatorDeps } from './page-view.js';

const FILES: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/station.js': ['station.js', 'text/javascript; charset=utf-8'],
  '/words.js': ['words.js', 'text/javascript; charset=utf-8'],
  '/station.css': ['station.css', 'text/css; charset=utf-8'],
  '/office.js': ['office.js', 'text/javascript; charset=utf-8'],
};
/** An action's body: the longest is a list of 500 record ids. */
const MAX_BODY = 70 * 1024;
const SESSION = 'station_session';
const TOKEN_COOKIE = 'station_token';
const SECRET_KEY = 'operator.sessionSecret';
/** Views computed at once: a clerk's page or two, with room to spare. */
const MAX_VIEWS = 8;
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The page's files: agent/operator/web in the source tree, copied into dist/ by the build. */
function webDir(): string {
  return shippedFolder(join('agent', 'operator', 'web', 'index.html'), import.meta.dirname, { en: "the station page's files", id: 'berkas halaman stasiun' });
}

export class OperatorPage {
  private server: Server | undefined;
  private readonly files = new Map<string, Buffer>();
  private secret = randomBytes(32);
  private readonly views: PageView;
  private viewing = 0;

  constructor(
    private readonly o: { host: string; port: number; token: Buffer | null; deps: OperatorDeps },
  ) {
    this.views = new PageView(o.deps);
  }

  get address(): string {
    return addressOf(this.server);
  }

  async start(): Promise<void> {
    // Kept in the store, so a page left open stays usable across an agent restart.
    const kept = await this.o.deps.store.getState<string>(SECRET_KEY).catch(() => undefined);
    if (kept && /^[A-Za-z0-9_-]{43}$/.test(kept.value)) this.secret = Buffer.from(kept.value, 'base64url');
    else await this.o.deps.store.setState(SECRET_KEY, this.secret.toString('base64url')).catch(() => undefined);
    const dir = webDir();
    for (const [route, [file]] of Object.entries(FILES)) this.files.set(route, readFileSync(join(dir, file)));
    this.server = guardedServer(
      {
        csp: CSP,
        token: this.o.token,
        refusedHost: { id: 'halaman stasiun hanya menjawab http://127.0.0.1 atau http://localhost', en: 'the station page answers only to http://127.0.0.1 or http://localhost' },
        failed: { id: 'galat di agen; lihat log agen', en: "the agent failed; see the agent's log" },
        log: this.o.deps.log,
        failedLog: 'station page request failed',
      },
      (req, res, url) => this.route(req, res, url),
    );
    await listenOn(this.server, this.o.host, this.o.port);
  }

  async stop(): Promise<void> {
    await closeNow(this.server);
  }

  /** The station now, as GET /api/view answers it. */
  async view(): Promise<unknown> {
    return forPage(await this.views.build());
  }

  private csrfFor(session: string): string {
    return createHmac('sha256', this.secret).update(session).digest('base64url');
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/login' && this.o.token) return answerLogin(req, res, { token: this.o.token, cookie: TOKEN_COOKIE, page: loginPage });
    if (!authorised(req, this.o.token, TOKEN_COOKIE)) {
      if (req.method === 'GET' && url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(loginPage(''));
      }
      throw new HttpError(401, { id: 'perlu token akses (operator.tokenFile)', en: 'an access token is needed (operator.tokenFile)' });
    }
    if (req.method === 'GET' && this.files.has(url.pathname)) return this.file(req, res, url.pathname);
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (req.method === 'GET' && url.pathname === '/api/view') return this.viewOrBusy(res);
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) return this.act(req, res, url.pathname.slice(5));
    throw new HttpError(404, { id: 'tidak ada', en: 'not found' });
  }

  private file(req: IncomingMessage, res: ServerResponse, route: string): void {
    const [, type] = FILES[route] ?? ['', 'text/plain'];
    let body = this.files.get(route) ?? Buffer.alloc(0);
    const headers: Record<string, string> = { 'content-type': type };
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
    const session = cookie(req, SESSION);
    const csrf = req.headers['x-csrf-token'];
    // Only the page itself acts: a browser always sends its Origin with a POST, so one without is refused too.
    if (!originAllowed(req, { required: true }) || !session || typeof csrf !== 'string' || !sameSecret(csrf, this.csrfFor(session))) {
      throw new HttpError(403, { id: 'permintaan ditolak: muat ulang halaman stasiun lalu coba lagi', en: 'request refused: reload the station page and try again' });
    }
    if (!Object.hasOwn(ACTIONS, name)) throw new HttpError(404, { id: `tidak ada tindakan ${name.slice(0, 40)}`, en: `no action ${name.slice(0, 40)}` });
    const body = await readJson(req, MAX_BODY);
    const d = this.o.deps;
    try {
      const result = await ACTIONS[name as ActionName]({ store: d.store, yields: d.yields, now: () => d.clock.now(), config: d.config, claims: d.claims }, body);
      d.log.info({ action: name }, 'station page action done');
      d.kick();
      sendJson(res, 200, forPage({ ok: true, ...result }));
    } catch (err) {
      if (err instanceof FieldError) return sendJson(res, 400, forPage({ ok: false, field: err.field, message: err.text }));
      if (err instanceof AgentError) {
        d.log.info({ action: name, code: err.code }, 'station page action refused');
        return sendJson(res, 409, forPage({ ok: false, ...refusal(err) }));
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
      return sendError(res, 503, { id: 'agen sedang sibuk; halaman mencoba lagi sendiri', en: 'the agent is busy; the page tries again by itself' });
    }
    this.viewing += 1;
    try {
      sendJson(res, 200, await this.view());
    } finally {
      this.viewing -= 1;
    }
  }
}

function loginPage(said: string): string {
  return `<!doctype html><html lang="id"><meta charset="utf-8"><title>Stasiun cetak KTP-el</title>
<form method="post" action="/login"><p>${said}</p>
<label>Token akses / access token <input type="password" name="token" autofocus></label>
<button>Masuk / Sign in</button></form></html>`;
}
