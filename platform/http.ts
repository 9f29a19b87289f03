/**
 * The HTTP checks both web pages share, the clerk's station page and the provincial dashboard:
 * bodies read up to a limit, the security headers, the access token, the Host and Origin checks,
 * and errors answered as JSON in both languages. Kept in one place so the two servers cannot
 * drift apart on what they refuse; what differs (the CSP, a limit, a message) is a parameter.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Text } from '../core/i18n.js';
import { jsonDepth } from '../core/json-depth.js';
import { loopbackHost } from './listen.js';

/** A refusal meant for the person or script that asked: answered as `{error: {id, en}}` with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly text: Text,
  ) {
    super(text.en);
    this.name = 'HttpError';
  }
}

/**
 * Headers on every answer of either page. The CSP is each page's own (the dashboard draws data:
 * images); the rest keep a page from being framed, fed a sniffed script, leaking its address in
 * a Referer, or left in a shared PC's browser cache.
 */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** An error as both pages answer one: `{error: {id, en}}`. */
export function sendError(res: ServerResponse, status: number, text: Text): void {
  sendJson(res, status, { error: { id: text.id, en: text.en } });
}

const tooLarge = (limit: number) => new HttpError(413, { id: `isi permintaan lebih dari ${limit} bita`, en: `body over ${limit} bytes` });

/**
 * The request's body, refused with 413 once it passes `limit` bytes: a declared length over it
 * is refused before anything is read, and a body sent in chunks is counted as it comes, so a
 * client cannot make the server hold more than the limit.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/**
 * A body nested deeper than this is refused before it is parsed: the pages' bodies are one level
 * deep, and a field nested thousands deep (a list in a list...) made the page's own error message,
 * which quotes the value, run out of stack: a 500 instead of saying what was wrong.
 */
export const MAX_BODY_DEPTH = 16;

/** A JSON object body: 415 for another content type, 413 beyond `limit`, 400 for anything but an object or for one nested deeper than MAX_BODY_DEPTH. */
export async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new HttpError(415, { id: 'isi permintaan harus JSON', en: 'expected content-type application/json' });
  const text = (await readBody(req, limit)).toString('utf8');
  if (jsonDepth(text, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) throw new HttpError(400, { id: `isi permintaan bersarang lebih dari ${MAX_BODY_DEPTH} tingkat: kirim objek JSON yang datar`, en: `body nested deeper than ${MAX_BODY_DEPTH} levels: send a flat JSON object` });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, { id: 'isi permintaan bukan JSON yang sah', en: 'body is not valid JSON' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, { id: 'isi permintaan harus objek JSON', en: 'body must be a JSON object' });
  return body as Record<string, unknown>;
}

/** A form body (the sign-in page's), up to `limit` bytes. */
export async function readForm(req: IncomingMessage, limit: number): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, limit)).toString('utf8'));
}

/** The request target as a URL; one Node accepts but URL does not (`//[`) is a 400, not a crash. */
export function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://page.invalid');
  } catch {
    throw new HttpError(400, { id: 'alamat permintaan tidak sah', en: 'malformed request target' });
  }
}

export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(/;\s*/)) {
    if (!part.startsWith(`${name}=`)) continue;
    try {
      return decodeURIComponent(part.slice(name.length + 1));
    } catch {
      return undefined; // a malformed cookie (name=%) is no cookie, not a crash
    }
  }
  return undefined;
}

/**
 * Whether two secrets are equal, in time that tells nothing of either: both are hashed first, so
 * neither where they first differ nor the secret's length shows in how long the answer takes.
 */
export function sameSecret(given: string | Buffer, secret: string | Buffer): boolean {
  const digest = (v: string | Buffer) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(secret)) && Buffer.from(given).equals(Buffer.from(secret));
}

/** The token a request carries: `Authorization: Bearer TOKEN` (scripts), else the sign-in cookie (people). */
export function tokenOf(req: IncomingMessage, cookieName: string): string {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : (cookie(req, cookieName) ?? '');
}

/** Without a configured token every request may pass (the Host check keeps such a page to this PC). */
export function authorised(req: IncomingMessage, token: Buffer | null, cookieName: string): boolean {
  return token === null || sameSecret(tokenOf(req, cookieName), token);
}

/**
 * Without a token a page answers only to this PC's own names, so a web page elsewhere cannot
 * reach it through a name of its own pointed at 127.0.0.1 (DNS rebinding). With a token the
 * token decides, whatever name the page was reached by.
 */
export function hostAllowed(req: IncomingMessage, token: Buffer | null): boolean {
  return token !== null || loopbackHost(req.headers.host);
}

/** A request that may change something: anything but a read. */
export function changesState(req: IncomingMessage): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? 'GET');
}

/**
 * The Origin check for a request that changes something: the Origin must name this very host.
 * `required`: a request without one is refused too (a page only a browser uses); otherwise a
 * request without one passes (a script sends none; a browser always sends one with a POST).
 */
export function originAllowed(req: IncomingMessage, o: { required: boolean }): boolean {
  if (!changesState(req)) return true;
  const origin = req.headers.origin;
  if (origin === undefined) return !o.required;
  const host = req.headers.host ?? '';
  return host !== '' && (origin === `http://${host}` || origin === `https://${host}`);
}
