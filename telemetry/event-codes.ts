/**
 * Every alert code's usual severity and its short name in Indonesian and English: one table for
 * the agent's rules, the dashboard's rows, /metrics and what Alertmanager sends to Telegram and
 * e-mail, so no two of them can disagree. The severity is the one a code is raised with as a
 * rule; a verdict may still raise it graver (ups.comm_lost, silent on battery, is critical), and
 * the dashboard keeps the severity a station sent with an event. A plain object literal: the
 * agent loads it at start and it must stay light (no zod here).
 */
import type { Text } from '../core/i18n.js';
import type { AlertCode, Severity } from './codes.js';

export interface EventCode {
  severity: Severity;
  /** What a Telegram message or an e-mail subject says before the station's own text. */
  name: Text;
}

export const EVENT_CODES: Readonly<Record<AlertCode, Readonly<EventCode>>> = {
  'ups.on_battery': { severity: 'warning', name: { id: 'Listrik PLN padam, UPS memakai baterai', en: 'Mains lost, UPS on battery' } },
  'ups.low_battery': { severity: 'critical', name: { id: 'Baterai UPS lemah', en: 'UPS battery low' } },
  'ups.comm_lost': { severity: 'warning', name: { id: 'UPS tidak terbaca', en: 'UPS cannot be read' } },
  'printer.offline': { severity: 'critical', name: { id: 'Printer tidak terhubung', en: 'Printer offline' } },
  'printer.error': { severity: 'critical', name: { id: 'Printer berhenti karena gangguan', en: 'Printer stopped by a fault' } },
  'supply.ribbon.low': { severity: 'warning', name: { id: 'Pita hampir habis', en: 'Ribbon running low' } },
  'supply.ribbon.empty': { severity: 'critical', name: { id: 'Pita habis', en: 'Ribbon empty' } },
  'supply.film.low': { severity: 'warning', name: { id: 'Film hampir habis', en: 'Film running low' } },
  'supply.film.empty': { severity: 'critical', name: { id: 'Film habis', en: 'Film empty' } },
  'supply.blanks.low': { severity: 'warning', name: { id: 'Blangko hampir habis', en: 'Blank cards running low' } },
  'supply.blanks.empty': { severity: 'critical', name: { id: 'Blangko habis', en: 'Blank cards used up' } },
  // One supply runs out long before the others (film gone while blanks wait): order that one.
  'supply.imbalance': { severity: 'warning', name: { id: 'Satu bahan cetak habis jauh lebih dulu daripada yang lain', en: 'One supply runs out long before the others' } },
  'jobs.needs_verification': { severity: 'warning', name: { id: 'Kartu perlu diperiksa petugas', en: 'Cards need checking by a clerk' } },
  'jobs.held': { severity: 'warning', name: { id: 'Pencetakan ditahan', en: 'Printing is held' } },
  'host.disk_low': { severity: 'warning', name: { id: 'Ruang disk PC hampir penuh', en: 'Station PC disk nearly full' } },
  'ups.replace_battery': { severity: 'warning', name: { id: 'Baterai UPS perlu diganti', en: 'UPS battery needs replacing' } },
  'ups.overload': { severity: 'warning', name: { id: 'UPS kelebihan beban', en: 'UPS overloaded' } },
  'ups.bypass': { severity: 'warning', name: { id: 'UPS dalam mode bypass', en: 'UPS on bypass' } },
  // The station runs with no battery behind it: the next flicker stops it mid-card.
  'ups.output_off': { severity: 'critical', name: { id: 'Keluaran UPS mati', en: 'UPS output off' } },
  'records.unreachable': { severity: 'warning', name: { id: 'Server data tidak terjangkau', en: 'Record server unreachable' } },
  'telemetry.dropped': { severity: 'warning', name: { id: 'Sebagian laporan stasiun terbuang', en: 'Station reports dropped' } },
  // A message of the agent's own would have broken the contract: it went out reduced (what was cut is in the event).
  'agent.payload_invalid': { severity: 'warning', name: { id: 'Laporan stasiun melanggar kontrak, dikirim dalam bentuk dipangkas', en: 'A station report broke the contract and was sent cut down' } },
  'store.error': { severity: 'critical', name: { id: 'Basis data stasiun bermasalah', en: 'Station database failing' } },
  // A hint at a printer of an office with a store book: its stack runs out within office.restockHours.
  'office.restock': { severity: 'info', name: { id: 'Ambil blangko dari gudang kantor', en: 'Fetch blanks from the office store' } },
  // Raised by the dashboard for an office (its id where a station's would be): time to write to the ministry.
  'office.blanks.low': { severity: 'warning', name: { id: 'Stok blangko kantor mencapai titik pengajuan', en: "The office's blanks are at its request point" } },
};

function known(code: string): code is AlertCode {
  return Object.hasOwn(EVENT_CODES, code);
}

/** A code's usual severity; a code of a later agent, unknown here, is taken as a warning. */
export function usualSeverity(code: string): Severity {
  return known(code) ? EVENT_CODES[code].severity : 'warning';
}

/** A code's name in both languages; a code of a later agent is its own name. */
export function codeName(code: string): Text {
  return known(code) ? EVENT_CODES[code].name : { id: code, en: code };
}
