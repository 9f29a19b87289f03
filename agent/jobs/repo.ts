import { systemClock } from '../../core/clock.js';
import { AgentError, EXIT } from '../../core/errors.js';
import { Ledger } from '../ledger/blanks.js';
import { postCard } from '../ledger/card.js';
import { spoilCodeOf, type SpoilCode } from '../ledger/spoil-codes.js';
import type { Db, Queryable } from '../../platform/db.js';
import type { Said } from '../../core/i18n.js';
import { typed, typedOrNull } from '../../core/typed-text.js';
import { checkRecordId, VERIFICATION_IDS_SHOWN, type CardOutcome, type Job, type JobCounts, type JobState } from './job.js';
import { note, noteWords, readNote, storedNote, type Note } from './notes.js';
import { tellLater } from './outcomes.js';
import { printerSpoil } from './reprint.js';
import { printedWords, spoilStateHint, STATE_WORDS, UNKNOWN_JOB_HINT } from './words.js';
import { recoverAfterRestart, type PrinterProof, type Recovered } from './recover.js';
import { JobStateConflict } from './conflict.js';

// The station page takes these from here (agent/operator); what a job is lives in job.ts.
export { checkRecordId, localDayOf, startOfLocalDay } from './job.js';

/** States a record may be added again from: its card was never made, or was spoiled, or another station held it. */
const READDABLE: readonly JobState[] = ['failed', 'spoiled', 'cancelled', 'refused'];


const COLS =
  'record_id AS recordId, state, fetch_attempts AS fetchAttempts, next_fetch_at AS nextFetchAt, agent_job_id AS agentJobId, printer_job_id AS printerJobId, last_error AS lastError, created_at AS createdAt, updated_at AS updatedAt, claimed_by AS claimedBy, claimed_at AS claimedAt, ' +
  // The job's note is its latest move's: never an older one.
  '(SELECT json_array(e.code, e.detail, e.reason) FROM job_events e WHERE e.record_id = jobs.record_id ORDER BY e.id DESC LIMIT 1) AS noteRow';

/** The print queue in SQLite: one row per record ever, every move recorded with time and reason. */
export class JobRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = () => systemClock.now(),
  ) {}

  /** Queue records; a record printed or in flight is refused with why, one that failed or was spoiled is queued again. */
  async add(ids: readonly string[]): Promise<{ added: string[]; requeued: string[]; refused: { recordId: string; why: Said }[] }> {
    const out = { added: [] as string[], requeued: [] as string[], refused: [] as { recordId: string; why: Said }[] };
    for (const id of ids) {
      const bad = checkRecordId(id);
      if (bad) {
        out.refused.push({ recordId: id, why: bad });
        continue;
      }
      await this.db.transaction(async (tx) => {
        const at = this.now();
        const existing = await tx.get<{ state: JobState; updated_at: number }>('SELECT state, updated_at FROM jobs WHERE record_id = ?', [id]);
        if (!existing) {
          const seq = (await tx.get<{ n: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM jobs'))?.n ?? 1;
          await tx.run('INSERT INTO jobs (record_id, state, created_at, updated_at, seq) VALUES (?, ?, ?, ?, ?)', [id, 'queued', at, at, seq]);
          await JobRepo.audit(tx, id, null, 'queued', at, note('added'));
          out.added.push(id);
        } else if (READDABLE.includes(existing.state)) {
          await JobRepo.move(tx, id, [existing.state], 'queued', at, note('added_again', { from: existing.state }), { fetch_attempts: 0, next_fetch_at: 0, last_error: null, claimed_by: null, claimed_at: null });
          out.requeued.push(id);
        } else if (existing.state === 'printed') {
          out.refused.push({ recordId: id, why: printedWords(id, new Date(existing.updated_at).toISOString()) });
        } else {
          out.refused.push({ recordId: id, why: { id: `sudah ada di antrean (${STATE_WORDS[existing.state].id})`, en: `already in the queue (${existing.state})` } });
        }
      });
    }
    return out;
  }

  /** The move's note as a code with details, and its English words for whoever reads the database itself. */
  static async audit(tx: Queryable, recordId: string, from: JobState | null, to: JobState, at: number, why: Note): Promise<void> {
    const { code, detail } = storedNote(why);
    await tx.run('INSERT INTO job_events (record_id, from_state, to_state, at, reason, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?)', [recordId, from, to, at, noteWords(why).en, code, detail]);
  }

  /**
   * Move a job from one of `from` to `to`, with the audit entry, inside `tx`. Refuses (throws)
   * if the job is not in one of `from`: two writers can never both move the same job.
   */
  static async move(
    tx: Queryable,
    recordId: string,
    from: readonly JobState[],
    to: JobState,
    at: number,
    why: Note,
    set: Partial<Record<'fetch_attempts' | 'next_fetch_at' | 'agent_job_id' | 'printer_job_id' | 'last_error' | 'claimed_by' | 'claimed_at', string | number | null>> = {},
  ): Promise<JobState> {
    const row = await tx.get<{ state: JobState }>('SELECT state FROM jobs WHERE record_id = ?', [recordId]);
    if (!row) throw unknownJob(recordId);
    if (!from.includes(row.state)) throw new JobStateConflict(recordId, row.state, from);
    const keys = Object.keys(set);
    await tx.run(`UPDATE jobs SET state = ?, updated_at = ?${keys.map((k) => `, ${k} = ?`).join('')} WHERE record_id = ?`, [
      to,
      at,
      ...keys.map((k) => set[k as keyof typeof set] ?? null),
      recordId,
    ]);
    await JobRepo.audit(tx, recordId, row.state, to, at, why);
    return row.state;
  }

  transition(recordId: string, from: readonly JobState[], to: JobState, why: Note, set: Parameters<typeof JobRepo.move>[6] = {}): Promise<JobState> {
    return this.db.transaction((tx) => JobRepo.move(tx, recordId, from, to, this.now(), why, set));
  }

  /**
   * A person settles a job whose outcome was uncertain. A spoiled card is posted with why, where
   * the person said (the words, and the code the province counts: given, or read from the words).
   */
  async verify(recordId: string, outcome: 'printed' | 'not-printed' | 'spoiled', spoiled: { reason?: string; code?: SpoilCode } = {}): Promise<JobState> {
    const at = this.now();
    const said = typedOrNull(spoiled.reason);
    return this.db.transaction(async (tx) => {
      if (outcome === 'printed') {
        await JobRepo.move(tx, recordId, ['needs_verification'], 'printed', at, note('verified_printed'));
        await postCard(tx, 'print', at, recordId);
        await tellLater(tx, recordId, 'printed', at);
        return 'printed';
      }
      if (outcome === 'spoiled') {
        await JobRepo.move(tx, recordId, ['needs_verification'], 'spoiled', at, note('verified_spoiled', said ? { words: said } : {}));
        await postCard(tx, 'spoil', at, recordId, spoiled.code ?? (said ? spoilCodeOf(said) : null), said);
        await tellLater(tx, recordId, 'spoiled', at);
        return 'spoiled';
      }
      const held = await tx.get<{ code: string | null }>("SELECT code FROM job_events WHERE record_id = ? AND to_state = 'needs_verification' ORDER BY id DESC LIMIT 1", [recordId]);
      const why = note(held?.code === 'printer_history_hold' ? 'verified_not_printed_despite_history' : 'verified_not_printed');
      await JobRepo.move(tx, recordId, ['needs_verification'], 'queued', at, why, { fetch_attempts: 0, next_fetch_at: 0 });
      // No card: the claim is given up, and asked for again before the next card.
      await tellLater(tx, recordId, 'not_printed', at);
      return 'queued';
    });
  }

  /**
   * A printed card found unusable afterwards (smudged, dropped): printed → spoiled, and the
   * blank-card ledger with it, in one transaction; the record may then be added again for a
   * reprint. At most one good card per record; every card that came out is printed or spoiled.
   */
  async spoil(recordId: string, reason: string, code?: SpoilCode): Promise<void> {
    const why = typed(reason);
    if (!why) throw new AgentError('usage', { id: 'kartu rusak perlu alasan (--reason R), misalnya "tinta luntur"', en: 'a spoiled card needs a reason (--reason R), for example "smudged"' }, { exitCode: EXIT.usage });
    const at = this.now();
    await this.db.transaction(async (tx) => {
      const row = await tx.get<{ state: JobState }>('SELECT state FROM jobs WHERE record_id = ?', [recordId]);
      if (!row) throw unknownJob(recordId);
      if (row.state !== 'printed') {
        throw new AgentError(
          'job-state',
          { id: `rekaman ${recordId} berstatus ${STATE_WORDS[row.state].id}, bukan tercetak: hanya kartu yang sudah tercetak yang bisa ditandai rusak`, en: `record ${recordId} is ${row.state}, not printed: only a printed card can be marked spoiled` },
          { hint: spoilStateHint(recordId, row.state), exitCode: EXIT.usage },
        );
      }
      await JobRepo.move(tx, recordId, ['printed'], 'spoiled', at, note('spoiled_by_person', { words: why }));
      await Ledger.spoilPrinted(tx, recordId, why, at, code ?? spoilCodeOf(why));
      // The record service then lets this station (only) print it again.
      await tellLater(tx, recordId, 'spoiled', at);
    });
  }

  /** Cards this database sent to the printer for a record, and those a person said never came out despite the printer's history. */
  async cardsAccountedFor(recordId: string): Promise<number> {
    // A start the printer refused (printing -> ready: busy, not ready) sent no card.
    const r = await this.db.get<{ n: number }>(
      `SELECT COALESCE(SUM(CASE WHEN to_state = 'printing' THEN 1 WHEN from_state = 'printing' AND to_state = 'ready' THEN -1 WHEN to_state = 'queued' AND code = 'verified_not_printed_despite_history' THEN 1 ELSE 0 END), 0) AS n
       FROM job_events WHERE record_id = ?`,
      [recordId],
    );
    return r?.n ?? 0;
  }

  /** Out of the queue; a claim this station may hold for it is given up, so another station may print it. */
  cancel(recordId: string): Promise<JobState> {
    const at = this.now();
    return this.db.transaction(async (tx) => {
      const from = await JobRepo.move(tx, recordId, ['queued', 'failed'], 'cancelled', at, note('cancelled'));
      await tellLater(tx, recordId, 'not_printed', at);
      return from;
    });
  }

  /** Another station holds the record (the record service said so): refused, naming it. */
  refuse(recordId: string, from: readonly JobState[], by: string, since: string | null): Promise<JobState> {
    return this.transition(recordId, from, 'refused', note('refused_held', { by, since }), {
      claimed_by: by,
      claimed_at: since,
      last_error: `held by station ${by}`,
    });
  }

  /**
   * After a crash or power cut: a job left `printing` may or may not have come out, so it is
   * held for a person (never sent again by itself); fetched data lived in memory only, so
   * `fetching` and `ready` go back to `queued`.
   */
  recoverAfterRestart(proof?: PrinterProof): Promise<Recovered> {
    return recoverAfterRestart(this.db, this.now(), proof);
  }

  /** The next queued records to fetch, in queue order, leaving out `busy` (fetching, or waiting out a failed fetch). */
  nextToFetch(limit: number, busy: readonly string[] = []): Promise<{ recordId: string; fetchAttempts: number }[]> {
    return this.db.all(
      'SELECT record_id AS recordId, fetch_attempts AS fetchAttempts FROM jobs WHERE state = ? AND record_id NOT IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?',
      ['queued', JSON.stringify(busy), limit],
    );
  }

  /** Records fetched and waiting for the printer, in queue order. */
  async readyInOrder(): Promise<string[]> {
    return (await this.db.all<{ record_id: string }>("SELECT record_id FROM jobs WHERE state = 'ready' ORDER BY seq")).map((r) => r.record_id);
  }

  /** Jobs whose row says some work holds them now: being fetched, fetched and waiting, or printing. */
  inFlight(): Promise<{ recordId: string; state: 'fetching' | 'ready' | 'printing' }[]> {
    return this.db.all("SELECT record_id AS recordId, state FROM jobs WHERE state IN ('fetching', 'ready', 'printing')");
  }

  /**
   * What the printer said of the card it was sent (`printing` → the outcome), with the card's
   * ledger entry in the same transaction: a card printed or spoiled is never without its line.
   */
  settle(recordId: string, o: CardOutcome): Promise<void> {
    const at = this.now();
    return this.db.transaction(async (tx) => {
      // A card the printer spoiled is queued again by itself, once (reprint.ts).
      const spoil = o.to === 'spoiled' ? await printerSpoil(tx, recordId, o.note.reasons ?? []) : null;
      await JobRepo.move(tx, recordId, ['printing'], o.to, at, spoil?.spoiled ?? o.note, o.printerJobId ? { printer_job_id: o.printerJobId } : {});
      if (o.to === 'printed') await postCard(tx, 'print', at, recordId);
      if (o.to === 'spoiled') await postCard(tx, 'spoil', at, recordId, spoilCodeOf((o.note.reasons ?? []).join(' ')));
      if (o.to === 'printed' || o.to === 'spoiled') await tellLater(tx, recordId, o.to, at);
      if (spoil?.reprint) await JobRepo.move(tx, recordId, ['spoiled'], 'queued', at, spoil.reprint, { fetch_attempts: 0, next_fetch_at: 0, last_error: null });
    });
  }

  /** Every job in queue order; only those in `state`, or changed since `sinceMs`, when given. */
  async list(filter: { state?: JobState; sinceMs?: number } = {}): Promise<Job[]> {
    const rows = await this.db.all<JobRow>(`SELECT ${COLS} FROM jobs WHERE (? IS NULL OR state = ?) AND updated_at >= ? ORDER BY seq`, [
      filter.state ?? null,
      filter.state ?? null,
      filter.sinceMs ?? 0,
    ]);
    return rows.map(jobOf);
  }

  async get(recordId: string): Promise<Job | undefined> {
    const row = await this.db.get<JobRow>(`SELECT ${COLS} FROM jobs WHERE record_id = ?`, [recordId]);
    return row && jobOf(row);
  }

  /** Every move of a job, oldest first, each with its note. */
  async history(recordId: string): Promise<{ from: JobState | null; to: JobState; at: number; note: Note }[]> {
    const rows = await this.db.all<{ from: JobState | null; to: JobState; at: number; code: string | null; detail: string | null; reason: string }>(
      'SELECT from_state AS "from", to_state AS "to", at, code, detail, reason FROM job_events WHERE record_id = ? ORDER BY id',
      [recordId],
    );
    return rows.map(({ code, detail, reason, ...e }) => ({ ...e, note: readNote(code, detail, reason) }));
  }

  /** The queue's counts now, and the cards printed and failed in `day` (its start and end, ms). */
  async counts(day: { start: number; end: number }): Promise<JobCounts> {
    const rows = await this.db.all<{ state: JobState; n: number }>('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state');
    const n = (s: JobState) => rows.find((r) => r.state === s)?.n ?? 0;
    const today = await this.db.all<{ to_state: JobState; n: number }>(
      "SELECT to_state, COUNT(*) AS n FROM job_events WHERE at >= ? AND at < ? AND to_state IN ('printed', 'failed') GROUP BY to_state",
      [day.start, day.end],
    );
    const t = (s: JobState) => today.find((r) => r.to_state === s)?.n ?? 0;
    const held = await this.db.all<{ record_id: string }>("SELECT record_id FROM jobs WHERE state = 'needs_verification' ORDER BY updated_at, seq LIMIT ?", [VERIFICATION_IDS_SHOWN]);
    return {
      queued: n('queued'),
      fetching: n('fetching'),
      ready: n('ready'),
      printing: n('printing'),
      needsVerification: n('needs_verification'),
      needsVerificationIds: held.map((r) => r.record_id),
      printedToday: t('printed'),
      failedToday: t('failed'),
    };
  }
}

type JobRow = Omit<Job, 'note'> & { noteRow: string | null };

function jobOf({ noteRow, ...j }: JobRow): Job {
  const [code, detail, text] = noteRow ? (JSON.parse(noteRow) as [string | null, string | null, string]) : [null, null, ''];
  return { ...j, note: noteRow ? readNote(code, detail, text) : null };
}

function unknownJob(recordId: string): AgentError {
  return new AgentError('job-unknown', { id: `tidak ada pekerjaan untuk rekaman ${recordId}`, en: `no job for record ${recordId}` }, {
    hint: UNKNOWN_JOB_HINT,
    exitCode: EXIT.usage,
  });
}
