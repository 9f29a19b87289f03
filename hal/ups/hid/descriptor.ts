import { HidError } from './error.js';
import { HID_HINT } from './hints.js';

/**
 * USB HID report descriptor parser (HID 1.11, section 6.2.2), pure: bytes in, fields out.
 * Every field gets its report id, report type, bit offset and size, its usage with the path of
 * collections above it, and the ranges and unit needed to turn report bits into a value.
 * Anything it cannot make sense of is a HidError naming the byte offset, never a guess.
 */

export type ReportKind = 'input' | 'output' | 'feature';

export interface CollectionNode {
  /** Full 32-bit usage (page << 16 | id) of the collection; 0 when none was declared. */
  usage: number;
  /** Collection type: 0 physical, 1 application, 2 logical; 0x80+ vendor (NUT reads it as an index). */
  type: number;
}

export interface HidField {
  kind: ReportKind;
  /** 0 when the descriptor declares no report ids. */
  reportId: number;
  /** Bit offset from the first bit after the report id byte. */
  bitOffset: number;
  bitSize: number;
  /** Full 32-bit usage; 0 for padding. */
  usage: number;
  collections: readonly CollectionNode[];
  logicalMin: number;
  logicalMax: number;
  /** Logical Maximum was negative as written and is read as unsigned (a common vendor slip, as NUT does). */
  logicalMaxAssumed: boolean;
  physicalMin: number | null;
  physicalMax: number | null;
  unit: number;
  /** Power of ten of the value (-8..7); null when the descriptor's Unit Exponent is malformed, so the value is unknown. */
  unitExponent: number | null;
  /** The main item's data bits: 0x01 constant, 0x02 variable (else array), 0x04 relative, 0x40 null state. */
  flags: number;
}

export interface ReportLayout {
  kind: ReportKind;
  reportId: number;
  /** Data bytes, without the report id byte. */
  byteLength: number;
  fields: HidField[];
}

export interface ReportDescriptor {
  length: number;
  usesReportIds: boolean;
  fields: readonly HidField[];
  reports: ReadonlyMap<string, ReportLayout>;
}

export const reportKey = (kind: ReportKind, reportId: number): string => `${kind}:${reportId}`;

/** A raw global value with its item size, so its sign can be decided when a field is made. */
interface Raw {
  value: number;
  size: number;
}

interface Globals {
  usagePage: number;
  logicalMin: Raw;
  logicalMax: Raw;
  physicalMin: Raw | null;
  physicalMax: Raw | null;
  unit: number;
  unitExponent: number | null;
  reportSize: number;
  reportCount: number;
  reportId: number;
}

// Bounds that no real UPS comes near; they keep random bytes from building huge tables.
const MAX_DEPTH = 32;
const MAX_PUSH = 16;
const MAX_REPORT_COUNT = 4096;
const MAX_REPORT_SIZE = 256;
const MAX_REPORT_BYTES = 4096;
const MAX_FIELDS = 20_000;
const MAX_USAGES = 4096;

const MAIN_KIND: Record<number, ReportKind> = { 0x8: 'input', 0x9: 'output', 0xb: 'feature' };

function signed(value: number, size: number): number {
  if (size === 0) return 0;
  const bits = size * 8;
  const top = 2 ** (bits - 1);
  return value >= top ? value - 2 ** bits : value;
}

/** Resolve min/max as signed; a maximum under the minimum is taken as unsigned (HID 6.2.2.7, NUT's reading). */
function range(min: Raw, max: Raw): { min: number; max: number; assumed: boolean } {
  const lo = signed(min.value, min.size);
  const hi = signed(max.value, max.size);
  return hi < lo ? { min: lo, max: max.value, assumed: true } : { min: lo, max: hi, assumed: false };
}

function fail(message: string, at: number): never {
  throw new HidError('hid-descriptor-invalid', `${message} (at byte ${at} of the report descriptor)`, HID_HINT.recapture, at);
}

export function parseDescriptor(bytes: Uint8Array): ReportDescriptor {
  if (bytes.length === 0) fail('the report descriptor is empty: expected items starting with Usage Page (05 ..)', 0);
  let g: Globals = {
    usagePage: 0,
    logicalMin: { value: 0, size: 0 },
    logicalMax: { value: 0, size: 0 },
    physicalMin: null,
    physicalMax: null,
    unit: 0,
    unitExponent: 0,
    reportSize: 0,
    reportCount: 0,
    reportId: 0,
  };
  const stack: Globals[] = [];
  let usages: number[] = [];
  let usageMin: number | null = null;
  const collections: CollectionNode[] = [];
  const fields: HidField[] = [];
  const reports = new Map<string, ReportLayout>();
  const reportBits = new Map<string, number>();
  let usesReportIds = false;

  const fullUsage = (value: number, size: number) => (size === 4 ? value : g.usagePage * 0x10000 + (value & 0xffff));
  const clearLocals = () => {
    usages = [];
    usageMin = null;
  };

  let pos = 0;
  while (pos < bytes.length) {
    const at = pos;
    const prefix = bytes[pos] ?? 0;
    if (prefix === 0xfe) {
      // Long item: no HID usage defines one; skip its data whole.
      const dataSize = bytes[pos + 1];
      if (dataSize === undefined || pos + 3 + dataSize > bytes.length) fail('a long item runs past the end', at);
      pos += 3 + dataSize;
      continue;
    }
    const size = [0, 1, 2, 4][prefix & 3] ?? 0;
    const type = (prefix >> 2) & 3;
    const tag = prefix >> 4;
    if (pos + 1 + size > bytes.length) fail(`item 0x${prefix.toString(16).padStart(2, '0')} needs ${size} data byte(s) but the descriptor ends`, at);
    let value = 0;
    for (let i = 0; i < size; i++) value += (bytes[pos + 1 + i] ?? 0) * 2 ** (8 * i);
    pos += 1 + size;

    if (type === 0) {
      const kind = MAIN_KIND[tag];
      if (kind) {
        addFields(kind, value, at);
        clearLocals();
      } else if (tag === 0xa) {
        if (collections.length >= MAX_DEPTH) fail(`collections nested deeper than ${MAX_DEPTH}`, at);
        collections.push({ usage: usages[0] ?? 0, type: value & 0xff });
        clearLocals();
      } else if (tag === 0xc) {
        if (collections.length === 0) fail('End Collection without an open Collection', at);
        collections.pop();
        clearLocals();
      } else {
        fail(`unknown main item tag 0x${tag.toString(16)}`, at);
      }
    } else if (type === 1) {
      global(tag, value, size, at);
    } else if (type === 2) {
      if (tag === 0x0) pushUsage(fullUsage(value, size), at);
      else if (tag === 0x1) usageMin = fullUsage(value, size);
      else if (tag === 0x2) {
        if (usageMin === null) fail('Usage Maximum without a Usage Minimum', at);
        const max = fullUsage(value, size);
        if (max < usageMin) fail(`Usage Maximum 0x${max.toString(16)} is below Usage Minimum 0x${usageMin.toString(16)}`, at);
        for (let u = usageMin; u <= max && usages.length < MAX_USAGES; u++) usages.push(u);
        usageMin = null;
      }
      // Designators, strings and delimiters carry nothing a UPS reading needs.
    }
    // Type 3 (reserved) items other than the long-item marker are skipped, as Linux does.
  }
  if (collections.length > 0) fail(`${collections.length} collection(s) not closed (End Collection, c0, missing)`, bytes.length);
  if (usesReportIds && fields.some((f) => f.reportId === 0)) fail('fields before the first Report ID in a descriptor that uses report ids', 0);
  return { length: bytes.length, usesReportIds, fields, reports };

  function pushUsage(usage: number, at: number): void {
    if (usages.length >= MAX_USAGES) fail(`more than ${MAX_USAGES} usages before one main item`, at);
    usages.push(usage);
  }

  function global(tag: number, value: number, size: number, at: number): void {
    switch (tag) {
      case 0x0:
        g.usagePage = value & 0xffff;
        break;
      case 0x1:
        g.logicalMin = { value, size };
        break;
      case 0x2:
        g.logicalMax = { value, size };
        break;
      case 0x3:
        g.physicalMin = { value, size };
        break;
      case 0x4:
        g.physicalMax = { value, size };
        break;
      case 0x5: {
        // A 4-bit two's complement nibble (HID 6.2.2.7): 0x0E is -2. In a one-byte item only the
        // low nibble counts (0x1e is -2 too, as NUT reads it). A wider value outside -8..7 has
        // no meaning: the fields it applies to read null, never a scale made up by clamping.
        const nibble = (n: number) => (n >= 8 ? n - 16 : n);
        const s = signed(value, size);
        g.unitExponent = size <= 1 ? nibble(value & 0xf) : s >= -8 && s <= 7 ? s : null;
        break;
      }
      case 0x6:
        g.unit = value >>> 0;
        break;
      case 0x7:
        if (value > MAX_REPORT_SIZE) fail(`Report Size ${value} bits is more than ${MAX_REPORT_SIZE}`, at);
        g.reportSize = value;
        break;
      case 0x8:
        if (value === 0 || value > 0xff) fail(`Report ID ${value} is outside 1..255`, at);
        g.reportId = value;
        usesReportIds = true;
        break;
      case 0x9:
        if (value > MAX_REPORT_COUNT) fail(`Report Count ${value} is more than ${MAX_REPORT_COUNT}`, at);
        g.reportCount = value;
        break;
      case 0xa:
        if (stack.length >= MAX_PUSH) fail(`Push nested deeper than ${MAX_PUSH}`, at);
        stack.push({ ...g });
        break;
      case 0xb: {
        const top = stack.pop();
        if (!top) fail('Pop without a Push', at);
        g = top;
        break;
      }
      default:
        fail(`unknown global item tag 0x${tag.toString(16)}`, at);
    }
  }

  function addFields(kind: ReportKind, flags: number, at: number): void {
    const key = reportKey(kind, g.reportId);
    let layout = reports.get(key);
    if (!layout) {
      layout = { kind, reportId: g.reportId, byteLength: 0, fields: [] };
      reports.set(key, layout);
    }
    let bits = reportBits.get(key) ?? 0;
    if (bits + g.reportSize * g.reportCount > MAX_REPORT_BYTES * 8) fail(`${kind} report ${g.reportId} grows past ${MAX_REPORT_BYTES} bytes`, at);
    if (fields.length + g.reportCount > MAX_FIELDS) fail(`more than ${MAX_FIELDS} fields`, at);
    const logical = range(g.logicalMin, g.logicalMax);
    const physical = g.physicalMin && g.physicalMax ? range(g.physicalMin, g.physicalMax) : null;
    const path = collections.slice();
    for (let i = 0; i < g.reportCount; i++) {
      const field: HidField = {
        kind,
        reportId: g.reportId,
        bitOffset: bits,
        bitSize: g.reportSize,
        // Fewer usages than fields: the last one repeats (HID 6.2.2.8); none at all is padding.
        usage: usages[Math.min(i, usages.length - 1)] ?? 0,
        collections: path,
        logicalMin: logical.min,
        logicalMax: logical.max,
        logicalMaxAssumed: logical.assumed,
        physicalMin: physical ? physical.min : null,
        physicalMax: physical ? physical.max : null,
        unit: g.unit,
        unitExponent: g.unitExponent,
        flags,
      };
      bits += g.reportSize;
      if (g.reportSize > 0) {
        fields.push(field);
        layout.fields.push(field);
      }
    }
    reportBits.set(key, bits);
    // A report is sent in whole bytes; a last partial byte is padded.
    layout.byteLength = Math.ceil(bits / 8);
  }
}
