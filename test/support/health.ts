import { powerView, type UpsBody } from '../../agent/station/power.js';
import type { StationBody, SupplyPayload } from '../../telemetry/payloads.js';

type Patch = {
  printer?: Partial<StationBody['printer']>;
  ups?: Partial<StationBody['ups']>;
  host?: Partial<StationBody['host']>;
  film?: Partial<SupplyPayload>;
  stock?: Partial<StationBody['stock']>;
};

/** The power state of a patched UPS, as a first poll with the default limits judges it, unless given. */
function withPower(u: UpsBody & { powerState?: StationBody['ups']['powerState'] }): StationBody['ups'] {
  return { ...u, powerState: u.powerState ?? powerView(u, { lowBatteryPercent: 20, lowRuntimeSeconds: 180, hasUps: u.driver !== 'none' }).state };
}

/** A healthy station's health body, with parts replaced: the input for alert-rule tests. */
export function healthyBody(p: Patch = {}): StationBody {
  const supply = (kind: SupplyPayload['kind'], over: Partial<SupplyPayload> = {}): SupplyPayload => ({
    kind,
    name: kind,
    levelPercent: 80,
    remaining: 80,
    capacity: 100,
    status: 'ok',
    daysLeft: null,
    daysLeftReason: 'no forecast kept',
    ...over,
  });
  return {
    province: '00',
    regency: '0000',
    agent: { version: 't', startedAt: '2026-01-05T08:00:00.000Z', uptimeSeconds: 1 },
    printer: {
      driver: 'sim',
      state: 'idle',
      reasons: [],
      supplies: [supply('ribbon'), supply('film', p.film), supply('blanks')],
      model: null,
      error: null,
      ...p.printer,
    },
    ups: withPower({ driver: 'sim', status: 'online', onBattery: false, chargePercent: 100, runtimeSeconds: 1800, inputVoltage: 220, loadPercent: 30, model: null, error: null, shutdownImminent: false, ...p.ups }),
    host: { cpuPercent: 5, memUsedPercent: 40, diskFreeBytes: 50 * 2 ** 30, uptimeSeconds: 100, ...p.host },
    stock: { blanksOnHand: null, daysLeft: null, daysLeftReason: 'no forecast kept', cardsPerDay: null, ...p.stock },
    jobs: { queued: null, fetching: null, ready: null, printing: null, printedToday: null, failedToday: null, needsVerification: null, held: null, utilisation: null },
    alerts: [],
  };
}
