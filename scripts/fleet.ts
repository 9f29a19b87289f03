/**
 * Fleet simulator: N simulated stations in one process, each with its own MQTT client, Will,
 * birth and seq, publishing the contract's health every few seconds and events when alerts
 * change; some drop off the network now and then (the broker sends their Will) and come back.
 * For demos of the dashboard and for its benchmark.
 *
 *   npm run fleet -- --stations 40            (an embedded broker on 127.0.0.1:1883)
 *   npm run fleet -- --stations 40 --url mqtt://127.0.0.1:1884
 */
import { Command, InvalidArgumentError } from 'commander';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { startEmbeddedBroker, type EmbeddedBroker } from '../telemetry/broker.js';
import { stationTopics } from '../telemetry/topics.js';
import { rng, SimStation } from './fleet-model.js';

export interface FleetOptions {
  url: string;
  stations: number;
  prefix: string;
  healthSeconds: number;
  /** Simulated seconds per real second: 360 makes a 10 s report an hour of the station's day. */
  speed: number;
  /** Chance per report that a station drops off the network for a while. */
  outageRate: number;
  seed: number;
  /** New connections a second, so thousands of stations do not all knock at once. */
  connectPerSecond: number;
  protocolVersion: 4 | 5;
  onError?: (station: string, err: Error) => void;
}

export interface RunningFleet {
  stations: SimStation[];
  published: () => number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runFleet(o: FleetOptions): Promise<RunningFleet> {
  const random = rng(o.seed);
  const stations = Array.from({ length: o.stations }, (_, i) => new SimStation(i, random));
  const clients: MqttClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  const reporting = new Map<SimStation, NodeJS.Timeout>();
  let published = 0;
  let stopping = false;

  const connect = (s: SimStation, seq: { n: number }): MqttClient => {
    const topics = stationTopics(o.prefix, s.identity);
    const status = (online: boolean) => JSON.stringify(online ? { schema: 'station.status/1', station: s.identity.id, ts: new Date().toISOString(), online: true, version: 'fleet-sim' } : { schema: 'station.status/1', station: s.identity.id, ts: new Date().toISOString(), online: false, reason: 'lost' });
    const c = mqtt.connect(o.url, {
      clientId: `fleet-${s.identity.id}`,
      protocolVersion: o.protocolVersion,
      keepalive: 60,
      reconnectPeriod: 0,
      will: { topic: topics.status, payload: Buffer.from(status(false)), qos: 1, retain: true },
    });
    c.on('connect', () => c.publish(topics.status, status(true), { qos: 1, retain: true }));
    c.on('error', (err) => o.onError?.(s.identity.id, err));
    const tick = () => {
      if (stopping) return;
      const ts = new Date().toISOString();
      for (const e of s.step(o.healthSeconds * o.speed, o.healthSeconds)) {
        if (c.connected) c.publish(topics.event, JSON.stringify({ schema: 'station.event/1', station: s.identity.id, ts, seq: ++seq.n, ...e }), { qos: 1 });
      }
      if (c.connected) {
        c.publish(topics.health, JSON.stringify(s.health(ts, ++seq.n)), { qos: 1, retain: true });
        published++;
      }
      if (random() < o.outageRate) {
        // Cut the line without DISCONNECT: the broker publishes the Will, as when a PC loses power.
        c.stream.destroy();
        timers.push(setTimeout(() => !stopping && swap(s, c, seq), 30_000 + random() * 90_000));
      }
    };
    // Spread the reports over the period, as real stations started at different times would.
    const first = setTimeout(() => {
      tick();
      const every = setInterval(tick, o.healthSeconds * 1000);
      timers.push(every);
      reporting.set(s, every);
    }, random() * o.healthSeconds * 1000);
    timers.push(first);
    reporting.set(s, first);
    return c;
  };

  const swap = (s: SimStation, old: MqttClient, seq: { n: number }) => {
    // The station comes back as one: its old reporting stops, so it does not use supplies twice.
    clearTimeout(reporting.get(s));
    clearInterval(reporting.get(s));
    old.end(true);
    const i = clients.indexOf(old);
    const fresh = connect(s, seq);
    if (i >= 0) clients[i] = fresh;
    else clients.push(fresh);
  };

  for (const [i, s] of stations.entries()) {
    clients.push(connect(s, { n: Date.now() }));
    if ((i + 1) % o.connectPerSecond === 0) await sleep(1000);
  }
  return {
    stations,
    published: () => published,
    async stop() {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all(clients.map((c) => new Promise<void>((resolve) => c.end(true, {}, () => resolve()))));
    },
  };
}

function positive(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

async function main(): Promise<void> {
  const cmd = new Command('fleet')
    .description('simulate a province of card-printing stations publishing to an MQTT broker, for the dashboard')
    .option('--stations <n>', 'how many stations', positive('--stations'), 40)
    .option('--url <url>', 'broker to publish to; without it an embedded broker listens on 127.0.0.1:1883')
    .option('--prefix <topics>', 'topic prefix', 'ektp/v1')
    .option('--health-seconds <s>', 'seconds between health reports of each station', positive('--health-seconds'), 10)
    .option('--speed <x>', 'simulated seconds per real second (360: one report is an hour of the office day)', positive('--speed'), 360)
    .option('--outage-rate <p>', 'chance per report that a station drops off the network for a minute or two', Number, 0.002)
    .option('--seed <n>', 'seed, so the same fleet comes back', positive('--seed'), 53)
    .option('--connect-per-second <n>', 'new connections a second', positive('--connect-per-second'), 500)
    .addHelpText('after', '\nThen watch it:  npm run dashboard   and open http://127.0.0.1:8080');
  cmd.parse();
  const opts = cmd.opts<{ stations: number; url?: string; prefix: string; healthSeconds: number; speed: number; outageRate: number; seed: number; connectPerSecond: number }>();
  let broker: EmbeddedBroker | undefined;
  if (!opts.url) broker = await startEmbeddedBroker('127.0.0.1', 1883, pino({ level: 'warn' }));
  const url = opts.url ?? broker?.url ?? '';
  const fleet = await runFleet({ ...opts, stations: Math.floor(opts.stations), url, protocolVersion: broker ? 4 : 5, onError: (s, e) => process.stderr.write(`${s}: ${e.message}\n`) });
  process.stdout.write(`${fleet.stations.length} simulated stations publishing to ${url} under ${opts.prefix}/53/...; Ctrl-C stops\n`);
  const report = setInterval(() => process.stdout.write(`health messages published: ${fleet.published()}\n`), 30_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  clearInterval(report);
  await fleet.stop();
  await broker?.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`fleet: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
