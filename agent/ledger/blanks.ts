import { AgentError, EXIT } from '../../platform/errors.js';
import type { Db, Queryable } from '../../platform/db.js';

export type LedgerKind = 'receive' | 'print' | 'spoil' | 'adjust';

export interface StockSummary {
  received: number;
  printed: number;
  spoiled: number;
  /** Signed: cards found (+) or missing (-) at physical counts. */
  adjusted: number;
  /** received + adjusted - printed - spoiled. */
  onHand: number;
  /** False until the first delivery or count: then onHand is not known, and health says null. */
  kept: boolean;
}

/**
 * The blank-card ledger: append-only (triggers refuse UPDATE and DELETE), one entry per card
 * received, printed, spoiled, or found/missing at a count. Always:
 * received + adjusted = printed + spoiled + onHand.
 */
export class Ledger {
  constructor(private readonly db: Db) {}

  /** Post an entry inside the caller's transaction (a printed card is posted with its job). */
  static async post(tx: Queryable, e: { kind: LedgerKind; qty: number; at: number; batch?: string; reason?: string; recordId?: string }): Promise<void> {
    await tx.run('INSERT INTO ledger (at, kind, qty, batch, reason, record_id) VALUES (?, ?, ?, ?, ?, ?)', [
      e.at,
      e.kind,
      e.qty,
      e.batch ?? null,
      e.reason ?? null,
      e.recordId ?? null,
    ]);
  }

  async receive(n: number, batch: string, at = Date.now()): Promise<StockSummary> {
    if (!Number.isInteger(n) || n <= 0) throw usage(`the number of cards received must be a whole number above 0, got ${n}`);
    if (!batch.trim()) throw usage('a delivery needs its batch (--batch B), as written on the box or the handover letter');
    await this.db.transaction((tx) => Ledger.post(tx, { kind: 'receive', qty: n, at, batch: batch.trim() }));
    return this.summary();
  }

  /** A physical count: the difference from what the ledger says is recorded as an adjustment. */
  async count(n: number, reason: string, at = Date.now()): Promise<{ adjustment: number; summary: StockSummary }> {
    if (!Number.isInteger(n) || n < 0) throw usage(`a count must be a whole number, 0 or more, got ${n}`);
    if (!reason.trim()) throw usage('a count needs a reason (--reason R), for example "monthly count"');
    const adjustment = await this.db.transaction(async (tx) => {
      const { onHand } = await Ledger.summaryIn(tx);
      const diff = n - onHand;
      await Ledger.post(tx, { kind: 'adjust', qty: diff, at, reason: reason.trim() });
      return diff;
    });
    return { adjustment, summary: await this.summary() };
  }

  summary(): Promise<StockSummary> {
    return Ledger.summaryIn(this.db);
  }

  static async summaryIn(q: Queryable): Promise<StockSummary> {
    const rows = await q.all<{ kind: LedgerKind; total: number; n: number }>('SELECT kind, SUM(qty) AS total, COUNT(*) AS n FROM ledger GROUP BY kind');
    const sum = (k: LedgerKind) => rows.find((r) => r.kind === k)?.total ?? 0;
    const received = sum('receive');
    const printed = 0 - sum('print'); // 0 - x, not -x: no -0 in the figures
    const spoiled = 0 - sum('spoil');
    const adjusted = sum('adjust');
    const kept = rows.some((r) => (r.kind === 'receive' || r.kind === 'adjust') && r.n > 0);
    return { received, printed, spoiled, adjusted, onHand: received + adjusted - printed - spoiled, kept };
  }
}

function usage(message: string): AgentError {
  return new AgentError('usage', message, { exitCode: EXIT.usage });
}
