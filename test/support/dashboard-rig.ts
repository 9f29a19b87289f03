/** The dashboard's ingest on a real store in a temporary folder, fed by hand: for unit tests. */
import { Fleet } from '../../dashboard/fleet.js';
import { Ingest } from '../../dashboard/ingest.js';
import { DashboardStore } from '../../dashboard/store.js';
import { rng, SimStation } from '../../scripts/fleet-model.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { schemaValidators } from './schemas.js';
import { quietLog, tempDir } from './sim.js';

export const T0 = Date.parse('2026-11-20T02:00:00.000Z');
const validators = schemaValidators();

/** A valid health from the fleet model, then changed for the case at hand. */
export function health(id: string, regency: string, patch: (h: HealthPayload) => void = () => undefined, seq = 1, at = T0): HealthPayload {
  const h = new SimStation(0, rng(7)).health(new Date(at).toISOString(), seq);
  h.station = id;
  h.regency = regency;
  h.province = '53';
  patch(h);
  return h;
}

/** Stores opened by rigs, for the test file's afterEach to close. */
export const openStores: DashboardStore[] = [];

/** timeZone: the dashboard's (dashboard.timeZone), WITA unless given. */
export async function ingestRig(o: { staleAfterMs?: number; log?: typeof quietLog; timeZone?: string } = {}) {
  const dir = tempDir();
  const store = await DashboardStore.open(dir);
  openStores.push(store);
  const fleet = new Fleet();
  let now = T0;
  const ingest = new Ingest({ prefix: 'ektp/v1', fleet, store, validators, log: o.log ?? quietLog, now: () => now, timeZone: o.timeZone ?? 'Asia/Makassar', staleAfterMs: o.staleAfterMs });
  const send = (topic: string, body: unknown, retained = false) => ingest.handle(`ektp/v1/53/${topic}`, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), retained);
  return { dir, store, fleet, ingest, send, at: (ms: number) => (now = ms) };
}
