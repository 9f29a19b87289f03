import { z } from 'zod';
import type { HttpRecordsOptions } from './config.js';
import type { DriverContext } from '../../driver.js';
import { HalError } from '../../errors.js';
import { readSecretFile } from '../../secret-file.js';
import { printRecordSchema, type CardOutcomeWord, type ClaimAnswer, type ClaimHolder, type ClaimsKept, type OutcomeAnswer, type PrintRecord, type RecordSource } from '../types.js';
import { exchange, HINT, parseJson, type Answer } from './request.js';

/** Who holds a record, as the service says in a claim's or an outcome's answer. */
const heldSchema = z.object({ claimedBy: z.string().min(1).max(64), at: z.string().max(64).nullish() });

/**
 * The record service over HTTP (contract in the README): GET {url}/records/{recordId} answers
 * 200 with the record as JSON, 404 when the record is not print-ready, 5xx when the service
 * cannot answer now. With claims (records.http.claims, on unless the service has none):
 * POST {url}/records/{id}/claim {station, installId} answers 200 {claimedBy} or 409 {claimedBy,
 * at}; POST {url}/records/{id}/outcome {station, outcome} answers 2xx, or 409 when another
 * station holds the record. Each failure says what to check; the print queue retries what is
 * worth it, on its clock and its backoff: one retry policy, in one place.
 */
export class HttpRecords implements RecordSource {
  readonly driver = 'http';
  readonly claims: ClaimsKept;
  private token: string | undefined;

  constructor(
    private readonly opts: HttpRecordsOptions,
    private readonly ctx: DriverContext,
  ) {
    this.claims = opts.claims ? 'kept' : 'off';
  }

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

  async fetch(recordId: string): Promise<PrintRecord> {
    const a = await this.ask(recordId, '', { method: 'GET' }, (s) => s >= 200 && s < 300);
    if (a.status === 404) throw new HalError('not-found', `record ${recordId} is not print-ready on the server (HTTP 404)`);
    if (a.text === undefined) throw new HalError('unavailable', `the record service answered HTTP ${a.status}`, HINT.serverTrouble);
    const parsed = printRecordSchema.safeParse(parseJson(a.text));
    if (!parsed.success) {
      // Paths only, never values: the body is personal data.
      const where = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(top)'))].join(', ');
      throw new HalError('invalid', `the record service answered a record that does not match the contract (fields: ${where})`);
    }
    if (parsed.data.recordId !== recordId) throw new HalError('invalid', `asked for record ${recordId}, the service answered another record`);
    this.ctx.log.debug({ recordId }, 'record fetched');
    return parsed.data;
  }

  async claim(recordId: string, holder: ClaimHolder): Promise<ClaimAnswer> {
    if (this.claims !== 'kept') return { granted: true, claimedBy: holder.station };
    const a = await this.ask(recordId, '/claim', { method: 'POST', body: holder }, (s) => s === 200 || s === 409);
    const held = this.held(recordId, a, 'claim');
    // Granted to another station is no grant: the service named who holds it.
    if (a.status === 200 && held.claimedBy === holder.station) return { granted: true, claimedBy: held.claimedBy };
    this.ctx.log.debug({ recordId, claimedBy: held.claimedBy }, 'claim refused: another station holds the record');
    return { granted: false, claimedBy: held.claimedBy, at: held.at ?? null };
  }

  async outcome(recordId: string, station: string, outcome: CardOutcomeWord): Promise<OutcomeAnswer> {
    if (this.claims !== 'kept') return { taken: true };
    const a = await this.ask(recordId, '/outcome', { method: 'POST', body: { station, outcome } }, (s) => s === 409);
    if (a.status >= 200 && a.status < 300) return { taken: true };
    if (a.status === 409) {
      const held = this.held(recordId, a, 'outcome');
      return { taken: false, claimedBy: held.claimedBy, at: held.at ?? null };
    }
    return this.otherStatus(recordId, a, 'outcome');
  }

  /** One exchange about a record: GET the record itself, or POST to one of its paths. */
  private ask(recordId: string, path: string, init: { method: 'GET' | 'POST'; body?: unknown }, read: (status: number) => boolean): Promise<Answer> {
    return exchange(this.opts, this.ctx.clock, this.token, `/records/${encodeURIComponent(recordId)}${path}`, init, read);
  }

  /** Who holds the record, from a claim's 200 or 409, or an outcome's 409. */
  private held(recordId: string, a: Answer, what: 'claim' | 'outcome'): z.infer<typeof heldSchema> {
    if (a.text === undefined) return this.otherStatus(recordId, a, what);
    const parsed = heldSchema.safeParse(parseJson(a.text));
    if (!parsed.success) throw new HalError('invalid', `the record service answered a ${what} (HTTP ${a.status}) without {claimedBy}`, HINT.noClaims);
    return parsed.data;
  }

  /** Any other answer to a claim or an outcome: what it most likely means, and what to check. */
  private otherStatus(recordId: string, a: Answer, what: 'claim' | 'outcome'): never {
    if (a.status === 404) throw new HalError('not-found', `record ${recordId} is not print-ready on the server (HTTP 404 to its ${what})`, HINT.noClaims);
    if (a.status === 405 || a.status === 501) throw new HalError('invalid', `the record service takes no ${what}s (HTTP ${a.status})`, HINT.noClaims);
    throw new HalError('unavailable', `the record service answered HTTP ${a.status} to a ${what}`, HINT.serverTrouble);
  }
}
