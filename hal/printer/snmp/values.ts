/**
 * One SNMP value as the mapping sees it, and the checked ways to read one: an integer, a text, an
 * OID. Everything that arrives from the network is `unknown` until a reader here says what it is.
 */

import { deviceText } from '../../bounds.js';

/** A text a printer's SNMP agent gives (a name, a model, an alert's words) is cut here: a card printer's are far shorter. */
const SNMP_TEXT_MAX = 120;

export const SNMP_TYPES = ['integer', 'octets', 'oid', 'timeticks', 'counter', 'gauge', 'counter64', 'ipaddress', 'opaque', 'null'] as const;
export type SnmpType = (typeof SNMP_TYPES)[number];

/** One variable binding: its OID (dotted, a leading dot allowed), its type, its value as decoded. */
export interface SnmpVarbind {
  oid: string;
  type: SnmpType;
  /** integer-like types: number or bigint; octets and opaque: bytes; oid and ipaddress: text; null: null. */
  value: unknown;
}

/** Values left out, in words, collected while mapping (a set: one note per cause). */
export type Notes = Set<string>;

const INTEGER_TYPES = new Set<SnmpType>(['integer', 'timeticks', 'counter', 'gauge', 'counter64']);
const DOTTED = /^\d{1,10}(\.\d{1,10}){0,127}$/;

/** "1.3.6..." without a leading dot, or null when it is not an OID. */
export function normalOid(oid: unknown): string | null {
  if (typeof oid !== 'string') return null;
  const s = oid.startsWith('.') ? oid.slice(1) : oid;
  return DOTTED.test(s) ? s : null;
}

/** OIDs in SNMP's order: component by component, as numbers. */
export function compareOids(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** A short, safe picture of a value for a note: its type and the start of what it holds. */
export function describeValue(vb: SnmpVarbind): string {
  const v = vb.value;
  let shown: string;
  if (v instanceof Uint8Array) shown = `${v.length} bytes`;
  else if (typeof v === 'string') shown = JSON.stringify(v.slice(0, 20));
  else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v === null || v === undefined) shown = String(v);
  else shown = typeof v;
  return `${String(vb.type).slice(0, 20)} ${shown}`;
}

/** An integer-like value that fits a JavaScript number; absent is null without a note. */
export function intOf(vb: SnmpVarbind | undefined, what: string, notes: Notes): number | null {
  if (vb === undefined) return null;
  if (INTEGER_TYPES.has(vb.type)) {
    const v = vb.value;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
    if (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(v);
  }
  notes.add(`${what} is ${describeValue(vb)}, not an integer`);
  return null;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Text from an OCTET STRING: control characters out, at most SNMP_TEXT_MAX characters (cut with a mark); empty is null. */
export function textOf(vb: SnmpVarbind | undefined, what: string, notes: Notes): string | null {
  if (vb === undefined) return null;
  let s: string;
  if (vb.type === 'octets' && vb.value instanceof Uint8Array) s = decoder.decode(vb.value.subarray(0, 512));
  else if (vb.type === 'octets' && typeof vb.value === 'string') s = vb.value.slice(0, 512);
  else {
    notes.add(`${what} is ${describeValue(vb)}, not text`);
    return null;
  }
  return deviceText(s, SNMP_TEXT_MAX);
}

/** An OBJECT IDENTIFIER value, without its leading dot. */
export function oidOf(vb: SnmpVarbind | undefined, what: string, notes: Notes): string | null {
  if (vb === undefined) return null;
  const oid = vb.type === 'oid' ? normalOid(vb.value) : null;
  if (oid === null) notes.add(`${what} is ${describeValue(vb)}, not an OBJECT IDENTIFIER`);
  return oid;
}
