/**
 * A short name for people, in Indonesian and English, of every alert code of the contract: what
 * a Telegram message or an e-mail subject from Alertmanager says before the station's own text.
 * Codes of later agents fall back to the code itself.
 */
import type { Text } from '../core/i18n.js';
import type { AlertCode } from '../telemetry/payloads.js';

export const ALERT_WORDS: Record<AlertCode, Text> = {
  'ups.on_battery': { id: 'Listrik PLN padam, UPS memakai baterai', en: 'Mains lost, UPS on battery' },
  'ups.low_battery': { id: 'Baterai UPS lemah', en: 'UPS battery low' },
  'ups.comm_lost': { id: 'UPS tidak terbaca', en: 'UPS cannot be read' },
  'printer.offline': { id: 'Printer tidak terhubung', en: 'Printer offline' },
  'printer.error': { id: 'Printer berhenti karena gangguan', en: 'Printer stopped by a fault' },
  'supply.ribbon.low': { id: 'Pita hampir habis', en: 'Ribbon running low' },
  'supply.ribbon.empty': { id: 'Pita habis', en: 'Ribbon empty' },
  'supply.film.low': { id: 'Film hampir habis', en: 'Film running low' },
  'supply.film.empty': { id: 'Film habis', en: 'Film empty' },
  'supply.blanks.low': { id: 'Blangko hampir habis', en: 'Blank cards running low' },
  'supply.blanks.empty': { id: 'Blangko habis', en: 'Blank cards used up' },
  'supply.imbalance': { id: 'Stok blangko tidak cocok', en: 'Blank-card count does not add up' },
  'jobs.needs_verification': { id: 'Kartu perlu diperiksa petugas', en: 'Cards need checking by a clerk' },
  'jobs.held': { id: 'Pencetakan ditahan', en: 'Printing is held' },
  'host.disk_low': { id: 'Ruang disk PC hampir penuh', en: 'Station PC disk nearly full' },
  'ups.replace_battery': { id: 'Baterai UPS perlu diganti', en: 'UPS battery needs replacing' },
  'ups.overload': { id: 'UPS kelebihan beban', en: 'UPS overloaded' },
  'ups.bypass': { id: 'UPS dalam mode bypass', en: 'UPS on bypass' },
  'ups.output_off': { id: 'Keluaran UPS mati', en: 'UPS output off' },
  'records.unreachable': { id: 'Server data tidak terjangkau', en: 'Record server unreachable' },
  'telemetry.dropped': { id: 'Sebagian laporan stasiun terbuang', en: 'Station reports dropped' },
  'store.error': { id: 'Basis data stasiun bermasalah', en: 'Station database failing' },
  'office.restock': { id: 'Ambil blangko dari gudang kantor', en: 'Fetch blanks from the office store' },
};

/** The name of a code in both languages; an unknown code (a later agent's) is its own name. */
export function alertWords(code: string): Text {
  return Object.hasOwn(ALERT_WORDS, code) ? ALERT_WORDS[code as AlertCode] : { id: code, en: code };
}
