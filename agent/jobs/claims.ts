import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { Backoff } from '../../core/backoff.js';
import { OneAtATime } from '../../core/one-at-a-time.js';
import { codeOf } from '../../hal/errors.js';
import { unreachable } from '../../core/errors.js';
import type { Text } from '../../core/i18n.js';
import { RECORD_ERRORS, type ClaimAnswer, type ClaimsKept, type RecordSource } from '../../hal/records/types.js';
import type { Db } from '../../platform/db.js';
import { told, untold } from './outcomes.js';

export interface ClaimsDeps {
  source: RecordSource;
  db: Db;
  /** This station's id, as the record service knows it. */
  station: string;
  /** The id of this station's database (Store.installId): a PC reinstalled claims as a new one. */
  installId: () => Promise<string>;
  clock: Clock;
  log: Logger;
}

/**
 * One card per record across the office and beyond: the record source is asked for a claim
 * before a card starts, and told what became of each card after (the outcomes the job moves
 * wrote, agent/jobs/outcomes.ts), oldest first. A service that cannot be told now is told later,
 * in the same order: a spoil reaches it before the reprint's claim, so the reprint is granted.
 */
export class Claims {
  /** One telling at a time in this process: two would send one record's outcomes out of order. */
  private readonly telling = new OneAtATime();
  private readonly backoff: Backoff;

  constructor(private readonly d: ClaimsDeps) {
    this.backoff = new Backoff({ initialMs: 2000, maxMs: 60_000, jitter: false }, d.clock);
  }

  get kind(): ClaimsKept {
    return this.d.source.claims;
  }

  /** Whether the source keeps claims at all (else one card per record holds on this PC only). */
  get kept(): boolean {
    return this.d.source.claims === 'kept';
  }

  get station(): string {
    return this.d.station;
  }

  /**
   * Claim before a card: every outcome not yet told goes first, so the service decides on what
   * this station did. Rejects as the source does when it cannot say (then no card starts).
   */
  async claim(recordId: string): Promise<ClaimAnswer> {
    await this.tell({ rethrow: true });
    return this.d.source.claim(recordId, { station: this.d.station, installId: await this.d.installId() });
  }

  /**
   * Claim without telling first, for a record with nothing untold (the command line, beside a
   * daemon that does the telling): undefined for a record that has outcomes still to tell, whose
   * claim is left to the card.
   */
  async claimIfNothingUntold(recordId: string): Promise<ClaimAnswer | undefined> {
    if (this.kept && (await untold(this.d.db, 1, recordId)).length > 0) return undefined;
    return this.d.source.claim(recordId, { station: this.d.station, installId: await this.d.installId() });
  }

  /**
   * Tell the source the outcomes not yet told, oldest first. A failure worth retrying stops the
   * telling (the rest wait behind it, in order) and is thrown where `rethrow`, else kept for the
   * next try after a growing pause. `away` marks the waits for the source (agent/jobs/in-flight.ts). An outcome the source will not take (another station holds
   * the record, or it has no such record) is logged and not told again.
   */
  tell(o: { rethrow?: boolean; away?: <T>(answer: Promise<T>) => Promise<T> } = {}): Promise<void> {
    const away = o.away ?? (<T>(answer: Promise<T>) => answer);
    return this.telling.run(async () => {
      if (!o.rethrow && this.backoff.waiting) return;
      try {
        await this.tellAll(away);
        this.backoff.succeeded();
      } catch (err) {
        const wait = this.backoff.failed();
        if (this.backoff.failuresInARow === 1) this.d.log.warn({ err: (err as Error).message, retryInMs: wait }, 'the record service cannot be told what became of a card now; told later, in order');
        if (o.rethrow) throw err;
      }
    });
  }

  private async tellAll(away: <T>(answer: Promise<T>) => Promise<T>): Promise<void> {
    const { db, source, station, log } = this.d;
    for (;;) {
      const rows = await untold(db, 20);
      if (rows.length === 0) return;
      for (const r of rows) {
        if (source.claims === 'kept') {
          try {
            const answer = await away(source.outcome(r.recordId, station, r.outcome));
            if (!answer.taken) log.warn({ recordId: r.recordId, outcome: r.outcome, claimedBy: answer.claimedBy }, 'the record service did not take this outcome: another station holds the record');
          } catch (err) {
            const code = codeOf(err, RECORD_ERRORS, 'unavailable');
            if (code !== 'not-found' && code !== 'invalid') throw err;
            log.warn({ recordId: r.recordId, outcome: r.outcome, err: (err as Error).message }, 'the record service did not take this outcome; not told again');
          }
        }
        // Without claims there is nobody to tell: the row only goes.
        await told(db, r.id);
      }
    }
  }
}

/** What claims mean at this station, for the technician: the start log and diagnose say it. */
export function claimsWords(kind: ClaimsKept): Text {
  switch (kind) {
    case 'kept':
      return {
        id: 'klaim rekaman aktif: setiap kartu diklaim di server data sebelum dicetak, jadi satu rekaman dicetak sekali di semua stasiun',
        en: 'record claims on: each card is claimed at the record service before it starts, so a record is printed once across stations',
      };
    case 'off':
      return {
        id: 'klaim rekaman mati (records.http.claims: false): satu kartu per rekaman hanya dijaga di PC ini; rekaman yang sama bisa tercetak di stasiun lain. Nyalakan bila layanan data menerima klaim.',
        en: 'record claims off (records.http.claims: false): one card per record holds on this PC only; the same record can be printed at another station. Turn it on once the record service takes claims.',
      };
    case 'local':
      return {
        id: 'server pusat simulasi tanpa klaim bersama (records.sim.shared): satu kartu per rekaman hanya dijaga di PC ini',
        en: 'simulated central server without shared claims (records.sim.shared): one card per record holds on this PC only',
      };
    default:
      return unreachable(kind);
  }
}

/** Said once at start: on as information, off as a warning (a record may then print at two stations). */
export function claimsSaid(kind: ClaimsKept, log: Logger): void {
  const words = claimsWords(kind).en;
  if (kind === 'off') log.warn({ claims: kind }, words);
  else log.info({ claims: kind }, words);
}
