/**
 * IPP attribute mapping, pure: a Get-Printer-Attributes answer (as the `ipp` package parses
 * it) → the contract's printer state, reasons and supplies. No I/O here, so every odd answer a
 * printer can give is a unit test, and garbage is a HalError, never a crash or a made-up level.
 */
import { HalError } from '../../errors.js';
import { BLOCKING_REASONS, type PrinterReading, type PrinterState, type SupplyReading, type SupplyStatus } from '../types.js';

/** How the station's consumables are found among what the printer reports. */
export interface SupplyMapping {
  /** Case-insensitive part of the marker, supply or tray name that is this consumable. */
  match?: string;
  /** Cards a full supply prints, to turn a percentage into cards left; unknown when not given. */
  capacity?: number;
}
export type SupplyMappings = Partial<Record<'ribbon' | 'film' | 'blanks', SupplyMapping>>;

type Attrs = Record<string, unknown>;

export type Severity = 'error' | 'warning' | 'report';

/** `media-jam-error` → keyword `media-jam`, severity `error`. No suffix means error (RFC 8011 §5.4.12). */
export function splitReason(raw: string): { keyword: string; severity: Severity } {
  const m = /^(.*)-(error|warning|report)$/.exec(raw);
  if (m?.[1]) return { keyword: m[1], severity: m[2] as Severity };
  return { keyword: raw, severity: 'error' };
}

/** A single value or a 1setOf: always a list (the `ipp` package gives a scalar for one value). */
export function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function strings(attrs: Attrs, name: string): string[] {
  const out: string[] = [];
  for (const v of asList(attrs[name])) {
    if (typeof v !== 'string') throw new HalError('protocol', `the printer sent ${name} that is not text (${typeof v})`);
    out.push(v);
  }
  return out;
}

function integers(attrs: Attrs, name: string): number[] {
  const out: number[] = [];
  for (const v of asList(attrs[name])) {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new HalError('protocol', `the printer sent ${name} that is not an integer`);
    out.push(v);
  }
  return out;
}

/** `type=inkRibbon;level=40;maxcapacity=100;` (printer-supply, printer-input-tray) → its fields. */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** IPP levels: 0..100 (or 0..max), and -1 (other), -2 (unknown), -3 (some left) are not numbers. */
function knownLevel(n: number | undefined): number | null {
  return n === undefined || !Number.isFinite(n) || n < 0 ? null : n;
}

function intField(fields: Record<string, string>, key: string): number | undefined {
  const v = fields[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

/** One consumable as reported, before it is matched to ribbon, film or blanks. */
interface Candidate {
  source: 'marker' | 'supply' | 'tray';
  name: string;
  type: string;
  /** 0..100, null when the printer cannot tell. */
  percent: number | null;
  /** In the printer's own units when it counts them (sheets, impressions); null for percentages. */
  count: number | null;
  max: number | null;
  lowPercent: number | null;
}

function markers(attrs: Attrs): Candidate[] {
  const names = strings(attrs, 'marker-names');
  const types = strings(attrs, 'marker-types');
  const levels = integers(attrs, 'marker-levels');
  const lows = integers(attrs, 'marker-low-levels');
  return names.map((name, i) => ({
    source: 'marker',
    name,
    type: types[i] ?? '',
    percent: knownLevel(levels[i]) === null ? null : Math.min(100, levels[i] ?? 0),
    count: null,
    max: null,
    lowPercent: knownLevel(lows[i]),
  }));
}

function fromCounted(source: Candidate['source'], name: string, type: string, f: Record<string, string>): Candidate {
  const level = knownLevel(intField(f, 'level'));
  const max = knownLevel(intField(f, 'maxcapacity'));
  const percentUnit = (f.unit ?? '').toLowerCase() === 'percent';
  if (percentUnit || (source === 'supply' && max === 100 && f.unit === undefined)) {
    return { source, name, type, percent: level === null ? null : Math.min(100, level), count: null, max: null, lowPercent: null };
  }
  const percent = level !== null && max !== null && max > 0 ? Math.min(100, Math.round((level / max) * 100)) : null;
  return { source, name, type, percent, count: level === null ? null : Math.min(level, max ?? level), max: max !== null && max > 0 ? max : null, lowPercent: null };
}

function supplies(attrs: Attrs): Candidate[] {
  const descriptions = strings(attrs, 'printer-supply-description');
  return strings(attrs, 'printer-supply').map((text, i) => {
    const f = parseKeyValues(text);
    return fromCounted('supply', descriptions[i] ?? f.colorantname ?? f.type ?? `supply ${i + 1}`, f.type ?? '', f);
  });
}

function trays(attrs: Attrs): Candidate[] {
  return strings(attrs, 'printer-input-tray').map((text, i) => {
    const f = parseKeyValues(text);
    return fromCounted('tray', f.name ?? `tray ${i + 1}`, f.type ?? '', f);
  });
}

const DEFAULT_MATCH: Record<'ribbon' | 'film', { types: RegExp; names: RegExp }> = {
  ribbon: { types: /^(ink-?ribbon|ribbon-?wax|inkribbon|ribbonwax)$/i, names: /ribbon|pita/i },
  film: { types: /^(transfer-?unit|transferunit)$/i, names: /film|retransfer|transfer/i },
};

function pick(kind: 'ribbon' | 'film' | 'blanks', all: Candidate[], mapping: SupplyMapping | undefined): Candidate | undefined {
  if (mapping?.match) {
    const want = mapping.match.toLowerCase();
    // A configured name wins; markers first, as CUPS mirrors them into printer-supply.
    return all.find((c) => c.name.toLowerCase().includes(want));
  }
  if (kind === 'blanks') {
    // The card hopper: the first tray that says how many cards it holds.
    return all.find((c) => c.source === 'tray' && c.max !== null) ?? all.find((c) => c.source === 'tray' && c.count !== null);
  }
  const m = DEFAULT_MATCH[kind];
  const ordered = [...all.filter((c) => c.source === 'marker'), ...all.filter((c) => c.source === 'supply')];
  return ordered.find((c) => m.types.test(c.type)) ?? ordered.find((c) => m.names.test(c.name));
}

const KIND_REASONS: Record<'ribbon' | 'film' | 'blanks', string[]> = {
  ribbon: ['ribbon'],
  film: ['film'],
  blanks: ['media', 'input-tray', 'card'],
};

function toSupply(kind: 'ribbon' | 'film' | 'blanks', c: Candidate | undefined, mapping: SupplyMapping | undefined, reasons: Set<string>, fallbackName: string): SupplyReading {
  const says = (what: 'low' | 'empty') => KIND_REASONS[kind].some((p) => reasons.has(`${p}-${what}`));
  const capacity = c?.max ?? mapping?.capacity ?? null;
  let remaining: number | null = c?.count ?? null;
  if (remaining === null && c?.percent !== null && c?.percent !== undefined && mapping?.capacity !== undefined) {
    remaining = Math.round((c.percent / 100) * mapping.capacity);
  }
  const percent = c?.percent ?? null;
  let status: SupplyStatus;
  if (says('empty') || percent === 0 || remaining === 0) status = 'empty';
  else if (says('low') || (percent !== null && c?.lowPercent !== null && c?.lowPercent !== undefined && percent <= c.lowPercent)) status = 'low';
  else if (percent !== null || remaining !== null) status = 'ok';
  else status = 'unknown';
  return { kind: kind, name: c?.name ?? fallbackName, levelPercent: percent, remaining, capacity, status };
}

/**
 * The printer's rated time for a card from its nominal speed (RFC 8011 pages-per-minute; a card
 * is a page): the colour speed where it says one (an e-KTP is printed in colour), else the other;
 * null when it says neither, or nonsense.
 */
function secondsPerCardOf(attrs: Attrs): number | null {
  for (const name of ['pages-per-minute-color', 'pages-per-minute']) {
    // Optional and only advisory: a value that is not a positive number is left out, not a protocol error.
    const ppm = asList(attrs[name])[0];
    if (typeof ppm === 'number' && Number.isFinite(ppm) && ppm > 0) return 60 / ppm;
  }
  return null;
}

const IPP_STATES: Record<string, PrinterState> = { idle: 'idle', processing: 'printing', stopped: 'stopped' };
const NUMERIC_STATES: Record<number, PrinterState> = { 3: 'idle', 4: 'printing', 5: 'stopped' };
/** Conditions that stop a card printer whatever severity the printer gives them. */
const STOPPING = new Set<string>([...BLOCKING_REASONS, 'door-open', 'input-tray-missing', 'marker-supply-empty', 'media-needed', 'interlock-open', 'paused']);

/** The printer's attributes → the contract's reading. Throws HalError('protocol') on nonsense. */
export function mapPrinterAttributes(attrs: Attrs, mappings: SupplyMappings = {}): PrinterReading {
  const rawState = attrs['printer-state'];
  let ippState: PrinterState | undefined;
  if (typeof rawState === 'string') ippState = IPP_STATES[rawState];
  else if (typeof rawState === 'number') ippState = NUMERIC_STATES[rawState];
  if (ippState === undefined) throw new HalError('protocol', `the printer sent no valid printer-state (${JSON.stringify(rawState)?.slice(0, 40) ?? 'none'})`);

  const reasons: string[] = [];
  for (const raw of strings(attrs, 'printer-state-reasons')) {
    // Vendor keywords (com.vendor.x) are kept in a contract-safe spelling.
    const { keyword } = splitReason(raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, ''));
    if (keyword === '' || keyword === 'none' || reasons.includes(keyword)) continue;
    reasons.push(keyword);
  }
  const reasonSet = new Set(reasons);

  const all = [...markers(attrs), ...supplies(attrs), ...trays(attrs)];
  const out: SupplyReading[] = [
    toSupply('ribbon', pick('ribbon', all, mappings.ribbon), mappings.ribbon, reasonSet, 'Ribbon'),
    toSupply('film', pick('film', all, mappings.film), mappings.film, reasonSet, 'Retransfer film'),
    toSupply('blanks', pick('blanks', all, mappings.blanks), mappings.blanks, reasonSet, 'Card hopper'),
  ];

  let state = ippState;
  if (reasonSet.has('offline') || reasonSet.has('shutdown') || reasonSet.has('timed-out')) state = 'offline';
  else if (reasons.some((r) => STOPPING.has(r))) state = 'stopped';

  const model = typeof attrs['printer-make-and-model'] === 'string' ? attrs['printer-make-and-model'] : null;
  const impressions = attrs['printer-impressions-completed'];
  return { state, reasons, supplies: out, model, printedTotal: typeof impressions === 'number' && impressions >= 0 ? impressions : null, secondsPerCard: secondsPerCardOf(attrs) };
}

/** The job states of RFC 8011 §5.3.7, by name or number. */
export type JobState = 'pending' | 'pending-held' | 'processing' | 'processing-stopped' | 'canceled' | 'aborted' | 'completed';
const JOB_STATES: readonly JobState[] = ['pending', 'pending-held', 'processing', 'processing-stopped', 'canceled', 'aborted', 'completed'];

export function jobStateOf(v: unknown): JobState {
  if (typeof v === 'string' && (JOB_STATES as readonly string[]).includes(v)) return v as JobState;
  if (typeof v === 'number' && v >= 3 && v <= 9) return JOB_STATES[v - 3] as JobState;
  throw new HalError('protocol', `the printer sent no valid job-state (${JSON.stringify(v)?.slice(0, 40) ?? 'none'})`);
}
