/**
 * The hand-over slip that goes with a stack or rolls (surat serah terima): the transfer number,
 * what and how many, from where to where, the day, and lines for the two signatures. The
 * receiving clerk types the number from it; the dashboard matches the two ends by it.
 */
import type { Lang, Text } from '../../core/i18n.js';
import type { BookEntry } from './book.js';
import { SUPPLY_WORDS, usage } from './refusals.js';
import { typed } from '../../core/typed-text.js';

export interface Slip {
  transfer: string;
  quantity: number;
  supply: BookEntry['supply'];
  from: string;
  to: string;
  day: string;
  loan: boolean;
}

/** The slip of a transfer this store sent, from its entry. */
export function slipOf(entries: readonly BookEntry[], transfer: string, office: { id: string; name?: string }): Slip {
  const id = typed(transfer).toUpperCase();
  const e = entries.find((x) => x.transfer?.toUpperCase() === id && (x.kind === 'transfer_out' || x.kind === 'loan_out') && x.corrects === null);
  if (!e) {
    throw usage(
      { id: `TRANSFER: ${transfer} bukan transfer yang dikirim gudang ini`, en: `TRANSFER: ${transfer} is not a transfer this store sent` },
      { id: 'Lihat nomornya dengan: station-agent office show', en: 'See the numbers with: station-agent office show' },
    );
  }
  return { transfer: e.transfer ?? id, quantity: -e.qty, supply: e.supply, from: office.name ? `${office.id} (${office.name})` : office.id, to: e.other ?? '', day: e.day, loan: e.kind === 'loan_out' };
}

const LINES: Record<string, Text> = {
  title: { id: 'SURAT SERAH TERIMA', en: 'HAND-OVER SLIP' },
  number: { id: 'Nomor transfer', en: 'Transfer number' },
  what: { id: 'Barang', en: 'Goods' },
  from: { id: 'Dari', en: 'From' },
  to: { id: 'Kepada', en: 'To' },
  day: { id: 'Tanggal', en: 'Date' },
  gave: { id: 'Yang menyerahkan', en: 'Handed over by' },
  took: { id: 'Yang menerima', en: 'Received by' },
  type: { id: 'Penerima mengetik nomor transfer ini saat mencatat penerimaan.', en: 'The receiver types this transfer number when recording the receipt.' },
  loan: { id: 'Pinjaman antar kantor', en: 'Loan between offices' },
};

export function slipLines(s: Slip, lang: Lang): string[] {
  const l = (k: string) => LINES[k]?.[lang] ?? k;
  return [
    `${l('title')}${s.loan ? ` (${l('loan')})` : ''}`,
    `${l('number')}: ${s.transfer}`,
    `${l('what')}: ${s.quantity} ${SUPPLY_WORDS[s.supply][lang]}`,
    `${l('from')}: ${s.from}`,
    `${l('to')}: ${s.to}`,
    `${l('day')}: ${s.day}`,
    '',
    `${l('gave')}: ____________________    ${l('took')}: ____________________`,
    '',
    l('type'),
  ];
}

export function slipText(entries: readonly BookEntry[], transfer: string, o: { office: { id: string; name?: string }; lang: Lang }): string {
  return slipLines(slipOf(entries, transfer, o.office), o.lang).join('\n');
}
