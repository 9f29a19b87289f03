/**
 * SNMP walk → what the printer says of itself, pure: the values one reading collected (from
 * net-snmp, or a captured `snmpwalk -On` text) in, the printer's state, IPP-style reasons and
 * ribbon, film and blanks out. No I/O, so every odd agent is a unit test. A value that is not
 * what the MIB allows (a wrong type, an impossible number) is left out, unknown, and noted:
 * never a crash, never a made-up level.
 */
import type { PrinterState, SupplyReading } from '../types.js';
import { COL, DEVICE_STATUS, ERROR_STATE_BITS, OFFLINE_BIT, OID, PRINTER_STATUS, STOPPING_REASONS } from './mib.js';
import { readAlerts } from './alert-table.js';
import { inputsOf, known, markersOf, pickMarkers, supplyOf, TAG, type Candidate, type Flags, type Kind } from './supplies.js';
import { printerDevice, rowsOf, tablesOf, type Row } from './tables.js';
import { describeValue, intOf, textOf, type Notes, type SnmpVarbind } from './values.js';

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
  const { alerts, critical } = readAlerts(rowsOf(table(OID.prtAlertEntry), dev), picked, notes, say);

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
