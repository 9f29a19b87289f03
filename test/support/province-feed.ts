/**
 * A province's stations and office as its broker sees them, for tests of what the province's
 * figures become upstream: each station's status and health (the contract's shapes, from the
 * fleet simulator's model, with the figures the test chose) published to the province's broker,
 * and an office's books made by the agent's own ledgers (office-sim.ts) published as its store
 * PC's agent would. The health is sent again every few seconds so it never goes stale.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { configSchema } from '../../agent/config/schema.js';
import { receiveBlanks } from '../../agent/office/stack.js';
import { rng, SimStation } from '../../scripts/fleet-model.js';
import type { HealthPayload, StatusPayload } from '../../telemetry/payloads.js';
import { stationTopics } from '../../telemetry/topics.js';
import { OfficeWorld } from './office-sim.js';

export interface FeedStation {
  id: string;
  regency: string;
  blanks: number;
  printedToday: number;
  alerts?: string[];
  /** false: the station's Will (lost) is all there is of it, no health. */
  online?: boolean;
}

export interface FeedOffice {
  office: string;
  /** The PC that keeps the store and prints. */
  pc: string;
  regency: string;
  received: number;
  toPrinter: number;
  printedPerDay: number;
  days: number;
}

const PREFIX = 'ektp/v1';
const RESEND_MS = 5000;

export interface ProvinceFeed {
  stop(): Promise<void>;
}

function health(province: string, s: FeedStation, seq: number): HealthPayload {
  // The simulator's model gives a whole, valid health; the figures summed upstream are the test's.
  const h = new SimStation(0, rng(Number(s.regency)), province).health(new Date().toISOString(), seq);
  return {
    ...h,
    station: s.id,
    province,
    regency: s.regency,
    stock: { ...h.stock, blanksOnHand: s.blanks },
    jobs: { ...h.jobs, printedToday: s.printedToday },
    alerts: [...(s.alerts ?? [])].sort(),
  };
}

function status(id: string, online: boolean, office?: StatusPayload['office']): StatusPayload {
  const ts = new Date().toISOString();
  return online ? { schema: 'station.status/1', station: id, ts, online: true, version: 'province-feed', ...(office ? { office } : {}) } : { schema: 'station.status/1', station: id, ts, online: false, reason: 'lost' };
}

/** The office's days, from `start` on, on the agent's ledgers: a delivery, a stack to the printer, cards printed each day. */
async function officeBooks(province: string, o: FeedOffice, start: string, publish: (topic: string, payload: string) => Promise<void>): Promise<void> {
  const world = await OfficeWorld.start(start);
  try {
    world.relay = publish;
    const pc = await world.pc(o.pc, { office: o.office, regency: o.regency, province, store: { register: [o.pc] }, printer: true });
    await world.collect();
    const book = pc.book;
    if (!book) throw new Error(`${o.pc} keeps no store book`);
    await book.receive('blanks', o.received, { batch: `KMD-${o.office}` });
    const transfer = (await book.send('blanks', o.toPrinter, o.pc)).transfer;
    if (!transfer) throw new Error('the send to the printer made no transfer');
    const config = configSchema().parse({ station: { id: o.pc, province, regency: o.regency, office: { id: o.office } }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, office: { keptAtStore: true } });
    await receiveBlanks(pc.store, config, o.toPrinter, { transfer, at: world.clock.now() });
    for (let d = 0; d < o.days; d++) {
      await world.print(o.pc, o.printedPerDay);
      await world.endDay();
    }
  } finally {
    await world.close();
  }
}

/**
 * Publish the province's stations and office to the broker at `url`; health again every few
 * seconds until stopped. The office's days start on `firstDay` (YYYY-MM-DD, its WITA day), `days`
 * days ago unless given.
 */
export async function startProvinceFeed(url: string, province: string, stations: readonly FeedStation[], office: FeedOffice, firstDay?: string): Promise<ProvinceFeed> {
  const client: MqttClient = await mqtt.connectAsync(url, { clientId: `province-feed-${province}`, reconnectPeriod: 0 });
  const publish = async (topic: string, payload: string, retain = false) => {
    await client.publishAsync(topic, payload, { qos: 1, retain });
  };
  const topicsOf = (id: string, regency: string) => stationTopics(PREFIX, { id, province, regency });
  let seq = Date.now();
  const sendHealth = async () => {
    for (const s of stations) if (s.online !== false) await publish(topicsOf(s.id, s.regency).health, JSON.stringify(health(province, s, ++seq)), true);
  };
  for (const s of stations) await publish(topicsOf(s.id, s.regency).status, JSON.stringify(status(s.id, s.online !== false)), true);
  const officeStatus = status(office.pc, true, { id: office.office, store: true, transitDays: 2, leadDays: 28, boxSize: 100 });
  await publish(topicsOf(office.pc, office.regency).status, JSON.stringify(officeStatus), true);
  const start = firstDay ?? new Date(Date.now() - office.days * 86_400_000).toISOString().slice(0, 10);
  await officeBooks(province, office, start, (topic, payload) => publish(topic, payload));
  await sendHealth();
  const timer = setInterval(() => void sendHealth().catch(() => undefined), RESEND_MS);
  return {
    async stop() {
      clearInterval(timer);
      await client.endAsync();
    },
  };
}
