/**
 * Days in the station's zone: a dashboard adds each station's cards to the days the station
 * counts them in (WIB, WITA or WIT), whatever its own zone, so the hour between two midnights is
 * not counted twice (a WIB station under a WITA dashboard: 110 printed, the week said 210).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Api } from '../../dashboard/api.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import type { RankingRow } from '../../dashboard/views.js';
import type { DailyPayload, HealthPayload } from '../../telemetry/payloads.js';
import { health, ingestRig, openStores } from '../support/dashboard-rig.js';

afterEach(async () => {
  for (const s of openStores.splice(0)) await s.close();
});

const Q = 15 * 60_000;
const DAY = '2026-11-20';
const NEXT = '2026-11-21';
const YESTERDAY = '2026-11-19';
/** Three stations, each with the UTC instant its 2026-11-21 begins. */
const STATIONS = [
  { id: '3171-01', province: '31', regency: '3171', zone: 'Asia/Jakarta', midnight: Date.parse('2026-11-20T17:00:00Z') }, // WIB, UTC+7
  { id: '5371-01', province: '53', regency: '5371', zone: 'Asia/Makassar', midnight: Date.parse('2026-11-20T16:00:00Z') }, // WITA, UTC+8
  { id: '9171-01', province: '91', regency: '9171', zone: 'Asia/Jayapura', midnight: Date.parse('2026-11-20T15:00:00Z') }, // WIT, UTC+9
] as const;
type Station = (typeof STATIONS)[number];
const FROM = Date.parse('2026-11-20T12:00:00Z');
const TO = Date.parse('2026-11-20T20:00:00Z');

/** The station's goodToday at t: 100 good cards by its midnight, then 10 on its next day. */
function goodAt(s: Station, t: number): number {
  return t < s.midnight ? 100 - 4 * ((s.midnight - t) / Q - 1) : Math.min(10, (2 * (t - s.midnight)) / Q);
}

function dailyOf(s: Station, seq: number, at: number, day: string, good: number, final = false): DailyPayload {
  return {
    schema: 'station.daily/1', station: s.id, ts: new Date(at).toISOString(), seq, office: `${s.regency}-DINAS`, day, timeZone: s.zone, final,
    received: 0, transfersIn: 0, returned: 0, good, spoiled: 0, spoiledByCode: {}, corrections: 0, onHandEnd: null, needsVerification: null, ribbon: null, film: null, store: null,
  };
}

/** Reports every 15 minutes from FROM until `until`: a health, and with `dailies` the day's totals as the agent sends them. */
async function run(dashboardZone: string, o: { dailies: boolean; until: number; yesterday?: number; lateStamp?: boolean }) {
  const rig = await ingestRig({ timeZone: dashboardZone });
  const send = (s: Station, kind: string, body: unknown) => rig.ingest.handle(`ektp/v1/${s.province}/${s.regency}/${s.id}/${kind}`, Buffer.from(JSON.stringify(body)));
  const seqs = new Map<string, number>();
  const next = (s: Station) => {
    const n = (seqs.get(s.id) ?? 0) + 1;
    seqs.set(s.id, n);
    return n;
  };
  rig.at(FROM);
  // Yesterday's final totals: they name the station's zone before any health of today.
  if (o.yesterday !== undefined) for (const s of STATIONS) await send(s, 'daily', dailyOf(s, next(s), FROM, YESTERDAY, o.yesterday, true));
  for (let t = FROM; t <= o.until; t += Q) {
    rig.at(t);
    for (const s of STATIONS) {
      // lateStamp: the report of its midnight was made a moment before it (the day's 100) and stamped a second after.
      const late = o.lateStamp === true && t === s.midnight;
      const good = late ? 100 : goodAt(s, t);
      const h = health(s.id, s.regency, (x: HealthPayload) => Object.assign(x.jobs, { goodToday: good, printedToday: good, spoiledToday: 0 }), next(s), late ? t + 1000 : t);
      h.province = s.province;
      await send(s, 'health', h);
      if (o.dailies) await send(s, 'daily', dailyOf(s, next(s), t, t < s.midnight ? DAY : NEXT, goodAt(s, t)));
    }
  }
  await rig.ingest.flush();
  const cfg = dashboardSectionSchema().parse({ timeZone: dashboardZone });
  const api = new Api({ fleet: rig.fleet, ingest: rig.ingest, store: rig.store, cfg, now: () => o.until, monotonic: () => o.until, staleAfterMs: 3_600_000, started: FROM });
  const rows = (await api.handle('GET', new URL('http://dash/api/ranking'), undefined)) as RankingRow[];
  const ranked = Object.fromEntries(rows.map((r) => [r.station, [r.today, r.week]]));
  return { ...rig, ranked, api };
}

const DASHBOARD_ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'UTC'];

describe("WIB, WITA and WIT stations on one dashboard across midnight: each card counted once, on the station's day", () => {
  for (const zone of DASHBOARD_ZONES) {
    it(`with the daily totals, under a dashboard in ${zone}`, async () => {
      // After every midnight: 100 on the 20th, 10 on the 21st, each station's today being its 21st.
      const after = await run(zone, { dailies: true, until: TO });
      expect(after.ranked).toEqual({ '3171-01': [10, 110], '5371-01': [10, 110], '9171-01': [10, 110] });
      // Between the midnights (16:30 UTC): Jayapura and Kupang are on the 21st, Jakarta still on the 20th.
      const between = await run(zone, { dailies: true, until: Date.parse('2026-11-20T16:30:00Z') });
      expect(between.ranked).toEqual({ '3171-01': [96, 96], '5371-01': [4, 104], '9171-01': [10, 110] });
    });

    it(`the station's own totals of a day win over a health stamped after its midnight with the day before's count, under a dashboard in ${zone}`, async () => {
      const { ranked } = await run(zone, { dailies: true, until: TO, lateStamp: true });
      expect(ranked).toEqual({ '3171-01': [10, 110], '5371-01': [10, 110], '9171-01': [10, 110] });
    });

    it(`from the health's own day (no totals sent since yesterday's), under a dashboard in ${zone}`, async () => {
      const { ranked, store, api } = await run(zone, { dailies: false, until: TO, yesterday: 80 });
      expect(ranked).toEqual({ '3171-01': [10, 190], '5371-01': [10, 190], '9171-01': [10, 190] });
      // The station's chart of cards a day says the same.
      for (const s of STATIONS) {
        const { daily } = (await api.handle('GET', new URL(`http://dash/api/stations/${s.id}`), undefined)) as { daily: { day: string; printed: number }[] };
        expect(daily, s.id).toEqual([{ day: YESTERDAY, printed: 80 }, { day: DAY, printed: 100 }, { day: NEXT, printed: 10 }]);
      }
      // The station's zone is kept with its row: a restart of the dashboard still counts in it.
      expect(Object.fromEntries((await store.loadStations()).map((e) => [e.station, e.timeZone]))).toEqual({ '3171-01': 'Asia/Jakarta', '5371-01': 'Asia/Makassar', '9171-01': 'Asia/Jayapura' });
    });
  }
});
