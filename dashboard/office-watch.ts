/**
 * The office's own low (office.blanks.low), which only the dashboard can see: the office's blanks
 * in the store, at its printers and on their way fall to its request point (what lasts the lead
 * time and a week at its rate). Raised and cleared as an event of the office (its id where a
 * station's would be), so the feed, the page, /metrics and Alertmanager treat it as any alert,
 * with the office as a label.
 */
import type { Logger } from 'pino';
import { older } from './active-alerts.js';
import type { OfficeApi, OfficeStock } from './office-api.js';
import type { DashboardStore, StoredEvent } from './store.js';

export const OFFICE_LOW = 'office.blanks.low';

export class OfficeWatch {
  private raised: Set<string> | undefined;
  /** The last seq given: an office's events are ordered by it, so it only grows, whatever the wall clock does. */
  private lastSeq = 0;

  constructor(
    private readonly o: { offices: OfficeApi; store: DashboardStore; now: () => number; log: Logger; onAlert: (e: StoredEvent) => void },
  ) {}

  /** Look at every office once: an office newly low is raised, one back above its point cleared. */
  async run(): Promise<void> {
    if (!this.raised) {
      const stored = (await this.o.store.latestAlertEvents()).filter((e) => e.code === OFFICE_LOW);
      this.raised = OfficeWatch.stillRaised(stored);
      this.lastSeq = Math.max(0, ...stored.map((e) => e.seq));
    }
    const stocks = await this.o.offices.stocks();
    for (const s of stocks) {
      // Figures that cannot be (dashboard/plausible.ts) say nothing of its low: not judged until they are put right.
      if (s.implausible?.length) continue;
      const was = this.raised.has(s.office);
      if (s.low === was) continue;
      const now = this.o.now();
      // The wall's ms as a seq, but never less than the last one plus one: a clock set back between a raise and its clear.
      const seq = (this.lastSeq = Math.max(now, this.lastSeq + 1));
      const e = await this.o.store.addEvent({ station: s.office, province: s.province, regency: s.regency, ts: new Date(now).toISOString(), seq, code: OFFICE_LOW, state: s.low ? 'raised' : 'cleared', severity: 'warning', message: message(s) });
      if (!e) continue;
      if (s.low) this.raised.add(s.office);
      else this.raised.delete(s.office);
      this.o.log.info({ office: s.office, low: s.low }, `${OFFICE_LOW} ${e.state}`);
      this.o.onAlert(e);
    }
  }

  /** The offices raised and not cleared since, from the stored feed's latest raise and clear of each, in whatever order it lists them. */
  private static stillRaised(events: StoredEvent[]): Set<string> {
    const latest = new Map<string, { raised?: StoredEvent; cleared?: StoredEvent }>();
    for (const e of events) {
      const cur = latest.get(e.station) ?? {};
      const held = e.state === 'raised' ? cur.raised : cur.cleared;
      if (!held || older(held, e)) latest.set(e.station, { ...cur, [e.state === 'raised' ? 'raised' : 'cleared']: e });
    }
    return new Set([...latest].filter(([, l]) => l.raised && (!l.cleared || older(l.cleared, l.raised))).map(([office]) => office));
  }
}

function message(s: OfficeStock): string {
  const stock = s.onHand + s.inTransit;
  return s.low
    ? `office ${s.office}: ${stock} blanks (store, printers and in transit) at or under its request point of ${s.requestPoint} at ${s.ratePerDay} cards a day: write to the ministry now (GET /api/request?office=${s.office})`
    : `office ${s.office}: ${stock} blanks, above its request point of ${s.requestPoint}`;
}
