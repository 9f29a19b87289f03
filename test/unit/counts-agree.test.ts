/**
 * Issue 31, "counts that agree": a card printed, found spoiled, printed again is one good card
 * and one spoiled card on the station page, in `status`, in health and on the dashboard; the
 * queue's printedToday still counts both trips through the printer, as documented.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { note } from '../../agent/jobs/notes.js';
import { systemClock } from '../../core/clock.js';
import { configSchema } from '../../agent/config/schema.js';
import { JobRepo } from '../../agent/jobs/repo.js';
import { QueueSummary } from '../../agent/jobs/summary.js';
import { Ledger } from '../../agent/ledger/blanks.js';
import { postCard } from '../../agent/ledger/card.js';
import { cardsOfDay, ledgerSince } from '../../agent/ledger/good-cards.js';
import { dayFigures } from '../../agent/office/daily.js';
import { dayIn } from '../../agent/office/days.js';
import { PageView } from '../../agent/operator/page-view.js';
import { formatStatus } from '../../agent/station/status.js';
import { Store } from '../../agent/store/store.js';
import { toRow } from '../../dashboard/fleet.js';
import { metricsText } from '../../dashboard/prometheus.js';
import { ranking } from '../../dashboard/views.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { health, ingestRig, openStores } from '../support/dashboard-rig.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { quietLog, simPrinterHarness, tempDir } from '../support/sim.js';

const ZONE = 'Asia/Makassar';
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const s of openStores.splice(0)) await s.close();
});

async function printOnce(store: Store, recordId: string): Promise<void> {
  const at = systemClock.now();
  await store.db.transaction(async (tx) => {
    await JobRepo.move(tx, recordId, ['queued'], 'fetching', at, note('legacy', { text: 'test' }));
    await JobRepo.move(tx, recordId, ['fetching'], 'ready', at, note('legacy', { text: 'test' }));
    await JobRepo.move(tx, recordId, ['ready'], 'printing', at, note('legacy', { text: 'test' }));
    await JobRepo.move(tx, recordId, ['printing'], 'printed', at, note('legacy', { text: 'test' }));
    await postCard(tx, 'print', at, recordId);
  });
}

/** A station where SYN-0001 was printed, spoiled (smudged) and printed again today. */
async function spoiledAndReprinted() {
  const store = await Store.open(tempDir('counts-'));
  stores.push(store);
  const repo = new JobRepo(store.db, () => systemClock.now());
  await store.db.run("INSERT INTO ledger (at, kind, qty, batch) VALUES (?, 'receive', 10, 'SYN-B')", [systemClock.now()]);
  await repo.add(['SYN-0001']);
  await printOnce(store, 'SYN-0001');
  await repo.spoil('SYN-0001', 'smudged');
  await repo.add(['SYN-0001']);
  await printOnce(store, 'SYN-0001');
  return { store, repo };
}

describe('counts that agree after a spoil and reprint', () => {
  it('health, status and the page say 1 good and 1 spoiled today; printedToday stays 2', async () => {
    const { store, repo } = await spoiledAndReprinted();
    const summary = new QueueSummary({ store, repo, timeZone: ZONE });
    await summary.update(0, systemClock.now(), null, false);
    expect(summary.get()).toMatchObject({ printedToday: 2, goodToday: 1, spoiledToday: 1 });

    const h = health('5371-01', '5371', (x) => Object.assign(x.jobs, { printedToday: 2, goodToday: summary.get().goodToday, spoiledToday: summary.get().spoiledToday }), 1, systemClock.now());
    expect(payloadErrors(schemaValidators(), h)).toEqual([]);
    const report = { dataDir: '/tmp/x', health: h, ageSeconds: 1, stale: false, agent: null };
    expect(formatStatus(report, 'en')).toMatch(/1 good card today, 1 spoiled today/);
    expect(formatStatus(report, 'id')).toMatch(/1 kartu baik hari ini, 1 rusak hari ini/);

    const printer = simPrinterHarness();
    const page = new PageView({
      store,
      printer: printer.driver,
      snapshot: () => h,
      snapshotAt: () => systemClock.monotonic(),
      staleSeconds: 30,
      yields: { ribbon: 250, film: 250 },
      station: { id: '5371-01' },
      config: configSchema().parse({ station: { id: '5371-01', province: '53', regency: '5371', timeZone: ZONE }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'none' } }),
      language: 'en',
      clock: systemClock,
      kick: () => undefined,
      log: quietLog,
    });
    const view = (await page.build()) as { view: { queue: Record<string, number> }; stock: { good: number; spoiled: number; since: string | null } };
    expect(view.view.queue).toMatchObject({ goodToday: 1, spoiledToday: 1 });
    expect(view.stock).toMatchObject({ good: 1, spoiled: 1, since: dayIn(systemClock.now(), ZONE) });
  });

  it("good and spoiled today are the daily accounts' figures, on the station's days, not the PC's", async () => {
    const store = await Store.open(tempDir('counts-day-'));
    stores.push(store);
    // 23:30 and 00:30 WITA (UTC+8) on either side of the station's midnight of 2026-11-20.
    const late = Date.parse('2026-11-19T15:30:00Z');
    const early = Date.parse('2026-11-19T16:30:00Z');
    await store.db.run("INSERT INTO ledger (at, kind, qty, batch) VALUES (?, 'receive', 10, 'SYN-B')", [late - 3600_000]);
    await store.db.transaction(async (tx) => {
      await postCard(tx, 'print', late, 'SYN-1'); // yesterday's good card...
      await Ledger.spoilPrinted(tx, 'SYN-1', 'smudged', early, 'smudge'); // ...found spoiled today
      await postCard(tx, 'print', early + 60_000, 'SYN-1'); // and printed again
      await postCard(tx, 'print', early + 120_000, 'SYN-2');
    });
    const now = early + 3600_000;
    const today = await cardsOfDay(store.db, now, ZONE);
    const daily = await dayFigures(store.db, '2026-11-20', { timeZone: ZONE, hasPrinter: true, store: false, today: '2026-11-20' });
    expect(today).toEqual({ day: '2026-11-20', good: 1, spoiled: 1 });
    expect({ good: today.good, spoiled: today.spoiled }).toEqual({ good: daily.good, spoiled: daily.spoiled });
    expect(await cardsOfDay(store.db, late, ZONE)).toEqual({ day: '2026-11-19', good: 1, spoiled: 0 });
    expect(await ledgerSince(store.db, ZONE)).toBe('2026-11-19');
    expect(await ledgerSince(store.db, 'UTC')).toBe('2026-11-19');
  });

  it("the dashboard's printed today and ranking count good cards: 1, not 2, through the spoil and the reprint", async () => {
    const { send, ingest, fleet, at: clock } = await rig();
    const t = Date.parse('2026-11-20T03:00:00Z');
    clock(t + 3600_000);
    const at = (i: number, jobs: Partial<HealthPayload['jobs']>) => health('5371-01', '5371', (x) => Object.assign(x.jobs, jobs), i + 1, t + i * 60_000);
    await send('5371/5371-01/health', at(0, { printedToday: 1, goodToday: 1, spoiledToday: 0 }));
    await send('5371/5371-01/health', at(1, { printedToday: 1, goodToday: 0, spoiledToday: 1 }));
    await send('5371/5371-01/health', at(2, { printedToday: 2, goodToday: 1, spoiledToday: 1 }));
    expect(ingest.daily.get('5371-01')?.get('2026-11-20')).toBe(1);
    const row = toRow(fleet.entries.get('5371-01') as never, t + 3600_000, 600_000);
    expect(row).toMatchObject({ printedToday: 1, goodToday: 1, spoiledToday: 1 });
    const cfg = dashboardSectionSchema().parse({});
    expect(ranking([row], ingest.daily, ['2026-11-20'], cfg)[0]).toMatchObject({ today: 1, week: 1 });
    const body = (await metricsText({ entries: [...fleet.entries.values()], nowMs: t + 3600_000, staleAfterMs: 600_000 })).body.toString();
    expect(body).toMatch(/^ektp_cards_good_today\{station="5371-01"\} 1$/m);
    expect(body).toMatch(/^ektp_cards_spoiled_today\{station="5371-01"\} 1$/m);
    expect(body).toMatch(/^ektp_cards_printed_today\{station="5371-01"\} 2$/m);
  });

  it('an older agent without goodToday is ranked by printedToday, as before', async () => {
    const { send, ingest, at: clock } = await rig();
    const t = Date.parse('2026-11-20T03:00:00Z');
    clock(t + 3600_000);
    await send('5371/5371-01/health', health('5371-01', '5371', (x) => Object.assign(x.jobs, { printedToday: 3 }), 1, t));
    expect(ingest.daily.get('5371-01')?.get('2026-11-20')).toBe(3);
  });
});

const rig = () => ingestRig();
