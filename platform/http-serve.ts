/**
 * A web page's server as both pages run one: every answer carries the security headers, the
 * Host check comes before anything else, a malformed target is a 400, and an error is answered
 * as JSON in both languages (an unexpected one logged, and said without its details). Also the
 * sign-in form both pages show when a token is configured.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Text } from '../core/i18n.js';
import { HttpError, hostAllowed, readForm, requestUrl, sameSecret, securityHeaders, sendError } from './http.js';

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface GuardOptions {
  /** The page's Content-Security-Policy. */
  csp: string;
  /** The configured access token; without one the page answers to this PC's own names only. */
  token: Buffer | null;
  /** What a request through another name is told (which settings open the page to other PCs). */
  refusedHost: Text;
  /** What an unexpected failure is told; the details go to the log only. */
  failed: Text;
  log: Logger;
  /** The log line for an unexpected failure ("dashboard request failed"). */
  failedLog: string;
  /** Paths open to anyone (the dashboard's public stock list, when enabled): no Host check for them. */
  isPublic?: (path: string) => boolean;
}

/** A server that runs `route` behind the checks every page shares. */
export function guardedServer(o: GuardOptions, route: Route): Server {
  const headers = securityHeaders(o.csp);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const url = requestUrl(req);
    if (!o.isPublic?.(url.pathname) && !hostAllowed(req, o.token)) throw new HttpError(403, o.refusedHost);
    await route(req, res, url);
  };
  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!(err instanceof HttpError)) o.log.error({ err: (err as Error).message, url: (req.url ?? '').slice(0, 200) }, o.failedLog);
      // Half an answer already sent cannot be turned into an error: the client sees it cut off.
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError) return sendError(res, err.status, err.text);
      sendError(res, 500, o.failed);
    });
  });
}

export async function listenOn(server: Server, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** Stops at once: open connections (a page's keep-alive, a live stream) are cut. */
export async function closeNow(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Where the server listens, as a URL ('' before it does). */
export function addressOf(server: Server | undefined): string {
  const a = server?.address();
  return a && typeof a === 'object' ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : '';
}

/** A sign-in form is one field: a few KB is plenty. */
const LOGIN_MAX_BODY = 4096;

/**
 * /login: the form on GET; on POST the token, checked, set as an HttpOnly SameSite=Strict
 * cookie and the page at / (303), else the form again with "wrong token" (401).
 */
export async function answerLogin(req: IncomingMessage, res: ServerResponse, o: { token: Buffer | null; cookie: string; page: (said: string) => string }): Promise<void> {
  const html = (status: number, said: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(o.page(said));
  };
  if (req.method !== 'POST') return html(200, '');
  const token = (await readForm(req, LOGIN_MAX_BODY)).get('token') ?? '';
  if (o.token && sameSecret(token, o.token)) {
    res.writeHead(303, { location: '/', 'set-cookie': `${o.cookie}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` });
    return void res.end();
  }
  html(401, 'Token salah / wrong token');
}
