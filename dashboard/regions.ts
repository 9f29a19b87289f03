/**
 * Names of Indonesia's provinces and regencies/cities by their Kemendagri codes, shipped with
 * the dashboard (regions.json says its source and date), so the page says "Kota Kupang" where
 * a topic says 5371. The configuration's `dashboard.regencies.<code>.name` wins over the list.
 */
import regions from './regions.json' with { type: 'json' };

interface RegionFile {
  source: string;
  retrieved: string;
  provinces: Record<string, string>;
  regencies: Record<string, string>;
}

const FILE = regions as RegionFile;

export const REGION_SOURCE = { source: FILE.source, retrieved: FILE.retrieved };

/** The name of a province (2 digits) or regency (4 digits) code; null for a code not in the list. */
export function regionNames(overrides: Record<string, { name?: string }> = {}): (code: string) => string | null {
  return (code) => {
    const own = Object.hasOwn(overrides, code) ? overrides[code]?.name : undefined;
    if (own) return own;
    const table = code.length === 2 ? FILE.provinces : FILE.regencies;
    return Object.hasOwn(table, code) ? (table[code] ?? null) : null;
  };
}
