/**
 * A captured walk as text → values the mapping reads. The text is what a technician gets from a
 * real printer with `snmpwalk -v2c -c COMMUNITY -On PRINTER 1.3.6.1.2.1` (numeric OIDs; with or
 * without MIB files, so `INTEGER: idle(3)` and `BITS: 04 00 jammed(5)` read as well as the bare
 * numbers), so a printer in the field becomes a fixture by saving that output. Lines starting
 * with `#` are comments.
 */
import type { SnmpType, SnmpVarbind } from './values.js';

const LINE = /^(\.?\d+(?:\.\d+)*|iso(?:\.\d+)+)\s*=\s*(.*)$/;

function hexBytes(text: string, line: number): Uint8Array {
  const hex = (/^[0-9A-Fa-f]{2}(?:\s+[0-9A-Fa-f]{2})*/.exec(text.trim())?.[0] ?? '').split(/\s+/).filter(Boolean);
  if (hex.length === 0 && text.trim() !== '') throw new Error(`line ${line}: expected hex bytes such as "04 00", got ${JSON.stringify(text.slice(0, 40))}`);
  return Uint8Array.from(hex.map((h) => parseInt(h, 16)));
}

function quoted(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(["\\])/g, '$1');
  return t;
}

function integer(text: string, line: number): number | bigint {
  // "idle(3)" with MIB files loaded, "3" without; Timeticks: "(135) 0:00:01.35".
  const m = /^-?\d+$/.exec(text.trim()) ?? /\((-?\d+)\)/.exec(text);
  const digits = m?.[1] ?? m?.[0];
  if (digits === undefined) throw new Error(`line ${line}: expected a number, got ${JSON.stringify(text.slice(0, 40))}`);
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : BigInt(digits);
}

function valueOf(raw: string, line: number): { type: SnmpType; value: unknown } | null {
  if (/^No (Such|more variables)/.test(raw)) return null; // an exception, not a value
  if (raw === '""') return { type: 'octets', value: new Uint8Array(0) };
  const colon = raw.indexOf(':');
  if (colon < 0) throw new Error(`line ${line}: expected "TYPE: value", got ${JSON.stringify(raw.slice(0, 40))}`);
  const tag = raw.slice(0, colon).trim();
  const text = raw.slice(colon + 1).replace(/^ /, '');
  switch (tag) {
    case 'INTEGER':
      return { type: 'integer', value: integer(text, line) };
    case 'STRING':
      return { type: 'octets', value: new TextEncoder().encode(quoted(text)) };
    case 'Hex-STRING':
    case 'BITS':
      return { type: 'octets', value: hexBytes(text, line) };
    case 'OID':
      return { type: 'oid', value: text.trim().replace(/^iso/, '1') };
    case 'Timeticks':
      return { type: 'timeticks', value: integer(text, line) };
    case 'Gauge32':
    case 'Unsigned32':
      return { type: 'gauge', value: integer(text, line) };
    case 'Counter32':
      return { type: 'counter', value: integer(text, line) };
    case 'Counter64':
      return { type: 'counter64', value: integer(text, line) };
    case 'IpAddress':
      return { type: 'ipaddress', value: text.trim() };
    case 'Opaque':
      return { type: 'opaque', value: hexBytes(text.replace(/^[A-Za-z]+:\s*/, ''), line) };
    case 'NULL':
      return { type: 'null', value: null };
    default:
      throw new Error(`line ${line}: unknown type ${JSON.stringify(tag.slice(0, 20))}`);
  }
}

/** Parse `snmpwalk -On` output. Throws, naming the line, on text that is not a walk. */
export function parseWalkText(text: string): SnmpVarbind[] {
  const out: SnmpVarbind[] = [];
  // A value may run over several lines (a long Hex-STRING, a STRING with line breaks).
  const items: { oid: string; raw: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (l.startsWith('#') || l.trim() === '') return;
    const m = LINE.exec(l);
    if (m?.[1] !== undefined && m[2] !== undefined) items.push({ oid: m[1].replace(/^iso/, '1').replace(/^\./, ''), raw: m[2], line: i + 1 });
    else if (items.length > 0) (items[items.length - 1] as { raw: string }).raw += `\n${l}`;
    else throw new Error(`line ${i + 1}: expected "OID = TYPE: value", got ${JSON.stringify(l.slice(0, 40))}`);
  });
  for (const it of items) {
    const v = valueOf(it.raw.replace(/\s+$/, ''), it.line);
    if (v) out.push({ oid: it.oid, ...v });
  }
  return out;
}
