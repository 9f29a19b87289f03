import type { Text } from '../../core/i18n.js';
import { CUT_MARK } from '../bounds.js';

/**
 * The printer's state keywords (IPP printer-state-reasons, the spooler's and the Printer MIB's as
 * the drivers map them) in words for people. The keyword stays in health and the log; a clerk
 * reads "kartu macet", never "media-jam". A keyword not listed is shown as the printer's own code,
 * said to be one.
 */
export const PRINTER_REASON_WORDS: Record<string, Text> = {
  'media-jam': { id: 'kartu macet', en: 'card jam' },
  'media-empty': { id: 'blangko di printer habis', en: 'no blank cards in the printer' },
  'media-needed': { id: 'printer meminta blangko', en: 'the printer asks for blank cards' },
  'media-low': { id: 'blangko di printer hampir habis', en: 'blank cards in the printer running low' },
  'media-problem': { id: 'masalah pada kartu', en: 'a problem with the card' },
  'cover-open': { id: 'penutup printer terbuka', en: "the printer's cover is open" },
  'door-open': { id: 'pintu printer terbuka', en: "the printer's door is open" },
  'interlock-open': { id: 'pengaman printer terbuka', en: "the printer's interlock is open" },
  'ribbon-empty': { id: 'pita habis', en: 'ribbon used up' },
  'ribbon-low': { id: 'pita hampir habis', en: 'ribbon running low' },
  'film-empty': { id: 'film retransfer habis', en: 'retransfer film used up' },
  'film-low': { id: 'film retransfer hampir habis', en: 'retransfer film running low' },
  'marker-supply-empty': { id: 'bahan cetak habis', en: 'a print supply used up' },
  'marker-supply-low': { id: 'bahan cetak hampir habis', en: 'a print supply running low' },
  'marker-supply-missing': { id: 'bahan cetak tidak terpasang', en: 'a print supply is missing' },
  'input-tray-missing': { id: 'wadah blangko tidak terpasang', en: 'the hopper for blank cards is missing' },
  'output-tray-missing': { id: 'wadah kartu jadi tidak terpasang', en: 'the output tray is missing' },
  'output-area-full': { id: 'wadah kartu jadi penuh', en: 'the output tray is full' },
  'output-area-almost-full': { id: 'wadah kartu jadi hampir penuh', en: 'the output tray is almost full' },
  'service-requested': { id: 'printer meminta servis', en: 'the printer asks for service' },
  'overdue-preventive-maintenance': { id: 'perawatan printer sudah lewat waktunya', en: "the printer's maintenance is overdue" },
  'user-intervention-required': { id: 'printer menunggu tindakan petugas', en: 'the printer waits for a person' },
  'out-of-memory': { id: 'memori printer penuh', en: "the printer's memory is full" },
  'processing-stopped': { id: 'printer menghentikan pekerjaan', en: 'the printer stopped the job' },
  'cannot-print-page': { id: 'printer tidak bisa mencetak kartu ini', en: 'the printer cannot print this card' },
  offline: { id: 'printer offline', en: 'the printer went offline' },
  paused: { id: 'printer dijeda', en: 'the printer is paused' },
  shutdown: { id: 'printer dimatikan', en: 'the printer is shut down' },
  other: { id: 'masalah lain pada printer', en: 'another printer problem' },
  'not-ready': { id: 'printer belum siap', en: 'the printer is not ready' },
  // IPP job-state-reasons, for a card the printer aborted.
  'aborted-by-system': { id: 'printer menghentikan kartu ini', en: 'the printer aborted this card' },
  'job-canceled-at-device': { id: 'kartu dibatalkan di printer', en: 'the card was cancelled at the printer' },
  'printer-stopped': { id: 'printer berhenti', en: 'the printer stopped' },
  // The mark that ends a list of reasons cut to the contract's limit (hal/printer/bounded.ts).
  [CUT_MARK]: { id: 'dan keadaan lain yang tidak ikut dikirim', en: 'and other conditions not sent' },
};

/** One keyword in words; an unlisted one as the printer's own code. */
export function printerReasonWords(keyword: string): Text {
  // IPP may add a severity (media-jam-error, media-low-report): the words are the keyword's.
  return PRINTER_REASON_WORDS[keyword] ?? PRINTER_REASON_WORDS[keyword.replace(/-(error|warning|report)$/, '')] ?? { id: `kode printer "${keyword}"`, en: `printer code "${keyword}"` };
}

/** Several keywords in words, joined; null for none ("none" is no reason). */
export function printerReasonsWords(keywords: readonly string[]): Text | null {
  const ws = keywords.filter((k) => k !== 'none').map(printerReasonWords);
  if (ws.length === 0) return null;
  return { id: ws.map((w) => w.id).join(', '), en: ws.map((w) => w.en).join(', ') };
}
