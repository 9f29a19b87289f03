/**
 * Supplies from the card printer's vendor software, pure. The helper passes the answers through
 * raw; their shapes are the ones the vendors' SDK samples show:
 *
 * - Entrust/Datacard XPS Card Printer driver, bidi `\Printer.SuppliesStatus3:Read` (XPS Card
 *   Printer SDK 7.4, samples/csharp/common/util.cs, ParseSuppliesXML):
 *   <PrinterSupplies3><PrinterStatus>Ready</PrinterStatus><Printer><RibbonRemaining>43</RibbonRemaining>
 *   <PrintRibbonType>...</PrintRibbonType><RibbonPartNumber>...</RibbonPartNumber>
 *   <RetransferFilmPercentRemaining>..</RetransferFilmPercentRemaining>...</Printer>...</PrinterSupplies3>
 *   (both levels in percent: the sample prints them with "%").
 * - The same driver, bidi `\Printer.Hopper:Status:Get` (same file, ParseHopperStatusXml):
 *   <HopperStatus><HopperInformation Name="Hopper1" Type="Input" Status="Cards Present" CardStock="CardStock1"/>...
 *   with Status "Cards Present", "Empty" or "Cannot Detect".
 * - HID FARGO's printer SDK (.NET, Fargo.PrinterSDK.PrinterInfo): properties RibbonPercentRemaining
 *   and FilmPercentRemaining. HID publishes no sample openly; the names are the ones a public
 *   integration of that SDK reads. The helper passes every property as text.
 *
 * The SDK samples read a missing element as 0; here missing or not a number is unknown (null).
 */
import type { SupplyReading, SupplyStatus } from '../types.js';
import { decodeXmlText } from './spooler.js';
import type { VendorResult } from './protocol.js';

export const SUPPLIES_SCHEMA = '\\Printer.SuppliesStatus3:Read';
export const HOPPER_SCHEMA = '\\Printer.Hopper:Status:Get';

const MAX_XML = 256 * 1024;
const MAX_TAG = 1024;

/** A percentage 0..100 from a text, or null. */
export function percentOf(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const t = text.trim();
  if (!/^\d{1,3}$/.test(t)) return null;
  const n = Number(t);
  return n <= 100 ? n : null;
}

/** The text from the first `open` to the last `close` (indexOf: no regex backtracking on hostile input). */
export function between(doc: string, open: string, close: string): string | undefined {
  const start = doc.indexOf(open);
  const end = doc.lastIndexOf(close);
  return start === -1 || end <= start ? undefined : doc.slice(start, end + close.length);
}

function elementText(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}\\s*>([^<]*)</${name}\\s*>`).exec(xml);
  return m?.[1] === undefined ? undefined : decodeXmlText(m[1]).trim();
}

export interface VendorSupplies {
  ribbonPercent: number | null;
  filmPercent: number | null;
  ribbonName: string | null;
  /** The card hopper, where the vendor software tells: cards present, empty, or unknown. */
  hopper: 'present' | 'empty' | null;
  /** Which vendor answers were usable, for the self-test and a reading's details. */
  sources: string[];
}

export function parseSuppliesStatus3(xml: string): Pick<VendorSupplies, 'ribbonPercent' | 'filmPercent' | 'ribbonName'> | undefined {
  const root = between(xml.slice(0, MAX_XML), '<PrinterSupplies3', '</PrinterSupplies3');
  if (root === undefined) return undefined;
  const type = elementText(root, 'PrintRibbonType');
  return {
    ribbonPercent: percentOf(elementText(root, 'RibbonRemaining')),
    filmPercent: percentOf(elementText(root, 'RetransferFilmPercentRemaining')),
    ribbonName: type ? `Ribbon (${type.slice(0, 40)})` : null,
  };
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`).exec(tag) ?? new RegExp(`\\s${name}\\s*=\\s*'([^']*)'`).exec(tag);
  return m?.[1] === undefined ? undefined : decodeXmlText(m[1]).trim();
}

/** The input hopper the printer feeds from: the first input hopper that is not the exception slot. */
export function parseHopperStatus(xml: string): 'present' | 'empty' | null | undefined {
  const doc = xml.slice(0, MAX_XML);
  if (!/<HopperStatus[\s>]/.test(doc)) return undefined;
  // indexOf, not a regex, and each tag looked for within MAX_TAG: a tag that never closes must
  // not make each try scan to the end. A real one is about 100 characters; a longer one is skipped.
  for (let at = doc.indexOf('<HopperInformation'); at !== -1; at = doc.indexOf('<HopperInformation', at + 1)) {
    const close = doc.slice(at, at + MAX_TAG).indexOf('>');
    if (close === -1) continue;
    const tag = doc.slice(at, at + close + 1);
    const name = attribute(tag, 'Name') ?? '';
    if ((attribute(tag, 'Type') ?? '').toLowerCase() !== 'input' || name.toLowerCase() === 'exception') continue;
    const status = (attribute(tag, 'Status') ?? '').toLowerCase();
    if (status === 'empty') return 'empty';
    if (status === 'cards present') return 'present';
    return null;
  }
  return null;
}

/** Everything the vendor answers tell, merged; nothing usable leaves every field null. */
export function vendorSupplies(v: VendorResult): VendorSupplies {
  const out: VendorSupplies = { ribbonPercent: null, filmPercent: null, ribbonName: null, hopper: null, sources: [] };
  const supplies = v.bidi[SUPPLIES_SCHEMA];
  if (supplies?.ok) {
    const s = parseSuppliesStatus3(supplies.text);
    if (s && (s.ribbonPercent !== null || s.filmPercent !== null)) {
      Object.assign(out, s);
      out.sources.push('bidi SuppliesStatus3');
    }
  }
  const hopper = v.bidi[HOPPER_SCHEMA];
  if (hopper?.ok) {
    const h = parseHopperStatus(hopper.text);
    if (h !== undefined && h !== null) {
      out.hopper = h;
      out.sources.push('bidi Hopper:Status');
    }
  }
  if (v.fargo?.ok) {
    const ribbon = percentOf(v.fargo.properties.RibbonPercentRemaining);
    const film = percentOf(v.fargo.properties.FilmPercentRemaining);
    if (ribbon !== null || film !== null) {
      out.ribbonPercent ??= ribbon;
      out.filmPercent ??= film;
      out.sources.push('FARGO SDK PrinterInfo');
    }
  }
  return out;
}

export interface SupplyOptions {
  lowPercent: number;
  ribbonCapacity?: number;
  filmCapacity?: number;
}

function roll(kind: 'ribbon' | 'film', name: string, percent: number | null, capacity: number | undefined, low: number): SupplyReading {
  const status: SupplyStatus = percent === null ? 'unknown' : percent === 0 ? 'empty' : percent <= low ? 'low' : 'ok';
  return {
    kind,
    name,
    levelPercent: percent,
    remaining: percent !== null && capacity !== undefined ? Math.round((percent / 100) * capacity) : null,
    capacity: capacity ?? null,
    status,
  };
}

/**
 * The contract's ribbon, film and blanks from the vendor's answers and the spooler's reasons.
 * Without vendor software the levels are null (status unknown): the agent's own count stands.
 */
export function suppliesOf(v: VendorSupplies, spoolerReasons: readonly string[], o: SupplyOptions): { supplies: SupplyReading[]; reasons: string[] } {
  const reasons: string[] = [];
  const ribbon = roll('ribbon', v.ribbonName ?? 'Ribbon', v.ribbonPercent, o.ribbonCapacity, o.lowPercent);
  const film = roll('film', 'Retransfer film', v.filmPercent, o.filmCapacity, o.lowPercent);
  for (const s of [ribbon, film]) {
    if (s.status === 'empty') reasons.push(`${s.kind}-empty`);
    else if (s.status === 'low') reasons.push(`${s.kind}-low`);
  }
  let blanks: SupplyStatus = 'unknown';
  if (v.hopper === 'empty' || spoolerReasons.includes('media-empty')) blanks = 'empty';
  else if (spoolerReasons.includes('media-low')) blanks = 'low';
  else if (v.hopper === 'present') blanks = 'ok';
  if (v.hopper === 'empty') reasons.push('media-empty');
  const hopper: SupplyReading = { kind: 'blanks', name: 'Card hopper', levelPercent: null, remaining: null, capacity: null, status: blanks };
  return { supplies: [ribbon, film, hopper], reasons };
}
