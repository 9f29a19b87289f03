/**
 * The nation's part of the API: the tree of provinces, regencies, offices and stations
 * (`/api/nation`, the page `/nation`), idle stock found and moved (`/api/allocation`, CSV, the
 * page `/allocation`) and the nation's month (`/api/reconciliation?nation`). Every answer leaves
 * out what the flags name (dashboard/nation.ts) and lists the flags beside it.
 */
import { setImmediate as pause } from 'node:timers/promises';
import type { Accounts } from './accounts.js';
import { allocation, allocationCsv, type Allocation } from './allocation.js';
import type { StationRow } from './fleet.js';
import { findLevel, nation, shallow, type Level, type LevelKind, type Nation } from './nation.js';
import { allocationPage, nationPage } from './nation-pages.js';
import type { OfficeApi, OfficeStock } from './office-api.js';
import { Raw } from './raw.js';
import type { DashboardSection } from './section.js';
import { distance } from './views.js';
import { HttpError } from '../platform/http.js';

const ID = /^[A-Za-z0-9._-]{1,64}$/;
/** The tree is made again at most this often (the offices' stock has its own pace)... */
const FRESH_MS = 5_000;
/** ...and answered from the last one while the next is made, while that is under this old. */
const STALE_MS = 60_000;
const LEVELS: readonly LevelKind[] = ['office', 'regency', 'province'];

export interface NationApiDeps {
  offices: OfficeApi;
  accounts: Accounts;
  rows: () => StationRow[];
  names: (code: string) => string | null;
  cfg: Pick<DashboardSection, 'minCardsPerDay' | 'idleMonths' | 'regencies'>;
  now: () => number;
  /** Monotonic time: how old the tree is (a wall clock set back must not keep it). */
  monotonic: () => number;
  day: (ms: number) => string;
}

interface Tree {
  /** When it was made, monotonic ms. */
  at: number;
  value: Nation;
  stocks: OfficeStock[];
  /** Made from this tree when first asked, and kept with it. */
  allocation?: Allocation & { flags: Nation['flags'] };
}

export class NationApi {
  private cache: Tree | undefined;
  private building: Promise<Tree> | undefined;
  private generation = 0;

  constructor(private readonly d: NationApiDeps) {}

  async handle(method: string, url: URL): Promise<unknown> {
    if (method !== 'GET') return undefined;
    const lang = url.searchParams.get('lang') === 'en' ? 'en' : 'id';
    const query = [...url.searchParams].filter(([k]) => k !== 'lang').map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    switch (url.pathname) {
      case '/api/nation':
        return this.level(url);
      case '/nation':
        return new Raw('text/html; charset=utf-8', nationPage({ ...(await this.level(url)), minCardsPerDay: this.d.cfg.minCardsPerDay }, lang, query));
      case '/api/allocation': {
        const a = await this.allocation();
        return url.searchParams.get('format') === 'csv' ? new Raw('text/csv; charset=utf-8', allocationCsv(a)) : a;
      }
      case '/allocation':
        return new Raw('text/html; charset=utf-8', allocationPage(await this.allocation(), (await this.tree()).stocks, lang, query));
      case '/api/reconciliation':
        if (!url.searchParams.has('nation')) return undefined;
        return this.d.offices.reconciliationAnswer(url, { kind: 'nation', id: 'nation' }, await this.excluded());
      default:
        return undefined;
    }
  }

  forget(): void {
    this.cache = undefined;
    this.building = undefined;
    this.generation++;
  }

  /**
   * The tree, made again at most every few seconds (the pages of a ministry ask together; one
   * making for all of them), and answered from the last one while the next is made, as long as
   * that is under a minute old (as the offices' stock is): at a nation's size a making takes a
   * second under load, which every page would otherwise wait for every few seconds.
   */
  async tree(): Promise<Tree> {
    const mono = this.d.monotonic();
    const age = this.cache ? mono - this.cache.at : Infinity;
    if (this.cache && age < FRESH_MS) return this.cache;
    const building = (this.building ??= this.build(mono, this.generation).finally(() => {
      if (this.building === building) this.building = undefined;
    }));
    building.catch(() => undefined); // its failure reaches whoever waits on it; a later question tries again
    return this.cache && age < STALE_MS ? this.cache : building;
  }

  private async build(mono: number, generation: number): Promise<Tree> {
    const [stocks, claims] = await Promise.all([this.d.offices.stocks(), this.d.accounts.claims()]);
    // The stations' rows and the tree each take a tenth of a second or more at a nation's size: the messages are let in between.
    await pause();
    const rows = this.d.rows();
    await pause();
    const tree: Tree = { at: mono, value: nation({ rows, stocks, claims, names: this.d.names, minCardsPerDay: this.d.cfg.minCardsPerDay }), stocks };
    // A retirement decided meanwhile makes this tree old: it is given to who asked, not kept.
    if (generation === this.generation) this.cache = tree;
    return tree;
  }

  /** Offices the flags leave out of the nation's figures. */
  private async excluded(): Promise<Set<string>> {
    const { value, stocks } = await this.tree();
    const kept = new Set(collectOffices(value.nation));
    return new Set(stocks.map((s) => s.office).filter((o) => !kept.has(o)));
  }

  /** Made with the tree it comes from, and kept as long as it (a nation's takes a tenth of a second or more). */
  private async allocation(): Promise<Allocation & { flags: Nation['flags'] }> {
    const tree = await this.tree();
    if (!tree.allocation) await pause(); // the tree was just made: the messages first
    if (!tree.allocation) {
      const kept = new Set(collectOffices(tree.value.nation));
      tree.allocation = { ...allocation(tree.stocks.filter((s) => kept.has(s.office)), { today: this.d.day(this.d.now()), idleMonths: this.d.cfg.idleMonths, distance: (a, b) => distance(this.d.cfg, a, b) }), flags: tree.value.flags };
    }
    return tree.allocation;
  }

  /** The level asked for (`?province=`, `?regency=`, `?office=`, or the nation), its children in short, and the flags. */
  private async level(url: URL): Promise<{ level: Level; path: { kind: LevelKind; id: string; name: string | null }[]; flags: Nation['flags'] }> {
    const given = LEVELS.filter((k) => url.searchParams.has(k));
    if (given.length > 1) throw new HttpError(400, { id: `berikan paling banyak satu dari ${LEVELS.join(', ')}, diberikan ${given.join(' dan ')}`, en: `give at most one of ${LEVELS.join(', ')}, given ${given.join(' and ')}` });
    const { value } = await this.tree();
    const kind = given[0];
    if (kind === undefined) return { level: shallow(value.nation), path: [], flags: value.flags };
    const id = url.searchParams.get(kind) ?? '';
    if (!ID.test(id)) throw new HttpError(400, { id: `${kind}: harus id berisi huruf, angka, ".", "_" atau "-", diberikan ${JSON.stringify(id).slice(0, 80)}`, en: `${kind}: expected an id of letters, digits, ".", "_" or "-", given ${JSON.stringify(id).slice(0, 80)}` });
    const path = pathTo(value.nation, kind, id);
    const found = findLevel(value.nation, kind, id);
    if (!found || !path) {
      const flag = value.flags.find((f) => f.id === id);
      throw new HttpError(404, flag ? { id: `${id} ditandai dan tidak dihitung: ${flag.words.id}`, en: `${id} is flagged and not counted: ${flag.words.en}` } : { id: `tidak ada ${kind} ${id} di dasbor ini`, en: `no ${kind} ${id} on this dashboard` });
    }
    return { level: shallow(found), path, flags: value.flags };
  }
}

function collectOffices(l: Level): string[] {
  return l.kind === 'office' ? [l.id] : l.children.flatMap(collectOffices);
}

function pathTo(l: Level, kind: LevelKind, id: string): { kind: LevelKind; id: string; name: string | null }[] | null {
  if (l.kind === kind && l.id === id) return [];
  for (const c of l.children) {
    const p = pathTo(c, kind, id);
    if (p) return l.kind === 'nation' ? p : [{ kind: l.kind, id: l.id, name: l.name }, ...p];
  }
  return null;
}
