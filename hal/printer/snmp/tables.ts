/**
 * The walk's values sorted into the tables they belong to (hrDeviceTable, hrPrinterTable, the
 * Printer MIB's), row by row, and which device among hrDeviceTable's is the printer.
 */
import { COL, OID } from './mib.js';
import { compareOids, normalOid, oidOf, type Notes, type SnmpVarbind } from './values.js';

/** Rows one table may contribute: a card printer has a handful; more is an agent gone wrong. */
const MAX_ROWS = 256;

export type Row = Map<number, SnmpVarbind>;

/** entry OID → row index ("dev.idx") → column → value; the first of a repeated OID wins. */
export function tablesOf(varbinds: readonly SnmpVarbind[], entries: readonly string[]): { tables: Map<string, Map<string, Row>>; scalars: Map<string, SnmpVarbind> } {
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
export function rowsOf(table: Map<string, Row>, device: string | null): [string, Row][] {
  if (device === null) return [];
  return [...table.entries()]
    .filter(([index]) => index.split('.')[0] === device && index.includes('.'))
    .map(([index, row]): [string, Row] => [index.slice(device.length + 1), row])
    .sort((a, b) => compareOids(a[0], b[0]));
}

/** The printer device among hrDeviceTable's (a print server or a PC lists others too). */
export function printerDevice(tables: Map<string, Map<string, Row>>, notes: Notes): string | null {
  const devices = [...(tables.get(OID.hrDeviceEntry) ?? new Map<string, Row>()).entries()].sort((a, b) => compareOids(a[0], b[0]));
  const typed = devices.find(([index, row]) => !index.includes('.') && oidOf(row.get(COL.hrDevice.type), `hrDeviceType.${index}`, notes) === OID.hrDevicePrinter);
  if (typed) return typed[0];
  for (const entry of [OID.hrPrinterEntry, OID.prtMarkerSuppliesEntry, OID.prtInputEntry, OID.prtAlertEntry]) {
    const first = [...(tables.get(entry)?.keys() ?? [])].sort(compareOids)[0];
    if (first !== undefined) return first.split('.')[0] ?? null;
  }
  return null;
}
