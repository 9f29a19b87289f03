/**
 * The office's own low, which only the dashboard can see: raised once when an office's blanks
 * (store, printers, in transit) reach its request point, cleared when back above it, carried to
 * Alertmanager with the office as a label and to /metrics as the office's figures.
 */
import { describe, expect, it } from 'vitest';
import { toAmAlert } from '../../dashboard/alertmanager.js';
import type { OfficeApi, OfficeStock } from '../../dashboard/office-api.js';
import { OFFICE_LOW, OfficeWatch } from '../../dashboard/office-watch.js';
import { metricsText } from '../../dashboard/prometheus.js';
import { DashboardStore, type StoredEvent } from '../../dashboard/store.js';
import { quietLog, tempDir } from '../support/sim.js';

const stock = (onHand: number): OfficeStock => ({ office: '5371-DINAS', name: 'Dinas Dukcapil Kota Kupang', regency: '5371', province: '53', onHand, inTransit: 100, ratePerDay: 150, daysLeft: (onHand + 100) / 150, requestPoint: 150 * 35, requestOn: null, leadDays: 28, boxSize: 100, low: onHand + 100 <= 150 * 35, printedYesterday: 140, printedToday: 0, stations: [], month: { opening: 0, received: 0, borrowed: 0, lent: 0, printed: 840, spoiled: 0, corrections: 0, closing: 0, problems: 0 }, silent: [], updatedAt: '2026-12-06' });

describe('office.blanks.low', () => {
  it('raised once at the request point, cleared above it, and remembered across a restart of the dashboard', async () => {
    const dir = tempDir('office-watch-');
    let current = stock(9000);
    const offices = { stocks: () => Promise.resolve([current]) } as unknown as OfficeApi;
    let t = Date.UTC(2026, 11, 7, 2);
    const alerts: StoredEvent[] = [];
    const store = await DashboardStore.open(dir);
    const watch = new OfficeWatch({ offices, store, now: () => (t += 1000), log: quietLog, onAlert: (e) => alerts.push(e) });
    await watch.run();
    current = stock(4000);
    await watch.run();
    await watch.run();
    expect(alerts.map((e) => `${e.station} ${e.code} ${e.state}`)).toEqual([`5371-DINAS ${OFFICE_LOW} raised`]);
    expect(alerts[0]?.message).toMatch(/4100 blanks .* request point of 5250 at 150 cards a day: write to the ministry now/);
    await store.close();
    const again = await DashboardStore.open(dir);
    const after = new OfficeWatch({ offices, store: again, now: () => (t += 1000), log: quietLog, onAlert: (e) => alerts.push(e) });
    await after.run();
    expect(alerts).toHaveLength(1);
    current = stock(9000);
    await after.run();
    expect(alerts.map((e) => e.state)).toEqual(['raised', 'cleared']);
    await again.close();
  });

  it('an office whose figures cannot be (a rate of 10^9 cards a day) raises no low: neither raised nor cleared while they are listed', async () => {
    let current: OfficeStock = { ...stock(4000), ratePerDay: 1e9, requestPoint: 35e9, low: true, implausible: [{ station: 'X-01', office: '5371-DINAS', day: '2026-12-06', what: 'daily.cards', value: 1e9, limit: 86_400, words: { id: 'x', en: 'x' } }] };
    const offices = { stocks: () => Promise.resolve([current]) } as unknown as OfficeApi;
    let t = Date.UTC(2026, 11, 7, 2);
    const alerts: StoredEvent[] = [];
    const store = await DashboardStore.open(tempDir('office-watch-'));
    const watch = new OfficeWatch({ offices, store, now: () => (t += 1000), log: quietLog, onAlert: (e) => alerts.push(e) });
    await watch.run();
    expect(alerts).toEqual([]);
    // Its figures put right: judged again.
    current = stock(4000);
    await watch.run();
    expect(alerts.map((e) => e.state)).toEqual(['raised']);
    await store.close();
  });

  it("is cleared after the dashboard's clock was set back an hour between the raise and the clear, across a restart too", async () => {
    const dir = tempDir('office-watch-step-');
    let current = stock(4000);
    const offices = { stocks: () => Promise.resolve([current]) } as unknown as OfficeApi;
    let t = Date.UTC(2026, 11, 7, 2);
    const alerts: StoredEvent[] = [];
    const store = await DashboardStore.open(dir);
    await new OfficeWatch({ offices, store, now: () => t, log: quietLog, onAlert: (e) => alerts.push(e) }).run();
    t -= 3_600_000;
    await store.close();
    const again = await DashboardStore.open(dir);
    const after = new OfficeWatch({ offices, store: again, now: () => t, log: quietLog, onAlert: (e) => alerts.push(e) });
    current = stock(9000);
    await after.run();
    expect(alerts.map((e) => e.state)).toEqual(['raised', 'cleared']);
    expect(alerts[1]?.seq, 'the clear comes after its raise in the office\'s own order').toBeGreaterThan(alerts[0]?.seq ?? Infinity);
    // A dashboard started again reads the office as cleared from its feed: it clears nothing twice.
    await new OfficeWatch({ offices, store: again, now: () => t, log: quietLog, onAlert: (e) => alerts.push(e) }).run();
    expect(alerts).toHaveLength(2);
    await again.close();
  });

  it('reaches Alertmanager with the office as a label, and /metrics as the office\'s figures', async () => {
    const a = { station: '5371-DINAS', province: '53', regency: '5371', code: OFFICE_LOW, severity: 'warning', message: 'x', startsAtMs: 0, ts: '2026-12-07T00:00:00.000Z', seq: 1, install: 0 };
    expect(toAmAlert(a, 1000).labels).toMatchObject({ alertname: OFFICE_LOW, office: '5371-DINAS', regency: '5371' });
    expect(toAmAlert({ ...a, code: 'supply.film.low', station: '5371-01' }, 1000).labels).not.toHaveProperty('office');
    const metrics = await metricsText({
      entries: [],
      nowMs: 0,
      staleAfterMs: 60_000,
      offices: [
        { office: '5371-DINAS', province: '53', regency: '5371', onHand: 4100, daysLeft: 27.3, requestPoint: 5250, ratePerDay: 150, printedMonth: 840 },
        { office: '5371-KEC-ALAK', province: '53', regency: '5371', onHand: 300, daysLeft: null, requestPoint: null, ratePerDay: 0, printedMonth: 0 },
      ],
    });
    const body = metrics.body.toString();
    expect(body).toContain('ektp_office_blanks_on_hand{office="5371-DINAS",province="53",regency="5371"} 4100');
    expect(body).toContain('ektp_office_days_left{office="5371-DINAS",kind="blanks"} 27.3');
    expect(body).toContain('ektp_office_blanks_request_point{office="5371-DINAS"} 5250');
    expect(body).toContain('ektp_office_blanks_per_day{office="5371-DINAS"} 150');
    expect(body).toContain('ektp_office_cards_printed_month{office="5371-DINAS"} 840');
    // No use is a rate of 0 and a month of 0 cards: known figures, unlike the point and the days.
    expect(body).toContain('ektp_office_blanks_per_day{office="5371-KEC-ALAK"} 0');
    expect(body).toContain('ektp_office_cards_printed_month{office="5371-KEC-ALAK"} 0');
    // No use yet: no request point, as no days left.
    expect(body).not.toMatch(/ektp_office_(blanks_request_point|days_left)\{office="5371-KEC-ALAK"/);
  });
});
