import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { cutText, TEXT_MAX } from '../../hal/bounds.js';
import { HalError, withTimeout } from '../../hal/errors.js';
import { OneAtATime } from '../../core/one-at-a-time.js';
import type { HostDriver } from '../../hal/host/types.js';
import type { PrinterDriver, PrinterReading } from '../../hal/printer/types.js';
import type { UpsDriver } from '../../hal/ups/types.js';
import type { HealthPayload, StationBody } from '../../telemetry/payloads.js';
import type { TelemetrySink } from '../../telemetry/telemetry.js';
import { AlertBook, ALERT_RULES, type AlertLimits } from './alerts.js';
import type { ConsumablesForecast } from './forecast.js';
import type { JobsSummary } from '../jobs/summary.js';
import type { Config } from '../config/schema.js';
import type { RollKind } from '../ledger/supplies.js';
import { LowBatteryCommand } from './power-command.js';
import { PowerMachine, type PowerView } from './power.js';
import { RollWatch } from './rolls.js';
import { buildHealth, stateKey, type Polled } from './snapshot.js';
import { Store } from '../store/store.js';

export interface StationDeps {
  config: Pick<Config, 'station' | 'intervals' | 'alerts'>;
  printer: PrinterDriver;
  ups: UpsDriver;
  host: HostDriver;
  telemetry: TelemetrySink;
  store: Store;
  clock: Clock;
  log: Logger;
  version: string;
  /** The print queue's summary, when a job engine runs. */
  jobs?: () => JobsSummary;
  /** Called with every snapshot (the job engine's gate looks again). */
  onSnapshot?: (body: StationBody) => void;
  /** Days left per supply; its learning is kept in the store under FORECAST_KEY. */
  forecast?: ConsumablesForecast;
  /** ups.lowBatteryCommand: argv run once per low-battery outage; none when absent. */
  lowBatteryCommand?: readonly string[];
  /** ups.lowBatteryCommandTimeoutSeconds: the command is stopped past it. */
  lowBatteryCommandTimeoutSeconds?: number;
  /** ups.deadSeconds: a UPS last seen on battery and silent this long is taken as on battery. */
  deadSeconds?: number;
  /** False at a station without a UPS (its driver's table line says so). */
  hasUps?: boolean;
  /** False at a PC without a card printer (the office's store PC; its driver's table line says so). */
  hasPrinter?: boolean;
  /** office.restockHours where the office keeps a store book (office.keptAtStore): the stack here is fetched from it. */
  restockHours?: number | null;
  /** Record a roll the printer shows was changed (a level that jumps up, an empty that clears). */
  rollSeen?: (kind: RollKind, why: string) => Promise<'recorded' | { personAt: string }>;
}

/** Where the forecast's learning is kept (store kv). */
export const FORECAST_KEY = 'forecast';
/** The forecast's learning is written at most this often (it changes with every card). */
const FORECAST_SAVE_MS = 60_000;

/**
 * The station loop: poll every driver, build the health snapshot, raise and clear alerts,
 * and publish health every healthSeconds and at once on a state change. Each driver is read
 * with its own timeout, so a hung or dead part shows as unknown and the rest goes on.
 */
export class Station {
  private book: AlertBook | undefined;
  private lastKey: string | undefined;
  private lastHealthAt = -Infinity;
  private cancelTimer: (() => void) | undefined;
  private inFlight: Promise<unknown> | undefined;
  private stopping = false;
  private forceNext = false;
  private latestBody: StationBody | undefined;
  private latestBodyAt: number | undefined;
  private readonly polls = new OneAtATime();
  private readonly rolls = new RollWatch();
  private readonly pending = new Map<string, Promise<unknown>>();
  private abort = new AbortController();
  private readonly startedAt: Date;
  private readonly startedMono: number;
  private forecastSavedAt = -Infinity;
  private readonly power = new PowerMachine();
  private readonly lowBattery: LowBatteryCommand;

  constructor(private readonly d: StationDeps) {
    this.startedAt = new Date(d.clock.now());
    this.startedMono = d.clock.monotonic();
    this.lowBattery = new LowBatteryCommand(d.lowBatteryCommand, d.log, d.clock, { timeoutMs: d.lowBatteryCommandTimeoutSeconds === undefined ? undefined : d.lowBatteryCommandTimeoutSeconds * 1000 });
  }

  private limits(): AlertLimits {
    return { ...this.d.config.alerts, restockHours: this.d.restockHours ?? null };
  }

  /** The last low-battery command started has ended (tests). */
  lowBatteryCommandSettled(): Promise<void> {
    return this.lowBattery.settled();
  }

  private get pollMs(): number {
    return this.d.config.intervals.pollSeconds * 1000;
  }

  async start(): Promise<void> {
    this.book = new AlertBook(ALERT_RULES, this.limits(), await this.d.store.activeAlerts());
    this.schedule(0);
  }

  private schedule(ms: number): void {
    this.cancelTimer = this.d.clock.setTimer(() => {
      this.inFlight = this.tick()
        .catch((err: Error) => {
          if (this.stopping) this.d.log.debug({ err: err.message }, 'poll abandoned at stop');
          else this.d.log.error({ err }, 'station poll failed; trying again next period');
        })
        .finally(() => {
          if (!this.stopping) this.schedule(this.pollMs);
        });
    }, ms);
  }

  /** One poll. Public so tests can drive the loop step by step. */
  async tick(opts: { forceHealth?: boolean } = {}): Promise<StationBody> {
    return (await this.serialized(opts.forceHealth === true)).body;
  }

  /** Poll now and publish health whatever changed (the `snapshot` command); returns what was sent. */
  async snapshot(): Promise<HealthPayload> {
    const { health } = await this.serialized(true);
    if (!health) throw new Error('no health was published');
    return health;
  }

  /** The latest snapshot (the job engine's gate reads it). */
  latest(): StationBody | undefined {
    return this.latestBody;
  }

  /** When the latest snapshot was taken (the clock's monotonic ms), for whoever must say how old it is. */
  latestAt(): number | undefined {
    return this.latestBodyAt;
  }

  /** Publish health on the next poll whatever changed (after a reconnect, say). */
  requestHealth(): void {
    this.forceNext = true;
  }

  private serialized(force: boolean, readTimeoutMs?: number): Promise<{ body: StationBody; health: HealthPayload | undefined }> {
    const signal = this.abort.signal;
    return this.polls.run(() => this.pollOnce(force, signal, readTimeoutMs));
  }

  private async pollOnce(force: boolean, signal: AbortSignal, readTimeoutMs?: number): Promise<{ body: StationBody; health: HealthPayload | undefined }> {
    const book = this.book ?? new AlertBook(ALERT_RULES, this.limits());
    this.book = book;
    const timeoutMs = readTimeoutMs ?? Math.min(10_000, Math.max(1_000, this.pollMs));
    const [printer, ups, host] = await Promise.all([
      this.readWithin('printer', () => this.d.printer.read(), timeoutMs, 'the printer', 'Check that the printer is on and connected, and the printer settings.'),
      this.readWithin('ups', () => this.d.ups.read(), timeoutMs, 'the UPS', 'Check the UPS data cable and the UPS service named in the ups settings.'),
      this.readWithin('host', () => this.d.host.read(), timeoutMs, 'the host'),
    ]);
    // A poll overtaken by stop() publishes nothing: the last poll speaks for the station.
    if (signal.aborted) throw new Error('the agent is stopping');
    if (printer.ok) await this.noticeRolls(printer.value);
    // The wall clock stamps and names the day; periods run on monotonic time.
    const now = new Date(this.d.clock.now());
    const mono = this.d.clock.monotonic();
    const jobs = this.d.jobs?.();
    const before = this.power.state;
    let power: PowerView | undefined;
    const body = buildHealth(
      { printer: { driver: this.d.printer.driver, present: this.d.hasPrinter ?? true, polled: printer }, ups: { driver: this.d.ups.driver, polled: ups }, host },
      { station: this.d.config.station, version: this.d.version, startedAt: this.startedAt, uptimeMs: mono - this.startedMono, now, jobs, lowPercent: this.d.config.alerts.supplyLowPercent, power: (u) => (power = this.power.next(u, { ...this.d.config.alerts, deadSeconds: this.d.deadSeconds, hasUps: this.d.hasUps }, mono)) },
    );
    if (power) {
      if (before !== undefined && before !== power.state) this.d.log.info({ from: before, to: power.state, why: power.why }, `power: ${before} -> ${power.state}`);
      this.lowBattery.observe(power);
    }
    if (this.d.forecast) await this.forecast(this.d.forecast, body, now.getTime(), mono, jobs?.cardsUsed ?? null, jobs?.counted ?? null);
    for (const t of book.evaluate(body)) {
      // The event carries the contract's fields only (a rule's key stays with the book).
      await this.d.telemetry.event({ code: t.code, state: t.state, severity: t.severity, message: t.message }, (tx) =>
        t.state === 'raised'
          ? Store.raiseAlert(tx, { code: t.code, severity: t.severity, message: t.message, raisedAt: now.toISOString() })
          : Store.clearAlert(tx, t.code),
      );
      book.commit(t, now);
      this.d.log[t.state === 'raised' ? 'warn' : 'info']({ alert: t.code }, `${t.state}: ${t.message}`);
    }
    body.alerts = book.codes();
    this.latestBody = body;
    this.latestBodyAt = mono;
    this.d.onSnapshot?.(body);
    const key = stateKey(body);
    const due = mono - this.lastHealthAt >= this.d.config.intervals.healthSeconds * 1000;
    let health: HealthPayload | undefined;
    if (force || this.forceNext || due || key !== this.lastKey) {
      this.forceNext = false;
      health = await this.d.telemetry.health(body);
      this.lastHealthAt = mono;
      this.lastKey = key;
    }
    return { body, health };
  }

  /** A roll the printer shows was changed is recorded in the supply ledger (a failure is logged, not fatal). */
  private async noticeRolls(reading: PrinterReading): Promise<void> {
    const changes = this.rolls.see(reading);
    if (!this.d.rollSeen) return;
    for (const { kind, why } of changes) {
      const seen = await this.d.rollSeen(kind, why).catch((err: Error) => this.d.log.warn({ err: err.message, kind }, 'the new roll could not be recorded'));
      if (seen) this.d.log.info({ kind }, seen === 'recorded' ? `a new ${kind} roll in the printer: ${why}; recorded as installed` : `${why}: the ${kind} roll a person recorded at ${seen.personAt}; nothing more recorded`);
    }
  }

  /** Learn from this poll, fill in days left, and keep the learning now and then. */
  private async forecast(f: ConsumablesForecast, body: StationBody, now: number, mono: number, cardsUsed: number | null, counted: JobsSummary['counted']): Promise<void> {
    f.observe(now, body.printer.supplies, cardsUsed);
    f.apply(body, now, counted);
    if (mono - this.forecastSavedAt < FORECAST_SAVE_MS) return;
    const changes = f.takeChanges();
    if (!changes) return;
    this.forecastSavedAt = mono;
    // Losing a minute of learning costs nothing; a storage problem is reported by the outbox.
    await this.d.store.setState(FORECAST_KEY, changes, new Date(now)).catch((err: Error) => this.d.log.warn({ err: err.message }, 'the forecast could not be saved'));
  }

  /**
   * Stop polling and publish one last health, within about STOP_BUDGET_MS even when a driver
   * hangs: the poll in progress is abandoned at once, the last poll reads with a short timeout.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.cancelTimer?.();
    this.abort.abort();
    await this.inFlight;
    this.abort = new AbortController();
    await this.serialized(true, STOP_BUDGET_MS);
  }

  /**
   * Read one part within `ms`. A read still pending from an earlier poll is waited on, not
   * started again, so a hung device does not gather a pile of open requests.
   */
  private async readWithin<T>(part: string, read: () => Promise<T>, ms: number, what: string, hint?: string): Promise<Polled<T>> {
    let p = this.pending.get(part) as Promise<T> | undefined;
    if (!p) {
      p = read();
      this.pending.set(part, p);
      const mine = p;
      void mine.then(
        () => this.pending.get(part) === mine && this.pending.delete(part),
        () => this.pending.get(part) === mine && this.pending.delete(part),
      );
    }
    const signal = this.abort.signal;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new Error('the agent is stopping'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      return { ok: true, value: await Promise.race([withTimeout(this.d.clock, p, ms, what, hint), aborted]) };
    } catch (err) {
      const e = err as Error;
      // The reason health and the alerts carry: a driver's words within the contract's limit.
      return { ok: false, error: cutText(e instanceof HalError && e.hint ? `${e.message} (${e.hint})` : e.message, TEXT_MAX) };
    } finally {
      // One listener per read would pile up on the long-lived signal over months of polling.
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }
}

/** The station's share of the CLI's 5 s stop deadline. */
export const STOP_BUDGET_MS = 1500;
