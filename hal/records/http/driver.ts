import type { HttpRecordsOptions } from './config.js';
import type { DriverContext } from '../../driver.js';
import { HalError } from '../../errors.js';
import { readSecretFile } from '../../secret-file.js';
import { printRecordSchema, type PrintRecord, type RecordSource } from '../types.js';
import type { Text } from '../../../core/i18n.js';

/** What a technician checks for each way the record service can fail, in both languages. */
const HINT = {
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
} satisfies Record<string, Text>;

/**
 * The record service over HTTP (contract in the README): GET {url}/records/{recordId} answers
 * 200 with the record as JSON, 404 when the record is not print-ready, 5xx when the service
 * cannot answer now. Each failure says what to check; the print queue retries what is worth it.
 */
export class HttpRecords implements RecordSource {
  readonly driver = 'http';
  private token: string | undefined;

  constructor(
    private readonly opts: HttpRecordsOptions,
    private readonly ctx: DriverContext,
  ) {}

  start(): Promise<void> {
    if (this.opts.retries !== undefined) {
      this.ctx.log.warn('records.http.retries is no longer used: a failed fetch is retried by the print queue (jobs.maxFetchAttempts, jobs.retryAfterSeconds); remove the key');
    }
    // Unreadable, the source does not start (the daemon logs why); the records then wait.
    if (this.opts.tokenFile) this.token = readSecretFile(this.opts.tokenFile).toString('utf8');
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * One request. A failure is thrown with its code; retrying is the print queue's, on its clock
   * and its backoff (jobs.maxFetchAttempts, jobs.retryAfterSeconds): one retry policy, in one place.
   */
  fetch(recordId: string): Promise<PrintRecord> {
    return this.once(recordId);
  }

  private async once(recordId: string): Promise<PrintRecord> {
    // One deadline for the whole exchange, the answer's body included, on the driver's clock: a
    // server that drips bytes is as late as one that says nothing.
    const deadline = new AbortController();
    const cancel = this.ctx.clock.setTimer(() => deadline.abort(), this.opts.timeoutSeconds * 1000);
    try {
      return await this.exchange(recordId, deadline.signal);
    } finally {
      cancel();
    }
  }

  private async exchange(recordId: string, signal: AbortSignal): Promise<PrintRecord> {
    const base = new URL(this.opts.url);
    let url = new URL(`${this.opts.url.replace(/\/$/, '')}/records/${encodeURIComponent(recordId)}`);
    const late = () => new HalError('timeout', `the record service did not answer within ${this.opts.timeoutSeconds} s`, HINT.slow);
    let res: Response | undefined;
    for (let hops = 0; ; hops++) {
      try {
        res = await fetch(url, {
          headers: { accept: 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
          signal,
          redirect: 'manual',
        });
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        if (signal.aborted) throw late();
        const code = e.cause?.code ?? e.message;
        throw new HalError('unavailable', `cannot reach the record service at ${this.opts.url} (${code})`, HINT.unreachable);
      }
      if (res.status < 300 || res.status >= 400) break;
      // A redirect is followed only within the record service's own host: a record from
      // another server is never printed, and the token is never sent to one.
      const to = res.headers.get('location');
      await res.body?.cancel().catch(() => undefined);
      const next = to ? new URL(to, url) : undefined;
      if (!next || next.origin !== base.origin || hops >= 3) {
        throw new HalError('refused', `the record service redirected to ${next ? next.origin : 'nowhere'}, not ${base.origin}: refused`, HINT.redirected);
      }
      url = next;
    }
    if (res.status === 404) {
      await res.body?.cancel().catch(() => undefined);
      // The service answers 404 in JSON; any other 404 is some other server at this URL.
      if (!(res.headers.get('content-type') ?? '').includes('json')) {
        throw new HalError('unavailable', `HTTP 404 from ${url.origin}${url.pathname} is not the record service's answer`, HINT.basePath);
      }
      throw new HalError('not-found', `record ${recordId} is not print-ready on the server (HTTP 404)`);
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel().catch(() => undefined);
      throw new HalError('refused', `the record service refused this station (HTTP ${res.status})`, HINT.token);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new HalError('unavailable', `the record service answered HTTP ${res.status}`, HINT.serverTrouble);
    }
    const text = await this.readCapped(res, signal, late);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HalError('invalid', { id: 'layanan data menjawab sesuatu yang bukan JSON', en: 'the record service answered something that is not JSON' });
    }
    const parsed = printRecordSchema.safeParse(body);
    if (!parsed.success) {
      // Paths only, never values: the body is personal data.
      const where = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(top)'))].join(', ');
      throw new HalError('invalid', `the record service answered a record that does not match the contract (fields: ${where})`);
    }
    if (parsed.data.recordId !== recordId) throw new HalError('invalid', `asked for record ${recordId}, the service answered another record`);
    this.ctx.log.debug({ recordId }, 'record fetched');
    return parsed.data;
  }

  /** The body as text, read as it streams, refused once it passes records.http.maxAnswerMegabytes. */
  private async readCapped(res: Response, signal: AbortSignal, late: () => HalError): Promise<string> {
    const max = Math.round(this.opts.maxAnswerMegabytes * 1_048_576);
    const declared = Number(res.headers.get('content-length'));
    const tooBig = () => new HalError('invalid', `the record service answered more than ${this.opts.maxAnswerMegabytes} MB for one record`, HINT.tooBig);
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
}
