/**
 * `station-agent dashboard`: subscribe to the provinces, keep the fleet, serve the page.
 * Started parts are stopped in reverse on the way out, and a failure while starting undoes
 * what had started.
 */
import { every, systemClock, WallSteps, type Clock } from '../core/clock.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { readSecretFile } from '../hal/secret-file.js';
import { readMqttSecrets, type MqttSecrets } from '../platform/mqtt-secrets.js';
import { Parts } from '../platform/parts.js';
import { heapCeilingMegabytes } from '../platform/heap.js';
import { ConfigError } from '../core/errors.js';
import { shippedFolder } from '../platform/shipped.js';
import { reconnectBackoff } from '../telemetry/config.js';
import { MqttLink } from '../telemetry/link.js';
import { schemaValidators } from '../telemetry/validate.js';
import { Api } from './api.js';
import type { DashboardConfig } from './config.js';
import { startExporters } from './exporters.js';
import { Fleet, toRow, type StationRow } from './fleet.js';
import { BROKER_DROPPED_TOPIC } from './delivery.js';
import { Ingest } from './ingest.js';
import { DASHBOARD_HEAP_VARIABLE, splitListen } from './section.js';
import { DashboardServer } from './server.js';
import { regionNames } from './regions.js';
import { DashboardStore } from './store.js';
import { NationApi } from './nation-api.js';
import { Retirement } from './retire.js';
import { OfficeApi } from './office-api.js';
import { OfficeWatch } from './office-watch.js';
import type { StoredEvent } from './store.js';
import { PublicStock } from './public-stock.js';

/** How often the offices' stock is judged against their request points (it moves by the day). */
const OFFICE_WATCH_MS = 60_000;

const FLUSH_MS = 1000;
const PRUNE_MS = 3600_000;
/** A health older than this is shown as stale: three missed reports at the default 10 s, and some. */
const STALE_AFTER_MS = 60_000;
/** Wills that arrive this shortly before the dashboard loses its broker are the broker's shutdown, not the stations'. */
const WILL_GRACE_MS = 5000;

export interface RunningDashboard {
  url: string;
  stop(): Promise<void>;
}

export function subscriptions(prefix: string, provinces: string[]): string[] {
  return provinces.length === 0 ? [`${prefix}/#`] : provinces.map((p) => `${prefix}/${p}/#`);
}

export function readToken(cfg: DashboardConfig, source: string): Buffer | null {
  const file = cfg.dashboard.tokenFile;
  if (!file) return null;
  let token: Buffer;
  try {
    token = readSecretFile(file);
  } catch (err) {
    throw new ConfigError(source, [{ path: 'dashboard.tokenFile', message: (err as Error).message }]);
  }
  if (token.length < 16) throw new ConfigError(source, [{ path: 'dashboard.tokenFile', message: `the token in ${file} has ${token.length} characters; expected at least 16 (e.g. openssl rand -hex 16)` }]);
  return token;
}

/**
 * A province needs more heap than the station agent's 128 MB, which its launcher gives every
 * other command: when this process got less than dashboard.heapMegabytes, the log says so and how
 * to start it with its own (a process cannot raise its own ceiling once V8 has sized the heap).
 */
function checkHeap(want: number, log: Logger): number {
  const heap = heapCeilingMegabytes();
  if (heap < want) {
    log.warn(
      { heapMegabytes: heap, wantMegabytes: want },
      `the dashboard runs with ${heap} MB of heap, under dashboard.heapMegabytes (${want} MB): a whole province may not fit. ` +
        `Start it with its own: ${DASHBOARD_HEAP_VARIABLE}=${want} station-agent dashboard, or node --max-old-space-size=${want} ${process.argv[1] ?? 'dist/bin/station-agent.js'} dashboard`,
    );
  }
  return heap;
}

export async function runDashboard(cfg: DashboardConfig, log: Logger, source: string): Promise<RunningDashboard> {
  const heap = checkHeap(cfg.dashboard.heapMegabytes, log);
  const secrets = readMqttSecrets(cfg.mqtt, source);
  const token = readToken(cfg, source);
  // Wall time for the stations' stamps and days; the timers and the uptime on monotonic time.
  const clock = systemClock;
  // Each read of the wall clock first follows a step since the last (set once the fleet is up).
  const steps = new WallSteps(clock);
  let followStep = (_ms: number): void => undefined;
  const now = () => {
    const step = steps.take();
    if (step !== 0) followStep(step);
    return clock.now();
  };
  const started = clock.monotonic();
  // Started in order, stopped in reverse; a failure while starting stops what had started.
  const { parts, value: server } = await Parts.build(log, async (parts) => {
    const store = await parts.start('database', () => DashboardStore.open(cfg.dataDir), (st) => st.close());
    const fleet = new Fleet();
    for (const e of await store.loadStations()) fleet.entries.set(e.station, e);
    const ingest = new Ingest({ prefix: cfg.mqtt.topicPrefix, fleet, store, validators: schemaValidators(shippedFolder(join('telemetry', 'schemas', 'station.health.1.json'), import.meta.dirname, { en: 'the JSON Schemas of the messages', id: 'JSON Schema pesan' })), log, now, timeZone: cfg.dashboard.timeZone, staleAfterMs: STALE_AFTER_MS, accounts: store.accounts() });
    const weekAgo = ingest.day(now() - 8 * 86_400_000);
    for (const [station, byDay] of await store.daily(weekAgo)) ingest.daily.set(station, byDay);
    for (const d of await store.accounts().goodDays(weekAgo)) ingest.cards.book(d.station, fleet.entries.get(d.station)?.install ?? 0, d);
    // Retired stations stay out of the fleet, and what they still send is not applied.
    const retirement = new Retirement({ store, accounts: store.accounts(), fleet, ignored: ingest.retired, prefix: cfg.mqtt.topicPrefix, client: () => broker.client, now, onAlert: (e) => onAlert(e), changed: () => {
        api.invalidate();
        offices.forget();
        nation.forget();
      }, log });
    await retirement.load();
    log.info({ stations: fleet.entries.size }, 'dashboard database loaded');
    // The last messages taken in are written before the database closes.
    await parts.start('ingest', () => undefined, () => ingest.flush());

    const { host, port } = splitListen(cfg.dashboard.listen);
    const broker = brokerLink(cfg, secrets, port, ingest, clock, log);
    // Lost until the first connect: the stations loaded from the database are as of then (wall
    // time, as every lostSince: the page and /api/link show it as a time of day).
    const link = { connected: false, lostSince: now() as number | null };
    const rowContext = { leadDays: cfg.dashboard.leadDays, names: regionNames(cfg.dashboard.regencies) };
    const monotonic = () => clock.monotonic();
    const offices = new OfficeApi({ accounts: store.accounts(), fleet, cfg: cfg.dashboard, now, monotonic, day: (ms) => ingest.day(ms) });
    const nation = new NationApi({ offices, accounts: store.accounts(), rows: (): StationRow[] => api.rows(), names: rowContext.names, cfg: cfg.dashboard, now, monotonic, day: (ms) => ingest.day(ms) });
    const exporters = await startExporters(parts, { cfg, source, store, fleet, log, now, clock, staleAfterMs: STALE_AFTER_MS, brokerConnected: () => broker.isConnected, asOf: () => api.asOf(), offices: () => offices.stocks() });
    const api = new Api({ fleet, ingest, store, cfg: cfg.dashboard, offices, nation, retirement, now, monotonic, staleAfterMs: STALE_AFTER_MS, started, rowContext, link: () => link, extraMetrics: (): Record<string, unknown> => ({ mqttConnected: broker.isConnected, pageClients: server.clients, alertmanager: exporters.alertmanager() }) });
    const publicStock = cfg.dashboard.public.enabled
      ? new PublicStock({ stocks: () => offices.stocks(), regencyName: (code) => cfg.dashboard.regencies[code]?.name, trustProxy: cfg.dashboard.public.trustProxy, clock })
      : undefined;
    const server = new DashboardServer({ host, port, token, api, log, metrics: exporters.metrics, publicStock, home: cfg.dashboard.scope === 'national' ? '/nation' : undefined });
    await parts.start(
      'web server',
      () =>
        server.start().catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
            throw new ConfigError(source, [{ path: 'dashboard.listen', message: `cannot listen on ${cfg.dashboard.listen} (${err.code}): choose another port or address` }]);
          }
          throw err;
        }),
      () => server.stop(),
    );
    ingest.on('changed', (stations) => {
      api.invalidate();
      const rows = stations.flatMap((s) => {
        const e = fleet.entries.get(s);
        return e ? [toRow(e, api.asOf(), STALE_AFTER_MS, rowContext)] : [];
      });
      if (rows.length > 0) server.broadcast('rows', rows);
    });
    const onAlert = (e: StoredEvent) => {
      server.broadcast('alert', e);
      exporters.onAlert(e);
    };
    ingest.on('alert', onAlert);
    const officeWatch = new OfficeWatch({ offices, store, now, log, onAlert });
    // The wall clock set back or on (NTP, a person): the stations' times of arrival move with it,
    // so a silent station keeps its age (an hour back, it would look fresh for the hour).
    followStep = (ms) => {
      fleet.shiftArrivals(ms);
      if (link.lostSince !== null) link.lostSince += ms;
      ingest.touched([...fleet.entries.keys()]);
      api.invalidate();
      log.warn({ stepMs: ms }, "this PC's clock was set back or on: the stations' times of arrival are moved with it");
    };

    broker.on('connect', () => {
      link.connected = true;
      link.lostSince = null;
      api.invalidate();
      server.broadcast('link', api.linkState());
    });
    broker.on('down', () => {
      link.connected = false;
      link.lostSince = now();
      // Wills in the last seconds before the loss came from the broker going down, not the stations.
      ingest.touched(fleet.revokeWillsSince(link.lostSince - WILL_GRACE_MS));
      api.invalidate();
      log.warn('the dashboard lost its broker: stations are shown as of now until it is back');
      server.broadcast('link', api.linkState());
    });
    // Started without waiting for the broker: the page serves what the database holds meanwhile.
    await parts.start('broker connection', () => broker.start(), () => broker.stop(2000));
    // Each station's part of the offices' figures made now, in the background (dashboard/books.ts).
    void offices.warm().catch((err: Error) => log.warn({ err: err.message }, "the stations' parts of the offices' figures could not be made"));

    const prune = () => {
      // The ranking reads the last 7 days from memory; older days live on in the database only.
      ingest.forgetDaysBefore(ingest.day(now() - 8 * 86_400_000));
      return store.prune(now() - cfg.dashboard.historyDays * 86_400_000).catch((err: unknown) => log.error({ err }, 'pruning old history failed'));
    };
    await parts.start(
      'timers',
      () => {
        void prune();
        return [
          every(clock, FLUSH_MS, () => void ingest.flush()),
          every(clock, PRUNE_MS, () => void prune()),
          every(clock, OFFICE_WATCH_MS, () => void officeWatch.run().catch((err: Error) => log.warn({ err: err.message }, "the offices' stock could not be judged"))),
          // Rows go stale by time alone, with no message to say so: the page re-reads the table on a tick.
          every(clock, 15_000, () => server.broadcast('tick', { now: new Date(now()).toISOString(), link: api.linkState() })),
        ];
      },
      (timers) => timers.forEach((stop) => stop()),
    );
    return server;
  });
  log.info({ url: server.address, heapMegabytes: heap }, `dashboard at ${server.address}`);
  return { url: server.address, stop: () => parts.stop() };
}

/**
 * The link to the province's broker, the one the stations use (telemetry/link.ts): it reconnects
 * with mqtt.reconnect's back-off, subscribes to the watched provinces on every session, and
 * hands every message to the ingest.
 */
function brokerLink(cfg: DashboardConfig, secrets: MqttSecrets, port: number, ingest: Ingest, clock: Clock, log: Logger): MqttLink {
  const filters = subscriptions(cfg.mqtt.topicPrefix, cfg.dashboard.provinces);
  const link = new MqttLink({
    url: cfg.mqtt.url,
    client: () => ({
      // A fixed id and a kept session: events sent while the dashboard restarts wait at the broker.
      clientId: `dashboard-${hostname()}-${port}`.slice(0, 64),
      clean: false,
      protocolVersion: cfg.mqtt.protocolVersion,
      ...(cfg.mqtt.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 86_400 } } : {}),
      username: cfg.mqtt.username,
      password: secrets.password,
      ca: secrets.ca,
      cert: secrets.cert,
      key: secrets.key,
      connectTimeout: 10_000,
    }),
    backoff: reconnectBackoff(cfg.mqtt.reconnect),
    // The dashboard needs nothing of MQTT 5 but the session's expiry: a 3.1.1 broker (Aedes, old Mosquitto) is spoken to in 3.1.1.
    fallBackTo311: true,
    clock,
    log,
  });
  link.on('connect', (client) => {
    client.subscribe(filters, { qos: 1 }, (err, granted) => {
      const refused = (granted ?? []).filter((g) => g.qos >= 128).map((g) => g.topic);
      if (err || refused.length > 0) log.error({ err, refused }, 'subscription refused: check the broker ACL for the dashboard user');
      else log.info({ filters }, 'subscribed: receiving the stations');
    });
    // Mosquitto's count of the messages it dropped (a queue full under a burst), for the health line; apart, as a
    // broker that has no such topic, or an ACL that does not let the dashboard read it, must not fail the stations'.
    client.subscribe(BROKER_DROPPED_TOPIC, { qos: 0 }, (err, granted) => {
      if (err || (granted ?? []).some((g) => g.qos >= 128)) log.info({ topic: BROKER_DROPPED_TOPIC }, "the broker does not let this user read its count of dropped messages: the health line leaves it out (give the dashboard's user read on it in the ACL)");
    });
  });
  link.on('message', (topic, payload, retained) => {
    if (topic.startsWith('$SYS/')) return ingest.brokerStat(topic, payload);
    ingest.handle(topic, payload, retained).catch((err: unknown) => log.error({ err: (err as Error).message, topic: topic.slice(0, 200) }, 'message could not be applied'));
  });
  return link;
}
