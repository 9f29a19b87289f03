/**
 * Days left on a borrowed rate are marked as estimates wherever a person reads them: the clerk's
 * view (the station page and `status`), in both languages, and the dashboard's row; and, as at
 * the station, an estimate is no trouble on the dashboard.
 */
import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../agent/station/status.js';
import { stationView } from '../../agent/station/view.js';
import { Fleet, toRow } from '../../dashboard/fleet.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { lending } from '../../dashboard/views.js';
import type { HealthPayload, RateSource } from '../../telemetry/payloads.js';
import { health, T0 } from '../support/dashboard-rig.js';

/** A station's health whose days left count with `cardsPerDay` from `source`. */
function withRate(source: RateSource | null, cardsPerDay: number | null, station = '5371-02'): HealthPayload {
  return health(station, '5371', (h) => {
    Object.assign(h.stock, { blanksOnHand: 300, cardsPerDay, rateSource: source, daysLeft: cardsPerDay ? 300 / cardsPerDay : null });
    for (const s of h.printer.supplies) Object.assign(s, { daysLeft: cardsPerDay ? 1.5 : null, rateSource: cardsPerDay ? source : null, status: 'ok' });
    h.alerts = [];
  });
}

const status = (h: HealthPayload, lang: 'id' | 'en') => formatStatus({ dataDir: '/tmp/x', health: h, ageSeconds: 2, stale: false, agent: null }, lang);

describe('an estimate, marked where people read it', () => {
  it("the clerk's view and status: the first estimate, with its cards a day, in either language", () => {
    const h = withRate('expected', 150);
    expect(stationView(h).estimate).toMatchObject({ source: 'expected', cardsPerDay: 150 });
    expect(stationView(h).estimate?.words.id).toMatch(/^perkiraan awal: 150 kartu per hari/);
    expect(stationView(h).estimate?.words.en).toMatch(/^first estimate: 150 cards a day/);
    expect(status(h, 'id')).toMatch(/Hari habis di atas memakai perkiraan awal: 150 kartu per hari \(stasiun ini belum punya data pemakaian sehari\)\./);
    expect(status(h, 'en')).toMatch(/The days left above use the first estimate: 150 cards a day \(this station has less than a day of its own use\)\./);
  });

  it("the office's other printers' rate, said as theirs", () => {
    const h = withRate('office', 96.4);
    expect(stationView(h).estimate).toMatchObject({ source: 'office', cardsPerDay: 96.4 });
    expect(status(h, 'id')).toMatch(/memakai perkiraan dari printer lain di kantor \(96 kartu per hari;/);
    expect(status(h, 'en')).toMatch(/use the estimate from the office's other printers \(96 cards a day;/);
    expect(status(h, 'id')).not.toMatch(/perkiraan awal/);
  });

  it('its own rate, no rate, or an agent before rateSource: nothing marked', () => {
    for (const h of [withRate('own', 40), withRate(null, null), withRate(null, 40)]) {
      expect(stationView(h).estimate).toBeNull();
      expect(status(h, 'id')).not.toMatch(/perkiraan/);
      expect(status(h, 'en')).not.toMatch(/estimate/);
    }
  });

  it("the dashboard's row carries where the rate comes from, and an estimate inside the lead time is no trouble", () => {
    const cfg = dashboardSectionSchema().parse({});
    const rowOf = (h: HealthPayload) => {
      const f = new Fleet();
      f.applyHealth({ province: h.province, regency: h.regency, station: h.station, kind: 'health' }, h, T0);
      return toRow(f.entries.get(h.station)!, T0, 60_000, { leadDays: cfg.leadDays });
    };
    const estimated = rowOf(withRate('expected', 150));
    expect(estimated).toMatchObject({ rateSource: 'expected', cardsPerDay: 150 });
    expect(estimated.trouble).toEqual([]);
    expect(rowOf(withRate('office', 120)).rateSource).toBe('office');
    const own = rowOf(withRate('own', 150));
    expect(own.rateSource).toBe('own');
    expect(own.trouble).toContain('supply.blanks.soon');
    expect(rowOf(withRate(null, null)).rateSource).toBeNull();
  });

  it('lending moves no roll on a guess: a station on an estimate is not short by its days left, and lends as one whose use is not known', () => {
    const cfg = dashboardSectionSchema().parse({ regencies: { '5371': { lat: -10.17, lon: 123.61 }, '5303': { lat: -10.02, lon: 123.89 } } });
    const film = (id: string, regency: string, source: RateSource, o: { inPrinter: number; shelf: number; daysLeft: number }) =>
      health(id, regency, (h) => {
        Object.assign(h.printer.supplies.find((x) => x.kind === 'film')!, { remaining: o.inPrinter, capacity: 1500, levelPercent: Math.round((o.inPrinter / 1500) * 100), daysLeft: o.daysLeft, status: 'ok', rateSource: source });
        Object.assign(h.stock, { filmRolls: o.shelf, cardsPerDay: 150, rateSource: source });
        h.printer.model = 'FARGO HDP5000 (simulated)';
      });
    const rowsOf = (hs: HealthPayload[]) => {
      const f = new Fleet();
      for (const h of hs) f.applyHealth({ province: h.province, regency: h.regency, station: h.station, kind: 'health' }, h, T0);
      return f.rows(T0, 60_000);
    };
    const lender = (source: RateSource) => film('5303-01', '5303', source, { inPrinter: 1500, shelf: 4, daysLeft: 10 });
    // On its own rate of 150 a day the station is short, and the lender keeps what its own 150 a day needs (2 rolls of 4).
    const own = lending(rowsOf([film('5371-01', '5371', 'own', { inPrinter: 300, shelf: 0, daysLeft: 2 }), lender('own')]), cfg).filter((x) => x.kind === 'film');
    expect(own.map((x) => [x.station, x.lenders.map((l) => `${l.station}:${l.spare}`)])).toEqual([['5371-01', ['5303-01:2']]]);
    // The same figures on the first estimate: nobody is short, and a lender on an estimate keeps one roll.
    expect(lending(rowsOf([film('5371-01', '5371', 'expected', { inPrinter: 300, shelf: 0, daysLeft: 2 }), lender('own')]), cfg).filter((x) => x.kind === 'film')).toEqual([]);
    const guessing = lending(rowsOf([film('5371-01', '5371', 'own', { inPrinter: 300, shelf: 0, daysLeft: 2 }), lender('office')]), cfg).filter((x) => x.kind === 'film');
    expect(guessing.map((x) => x.lenders.map((l) => `${l.station}:${l.spare}`))).toEqual([['5303-01:3']]);
  });
});
