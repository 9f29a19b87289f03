/**
 * Offices in one process, on the agent's own code: each PC a station database with its ledgers
 * (and the store's book at a store PC) and its accounts publisher, all on one manual clock; what
 * they publish goes, as the broker would carry it, into a dashboard's accounts. For the
 * reconciliation and the request, tested on figures the agent really makes.
 */
import { rmSync } from 'node:fs';
import { Db } from '../../platform/db.js';
import { ManualClock } from '../../core/clock.js';
import { postCard } from '../../agent/ledger/card.js';
import { Ledger } from '../../agent/ledger/blanks.js';
import type { SpoilCode } from '../../agent/ledger/spoil-codes.js';
import { OfficeBook } from '../../agent/office/book.js';
import { AccountsPublisher } from '../../agent/office/publish.js';
import { Store } from '../../agent/store/store.js';
import { Outbox } from '../../telemetry/outbox.js';
import type { DailyPayload, OfficeEntryPayload } from '../../telemetry/payloads.js';
import { Telemetry } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import { Accounts, ACCOUNTS_SCHEMA } from '../../dashboard/accounts.js';
import { memoryDir, quietLog } from './sim.js';

export interface SimPc {
  id: string;
  office: string;
  regency: string;
  province: string;
  store: Store;
  ledger: Ledger;
  book: OfficeBook | null;
  outbox: Outbox;
  publisher: AccountsPublisher;
  sentUpTo: number;
  /** Cards printed so far (record ids are made up from it: synthetic, never a NIK). */
  cards: number;
}

export class OfficeWorld {
  readonly pcs = new Map<string, SimPc>();
  /** The PCs' folders, in memory: removed at close. */
  private readonly dirs: string[] = [];
  /** Where collected messages also go, as published (topic, payload): a real broker, for tests of the dashboard process. */
  relay: ((topic: string, payload: string) => Promise<void>) | undefined;
  private constructor(
    readonly clock: ManualClock,
    readonly accounts: Accounts,
    private readonly db: Db,
    readonly timeZone: string,
  ) {}

  static async start(startDay: string, timeZone = 'Asia/Makassar'): Promise<OfficeWorld> {
    // 08:00 in the zone of a WITA office: the stations' day has begun.
    const clock = new ManualClock(Date.parse(`${startDay}T00:00:00Z`));
    const db = await Db.open(':memory:');
    await db.exec(ACCOUNTS_SCHEMA);
    return new OfficeWorld(clock, new Accounts(db), db, timeZone);
  }

  async pc(id: string, o: { office: string; regency: string; province?: string; store?: { register: string[]; transitDays?: number }; printer?: boolean }): Promise<SimPc> {
    const province = o.province ?? o.regency.slice(0, 2);
    const dir = memoryDir('office-sim-');
    this.dirs.push(dir);
    const store = await Store.open(dir, () => this.clock.now());
    const topics = stationTopics('ektp/v1', { id, province, regency: o.regency });
    const outbox = new Outbox(store, { maxMessages: 1_000_000, maxBytes: 2 ** 40, maxAgeSeconds: 86_400 * 365 }, this.clock);
    await outbox.init();
    const telemetry = new Telemetry(store, outbox, () => ({ connected: true, lastError: null, refused: 0 }), id, topics, this.clock, quietLog);
    const publisher = new AccountsPublisher({ store, telemetry, topics, station: id, office: o.office, timeZone: this.timeZone, hasPrinter: o.printer ?? !o.store, keepsStore: Boolean(o.store), clock: this.clock, log: quietLog });
    const book = o.store ? new OfficeBook(store.db, { officeId: o.office, register: o.store.register, timeZone: this.timeZone, now: () => this.clock.now() }) : null;
    const pc: SimPc = { id, office: o.office, regency: o.regency, province, store, ledger: new Ledger(store.db), book, outbox, publisher, sentUpTo: 0, cards: 0 };
    this.pcs.set(id, pc);
    if (o.store) await this.accounts.noteOffice({ station: id, province, regency: o.regency }, { id: o.office, store: true, transitDays: o.store.transitDays ?? 2, leadDays: 28, boxSize: 100 });
    return pc;
  }

  get(id: string): SimPc {
    const pc = this.pcs.get(id);
    if (!pc) throw new Error(`no PC ${id}`);
    return pc;
  }

  async print(id: string, cards: number, spoiled: { code: SpoilCode; n: number }[] = []): Promise<void> {
    const pc = this.get(id);
    const at = this.clock.now();
    await pc.store.db.transaction(async (tx) => {
      for (let i = 0; i < cards; i++) await postCard(tx, 'print', at, `SIM-${id}-${pc.cards++}`);
      for (const s of spoiled) for (let i = 0; i < s.n; i++) await postCard(tx, 'spoil', at, `SIM-${id}-${pc.cards++}`, s.code);
    });
  }

  /** Every PC publishes; what its outbox holds goes to the dashboard's accounts, as the broker would carry it. */
  async collect(only?: (pc: SimPc) => boolean): Promise<void> {
    for (const pc of this.pcs.values()) {
      if (only && !only(pc)) continue;
      await pc.publisher.runOnce();
      for (const m of await pc.outbox.page(pc.sentUpTo, Number.MAX_SAFE_INTEGER, 100_000)) {
        pc.sentUpTo = m.seq;
        await this.relay?.(m.topic, m.payload);
        const place = { station: pc.id, province: pc.province, regency: pc.regency };
        const p = JSON.parse(m.payload) as { schema: string };
        if (p.schema === 'office.entry/1') await this.accounts.addEntry(place, p as OfficeEntryPayload);
        if (p.schema === 'station.daily/1') await this.accounts.addDay(place, p as DailyPayload);
      }
      await pc.outbox.ack((await pc.outbox.page(0, pc.sentUpTo + 1, 100_000)).map((m) => m.seq));
    }
  }

  /** The next day, its figures collected at its end. */
  async endDay(only?: (pc: SimPc) => boolean): Promise<void> {
    this.clock.advance(86_400_000);
    await this.collect(only);
  }

  async close(): Promise<void> {
    for (const pc of this.pcs.values()) await pc.store.close();
    await this.db.close();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}
