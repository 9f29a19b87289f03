import type { HttpRecordsOptions } from './config.js';
import type { DriverContext } from '../../driver.js';
import { HalError } from '../../errors.js';
import { readSecretFile } from '../../secret-file.js';
import { printRecordSchema, type PrintRecord, type RecordSource } from '../types.js';

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
    const url = `${this.opts.url.replace(/\/$/, '')}/records/${encodeURIComponent(recordId)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        signal: AbortSignal.timeout(this.opts.timeoutSeconds * 1000),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') throw new HalError('timeout', `the record service did not answer within ${this.opts.timeoutSeconds} s`, 'Check the network to the central server; records.http.timeoutSeconds sets the wait.');
      const code = e.cause?.code ?? e.message;
      throw new HalError('unavailable', `cannot reach the record service at ${this.opts.url} (${code})`, 'Check records.http.url and the network to the central server.');
    }
    if (res.status === 404) {
      // The service answers 404 in JSON; any other 404 is some other server at this URL.
      if (!(res.headers.get('content-type') ?? '').includes('json')) {
        throw new HalError('unavailable', `HTTP 404 from ${url} is not the record service's answer`, 'Check records.http.url (its base path).');
      }
      throw new HalError('not-found', `record ${recordId} is not print-ready on the server (HTTP 404)`);
    }
    if (res.status === 401 || res.status === 403) {
      throw new HalError('refused', `the record service refused this station (HTTP ${res.status})`, 'Check records.http.tokenFile.');
    }
    if (!res.ok) throw new HalError('unavailable', `the record service answered HTTP ${res.status}`, 'The central server has a problem; the agent retries.');
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new HalError('invalid', 'the record service answered something that is not JSON');
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
}
