/**
 * SNMP walk → what the printer says of itself, pure: the values one reading collected (from
 * net-snmp, or a captured `snmpwalk -On` text) in, the printer's state, IPP-style reasons and
 * ribbon, film and blanks out. No I/O, so every odd agent is a unit test. A value that is not
 * what the MIB allows (a wrong type, an impossible number) is left out, unknown, and noted:
 * never a crash, never a made-up level.
 */
import type { PrinterState, SupplyReading, SupplyStatus } from '../types.js';
import {
  ALERT_CRITICAL,
  ALERT_GROUP,
  ALERT_REASONS,
  COL,
  COUNTED_UNITS,
  DEVICE_STATUS,
  ERROR_STATE_BITS,
  FILM_TYPES,
  FILM_WORDS,
  OFFLINE_BIT,
  OID,
  PERCENT_UNIT,
  PRINTER_STATUS,
  RECEPTACLE_THAT_IS_FILLED,
  RIBBON_TYPES,
  RIBBON_WORDS,
  STOPPING_REASONS,
  SUBUNIT_ALERTS,
  SUPPLY_TYPES,
} from './mib.js';
import { compareOids, describeValue, intOf, normalOid, oidOf, textOf, type Notes, type SnmpVarbind } from './values.js';

export type { SnmpType, SnmpVarbind } from './values.js';

export interface SnmpView {
  /** Seconds since the printer's SNMP agent (in practice the printer) started: sysUpTime. */
  uptimeSeconds: number | null;
  model: string | null;
  /** The printer answers with the Printer MIB or Host Resources' printer table; false: MIB-II only. */
  printerMib: boolean;
  /** null: the printer gives no opinion (MIB-II only, or hrPrinterStatus other/unknown). */
  state: PrinterState | null;
  reasons: string[];
  /** Ribbon, film and blanks, always in that order; unknown when the printer does not report one. */
  supplies: SupplyReading[];
  /** Values left out because they are not what the MIB allows: for the log. */
  notes: string[];
  /** The printer's own words for its critical alerts (prtAlertDescription): for the log. */
  alerts: string[];
}

export interface SnmpMapOptions {
  /** The Printer MIB has no low mark of its own: a supply at or under this percentage is low. */
  lowPercent: number;
}

/** Rows one table may contribute: a card printer has a handful; more is an agent gone wrong. */
const MAX_ROWS = 256;
/** Cards in a supply or a hopper above this are no card printer's: left out as unknown. */
const MAX_COUNT = 1_000_000;

type Kind = 'ribbon' | 'film' | 'blanks';
type Row = Map<number, SnmpVarbind>;
interface Flags {
  low: boolean;
  empty: boolean;
}

/** entry OID → row index ("dev.idx") → column → value; the first of a repeated OID wins. */
function tablesOf(varbinds: readonly SnmpVarbind[], entries: readonly string[]): { tables: Map<string, Map<string, Row>>; scalars: Map<string, SnmpVarbind> } {
  const tables = new Map<string, Map<string, Row>>(entries.map((e) => [e, new Map<string, Row>()]));
  const scalars = new Map<string, SnmpVarbind>();
  for (const vb of varbinds) {
    const oid = normalOid(vb?.oid);
    if (oid === null) continue;
    if (oid === OID.sysDescr || oid === OID.sysUpTime) {
      if (!scalars.has(oid)) scalars.set(oid, vb);
      continue;
    }
    const entry = entries.find((e) => oid.startsWith(`${e}.`));
    if (!entry) continue;
    const rest = oid.slice(entry.length + 1).split('.');
    const col = Number(rest[0]);
    const index = rest.slice(1).join('.');
    if (index === '') continue;
    const rows = tables.get(entry) as Map<string, Row>;
    let row = rows.get(index);
    if (!row) {
      if (rows.size >= MAX_ROWS) continue;
      row = new Map();
      rows.set(index, row);
    }
    if (!row.has(col)) row.set(col, vb);
  }
  return { tables, scalars };
}

/** The rows of one device (hrDeviceIndex first in their index), in index order, keyed by their own index. */
function rowsOf(table: Map<string, Row>, device: string | null): [string, Row][] {
  if (device === null) return [];
  return [...table.entries()]
    .filter(([index]) => index.split('.')[0] === device && index.includes('.'))
    .map(([index, row]): [string, Row] => [index.slice(device.length + 1), row])
    .sort((a, b) => compareOids(a[0], b[0]));
}

interface Level {
  percent: number | null;
  remaining: number | null;
  capacity: number | null;
  /** -3: the printer knows at least one unit is left, and no more. */
  someLeft: boolean;
}

/** A level and its maximum in the MIB's terms (-1 other, -2 unknown, -3 some left) → numbers or null. */
function levelOf(level: number | null, max: number | null, unit: number | null, where: string, notes: Notes): Level {
  const unknown: Level = { percent: null, remaining: null, capacity: null, someLeft: false };
  if (level === null || level === -1 || level === -2) return unknown;
  if (level === -3) return { ...unknown, someLeft: true };
  if (level < -3) {
    notes.add(`${where} level ${level} is below -3, which the Printer MIB does not allow`);
    return unknown;
  }
  if (max !== null && max < -2) notes.add(`${where} maximum ${max} is below -2, which the Printer MIB does not allow`);
  const top = max !== null && max > 0 ? max : null;
  if (unit === PERCENT_UNIT) {
    if (level > 100) {
      notes.add(`${where} level ${level} is in percent and above 100, which no supply can be`);
      return unknown;
    }
    return { ...unknown, percent: level };
  }
  const counted = unit !== null && COUNTED_UNITS.includes(unit);
  const percent = top !== null ? Math.round((Math.min(level, top) / top) * 100) : null;
  if (!counted) return { ...unknown, percent };
  if ((top ?? level) > MAX_COUNT) {
    notes.add(`${where} counts ${top ?? level} cards, more than any card printer holds: its count is left out`);
    return { ...unknown, percent };
  }
  return { percent, remaining: top !== null ? Math.min(level, top) : level, capacity: top, someLeft: false };
}

interface Candidate extends Level {
  index: string;
  name: string;
  type: number | null;
}

function markersOf(rows: [string, Row][], notes: Notes): Candidate[] {
  const out: Candidate[] = [];
  for (const [index, row] of rows) {
    const where = `prtMarkerSupplies.${index}`;
    const c = COL.supply;
    if (intOf(row.get(c.class), `${where} class`, notes) === RECEPTACLE_THAT_IS_FILLED) continue;
    const type = intOf(row.get(c.type), `${where} type`, notes);
    const name = textOf(row.get(c.description), `${where} description`, notes) ?? (type !== null ? SUPPLY_TYPES[type] : undefined) ?? `supply ${index}`;
    const lvl = levelOf(intOf(row.get(c.level), `${where} level`, notes), intOf(row.get(c.max), `${where} maximum`, notes), intOf(row.get(c.unit), `${where} unit`, notes), where, notes);
    out.push({ index, name, type, ...lvl });
  }
  return out;
}

function inputsOf(rows: [string, Row][], notes: Notes): Candidate[] {
  return rows.map(([index, row]) => {
    const where = `prtInput.${index}`;
    const c = COL.input;
    const name =
      textOf(row.get(c.name), `${where} name`, notes) ?? textOf(row.get(c.description), `${where} description`, notes) ?? textOf(row.get(c.mediaName), `${where} media name`, notes) ?? `input ${index}`;
    const lvl = levelOf(intOf(row.get(c.level), `${where} current level`, notes), intOf(row.get(c.max), `${where} maximum`, notes), intOf(row.get(c.unit), `${where} unit`, notes) ?? 8, where, notes);
    return { index, name, type: intOf(row.get(c.type), `${where} type`, notes), ...lvl };
  });
}

const known = (c: Candidate) => c.percent !== null || c.remaining !== null || c.someLeft;

/** The one of several that runs out first stops the printer first: the lowest known level. */
function lowest(found: Candidate[]): Candidate | undefined {
  const withLevel = found.filter((c) => c.percent !== null);
  return withLevel.length > 0 ? withLevel.reduce((a, b) => ((b.percent ?? 0) < (a.percent ?? 0) ? b : a)) : found[0];
}

function pickMarkers(markers: Candidate[]): { ribbon: Candidate | undefined; film: Candidate | undefined } {
  const byType = (types: readonly number[]) => markers.filter((m) => m.type !== null && types.includes(m.type));
  const ribbon = lowest(byType(RIBBON_TYPES)) ?? lowest(markers.filter((m) => RIBBON_WORDS.test(m.name) && !FILM_WORDS.test(m.name)));
  const film = lowest(byType(FILM_TYPES)) ?? lowest(markers.filter((m) => m !== ribbon && FILM_WORDS.test(m.name)));
  return { ribbon, film };
}

const FALLBACK: Record<Kind, string> = { ribbon: 'Ribbon', film: 'Retransfer film', blanks: 'Card hopper' };
const TAG: Record<Kind, string> = { ribbon: 'ribbon', film: 'film', blanks: 'media' };

function supplyOf(kind: Kind, c: Candidate | undefined, flags: Flags, lowPercent: number): SupplyReading {
  const percent = c?.percent ?? null;
  const remaining = c?.remaining ?? null;
  let status: SupplyStatus;
  if (flags.empty || percent === 0 || remaining === 0) status = 'empty';
  else if (flags.low || (percent !== null && percent <= lowPercent)) status = 'low';
  else if (c && known(c)) status = 'ok';
  else status = 'unknown';
  return { kind, name: c?.name ?? FALLBACK[kind], levelPercent: percent, remaining, capacity: c?.capacity ?? null, status };
}

/** The printer device among hrDeviceTable's (a print server or a PC lists others too). */
function printerDevice(tables: Map<string, Map<string, Row>>, notes: Notes): string | null {
  const devices = [...(tables.get(OID.hrDeviceEntry) ?? new Map<string, Row>()).entries()].sort((a, b) => compareOids(a[0], b[0]));
  const typed = devices.find(([index, row]) => !index.includes('.') && oidOf(row.get(COL.hrDevice.type), `hrDeviceType.${index}`, notes) === OID.hrDevicePrinter);
  if (typed) return typed[0];
  for (const entry of [OID.hrPrinterEntry, OID.prtMarkerSuppliesEntry, OID.prtInputEntry, OID.prtAlertEntry]) {
    const first = [...(tables.get(entry)?.keys() ?? [])].sort(compareOids)[0];
    if (first !== undefined) return first.split('.')[0] ?? null;
  }
  return null;
}

/** The values of one reading → the printer's view of itself. */
export function mapWalk(varbinds: readonly SnmpVarbind[], opts: SnmpMapOptions): SnmpView {
  const notes: Notes = new Set();
  const entries = [OID.hrDeviceEntry, OID.hrPrinterEntry, OID.prtMarkerSuppliesEntry, OID.prtInputEntry, OID.prtAlertEntry];
  const { tables, scalars } = tablesOf(Array.isArray(varbinds) ? varbinds : [], entries);
  const table = (e: string) => tables.get(e) ?? new Map<string, Row>();
  const dev = printerDevice(tables, notes);

  const ticks = intOf(scalars.get(OID.sysUpTime), 'sysUpTime', notes);
  const uptimeSeconds = ticks !== null && ticks >= 0 ? Math.floor(ticks / 100) : null;
  const deviceRow = dev !== null ? table(OID.hrDeviceEntry).get(dev) : undefined;
  const printerRow = dev !== null ? table(OID.hrPrinterEntry).get(dev) : undefined;
  const model = textOf(deviceRow?.get(COL.hrDevice.descr), 'hrDeviceDescr', notes) ?? textOf(scalars.get(OID.sysDescr), 'sysDescr', notes);

  const markers = markersOf(rowsOf(table(OID.prtMarkerSuppliesEntry), dev), notes);
  const inputs = inputsOf(rowsOf(table(OID.prtInputEntry), dev), notes);
  const picked: Record<Kind, Candidate | undefined> = { ...pickMarkers(markers), blanks: inputs.find((i) => i.capacity !== null || known(i)) ?? inputs[0] };
  const flags: Record<Kind, Flags> = { ribbon: { low: false, empty: false }, film: { low: false, empty: false }, blanks: { low: false, empty: false } };
  const reasons: string[] = [];
  const say = (r: string) => {
    if (!reasons.includes(r)) reasons.push(r);
  };

  // hrPrinterDetectedErrorState: bits from the most significant bit of the first octet.
  const bytes = printerRow?.get(COL.hrPrinter.errorState);
  const bits = bytes === undefined ? null : bitsOf(bytes, notes);
  const bit = (n: number) => bits !== null && n < bits.length * 8 && ((bits[n >> 3] ?? 0) & (0x80 >> (n & 7))) !== 0;
  for (const [n, , reason] of ERROR_STATE_BITS) if (bit(n)) say(reason);

  // prtAlertTable: the printer's own list of what is wrong now.
  const alerts: string[] = [];
  let critical = false;
  for (const [index, row] of rowsOf(table(OID.prtAlertEntry), dev)) {
    const where = `prtAlert.${index}`;
    const code = intOf(row.get(COL.alert.code), `${where} code`, notes);
    const severity = intOf(row.get(COL.alert.severity), `${where} severity`, notes);
    const words = textOf(row.get(COL.alert.description), `${where} description`, notes);
    if (severity === ALERT_CRITICAL) {
      critical = true;
      alerts.push(words ?? `alert code ${code ?? '?'}`);
    }
    if (code === null) continue;
    const direct = ALERT_REASONS[code];
    if (direct) {
      say(direct);
      continue;
    }
    const cond = SUBUNIT_ALERTS[code];
    const group = intOf(row.get(COL.alert.group), `${where} group`, notes);
    const sub = intOf(row.get(COL.alert.groupIndex), `${where} group index`, notes);
    if (!cond) {
      if (severity === ALERT_CRITICAL) say('other');
      continue;
    }
    if (group === ALERT_GROUP.input) say(cond === 'missing' ? 'input-tray-missing' : `media-${cond}`);
    else if (group === ALERT_GROUP.markerSupplies) {
      const kind = (['ribbon', 'film'] as const).find((k) => picked[k] !== undefined && picked[k]?.index === String(sub));
      say(cond === 'missing' ? 'marker-supply-missing' : kind ? `${kind}-${cond}` : `marker-supply-${cond}`);
    } else if (severity === ALERT_CRITICAL) say('other');
  }

  // Reasons that name ribbon, film or the hopper decide their status too.
  for (const kind of ['ribbon', 'film', 'blanks'] as const) {
    flags[kind].empty = reasons.includes(`${TAG[kind]}-empty`);
    flags[kind].low = reasons.includes(`${TAG[kind]}-low`);
  }
  const supplies = (['ribbon', 'film', 'blanks'] as const).map((k) => {
    const s = supplyOf(k, picked[k], flags[k], opts.lowPercent);
    if (s.status === 'empty' || s.status === 'low') say(`${TAG[k]}-${s.status}`);
    return s;
  });

  const printerStatus = intOf(printerRow?.get(COL.hrPrinter.status), 'hrPrinterStatus', notes);
  const deviceStatus = intOf(deviceRow?.get(COL.hrDevice.status), 'hrDeviceStatus', notes);
  let state: PrinterState | null = null;
  if (printerStatus === PRINTER_STATUS.idle || printerStatus === PRINTER_STATUS.warmup) state = 'idle';
  else if (printerStatus === PRINTER_STATUS.printing) state = 'printing';
  if (deviceStatus === DEVICE_STATUS.down || critical || reasons.some((r) => STOPPING_REASONS.includes(r))) state = 'stopped';
  // "Moving off-line" (RFC 3805 2.2.13.2): a printer going offline finishes its card first.
  if (bit(OFFLINE_BIT) && printerStatus !== PRINTER_STATUS.printing) state = 'offline';

  const printerMib = deviceRow !== undefined || printerRow !== undefined || markers.length > 0 || inputs.length > 0 || table(OID.prtAlertEntry).size > 0;
  const noteList = [...notes];
  return {
    uptimeSeconds,
    model,
    printerMib,
    state,
    reasons,
    supplies,
    notes: noteList.length > 20 ? [...noteList.slice(0, 20), `and ${noteList.length - 20} more`] : noteList,
    alerts: alerts.slice(0, 10),
  };
}

/** hrPrinterDetectedErrorState's octets; anything else is noted and read as no bits. */
function bitsOf(vb: SnmpVarbind, notes: Notes): Uint8Array | null {
  if (vb.type === 'octets' && vb.value instanceof Uint8Array) return vb.value.subarray(0, 4);
  notes.add(`hrPrinterDetectedErrorState (${String(vb.oid)}) is ${describeValue(vb)}, not an OCTET STRING of bits`);
  return null;
}
