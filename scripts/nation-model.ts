/**
 * A country of card-printing offices for the national benchmark: every regency of
 * dashboard/regions.json (514 of them, in 38 provinces, each in the province of its code's first
 * two digits), offices spread over them (each regency has its `<regency>-DINAS`, the others are
 * `<regency>-KEC-<n>`), and stations spread over the offices (each office's first station keeps
 * the store book and prints too). Offices differ on purpose: some idle (months of stock at a few
 * cards a day), some short (a busy office whose last delivery is running out), most in between,
 * so the nation's allocation has real moves to suggest. Seeded: the same options give the same
 * country, in every process that builds it.
 */
import regions from '../dashboard/regions.json' with { type: 'json' };
import { rng } from './fleet-model.js';

export type OfficeKind = 'idle' | 'short' | 'normal';

export interface NationStation {
  id: string;
  province: string;
  regency: string;
  office: string;
  /** Keeps the office's store book (and prints as well). */
  store: boolean;
  /** Position in the whole country, for splitting it between fleet processes. */
  index: number;
  /** Cards a day this printer uses, on average. */
  cardsPerDay: number;
}

export interface NationOffice {
  id: string;
  name: string;
  province: string;
  regency: string;
  kind: OfficeKind;
  timeZone: string;
  leadDays: number;
  boxSize: number;
  transitDays: number;
  stations: NationStation[];
}

export interface Nation {
  provinces: string[];
  regencies: string[];
  offices: NationOffice[];
  stations: NationStation[];
}

export interface NationOptions {
  stations: number;
  offices: number;
  seed: number;
}

const REGENCIES = regions.regencies as Record<string, string>;

/** Indonesia's three zones, by province code: WIT in Maluku and Papua, WITA from Bali to Sulawesi and east Kalimantan, WIB elsewhere. */
export function zoneOf(province: string): string {
  const p = Number(province);
  if (p >= 81) return 'Asia/Jayapura';
  if ((p >= 51 && p <= 53) || (p >= 63 && p <= 76)) return 'Asia/Makassar';
  return 'Asia/Jakarta';
}

/** Pick an index by weight. */
function pick(weights: readonly number[], total: number, random: () => number): number {
  let x = random() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] ?? 0;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** The regencies used: all of them when there are offices enough, else one per office, taken from each province in turn. */
function regenciesFor(offices: number): string[] {
  const all = Object.keys(REGENCIES).sort();
  if (offices >= all.length) return all;
  const byProvince = new Map<string, string[]>();
  for (const r of all) byProvince.set(r.slice(0, 2), [...(byProvince.get(r.slice(0, 2)) ?? []), r]);
  const out: string[] = [];
  for (let round = 0; out.length < offices; round++) {
    for (const list of byProvince.values()) {
      const r = list[round];
      if (out.length < offices && r) out.push(r);
    }
  }
  return out.sort();
}

export function buildNation(o: NationOptions): Nation {
  if (o.offices < 1 || o.stations < o.offices) throw new Error(`a nation needs at least one office and a station per office: ${o.offices} offices, ${o.stations} stations`);
  const random = rng(o.seed);
  const regencies = regenciesFor(o.offices);
  // Cities have many offices, remote regencies one: a weight per regency, drawn once.
  const weights = regencies.map(() => 0.2 + random() ** 2 * 3);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const extra = new Array<number>(regencies.length).fill(0);
  for (let k = regencies.length; k < o.offices; k++) extra[pick(weights, totalWeight, random)]!++;

  const offices: NationOffice[] = [];
  regencies.forEach((regency, i) => {
    const province = regency.slice(0, 2);
    const place = REGENCIES[regency] ?? regency;
    for (let n = 0; n <= (extra[i] ?? 0); n++) {
      const roll = random();
      const kind: OfficeKind = roll < 0.15 ? 'idle' : roll < 0.35 ? 'short' : 'normal';
      offices.push({
        id: n === 0 ? `${regency}-DINAS` : `${regency}-KEC-${n}`,
        name: n === 0 ? `Dinas Dukcapil ${place}` : `UPT Kecamatan ${n}, ${place}`,
        province,
        regency,
        kind,
        timeZone: zoneOf(province),
        leadDays: 21 + Math.floor(random() * 21),
        boxSize: random() < 0.8 ? 100 : 500,
        transitDays: 2,
        stations: [],
      });
    }
  });

  // Every office one station (its store PC, which prints); the rest by weight, the regency's own office heavier.
  const officeWeights = offices.map((f) => (f.id.endsWith('-DINAS') ? 3 : 1) * (0.3 + random()));
  const officeTotal = officeWeights.reduce((a, b) => a + b, 0);
  const counts = offices.map(() => 1);
  for (let k = offices.length; k < o.stations; k++) counts[pick(officeWeights, officeTotal, random)]!++;
  const stations: NationStation[] = [];
  offices.forEach((f, i) => {
    for (let n = 1; n <= (counts[i] ?? 1); n++) {
      const s: NationStation = { id: `${f.id}-${String(n).padStart(2, '0')}`, province: f.province, regency: f.regency, office: f.id, store: n === 1, index: stations.length, cardsPerDay: cardsPerDay(f.kind, random) };
      f.stations.push(s);
      stations.push(s);
    }
  });
  return { provinces: [...new Set(regencies.map((r) => r.slice(0, 2)))], regencies, offices, stations };
}

/** An idle office's printers print a few cards a day; a short one's are busy; the rest anywhere between, most of them modest. */
function cardsPerDay(kind: OfficeKind, random: () => number): number {
  if (kind === 'idle') return 1 + random() * 4;
  if (kind === 'short') return 100 + random() * 150;
  return 20 + random() ** 2 * 160;
}
