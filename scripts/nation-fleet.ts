/**
 * One process of the national benchmark's fleet: its share of the country's stations
 * (scripts/nation-model.ts; station i goes to part i mod parts), each with its own MQTT client,
 * Will and seq. On connecting a station publishes its status (retained, with its office), then
 * its books of the last month as the agent would send them after a first start (each day's
 * entries, then the day's figures; scripts/nation-books.ts), then reports health every
 * `--health-seconds` (scripts/fleet-model.ts, events when alerts change) and today's running
 * figures every `--daily-seconds` when they changed. Started by scripts/bench-national.ts with an
 * IPC channel: it says when every station's backlog has been acknowledged by the broker, and
 * answers "report" with its counts.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { StatusPayload } from '../telemetry/payloads.js';
import { stationTopics } from '../telemetry/topics.js';
import { arg } from './bench-support.js';
import { rng, SimStation } from './fleet-model.js';
import { dayFigures, daysUpTo, officeBlock, officeBooks, officeDayDone, runningDay, type StationDay } from './nation-books.js';
import { buildNation, type NationOffice, type NationStation } from './nation-model.js';

export interface FleetReport {
  stations: number;
  connected: number;
  /** Messages the broker acknowledged (QoS 1), of every kind. */
  published: number;
  backlogDone: boolean;
  /** Entries and days of the backlog handed to the clients so far. */
  accountsSent: number;
  /** Connections made again after a drop. */
  reconnects: number;
  errors: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const num = (name: string, fallback: number) => Number(arg(name, String(fallback)));

async function main(): Promise<void> {
  const url = arg('url', 'mqtt://127.0.0.1:1883');
  const seed = num('seed', 29);
  const part = num('part', 0);
  const parts = num('parts', 1);
  const healthSeconds = num('health-seconds', 10);
  const dailySeconds = num('daily-seconds', 60);
  const speed = num('speed', 360);
  const backDays = num('back-days', 30);
  const connectPerSecond = num('connect-per-second', 1000);
  const nation = buildNation({ stations: num('stations', 10_000), offices: num('offices', 2000), seed });
  const mine = nation.stations.filter((s) => s.index % parts === part);
  const officeOf = new Map(nation.offices.map((o) => [o.id, o]));
  // The parent's clock, so every process and the parent count the same days.
  const now = num('now', Date.now());
  const books = new Map<string, StationDay[]>();
  for (const o of new Set(mine.map((s) => officeOf.get(s.office)))) {
    if (o) for (const [id, days] of officeBooks(o, daysUpTo(now, o.timeZone, backDays), seed)) books.set(id, days);
  }
  const random = rng(seed * 7919 + part);
  const report: FleetReport = { stations: mine.length, connected: 0, published: 0, backlogDone: false, accountsSent: 0, reconnects: 0, errors: 0 };
  // The month's books go out through one queue, at most `backlogRate` a second, and not at all
  // while the parent says "pause" (the dashboard is that far behind): a month of 10,000 stations
  // at once is more than any dashboard's memory should have to hold waiting for its database.
  const backlogRate = num('backlog-rate', 3000);
  const backlog: (() => void)[] = [];
  let head = 0;
  let paused = false;
  let pumping = false;
  const pump = () => {
    if (pumping) return;
    pumping = true;
    const tick = () => {
      for (let n = 0; !paused && head < backlog.length && n < backlogRate / 10; n++) {
        const next = backlog[head];
        backlog[head++] = () => undefined;
        try {
          next?.();
        } catch (err) {
          fail(err as Error);
        }
      }
      if (head === backlog.length) {
        backlog.length = 0;
        head = 0;
      }
      if (!paused && backlog.length > 0) setTimeout(tick, 100);
      else pumping = false;
    };
    tick();
  };
  const timers: NodeJS.Timeout[] = [];
  const clients: MqttClient[] = [];
  let backlogLeft = mine.length;
  let stopping = false;

  /** Counted, and the first few said: a fleet that loses messages quietly measures nothing. */
  const fail = (err: Error) => {
    if (++report.errors <= 5) process.stderr.write(`nation-fleet ${part}: ${err.stack ?? err.message}\n`);
  };
  const acked = (err?: Error) => {
    if (err) fail(err);
    else report.published++;
  };

  const run = (s: NationStation, office: NationOffice, days: StationDay[]) => {
    const topics = stationTopics('ektp/v1', s);
    const sim = new SimStation(s.index, random, s.province, s);
    let seq = Date.now();
    const status = (online: boolean): StatusPayload => {
      const common = { schema: 'station.status/1' as const, station: s.id, ts: new Date().toISOString(), version: 'nation-sim', office: officeBlock(office, s) };
      return online ? { ...common, online: true } : { ...common, online: false, reason: 'lost' };
    };
    const c = mqtt.connect(url, { clientId: `nation-${s.id}`, protocolVersion: 5, keepalive: 60, reconnectPeriod: 2000, connectTimeout: 60_000, will: { topic: topics.status, payload: Buffer.from(JSON.stringify(status(false))), qos: 1, retain: true } });
    clients.push(c);
    const send = (topic: string, body: object, retain = false, done?: () => void) =>
      c.publish(topic, JSON.stringify(body), { qos: 1, retain }, (err) => {
        acked(err);
        done?.();
      });
    const envelope = (schema: 'office.entry/1' | 'station.daily/1') => ({ schema, station: s.id, ts: new Date().toISOString(), seq: ++seq, office: s.office, timeZone: office.timeZone });
    const today = days[days.length - 1];
    let lastToday = '';
    const sendToday = (done?: () => void) => {
      if (!today) return done?.();
      const figures = dayFigures(runningDay(today, officeDayDone(Date.now(), office.timeZone)), false);
      const text = JSON.stringify(figures);
      if (text === lastToday) return done?.();
      lastToday = text;
      send(topics.daily, { ...envelope('station.daily/1'), ...figures }, false, done);
    };
    c.on('error', fail);
    let started = false;
    c.on('connect', () => {
      // A birth on every connect; the rest once. A broker as busy as this one may drop a client
      // before its CONNACK is read: it connects again, and what it sent meanwhile waits in its queue.
      send(topics.status, status(true), true);
      if (started) return void report.reconnects++;
      started = true;
      report.connected++;
      // The books since the first day, in the order the agent sends them: each day's entries, then its figures.
      for (const d of days) {
        for (const e of d.entries) backlog.push(() => (report.accountsSent++, send(topics.office, { ...envelope('office.entry/1'), ...e, supply: 'blanks', counted: null, document: null, lot: null, corrects: null, forced: false })));
        if (d !== today) backlog.push(() => (report.accountsSent++, send(topics.daily, { ...envelope('station.daily/1'), ...dayFigures(d, true) })));
      }
      backlog.push(() => {
        report.accountsSent++;
        sendToday(() => {
          if (--backlogLeft === 0) {
            report.backlogDone = true;
            process.send?.({ type: 'backlog-done', report });
          }
        });
      });
      pump();
      const health = () => {
        if (stopping || !c.connected) return;
        const ts = new Date().toISOString();
        for (const e of sim.step(healthSeconds * speed, healthSeconds)) send(topics.event, { schema: 'station.event/1', station: s.id, ts, seq: ++seq, ...e });
        send(topics.health, sim.health(ts, ++seq), true);
      };
      timers.push(setTimeout(() => {
        health();
        timers.push(setInterval(health, healthSeconds * 1000));
      }, random() * healthSeconds * 1000));
      timers.push(setTimeout(() => timers.push(setInterval(() => !stopping && c.connected && sendToday(), dailySeconds * 1000)), random() * dailySeconds * 1000));
    });
  };

  process.on('message', (m) => {
    if (m === 'report') process.send?.({ type: 'report', report });
    if (m === 'pause') paused = true;
    if (m === 'resume') {
      paused = false;
      pump();
    }
  });
  process.once('SIGTERM', () => {
    stopping = true;
    for (const t of timers) clearTimeout(t);
    void Promise.all(clients.map((c) => c.endAsync(true))).finally(() => process.exit(0));
  });
  for (const [i, s] of mine.entries()) {
    const office = officeOf.get(s.office);
    if (!office) throw new Error(`station ${s.id}: no office ${s.office}`);
    run(s, office, books.get(s.id) ?? []);
    if ((i + 1) % connectPerSecond === 0) await sleep(1000);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`nation-fleet: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
