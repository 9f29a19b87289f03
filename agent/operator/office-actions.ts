/**
 * The office's movements on the station page, the same code the command line runs: at a printer,
 * a stack taken from the store by its transfer number (or a delivery, where the office keeps no
 * store book) and a stack sent back; at the store PC, the store's book. Each field is checked
 * before anything is written; a refusal of the book says what to do, in both languages.
 */
import type { Text } from '../../core/i18n.js';
import { bookOf } from '../cli/office.js';
import { ROLL_KINDS, ROLL_WORDS, type RollKind } from '../ledger/supplies.js';
import { SUPPLIES, SUPPLY_WORDS, type Supply } from '../office/refusals.js';
import { receiveBlanks, receiveRolls, returnBlanks } from '../office/stack.js';
import type { ActionDeps, ActionResult } from './actions.js';
import { FieldError, flag, oneOf, text, whole, type Body } from './fields.js';

const N: Text = { id: 'Jumlah', en: 'Quantity' };
const REASON: Text = { id: 'Alasan', en: 'Reason' };
const TRANSFER: Text = { id: 'Nomor transfer (dari surat serah terima)', en: 'Transfer number (from the hand-over slip)' };
const kindOf = (b: Body): Supply => (b.kind === undefined || b.kind === '' ? 'blanks' : oneOf<Supply>(b, 'kind', SUPPLIES, { id: 'Jenis', en: 'Kind' }));
const amount = (n: number, s: Supply): Text => ({ id: `${n} ${SUPPLY_WORDS[s].id}`, en: `${n} ${SUPPLY_WORDS[s].en}` });
const inStore = (o: Record<Supply, number>): Text => ({ id: `di gudang: ${o.blanks} blangko, ${o.ribbon} pita, ${o.film} film`, en: `in the store: ${o.blanks} blanks, ${o.ribbon} ribbon, ${o.film} film` });
const said = (what: Text, entry: number, onHand: Record<Supply, number>): Text => ({ id: `${what.id} (entri #${entry}); ${inStore(onHand).id}`, en: `${what.en} (entry #${entry}); ${inStore(onHand).en}` });

export const OFFICE_ACTIONS = {
  async 'stock-receive'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const n = whole(b, 'n', 1, 100_000, { id: 'Jumlah kartu', en: 'Number of cards' });
    const batch = text(b, 'batch', 64, { id: 'Nomor batch', en: 'Batch number' }, false);
    const transfer = text(b, 'transfer', 64, TRANSFER, false);
    if (batch === undefined && transfer === undefined) {
      // Beside the field the clerk must fill: the transfer number where stacks come from the store.
      const field = d.config.office.keptAtStore ? 'transfer' : 'batch';
      throw new FieldError(field, {
        id: `${field === 'transfer' ? TRANSFER.id : 'Nomor batch'}: wajib diisi (nomor batch kiriman, atau nomor transfer dari surat serah terima gudang)`,
        en: `${field === 'transfer' ? TRANSFER.en : 'Batch number'}: required (the delivery's batch, or the transfer number from the store's hand-over slip)`,
      });
    }
    const s = await receiveBlanks(d.store, d.config, n, { batch, transfer, again: flag(b, 'again'), at: d.now() });
    const source = transfer !== undefined ? `transfer ${transfer.toUpperCase()}` : `batch ${batch ?? ''}`;
    return { message: { id: `diterima ${n} kartu (${source}, entri #${s.entry}); stok: ${s.onHand}`, en: `received ${n} cards (${source}, entry #${s.entry}); on hand: ${s.onHand}` } };
  },

  async 'stock-return'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const n = whole(b, 'n', 1, 100_000, { id: 'Jumlah kartu', en: 'Number of cards' });
    const r = await returnBlanks(d.store, d.config, n, { at: d.now() });
    return {
      transfer: r.transfer,
      message: { id: `${n} kartu dikembalikan ke gudang: transfer ${r.transfer}; tulis nomornya di surat serah terima`, en: `${n} cards sent back to the store: transfer ${r.transfer}; write the number on the hand-over slip` },
    };
  },

  async 'supply-receive'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const kind = oneOf<RollKind>(b, 'kind', ROLL_KINDS, { id: 'Jenis', en: 'Kind' });
    const n = whole(b, 'n', 1, 1000, { id: 'Jumlah gulungan', en: 'Number of rolls' });
    const lot = text(b, 'lot', 64, { id: 'Nomor lot', en: 'Lot number' }, false);
    const transfer = text(b, 'transfer', 64, TRANSFER, false);
    const c = await receiveRolls(d.store, { ...d.config, forecast: { cardsPerSupply: d.yields } }, kind, n, { lot, transfer, again: flag(b, 'again'), at: d.now() });
    return { message: { id: `diterima ${n} gulungan ${ROLL_WORDS[kind].id}; di rak: ${c.onShelf ?? 0}`, en: `received ${n} ${ROLL_WORDS[kind].en} roll${n === 1 ? '' : 's'}; on the shelf: ${c.onShelf ?? 0}` } };
  },

  async 'office-receive'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const supply = kindOf(b);
    const n = whole(b, 'n', 1, 1_000_000, N);
    const p = await bookOf(d.store, d.config).receive(supply, n, {
      batch: text(b, 'batch', 64, { id: 'Nomor batch', en: 'Batch number' }, false),
      document: text(b, 'document', 64, { id: 'Nomor berita acara', en: 'Hand-over record number' }, false),
      lot: text(b, 'lot', 64, { id: 'Nomor lot', en: 'Lot number' }, false),
      again: flag(b, 'again'),
    });
    return { message: said({ id: `diterima ${amount(n, supply).id}`, en: `received ${amount(n, supply).en}` }, p.entry, p.onHand) };
  },

  async 'office-send'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const supply = kindOf(b);
    const n = whole(b, 'n', 1, 1_000_000, N);
    const to = text(b, 'to', 64, { id: 'Stasiun tujuan', en: 'Receiving station' }, true) as string;
    const p = await bookOf(d.store, d.config).send(supply, n, to);
    return { transfer: p.transfer, message: said({ id: `${amount(n, supply).id} ke ${to}: transfer ${p.transfer ?? ''}`, en: `${amount(n, supply).en} to ${to}: transfer ${p.transfer ?? ''}` }, p.entry, p.onHand) };
  },

  async 'office-return'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const supply = kindOf(b);
    const n = whole(b, 'n', 1, 1_000_000, N);
    const from = text(b, 'from', 64, { id: 'Dari stasiun', en: 'From station' }, true) as string;
    const transfer = text(b, 'transfer', 64, TRANSFER, true) as string;
    const p = await bookOf(d.store, d.config).returned(supply, n, from, transfer, { again: flag(b, 'again') });
    return { message: said({ id: `${amount(n, supply).id} kembali dari ${from}`, en: `${amount(n, supply).en} back from ${from}` }, p.entry, p.onHand) };
  },

  async 'office-lend'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const supply = kindOf(b);
    const n = whole(b, 'n', 1, 1_000_000, N);
    const office = text(b, 'office', 48, { id: 'Kantor peminjam', en: 'Borrowing office' }, true) as string;
    const p = await bookOf(d.store, d.config).lend(supply, n, office);
    return { transfer: p.transfer, message: said({ id: `${amount(n, supply).id} dipinjamkan ke ${office}: transfer ${p.transfer ?? ''}`, en: `${amount(n, supply).en} lent to ${office}: transfer ${p.transfer ?? ''}` }, p.entry, p.onHand) };
  },

  async 'office-borrow'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const supply = kindOf(b);
    const n = whole(b, 'n', 1, 1_000_000, N);
    const office = text(b, 'office', 48, { id: 'Kantor pemberi pinjaman', en: 'Lending office' }, true) as string;
    const transfer = text(b, 'transfer', 64, TRANSFER, true) as string;
    const p = await bookOf(d.store, d.config).borrow(supply, n, office, transfer, { again: flag(b, 'again') });
    return { message: said({ id: `${amount(n, supply).id} dipinjam dari ${office}`, en: `${amount(n, supply).en} borrowed from ${office}` }, p.entry, p.onHand) };
  },

  async 'office-count'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const supply = kindOf(b);
    const n = whole(b, 'n', 0, 1_000_000, { id: 'Jumlah yang dihitung', en: 'Counted' });
    const p = await bookOf(d.store, d.config).count(supply, n, text(b, 'reason', 200, REASON, true));
    const diff = `${p.difference > 0 ? '+' : ''}${p.difference}`;
    return { message: said({ id: `dihitung ${amount(n, supply).id}; selisih ${diff}`, en: `counted ${amount(n, supply).en}; difference ${diff}` }, p.entry, p.onHand) };
  },

  async 'office-correct'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const entry = whole(b, 'entry', 1, 1e9, { id: 'Nomor entri', en: 'Entry number' });
    const p = await bookOf(d.store, d.config).correct(entry, text(b, 'reason', 200, REASON, true));
    return { message: said({ id: `entri #${entry} dibalik`, en: `entry #${entry} reversed` }, p.entry, p.onHand) };
  },
} as const satisfies Record<string, (d: ActionDeps, b: Body) => Promise<ActionResult>>;
