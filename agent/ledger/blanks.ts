import { AgentError, EXIT } from '../../core/errors.js';
import type { Db, Queryable } from '../../platform/db.js';
import { bySurface, type Said, type Text } from '../../core/i18n.js';
import { nextTransfer } from '../office/transfer.js';
import { systemClock } from '../../core/clock.js';
import { sameKey, typed } from '../../core/typed-text.js';

export type LedgerKind = 'receive' | 'print' | 'spoil' | 'adjust' | 'return';

export interface StockSummary {
  received: number;
  printed: number;
  spoiled: number;
  /** Signed: cards found (+) or missing (-) at physical counts. */
  adjusted: number;
  /** Sent back to the office's store (stock return). */
  returned: number;
  /** received + adjusted - printed - spoiled - returned. */
  onHand: number;
  /** False until the first delivery or count: then onHand is not known, and health says null. */
  kept: boolean;
}

/** One line of the ledger as a person reads it back (`stock history`). */
export interface LedgerEntry {
  id: number;
  at: number;
  kind: LedgerKind;
  qty: number;
  batch: string | null;
  reason: string | null;
  recordId: string | null;
  /** The entry this one reverses; null for an ordinary entry. */
  corrects: number | null;
  /** The entry that reversed this one; null while it stands. */
  correctedBy: number | null;
  /** The transfer a stack came or went under (from or to the office's store); null otherwise. */
  transfer: string | null;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A delivery or stack taken twice under one number: the command line's flag, the page's checkbox; or the first entry reversed. */
function twiceHint(entry: number, when: Text): Said {
  return bySurface(
    { id: `${when.id}, tambahkan --again. Bila entri #${entry} keliru: station-agent stock correct ${entry} --reason "..."`, en: `${when.en}, add --again. If entry #${entry} was a mistake: station-agent stock correct ${entry} --reason "..."` },
    {
      id: `${when.id}, centang "Kiriman kedua dengan nomor sama" lalu simpan lagi. Bila entri #${entry} keliru, minta teknisi membaliknya (buku tidak pernah diubah).`,
      en: `${when.en}, tick "Second delivery, same number" and save again. If entry #${entry} was a mistake, ask the technician to reverse it (the ledger is never edited).`,
    },
  );
}

/**
 * The blank-card ledger: append-only (triggers refuse UPDATE and DELETE), one entry per card
 * received, printed, spoiled, or found/missing at a count. Always:
 * received + adjusted = printed + spoiled + onHand.
 */
export class Ledger {
  constructor(private readonly db: Db) {}

  /** Post an entry inside the caller's transaction (a printed card is posted with its job); its id. */
  static async post(
    tx: Queryable,
    e: { kind: LedgerKind; qty: number; at: number; batch?: string | null; reason?: string; recordId?: string; corrects?: number; transfer?: string | null; reasonCode?: string | null },
  ): Promise<number> {
    const r = await tx.run('INSERT INTO ledger (at, kind, qty, batch, reason, record_id, corrects, transfer, reason_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      e.at,
      e.kind,
      e.qty,
      e.batch ?? null,
      e.reason ?? null,
      e.recordId ?? null,
      e.corrects ?? null,
      e.transfer ?? null,
      e.reasonCode ?? null,
    ]);
    return r.lastID;
  }

  /**
   * A stack from the office's store, confirmed with the transfer id on its hand-over slip
   * (checked to be the store's, by the caller). The same transfer twice is refused, naming the
   * first entry, unless `again`.
   */
  async receiveTransfer(n: number, transfer: string, opts: { again?: boolean; at?: number } = {}): Promise<StockSummary & { entry: number }> {
    if (!Number.isInteger(n) || n <= 0) {
      throw usage({ id: `N: jumlah kartu yang diterima harus bilangan bulat di atas 0, diberikan ${n}`, en: `N: the number of cards received must be a whole number above 0, got ${n}` });
    }
    const at = opts.at ?? systemClock.now();
    const entry = await this.db.transaction(async (tx) => {
      const earlier = await tx.get<{ id: number; at: number; qty: number }>(
        "SELECT id, at, qty FROM ledger WHERE kind = 'receive' AND transfer = ? AND corrects IS NULL AND id NOT IN (SELECT corrects FROM ledger WHERE corrects IS NOT NULL) ORDER BY id LIMIT 1",
        [transfer],
      );
      if (earlier && !opts.again) {
        throw new AgentError(
          'stock-duplicate',
          {
            id: `transfer ${transfer} sudah diterima: entri #${earlier.id}, ${earlier.qty} kartu pada ${day(earlier.at)}. Tidak ada yang dicatat.`,
            en: `transfer ${transfer} was already received: entry #${earlier.id}, ${earlier.qty} cards on ${day(earlier.at)}. Nothing was recorded.`,
          },
          {
            hint: twiceHint(earlier.id, { id: 'Bila gudang memang mengirim dua kali dengan nomor yang sama', en: 'If the store really sent twice under that number' }),
            exitCode: EXIT.failure,
          },
        );
      }
      return Ledger.post(tx, { kind: 'receive', qty: n, at, transfer });
    });
    return { ...(await this.summary()), entry };
  }

  /**
   * A stack sent back to the office's store: a transfer numbered under `sender` (this station),
   * which the store confirms with it. More than is on hand is refused unless forced, with a reason.
   */
  async sendBack(n: number, sender: string, opts: { force?: boolean; reason?: string; at?: number } = {}): Promise<StockSummary & { entry: number; transfer: string }> {
    if (!Number.isInteger(n) || n <= 0) {
      throw usage({ id: `N: jumlah kartu yang dikembalikan harus bilangan bulat di atas 0, diberikan ${n}`, en: `N: the number of cards sent back must be a whole number above 0, got ${n}` });
    }
    const reason = opts.force && opts.reason !== undefined ? typed(opts.reason) : undefined;
    if (opts.force && !reason) throw usage({ id: '--reason: --force perlu alasan, misalnya "stok lama ditemukan"', en: '--reason: --force needs a reason, for example "old stock found"' });
    const at = opts.at ?? systemClock.now();
    const { entry, transfer } = await this.db.transaction(async (tx) => {
      const { onHand } = await Ledger.summaryIn(tx);
      if (onHand - n < 0 && !opts.force) {
        throw new AgentError(
          'stock-below-zero',
          { id: `buku hanya mencatat ${onHand} kartu di sini; mengembalikan ${n} membuatnya di bawah nol. Tidak ada yang dicatat.`, en: `the ledger holds only ${onHand} cards here; sending back ${n} would put it below zero. Nothing was recorded.` },
          {
            hint: bySurface(
              { id: 'Hitung kartunya dulu (station-agent stock count N --reason R). Bila kartunya memang ada: ulangi dengan --force --reason "...".', en: 'Count the cards first (station-agent stock count N --reason R). If the cards really are there: repeat with --force --reason "...".' },
              { id: 'Hitung kartunya dulu ("Hitung fisik kartu blangko"), lalu kembalikan lagi.', en: 'Count the cards first ("Physical count of blank cards"), then send them back again.' },
            ),
            exitCode: EXIT.failure,
          },
        );
      }
      const id = await nextTransfer(tx, sender);
      return { entry: await Ledger.post(tx, { kind: 'return', qty: 0 - n, at, transfer: id, reason }), transfer: id };
    });
    return { ...(await this.summary()), entry, transfer };
  }

  /**
   * A delivery. The same batch number twice is refused, naming the first entry, unless `again`
   * says it is a second delivery under that number; a batch whose entry was corrected away may
   * be received anew.
   */
  async receive(n: number, batch: string, opts: { again?: boolean; at?: number } = {}): Promise<StockSummary & { entry: number }> {
    if (!Number.isInteger(n) || n <= 0) {
      throw usage({ id: `jumlah kartu yang diterima harus bilangan bulat di atas 0, diberikan ${n}`, en: `the number of cards received must be a whole number above 0, got ${n}` });
    }
    const b = typed(batch);
    if (!b) throw usage({ id: 'penerimaan perlu nomor batch (--batch B), seperti tertulis di kotak atau berita acara serah terima', en: 'a delivery needs its batch (--batch B), as written on the box or the handover letter' });
    const at = opts.at ?? systemClock.now();
    const entry = await this.db.transaction(async (tx) => {
      // Both sides normalised (core/typed-text.ts sameKey), in JavaScript: a row an older version
      // kept un-normalised or with an invisible character still matches the number it shows.
      const key = sameKey(b);
      const rows = await tx.all<{ id: number; at: number; qty: number; batch: string }>(
        "SELECT id, at, qty, batch FROM ledger WHERE kind = 'receive' AND batch IS NOT NULL AND qty > 0 AND corrects IS NULL AND id NOT IN (SELECT corrects FROM ledger WHERE corrects IS NOT NULL) ORDER BY id",
      );
      const earlier = rows.find((r) => sameKey(r.batch) === key);
      if (earlier && !opts.again) {
        throw new AgentError(
          'stock-duplicate',
          {
            id: `batch ${b} sudah diterima: entri #${earlier.id}, ${earlier.qty} kartu pada ${day(earlier.at)}. Tidak ada yang dicatat.`,
            en: `batch ${b} was already received: entry #${earlier.id}, ${earlier.qty} cards on ${day(earlier.at)}. Nothing was recorded.`,
          },
          {
            hint: twiceHint(earlier.id, { id: 'Bila ini pengiriman kedua dengan nomor yang sama', en: 'If this is a second delivery under the same number' }),
            exitCode: EXIT.failure,
          },
        );
      }
      return Ledger.post(tx, { kind: 'receive', qty: n, at, batch: b, reason: earlier ? `second delivery under batch ${b} (first: entry #${earlier.id})` : undefined });
    });
    return { ...(await this.summary()), entry };
  }

  /**
   * A mistaken delivery or count undone: a reversing entry that names it (the ledger stays
   * append-only). Cards printed or spoiled are settled through the print queue, not here.
   */
  async correct(entryId: number, reason: string, at = systemClock.now()): Promise<{ entry: number; reversed: LedgerEntry; summary: StockSummary }> {
    if (!reason.trim()) throw usage({ id: 'koreksi perlu alasan (--reason R), misalnya "tercatat dua kali"', en: 'a correction needs a reason (--reason R), for example "recorded twice"' });
    const { entry, reversed } = await this.db.transaction(async (tx) => {
      const e = await Ledger.entryIn(tx, entryId);
      if (!e) {
        throw new AgentError('stock-entry-unknown', { id: `tidak ada entri #${entryId} di buku kartu blangko`, en: `there is no entry #${entryId} in the blank-card ledger` }, {
          hint: { id: 'Lihat nomornya dengan: station-agent stock history', en: 'See the entry numbers with: station-agent stock history' },
          exitCode: EXIT.usage,
        });
      }
      if (e.kind === 'print' || e.kind === 'spoil') {
        throw usage(
          { id: `entri #${entryId} adalah kartu dari printer; kartu diselesaikan lewat antrean, bukan dikoreksi`, en: `entry #${entryId} is a card from the printer; cards are settled through the queue, not corrected` },
          { id: 'Kartu tercetak yang rusak: station-agent jobs spoil ID --reason R', en: 'A printed card that is unusable: station-agent jobs spoil ID --reason R' },
        );
      }
      if (e.corrects !== null) throw usage({ id: `entri #${entryId} sendiri adalah koreksi atas #${e.corrects}; catat entri baru bila perlu`, en: `entry #${entryId} is itself the correction of #${e.corrects}; record a new entry if needed` });
      if (e.correctedBy !== null) throw usage({ id: `entri #${entryId} sudah dikoreksi oleh #${e.correctedBy}`, en: `entry #${entryId} was already corrected by #${e.correctedBy}` });
      const id = await Ledger.post(tx, { kind: e.kind, qty: 0 - e.qty, at, batch: e.batch, transfer: e.transfer, reason: `correction of entry #${entryId}: ${typed(reason)}`, corrects: entryId });
      return { entry: id, reversed: e };
    });
    return { entry, reversed, summary: await this.summary() };
  }

  /** The latest entries, newest last. */
  async entries(limit = 50): Promise<LedgerEntry[]> {
    const rows = await this.db.all<LedgerEntry>(`SELECT * FROM (${ENTRY_SELECT} ORDER BY l.id DESC LIMIT ?) ORDER BY id`, [limit]);
    return rows;
  }

  static entryIn(q: Queryable, id: number): Promise<LedgerEntry | undefined> {
    return q.get<LedgerEntry>(`${ENTRY_SELECT} WHERE l.id = ?`, [id]);
  }

  /**
   * A printed card found unusable afterwards (smudged, dropped): moved from printed to spoiled
   * in the caller's transaction. The blank and the ribbon and film were used when it printed,
   * so nothing on hand changes; the reprint takes a new blank.
   */
  static async spoilPrinted(tx: Queryable, recordId: string, reason: string, at: number, reasonCode: string | null = null): Promise<void> {
    await Ledger.post(tx, { kind: 'print', qty: 1, at, reason: `spoiled after printing: ${reason}`, recordId });
    await Ledger.post(tx, { kind: 'spoil', qty: -1, at, reason, recordId, reasonCode });
  }

  /** A physical count: the difference from what the ledger says is recorded as an adjustment. */
  async count(n: number, reason: string, at = systemClock.now()): Promise<{ adjustment: number; summary: StockSummary }> {
    if (!Number.isInteger(n) || n < 0) throw usage({ id: `hitungan harus bilangan bulat, 0 atau lebih, diberikan ${n}`, en: `a count must be a whole number, 0 or more, got ${n}` });
    if (!reason.trim()) throw usage({ id: 'hitungan perlu alasan (--reason R), misalnya "hitung bulanan"', en: 'a count needs a reason (--reason R), for example "monthly count"' });
    const adjustment = await this.db.transaction(async (tx) => {
      const { onHand } = await Ledger.summaryIn(tx);
      const diff = n - onHand;
      await Ledger.post(tx, { kind: 'adjust', qty: diff, at, reason: typed(reason) });
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
    const returned = 0 - sum('return');
    const kept = rows.some((r) => (r.kind === 'receive' || r.kind === 'adjust') && r.n > 0);
    return { received, printed, spoiled, adjusted, returned, onHand: received + adjusted - printed - spoiled - returned, kept };
  }
}

const ENTRY_SELECT =
  'SELECT l.id, l.at, l.kind, l.qty, l.batch, l.reason, l.record_id AS recordId, l.corrects, (SELECT c.id FROM ledger c WHERE c.corrects = l.id) AS correctedBy, l.transfer FROM ledger l';

function usage(message: Text, hint?: Text): AgentError {
  return new AgentError('usage', message, { exitCode: EXIT.usage, hint });
}
