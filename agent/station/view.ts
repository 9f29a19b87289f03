/**
 * The station as a clerk reads it, in both languages: can cards be printed now (and if not,
 * why and what to do), the queue, the cards to verify, the supplies with days left, the
 * blanks on hand, the UPS. Built from a health snapshot only, so `status` (the stored
 * snapshot) and the station page (the live one) say the same thing in the same words.
 */
import type { Text } from '../../core/i18n.js';
import type { StationBody, SupplyPayload } from '../../telemetry/payloads.js';
import { printerReasonsWords } from '../../hal/printer/reason-words.js';
import { EVENT_CODES } from '../../telemetry/event-codes.js';
import type { AlertCode } from '../../telemetry/codes.js';
import { holdWords } from '../jobs/gate.js';

export interface SupplyLine {
  kind: SupplyPayload['kind'];
  name: Text;
  status: SupplyPayload['status'];
  /** The level in words: percent and cards left, by the printer's word or by count. */
  level: Text;
  daysLeft: number | null;
  /** Rolls on the shelf (ribbon, film); null when not recorded. */
  onShelf: number | null;
}

export interface StationView {
  /** False at the office's store PC, which has no printer. */
  printerPresent: boolean;
  /** null: not known (no reading yet, or the snapshot is stale). */
  canPrint: boolean | null;
  held: { code: string; why: Text; todo: Text; detail: string } | null;
  /**
   * goodToday and spoiledToday as the blank-card ledger counts them (a spoiled card and its reprint:
   * one good, one spoiled); undefined from a snapshot of an agent before them. printedToday counts
   * every card the queue printed, reprints too.
   */
  queue: { waiting: number | null; printing: number | null; printedToday: number | null; goodToday?: number | null; spoiledToday?: number | null; failedToday: number | null };
  verify: { count: number | null; ids: string[] };
  supplies: SupplyLine[];
  blanks: { onHand: number | null; daysLeft: number | null };
  /** The days left count with a borrowed rate (the station has less than a day of its own use); null when with its own, or none. */
  estimate: { source: 'office' | 'expected'; cardsPerDay: number; words: Text; note: Text; mark: Text } | null;
  printer: Text;
  /** The printer's error as its driver said it (for a technician; not part of the clerk's words), or null. */
  printerError: string | null;
  ups: Text;
  /** Alert codes, for machines; alertNames the same alerts in words. */
  alerts: string[];
  alertNames: Text[];
}

/** A supply's status in words. */
export const SUPPLY_STATUS: Record<string, Text> = {
  ok: { id: 'cukup', en: 'ok' },
  low: { id: 'hampir habis', en: 'low' },
  empty: { id: 'habis', en: 'empty' },
  unknown: { id: 'tidak diketahui', en: 'unknown' },
};

/** An alert code in words (telemetry/event-codes.ts); a code this agent does not know, as it is. */
export function alertName(code: string): Text {
  return EVENT_CODES[code as AlertCode]?.name ?? { id: `peringatan ${code}`, en: `alert ${code}` };
}

const KIND: Record<SupplyPayload['kind'], Text> = {
  ribbon: { id: 'Pita', en: 'Ribbon' },
  film: { id: 'Film retransfer', en: 'Retransfer film' },
  blanks: { id: 'Kartu di printer', en: 'Cards in the printer' },
  other: { id: 'Lainnya', en: 'Other' },
};

const PRINTER_STATE: Record<string, Text> = {
  idle: { id: 'siap', en: 'ready' },
  printing: { id: 'sedang mencetak', en: 'printing' },
  stopped: { id: 'berhenti', en: 'stopped' },
  offline: { id: 'tidak terhubung', en: 'offline' },
  unknown: { id: 'tidak diketahui', en: 'unknown' },
};

const UPS_STATE: Record<string, Text> = {
  online: { id: 'listrik PLN', en: 'on mains' },
  on_battery: { id: 'memakai baterai (listrik padam)', en: 'on battery (power cut)' },
  low_battery: { id: 'baterai lemah', en: 'battery low' },
  shutdown_imminent: { id: 'akan mati', en: 'about to shut down' },
  comm_lost: { id: 'tidak menjawab', en: 'not answering' },
  comm_lost_on_battery: { id: 'tidak menjawab saat memakai baterai', en: 'not answering while on battery' },
  unknown: { id: 'tidak diketahui', en: 'unknown' },
  none: { id: 'tidak ada UPS', en: 'no UPS' },
};

/** What the UPS itself says, in words (the agent's judgement may differ: powerState). */
export const upsStatusWords = (code: string): Text => UPS_STATE[code] ?? { id: `kode UPS "${code}"`, en: `UPS code "${code}"` };

const both = (f: (lang: 'id' | 'en') => string): Text => ({ id: f('id'), en: f('en') });
const UNKNOWN: Text = { id: 'tidak diketahui', en: 'unknown' };

function level(s: SupplyPayload): Text {
  if (s.levelPercent === null && s.remaining === null) return UNKNOWN;
  return both((l) => {
    const parts: string[] = [];
    if (s.levelPercent !== null) parts.push(`${Math.round(s.levelPercent)} %`);
    if (s.remaining !== null) parts.push(l === 'id' ? `sisa ${s.remaining} kartu` : `${s.remaining} cards left`);
    if (s.source === 'counted') parts.push(l === 'id' ? 'menurut hitungan agen' : "by the agent's count");
    return parts.join(', ');
  });
}

/** Days left on a borrowed rate, in words: where it comes from and how many cards a day. */
export function estimateOf(stock: StationBody['stock']): StationView['estimate'] {
  const source = stock.rateSource;
  const perDay = stock.cardsPerDay;
  if ((source !== 'office' && source !== 'expected') || perDay === null) return null;
  const n = Math.round(perDay);
  const why: Text = { id: 'stasiun ini belum punya data pemakaian sehari', en: 'this station has less than a day of its own use' };
  const words: Text =
    source === 'office'
      ? { id: `perkiraan dari printer lain di kantor (${n} kartu per hari; ${why.id})`, en: `estimate from the office's other printers (${n} cards a day; ${why.en})` }
      : { id: `perkiraan awal: ${n} kartu per hari (${why.id})`, en: `first estimate: ${n} cards a day (${why.en})` };
  const note: Text = { id: `Hari habis di atas memakai ${words.id}.`, en: `The days left above use the ${words.en}.` };
  return { source, cardsPerDay: perDay, words, note, mark: { id: 'perkiraan', en: 'estimate' } };
}

/**
 * The view of a snapshot; `stale` says it is not the current state (then nothing is claimed about
 * printing now). Times of day are told in `timeZone`, the station's (default: this PC's).
 */
export function stationView(h: StationBody, stale = false, timeZone?: string): StationView {
  const j = h.jobs;
  const waiting = j.queued === null ? null : (j.queued ?? 0) + (j.fetching ?? 0) + (j.ready ?? 0);
  // Held while work waits; with nothing waiting the gate still says whether a card could start.
  const gate = j.held === null && j.gate ? j.gate : null;
  const held =
    j.held !== null
      ? // A snapshot of an agent before hold codes gives only its English detail: the Indonesian says held, no more.
        { code: j.heldCode ?? 'unknown', ...(j.heldCode ? holdWords(j.heldCode, h, timeZone) : { why: { id: 'Pencetakan ditahan.', en: j.held }, todo: { id: '', en: '' } }), detail: j.held }
      : gate
        ? { code: gate, ...holdWords(gate, h, timeZone), detail: '' }
        : null;
  const rolls = (kind: SupplyPayload['kind']) => (kind === 'ribbon' ? (h.stock.ribbonRolls ?? null) : kind === 'film' ? (h.stock.filmRolls ?? null) : null);
  const officeDays = (s: SupplyPayload) => (s.kind === 'ribbon' ? h.stock.ribbonDaysLeft : s.kind === 'film' ? h.stock.filmDaysLeft : undefined);
  const p = h.printer;
  const reasons = printerReasonsWords(p.reasons);
  const u = h.ups;
  const ups = u.powerState ?? u.status;
  return {
    // False at the office's store PC, which has no printer: the page leaves out the printer's cards.
    printerPresent: h.printer.present !== false,
    canPrint: stale || j.queued === null ? null : held === null,
    held,
    queue: { waiting, printing: j.printing, printedToday: j.printedToday, goodToday: j.goodToday, spoiledToday: j.spoiledToday, failedToday: j.failedToday },
    verify: { count: j.needsVerification, ids: j.needsVerificationIds ?? [] },
    supplies: p.supplies.map((s) => ({ kind: s.kind, name: KIND[s.kind] ?? { id: s.name, en: s.name }, status: s.status, level: level(s), daysLeft: officeDays(s) ?? s.daysLeft, onShelf: rolls(s.kind) })),
    blanks: { onHand: h.stock.blanksOnHand, daysLeft: h.stock.daysLeft },
    estimate: estimateOf(h.stock),
    printer:
      p.present === false
        ? { id: 'tidak ada printer di PC ini (PC gudang kantor)', en: "no printer at this PC (the office's store PC)" }
        : both((l) => `${(PRINTER_STATE[p.state] ?? UNKNOWN)[l]}${reasons ? ` (${reasons[l]})` : ''}`),
    printerError: p.error ?? null,
    ups: both((l) => {
      const parts = [(UPS_STATE[ups] ?? { id: ups, en: ups })[l]];
      if (u.chargePercent !== null) parts.push(l === 'id' ? `baterai ${Math.round(u.chargePercent)} %` : `battery ${Math.round(u.chargePercent)} %`);
      if (u.runtimeSeconds !== null) parts.push(l === 'id' ? `cukup ${Math.round(u.runtimeSeconds / 60)} menit` : `${Math.round(u.runtimeSeconds / 60)} min runtime`);
      return parts.join(', ');
    }),
    alerts: h.alerts,
    alertNames: h.alerts.map(alertName),
  };
}

/** Days left in words: "about 12 days", "less than a day", or unknown. */
export function daysText(d: number | null): Text {
  if (d === null) return UNKNOWN;
  if (d < 1) return { id: 'kurang dari sehari', en: 'less than a day' };
  const n = Math.round(d);
  return { id: `sekitar ${n} hari`, en: `about ${n} day${n === 1 ? '' : 's'}` };
}
