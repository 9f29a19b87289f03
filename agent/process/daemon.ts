import { join } from 'node:path';
import type { Logger } from 'pino';
import { CLOCK_FLOOR_MS, every, systemClock, type Clock } from '../../core/clock.js';
import type { DriverContext } from '../../hal/driver.js';
import { SystemHost } from '../../hal/host/system.js';
import { createPrinter, printerFacts } from '../../hal/printer/index.js';
import { createRecordSource } from '../../hal/records/index.js';
import { createUps, upsFacts } from '../../hal/ups/index.js';
import type { StationBody } from '../../telemetry/payloads.js';
import type { StationTopics } from '../../telemetry/topics.js';
import { CommandHandler } from '../../telemetry/commands.js';
import { outboxLimits, reconnectBackoff } from '../../telemetry/config.js';
import { createTelemetryStack } from '../../telemetry/stack.js';
import type { Config } from '../config/schema.js';
import { readMqttSecrets } from '../../platform/mqtt-secrets.js';
import { splitListen } from '../../platform/listen.js';
import { readSecretFile } from '../../hal/secret-file.js';
import { setupWarnings } from '../config/warnings.js';
import { AgentError } from '../../core/errors.js';
import { collectEvery, fullCollector } from '../../platform/heap.js';
import { Parts } from '../../platform/parts.js';
import { JobEngine } from '../jobs/engine.js';
import { officeOf } from '../office/config.js';
import { zoneOf } from '../office/days.js';
import { OfficeRates } from '../office/peer-rates.js';
import { AccountsPublisher } from '../office/publish.js';
import { OperatorPage } from '../operator/server.js';
import { SupplyLedger } from '../ledger/supplies.js';
import { ConsumablesForecast, type ForecastState } from '../station/forecast.js';
import { FORECAST_KEY, Station } from '../station/station.js';
import { DB_FILE, openError, Store } from '../store/store.js';
import { SystemdNotifier } from './systemd-notify.js';
import { VERSION } from './version.js';

export const AGENT_STATE_KEY = 'agent.state';
/** How often the running agent asks V8 for a full collection (see collectEvery). */
const FULL_COLLECTION_MS = 60_000;
/** The first of them, once the agent is up: what starting took is returned then. */
const FIRST_COLLECTION_MS = 10_000;

/**
 * The store, or, when its file cannot be used (damaged, unwritable, disk full), an in-memory
 * stand-in and the problem to report: a daemon that exits here would be restarted into the
 * same failure forever, and the station would go dark. A newer schema still stops the agent.
 */
async function openStore(dataDir: string, log: Logger, clock: Clock, standIn?: string): Promise<{ store: Store; problem?: string }> {
  if (standIn !== undefined) return { store: await Store.openInMemory(() => clock.now(), CLOCK_FLOOR_MS, dataDir), problem: standIn };
  try {
    return { store: await Store.open(dataDir, () => clock.now(), CLOCK_FLOOR_MS) };
  } catch (err) {
    if (!(err instanceof AgentError) || (err.code !== 'store-open' && err.code !== 'store-dir' && err.code !== 'store-missing')) throw err;
    const problem = `${err.message} ${err.hint ?? ''} The agent runs on a temporary in-memory store until then: nothing is kept across a restart.`;
    log.error({ code: err.code }, problem);
    return { store: await Store.openInMemory(() => clock.now(), CLOCK_FLOOR_MS, dataDir), problem };
  }
}

export interface AgentHandle {
  /** Clean stop: last health, shutdown status, drivers stopped, broker and DB closed. */
  stop(): Promise<void>;
}

/**
 * The running agent, built from its parts in order: the store, the record of the agent's state,
 * the embedded broker, the drivers, the telemetry stack, the station loop, the print queue and
 * the commands. They stop in reverse: no command after the last health, the card printing gets
 * its moment, the last health and the shutdown status go out, then drivers, broker and store
 * close. A part that fails to start stops those already started; a driver that fails to start
 * is logged and shows as unknown until it answers.
 */
export async function runAgent(config: Config, log: Logger, opts: { configSource: string; clock?: Clock; notifier?: SystemdNotifier }): Promise<AgentHandle> {
  const clock = opts.clock ?? systemClock;
  // Does nothing unless systemd started the agent as Type=notify (NOTIFY_SOCKET set).
  const notifier = opts.notifier ?? SystemdNotifier.fromEnv(process.env, config.intervals.pollSeconds * 1000, clock, log.child({ part: 'systemd' }));
  const secrets = readMqttSecrets(config.mqtt, opts.configSource);
  for (const w of setupWarnings(config)) log.warn({ key: w.key }, w.en);
  let built: { parts: Parts; value: StationTopics };
  try {
    built = await Parts.build(log, (parts) => startParts(parts));
  } catch (err) {
    // A database that opens but fails when first read (damaged pages, a full disk): the same
    // stand-in as at run time, rather than an exit that systemd restarts into the same failure.
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('SQLITE_')) throw err;
    const e = openError(join(config.dataDir, DB_FILE), err as Error);
    const problem = `${e.message} ${e.hint ?? ''} The agent runs on a temporary in-memory store until then: nothing is kept across a restart, and printing waits.`;
    log.error({ code }, problem);
    built = await Parts.build(log, (parts) => startParts(parts, problem));
  }
  const { parts, value: topics } = built;
  log.info({ station: config.station.id, topics: topics.base, version: VERSION }, 'station agent running');
  notifier.ready();

  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        log.info('stopping');
        notifier.stopping();
        await parts.stop();
        await notifier.flush();
        log.info('stopped cleanly');
      })();
      return stopped;
    },
  };

  async function startParts(parts: Parts, standIn?: string): Promise<StationTopics> {
    const { store, problem: storeProblem } = await parts.start('store', () => openStore(config.dataDir, log, clock, standIn), ({ store }) => store.close());
    const startedAt = new Date(clock.now()).toISOString();
    const agentState = (state: 'running' | 'stopped') =>
      store
        .setState(AGENT_STATE_KEY, { state, pid: process.pid, version: VERSION, startedAt, ...(state === 'stopped' ? { stoppedAt: new Date(clock.now()).toISOString() } : {}) })
        // A full disk must not stop the start: the failure is reported by the first health.
        .catch((err: Error) => log.warn({ err: err.message }, 'agent state not recorded'));
    await parts.start('agent state', () => agentState('running'), () => agentState('stopped'));
    // Aedes is loaded only when the embedded broker runs.
    const broker =
      config.mqtt.url === 'embedded'
        ? await parts.start('embedded broker', async () => (await import('../../telemetry/broker.js')).startEmbeddedBroker(config.mqtt.embedded.host, config.mqtt.embedded.port, log), (b) => b.close())
        : undefined;

    const ctx: DriverContext = { clock, log };
    const printer = await createPrinter(config.printer, { ...ctx, log: log.child({ part: 'printer' }) });
    const ups = await createUps(config.ups, { ...ctx, log: log.child({ part: 'ups' }) });
    const host = new SystemHost(config.dataDir, { ...ctx, log: log.child({ part: 'host' }) });
    const source = config.records ? await createRecordSource(config.records, { ...ctx, log: log.child({ part: 'records' }) }) : undefined;
    await parts.optional('printer driver', printer);
    await parts.optional('UPS driver', ups);
    await parts.optional('host readings', host);
    if (source) await parts.optional('record source', source, 'records wait until it answers');

    const tstack = await createTelemetryStack({
      store,
      station: config.station,
      topicPrefix: config.mqtt.topicPrefix,
      mqtt: {
        url: broker?.url ?? config.mqtt.url,
        clientId: config.mqtt.clientId ?? `station-${config.station.id}`,
        username: config.mqtt.username,
        ...secrets,
        keepaliveSeconds: config.mqtt.keepaliveSeconds,
        // Aedes speaks MQTT 3.1.1 only.
        protocolVersion: broker ? 4 : config.mqtt.protocolVersion,
        backoff: reconnectBackoff(config.mqtt.reconnect),
      },
      outbox: outboxLimits(config.outbox),
      version: VERSION,
      office: config.office.store
        ? { ...officeOf(config.station), store: true, transitDays: config.office.transitDays, leadDays: config.office.leadDays ?? config.alerts.leadDays.blanks, boxSize: config.office.boxSize, rollPrice: config.office.rollPrice }
        : officeOf(config.station),
      installId: await store.installId().catch(() => undefined),
      clock,
      log,
    });
    const { connection, telemetry } = tstack;
    // The office's other printers' rates, for a new station's forecasts (attached before the first session).
    const officeRates = new OfficeRates({ topicPrefix: config.mqtt.topicPrefix, station: config.station, office: officeOf(config.station).id, log: log.child({ part: 'office rates' }) });
    await parts.start('office rates', () => officeRates.attach(connection), (detach) => detach());
    await parts.start(
      'telemetry',
      async () => {
        if (storeProblem) await telemetry.reportStoreProblem(storeProblem);
        tstack.start();
      },
      () => tstack.stop(),
    );

    // The engine reads the station's latest snapshot for its gate; the station reads the engine's summary.
    let latest: () => StationBody | undefined = () => undefined;
    // A PC without a card printer (the office's store PC) runs no print queue.
    const { hasQueue } = printerFacts(config.printer).can;
    const engine = hasQueue
      ? new JobEngine({ store, source, station: config.station.id, printer, config: config.jobs, clock, log: log.child({ part: 'jobs' }), snapshot: () => latest(), rollYields: config.forecast.cardsPerSupply, timeZone: zoneOf(config.station), rest: config.printer.rest })
      : undefined;
    const station = new Station({
      config,
      printer,
      ups,
      host,
      telemetry,
      store,
      clock,
      log,
      version: VERSION,
      jobs: engine ? () => engine.summary() : undefined,
      // Every poll that gets this far pings systemd's watchdog: a loop that hangs stops pinging.
      onSnapshot: () => {
        engine?.kick();
        notifier.alive();
      },
      forecast: new ConsumablesForecast(config.forecast, (await store.getState<ForecastState>(FORECAST_KEY).catch(() => undefined))?.value, (now) => officeRates.perPrinter(now)),
      // The watch keys (deadSeconds, lowBatteryCommand) are in every section of a driver with a UPS.
      ...('deadSeconds' in config.ups ? { lowBatteryCommand: config.ups.lowBatteryCommand, lowBatteryCommandTimeoutSeconds: config.ups.lowBatteryCommandTimeoutSeconds, deadSeconds: config.ups.deadSeconds } : {}),
      hasUps: upsFacts(config.ups).can.hasUps,
      hasPrinter: hasQueue,
      restockHours: config.office.keptAtStore ? config.office.restockHours : null,
      rollSeen: async (kind) => {
        const r = await new SupplyLedger(store.db, config.forecast.cardsPerSupply).replace(kind, { by: 'printer', at: clock.now() });
        return r.sameRoll ? { personAt: r.sameRoll.installedAt } : 'recorded';
      },
    });
    latest = () => station.latest();
    // The office's books for the province: the store's entries, the printer's transfers, the day's totals.
    const accounts = new AccountsPublisher({
      store,
      telemetry,
      topics: tstack.topics,
      station: config.station.id,
      office: officeOf(config.station).id,
      timeZone: zoneOf(config.station),
      hasPrinter: hasQueue,
      keepsStore: config.office.store,
      clock,
      log: log.child({ part: 'office' }),
      periodMs: config.intervals.healthSeconds * 1000,
    });
    await parts.start('office accounts', () => accounts.start(), () => accounts.close());
    // A fresh health after every reconnect: the retained one then is current, not from before.
    connection.on('up', () => station.requestHealth());
    await parts.start('station loop', () => station.start(), () => station.stop());
    // No new card at stop; the one printing gets a moment, else it is verified after the restart.
    if (engine) await parts.start('print queue', () => engine.start(), () => engine.stop(1000));

    // The station page: printing goes on without it (a port taken, a token file unreadable).
    if (config.operator.listen !== false) {
      const { host, port } = splitListen(config.operator.listen);
      const tokenFile = config.operator.tokenFile;
      let page: OperatorPage | undefined;
      await parts.optional(
        'station page',
        {
          start: async () => {
            page = new OperatorPage({
              host,
              port,
              token: tokenFile ? readSecretFile(tokenFile) : null,
              deps: {
                store,
                printer,
                snapshot: () => latest(),
                snapshotAt: () => station.latestAt(),
                staleSeconds: 3 * config.intervals.healthSeconds,
                yields: config.forecast.cardsPerSupply,
                station: { id: config.station.id, name: config.station.name },
                config,
                language: config.language,
                clock,
                kick: () => engine?.kick(),
                claims: engine?.claims,
                log: log.child({ part: 'station page' }),
              },
            });
            await page.start();
            log.info({ url: page.address }, 'station page ready');
          },
          stop: async () => page?.stop(),
        },
        `the clerk's station page is off until the agent restarts: check operator.listen (a port another program uses?) and operator.tokenFile`,
      );
    }

    // Requests that arrive while a snapshot is being taken share it: a flood of them (or a hung
    // driver) cannot queue polls without end.
    let pendingSnapshot: Promise<{ seq: number }> | undefined;
    const snapshotOnce = () =>
      (pendingSnapshot ??= station
        .snapshot()
        .then((h) => ({ seq: h.seq }))
        .finally(() => (pendingSnapshot = undefined)));
    const commands = new CommandHandler(tstack.topics, config.station.id, { snapshot: () => snapshotOnce() }, clock, log.child({ part: 'commands' }));
    const onCommand = (topic: string, payload: Buffer, retained: boolean) => {
      void commands.handle(topic, payload, retained, connection);
    };
    // A full collection a minute keeps the idle heap at its live size (platform/heap.ts).
    const collect = fullCollector();
    if (collect) await parts.start('heap collection', () => collectEvery(FULL_COLLECTION_MS, clock, collect, FIRST_COLLECTION_MS), (stop) => stop());
    else log.info("started without Node's --expose-gc, so no full collection a minute: the heap grows and shrinks as V8 decides (the launchers pass the flag: agent/process/runtime-flags.ts)");
    // The database file watched while it runs: deleted, replaced or cut short is store.error at once.
    await parts.start(
      'database watch',
      () =>
        every(
          clock,
          2000,
          () => {
            const problem = store.checkFile(clock.monotonic());
            if (problem) void telemetry.reportStoreProblem(problem).catch(() => undefined);
          },
          { unref: true },
        ),
      (stop) => stop(),
    );
    // First to stop: no command runs after the last health.
    await parts.start('commands', () => connection.on('message', onCommand), () => void connection.off('message', onCommand));
    return tstack.topics;
  }
}
