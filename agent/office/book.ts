/**
 * The office's store-room book, kept at one PC of the office (office.store): deliveries from the
 * ministry, stacks and rolls carried to the printers and sent back, loans with other offices,
 * counts and corrections. Append-only like the blank-card ledger (triggers refuse UPDATE and
 * DELETE; a mistake is reversed by a new entry with a reason), one transaction per entry, and
 * every movement with two ends carries a transfer id the other end confirms. It needs nobody
 * else to work: the province sees it when the agent can reach the broker.
 */
import type { Db, Queryable } from '../../platform/db.js';
import { dayIn } from './days.js';
import { aboutField, bySurface } from '../../core/i18n.js';
import { belowZero, checkOtherOffice, checkQuantity, checkReason, checkRegistered, duplicate, FIELDS, usage, type Supply } from './refusals.js';
import { nextTransfer, transferFrom } from './transfer.js';
import { sameKey, typed } from '../../core/typed-text.js';

/** Where the station page shows an entry's number: in what it says after each entry. */
const ENTRY_NUMBERS = { id: 'Nomor entri disebut dalam pesan setelah setiap catatan gudang.', en: 'Each entry\'s number is in the message shown after it is recorded.' };

export const BOOK_KINDS = ['delivery', 'transfer_out', 'transfer_in', 'loan_out', 'loan_in', 'count', 'correction'] as const;
export type BookKind = (typeof BOOK_KINDS)[number];

export interface BookEntry {
  id: number;
  at: number;
  day: string;
  kind: BookKind;
  supply: Supply;
  /** The signed change to the store of that supply. */
  qty: number;
  counted: number | null;
  batch: string | null;
  document: string | null;
  lot: string | null;
  transfer: string | null;
  other: string | null;
  reason: string | null;
  corrects: number | null;
  correctedBy: number | null;
  forced: number;
}

export interface BookOptions {
  officeId: string;
  /** office.stations: where a stack may be sent, and from where one comes back. */
  register: readonly string[];
  timeZone: string;
  now: () => number;
}

type OnHand = Record<Supply, number>;
export interface Posted {
  entry: number;
  transfer?: string;
  onHand: OnHand;
}
/** Taking out more than the book holds is refused unless forced, with a reason. */
interface Force {
  force?: boolean;
  reason?: string;
}

const SELECT = `SELECT b.id, b.at, b.day, b.kind, b.supply, b.qty, b.counted, b.batch, b.document, b.lot, b.transfer, b.other, b.reason, b.corrects, b.forced,
  (SELECT c.id FROM office_book c WHERE c.corrects = b.id) AS correctedBy FROM office_book b`;
/** Entries that stand: neither a correction nor corrected (unaliased, and for the alias b). */
const STANDING = 'corrects IS NULL AND id NOT IN (SELECT corrects FROM office_book WHERE corrects IS NOT NULL)';
const STANDING_B = 'b.corrects IS NULL AND b.id NOT IN (SELECT corrects FROM office_book WHERE corrects IS NOT NULL)';

export class OfficeBook {
  constructor(
    private readonly db: Db,
    private readonly o: BookOptions,
  ) {}

  /** A delivery from the ministry: blanks under their batch (and the hand-over document), rolls under their lot. */
  async receive(supply: Supply, n: number, opts: { batch?: string; document?: string; lot?: string; again?: boolean }): Promise<Posted> {
    checkQuantity(n, 'N', supply);
    const batch = opts.batch === undefined ? null : typed(opts.batch);
    const document = opts.document === undefined ? null : typed(opts.document);
    if (supply === 'blanks' && !batch) {
      throw usage(aboutField(FIELDS.batch, { id: 'penerimaan blangko perlu nomor batch, seperti tertulis di kotak atau berita acara serah terima', en: 'a delivery of blanks needs its batch, as written on the box or the hand-over record' }));
    }
    return this.post(async (tx) => {
      for (const [field, value] of [['batch', batch], ['document', document]] as const) {
        if (!value || opts.again) continue;
        // Compared in JavaScript, both sides normalised (core/typed-text.ts sameKey): rows an older
        // version kept un-normalised, or with an invisible character, still match the number they show.
        const key = sameKey(value);
        const rows = await tx.all<{ id: number; qty: number; day: string; value: string }>(`SELECT id, qty, day, ${field} AS value FROM office_book WHERE kind = 'delivery' AND ${field} IS NOT NULL AND ${STANDING} ORDER BY id`);
        const earlier = rows.find((r) => sameKey(r.value) === key);
        if (earlier) throw duplicate({ id: `${field === 'batch' ? 'batch' : 'dokumen'} ${value}`, en: `${field} ${value}` }, earlier);
      }
      return { kind: 'delivery', supply, qty: n, batch, document, lot: opts.lot === undefined ? null : typed(opts.lot) || null };
    });
  }

  /** A stack or rolls carried to a printer of the office: a transfer it confirms with the id. */
  async send(supply: Supply, n: number, to: string, opts: Force = {}): Promise<Posted> {
    checkQuantity(n, 'N', supply);
    const station = checkRegistered(to, this.o.register, FIELDS.to);
    const reason = this.forceReason(opts);
    return this.post(async (tx) => {
      await this.takeOut(tx, supply, n, opts);
      return { kind: 'transfer_out', supply, qty: -n, transfer: await nextTransfer(tx, this.o.officeId), other: station, reason, forced: opts.force ? 1 : 0 };
    });
  }

  /** A stack a printer sent back (`stock return` there gave its id), confirmed here. */
  async returned(supply: Supply, n: number, from: string, transfer: string, opts: { again?: boolean } = {}): Promise<Posted> {
    checkQuantity(n, 'N', supply);
    const station = checkRegistered(from, this.o.register, FIELDS.from);
    const id = transferFrom(transfer, station, FIELDS.transfer, { id: `stasiun ${station}`, en: `station ${station}` });
    return this.post(async (tx) => {
      await this.confirmedOnce(tx, id, opts.again);
      return { kind: 'transfer_in', supply, qty: n, transfer: id, other: station };
    });
  }

  /** A loan to another office: the borrower confirms it with this id. */
  async lend(supply: Supply, n: number, toOffice: string, opts: Force = {}): Promise<Posted> {
    checkQuantity(n, 'N', supply);
    const office = checkOtherOffice(toOffice, this.o.officeId, FIELDS.toOffice);
    const reason = this.forceReason(opts);
    return this.post(async (tx) => {
      await this.takeOut(tx, supply, n, opts);
      return { kind: 'loan_out', supply, qty: -n, transfer: await nextTransfer(tx, this.o.officeId), other: office, reason, forced: opts.force ? 1 : 0 };
    });
  }

  /** A loan from another office, confirmed with the lender's transfer id. */
  async borrow(supply: Supply, n: number, fromOffice: string, transfer: string, opts: { again?: boolean } = {}): Promise<Posted> {
    checkQuantity(n, 'N', supply);
    const office = checkOtherOffice(fromOffice, this.o.officeId, FIELDS.fromOffice);
    const id = transferFrom(transfer, office, FIELDS.transfer, { id: `kantor ${office}`, en: `office ${office}` });
    return this.post(async (tx) => {
      await this.confirmedOnce(tx, id, opts.again);
      return { kind: 'loan_in', supply, qty: n, transfer: id, other: office };
    });
  }

  /** A physical count: the difference from the book is recorded, signed, with the reason. */
  async count(supply: Supply, n: number, reason: string | undefined): Promise<Posted & { difference: number }> {
    checkQuantity(n, 'N', supply, { zero: true });
    const why = checkReason(reason, FIELDS.reason, { id: 'hitung bulanan', en: 'monthly count' });
    let difference = 0;
    const posted = await this.post(async (tx) => {
      difference = n - (await OfficeBook.onHandIn(tx))[supply];
      return { kind: 'count', supply, qty: difference, counted: n, reason: why };
    });
    return { ...posted, difference };
  }

  /** A mistaken entry undone by a reversing one that names it; the book is never edited. */
  async correct(entryId: number, reason: string | undefined): Promise<Posted & { reversed: BookEntry }> {
    const why = checkReason(reason, FIELDS.reason, { id: 'tercatat dua kali', en: 'recorded twice' });
    let reversed: BookEntry | undefined;
    const posted = await this.post(async (tx) => {
      const e = await tx.get<BookEntry>(`${SELECT} WHERE b.id = ?`, [entryId]);
      if (!e) throw usage({ id: `ENTRY: tidak ada entri #${entryId} di buku gudang`, en: `ENTRY: there is no entry #${entryId} in the store's book` }, bySurface({ id: 'Lihat nomornya dengan: station-agent office show', en: 'See the entry numbers with: station-agent office show' }, ENTRY_NUMBERS));
      if (e.corrects !== null) throw usage({ id: `ENTRY: entri #${entryId} sendiri adalah koreksi atas #${e.corrects}; catat entri baru bila perlu`, en: `ENTRY: entry #${entryId} is itself the correction of #${e.corrects}; record a new entry if needed` });
      if (e.correctedBy !== null) throw usage({ id: `ENTRY: entri #${entryId} sudah dikoreksi oleh #${e.correctedBy}`, en: `ENTRY: entry #${entryId} was already corrected by #${e.correctedBy}` });
      reversed = e;
      return { kind: 'correction', supply: e.supply, qty: 0 - e.qty, batch: e.batch, document: e.document, lot: e.lot, transfer: e.transfer, other: e.other, reason: why, corrects: e.id };
    });
    if (!reversed) throw new Error('unreachable: the correction was posted without the entry it reverses');
    return { ...posted, reversed };
  }

  async entries(limit = 50): Promise<BookEntry[]> {
    return this.db.all<BookEntry>(`SELECT * FROM (${SELECT} ORDER BY b.id DESC LIMIT ?) ORDER BY id`, [limit]);
  }

  /** Entries with id above `after`, oldest first (what the province has not been sent yet). */
  static since(q: Queryable, after: number, limit: number): Promise<BookEntry[]> {
    return q.all<BookEntry>(`${SELECT} WHERE b.id > ? ORDER BY b.id LIMIT ?`, [after, limit]);
  }

  /** Transfers sent (to printers and to other offices) within `days`: the receiving end confirms each one. */
  async sentWithin(days: number): Promise<BookEntry[]> {
    return this.db.all<BookEntry>(`${SELECT} WHERE b.kind IN ('transfer_out', 'loan_out') AND b.at >= ? AND ${STANDING_B} ORDER BY b.id`, [this.o.now() - days * 86_400_000]);
  }

  onHand(): Promise<OnHand> {
    return OfficeBook.onHandIn(this.db);
  }

  static async onHandIn(q: Queryable): Promise<OnHand> {
    const rows = await q.all<{ supply: Supply; total: number }>('SELECT supply, SUM(qty) AS total FROM office_book GROUP BY supply');
    const out = { blanks: 0, ribbon: 0, film: 0 };
    for (const r of rows) out[r.supply] = r.total;
    return out;
  }

  private forceReason(opts: Force): string | null {
    if (!opts.force) return null;
    return checkReason(opts.reason, FIELDS.reason, { id: 'stok lama ditemukan di lemari', en: 'old stock found in the cupboard' });
  }

  private async takeOut(tx: Queryable, supply: Supply, n: number, opts: Force): Promise<void> {
    const onHand = (await OfficeBook.onHandIn(tx))[supply];
    if (onHand - n < 0 && !opts.force) throw belowZero(supply, onHand, n);
  }

  private async confirmedOnce(tx: Queryable, transfer: string, again: boolean | undefined): Promise<void> {
    if (again) return;
    const earlier = await tx.get<{ id: number; qty: number; day: string }>(`SELECT id, qty, day FROM office_book WHERE kind IN ('transfer_in', 'loan_in') AND transfer = ? AND ${STANDING} ORDER BY id LIMIT 1`, [transfer]);
    if (earlier) throw duplicate({ id: `transfer ${transfer}`, en: `transfer ${transfer}` }, earlier);
  }

  /** One entry in one transaction: `make` checks against the book and says what to post, or throws and nothing is written. */
  private async post(make: (tx: Queryable) => Promise<Partial<BookEntry> & Pick<BookEntry, 'kind' | 'supply' | 'qty'>>): Promise<Posted> {
    const at = this.o.now();
    return this.db.transaction(async (tx) => {
      const e = await make(tx);
      const r = await tx.run(
        'INSERT INTO office_book (at, day, kind, supply, qty, counted, batch, document, lot, transfer, other, reason, corrects, forced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [at, dayIn(at, this.o.timeZone), e.kind, e.supply, e.qty, e.counted ?? null, e.batch ?? null, e.document ?? null, e.lot ?? null, e.transfer ?? null, e.other ?? null, e.reason ?? null, e.corrects ?? null, e.forced ?? 0],
      );
      return { entry: r.lastID, ...(e.transfer && (e.kind === 'transfer_out' || e.kind === 'loan_out') ? { transfer: e.transfer } : {}), onHand: await OfficeBook.onHandIn(tx) };
    });
  }
}

