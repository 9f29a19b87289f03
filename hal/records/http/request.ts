import type { Clock } from '../../../core/clock.js';
import type { Text } from '../../../core/i18n.js';
import { HalError } from '../../errors.js';

/** What a technician checks for each way the record service can fail, in both languages. */
export const HINT = {
  slow: {
    id: 'Periksa jaringan ke server pusat; records.http.timeoutSeconds mengatur lama menunggu.',
    en: 'Check the network to the central server; records.http.timeoutSeconds sets the wait.',
  },
  unreachable: { id: 'Periksa records.http.url dan jaringan ke server pusat.', en: 'Check records.http.url and the network to the central server.' },
  redirected: { id: 'Arahkan records.http.url langsung ke layanan data itu sendiri.', en: 'Point records.http.url at the record service itself.' },
  basePath: { id: 'Periksa records.http.url (jalur dasarnya).', en: 'Check records.http.url (its base path).' },
  token: { id: 'Periksa records.http.tokenFile.', en: 'Check records.http.tokenFile.' },
  serverTrouble: { id: 'Server pusat sedang bermasalah; agen akan mencoba lagi.', en: 'The central server has a problem; the agent retries.' },
  tooBig: {
    id: 'Satu data beserta fotonya jauh di bawah satu megabita: periksa layanan data; records.http.maxAnswerMegabytes mengatur batasnya.',
    en: 'A record with its photo is well under a megabyte: check the record service; records.http.maxAnswerMegabytes sets the limit.',
  },
  brokeOff: { id: 'Periksa jaringan ke server pusat.', en: 'Check the network to the central server.' },
  noClaims: {
    id: 'Layanan data ini tampaknya tidak menerima klaim: bila memang tidak punya, atur records.http.claims: false (satu kartu per rekaman lalu hanya dijaga di PC ini).',
    en: 'This record service seems to take no claims: if it has none, set records.http.claims: false (one card per record is then kept on this PC only).',
  },
} satisfies Record<string, Text>;

export interface ServiceOptions {
  url: string;
  timeoutSeconds: number;
  maxAnswerMegabytes: number;
}

export interface Answer {
  status: number;
  url: URL;
  /** The body as text, where `read` asked for it (capped); undefined where it was left unread. */
  text: string | undefined;
  json: boolean;
}

/**
 * One exchange with the record service under one deadline on the injected clock, the answer's
 * body included (a server that drips bytes is as late as one that says nothing). A redirect is
 * followed only within the service's own host: a record from another server is never printed,
 * and the token is never sent to one. The statuses every path shares are turned into their
 * codes here; the rest, with their bodies where `read` says so, go back to the caller.
 */
export async function exchange(
  o: ServiceOptions,
  clock: Clock,
  token: string | undefined,
  path: string,
  init: { method: 'GET' | 'POST'; body?: unknown },
  read: (status: number) => boolean,
): Promise<Answer> {
  const base = new URL(o.url);
  let url = new URL(`${o.url.replace(/\/$/, '')}${path}`);
  const abort = new AbortController();
  const cancel = clock.setTimer(() => abort.abort(), o.timeoutSeconds * 1000);
  const late = () => new HalError('timeout', `the record service did not answer within ${o.timeoutSeconds} s`, HINT.slow);
  try {
    let res: Response | undefined;
    for (let hops = 0; ; hops++) {
      try {
        res = await fetch(url, {
          method: init.method,
          headers: {
            accept: 'application/json',
            ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: abort.signal,
          redirect: 'manual',
        });
      } catch (err) {
        if (abort.signal.aborted) throw late();
        const e = err as Error & { cause?: { code?: string } };
        throw new HalError('unavailable', `cannot reach the record service at ${o.url} (${e.cause?.code ?? e.message})`, HINT.unreachable);
      }
      if (res.status < 300 || res.status >= 400) break;
      const to = res.headers.get('location');
      await res.body?.cancel().catch(() => undefined);
      const next = to ? new URL(to, url) : undefined;
      if (!next || next.origin !== base.origin || hops >= 3) {
        throw new HalError('refused', `the record service redirected to ${next ? next.origin : 'nowhere'}, not ${base.origin}: refused`, HINT.redirected);
      }
      url = next;
    }
    const json = (res.headers.get('content-type') ?? '').includes('json');
    if (!read(res.status)) {
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 404 && !json) throw new HalError('unavailable', `HTTP 404 from ${url.origin}${url.pathname} is not the record service's answer`, HINT.basePath);
      if (res.status === 401 || res.status === 403) throw new HalError('refused', `the record service refused this station (HTTP ${res.status})`, HINT.token);
      if (res.status >= 500) throw new HalError('unavailable', `the record service answered HTTP ${res.status}`, HINT.serverTrouble);
      return { status: res.status, url, text: undefined, json };
    }
    return { status: res.status, url, text: await readCapped(o, res, abort.signal, late), json };
  } finally {
    cancel();
  }
}

/** The body as text, read as it streams, refused once it passes records.http.maxAnswerMegabytes. */
async function readCapped(o: ServiceOptions, res: Response, signal: AbortSignal, late: () => HalError): Promise<string> {
  const max = Math.round(o.maxAnswerMegabytes * 1_048_576);
  const declared = Number(res.headers.get('content-length'));
  const tooBig = () => new HalError('invalid', `the record service answered more than ${o.maxAnswerMegabytes} MB for one record`, HINT.tooBig);
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  const reader = res.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw tooBig();
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof HalError) throw err;
    if (signal.aborted) throw late();
    throw new HalError('unavailable', `the record service's answer broke off (${(err as Error).message})`, HINT.brokeOff);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The body as JSON, or an `invalid` error saying so (never quoting it: it may be personal data). */
export function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    throw new HalError('invalid', { id: 'layanan data menjawab sesuatu yang bukan JSON', en: 'the record service answered something that is not JSON' });
  }
}
