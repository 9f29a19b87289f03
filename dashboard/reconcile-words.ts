/** What each problem of a reconciliation is, in words a head of office reads, in both languages. */
import type { Text } from '../core/i18n.js';

export type ProblemKind = 'transfer_short' | 'transfer_unconfirmed' | 'transfer_unknown' | 'loan_unmatched' | 'station_silent' | 'unexplained';

export interface Problem {
  kind: ProblemKind;
  station: string | null;
  entry: number | null;
  transfer: string | null;
  /** What it puts between the stock counted where it is and the closing figure; null when it cannot be told. */
  difference: number | null;
  words: Text;
}

type Facts = { transfer?: string; n?: number; got?: number; other?: string; station?: string; days?: number; from?: string };

export function problemWords(kind: ProblemKind, f: Facts): Text {
  switch (kind) {
    case 'transfer_short':
      return { id: `transfer ${f.transfer}: dikirim ${f.n}, dikonfirmasi ${f.got} di ${f.other}; selisih ${(f.got ?? 0) - (f.n ?? 0)}`, en: `transfer ${f.transfer}: ${f.n} sent, ${f.got} confirmed at ${f.other}; difference ${(f.got ?? 0) - (f.n ?? 0)}` };
    case 'transfer_unconfirmed':
      return { id: `transfer ${f.transfer}: ${f.n} dikirim ke ${f.other} dan belum dikonfirmasi setelah batas hari perjalanan`, en: `transfer ${f.transfer}: ${f.n} sent to ${f.other} and not confirmed within the transit days` };
    case 'transfer_unknown':
      return { id: `transfer ${f.transfer}: ${f.n} dikonfirmasi diterima, tetapi pengirimannya tidak tercatat`, en: `transfer ${f.transfer}: ${f.n} confirmed received, but no sending of it is recorded` };
    case 'loan_unmatched':
      return { id: `pinjaman ${f.transfer} (${f.n}) dengan ${f.other} hanya tercatat di satu pihak, atau jumlahnya berbeda`, en: `loan ${f.transfer} (${f.n}) with ${f.other} is recorded at one end only, or the two ends differ` };
    case 'station_silent':
      return { id: `${f.station} tidak mengirim angka harian untuk ${f.days} hari sejak ${f.from}: angkanya yang terakhir yang dipakai`, en: `${f.station} sent no daily figures for ${f.days} days from ${f.from}: its last figures are used` };
    case 'unexplained':
      return { id: `selisih ${f.n} yang tidak dijelaskan catatan mana pun: periksa hitungan gudang dan printer`, en: `a difference of ${f.n} that no record explains: check the store's and the printers' counts` };
  }
}
