/**
 * The SNMP monitor: one reading of the printer's own agent per call, turned into its view of
 * itself. It never throws: a printer that does not answer, answers wrongly or answers junk gives
 * a reading with the reason (snmp-unreachable, snmp-error, snmp-bad-value), logged once per change.
 */
import type { DriverContext, Lifecycle } from '../../driver.js';
import { HalError } from '../../errors.js';
import { readSecretFile, UnreadableFileError } from '../../secret-file.js';
import { netSnmpCollect, SNMP_HINT, type Collect, type SnmpSecrets } from './client.js';
import { mapWalk, type SnmpView } from './codec.js';
import type { SnmpMonitorOptions } from './config.js';

/** Reasons the monitor adds, in the contract's keyword form. */
export const SNMP_REASONS = ['snmp-unreachable', 'snmp-error', 'snmp-bad-value'] as const;
export type SnmpReason = (typeof SNMP_REASONS)[number];

export interface SnmpProblem {
  reason: SnmpReason;
  message: string;
}

/** One reading: the printer's view when it answered, and what went wrong (both, for junk values). */
export interface SnmpReading {
  view: SnmpView | null;
  problem: SnmpProblem | null;
}

function secretsOf(o: SnmpMonitorOptions): SnmpSecrets {
  const read = (key: string, file: string | undefined) => {
    if (!file) return undefined;
    try {
      return readSecretFile(file).toString('utf8');
    } catch (err) {
      throw new Error(`printer.snmp.${key}: ${err instanceof UnreadableFileError ? err.message : String(err)}`);
    }
  };
  if (o.version === '2c') return { community: read('communityFile', o.communityFile) ?? '' };
  return { authKey: read('authKeyFile', o.authKeyFile), privKey: read('privKeyFile', o.privKeyFile) };
}

export class SnmpMonitor implements Lifecycle {
  private collect: Collect | undefined;
  private setupProblem: SnmpProblem | undefined;
  private lastLog = '';

  constructor(
    private readonly opts: SnmpMonitorOptions,
    private readonly ctx: DriverContext,
    /** Tests pass their own transport; the agent reads the secret files and uses net-snmp. */
    private readonly transport?: Collect,
  ) {}

  start(): Promise<void> {
    this.setup();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    // Nothing is kept open between readings.
    return Promise.resolve();
  }

  async read(): Promise<SnmpReading> {
    const collect = this.setup();
    if (!collect) return this.logged({ view: null, problem: this.setupProblem ?? { reason: 'snmp-error', message: 'not set up' } });
    try {
      const got = await collect();
      const view = mapWalk(got.varbinds, { lowPercent: this.opts.lowPercent });
      for (const root of got.truncated) view.notes.push(`the subtree ${root} has more rows than a card printer has: only the first were read`);
      const problem: SnmpProblem | null = view.notes.length > 0 ? { reason: 'snmp-bad-value', message: `values left out: ${view.notes.join('; ')}` } : null;
      return this.logged({ view, problem });
    } catch (err) {
      const e = err instanceof HalError ? err : new HalError('protocol', (err as Error).message);
      const reason: SnmpReason = e.code === 'timeout' || e.code === 'unreachable' ? 'snmp-unreachable' : 'snmp-error';
      // A wrong community or passphrase looks exactly like this: the secret files are read again
      // at the next reading, so a technician's fix takes effect without a restart.
      if (!this.transport) this.collect = undefined;
      return this.logged({ view: null, problem: { reason, message: e.message } });
    }
  }

  private setup(): Collect | undefined {
    // Secret files are read here, again after any reading that failed (see read()): fixing one needs no restart.
    if (this.collect) return this.collect;
    try {
      this.collect = this.transport ?? netSnmpCollect(this.opts, secretsOf(this.opts), this.ctx.clock);
      this.setupProblem = undefined;
    } catch (err) {
      this.setupProblem = { reason: 'snmp-error', message: (err as Error).message };
    }
    return this.collect;
  }

  /** Say it once when what the printer says of itself over SNMP changes, not on every poll. */
  private logged(r: SnmpReading): SnmpReading {
    const key = JSON.stringify([r.problem?.reason, r.problem?.message, r.view?.alerts, r.view?.printerMib]);
    if (key !== this.lastLog) {
      this.lastLog = key;
      const where = `${this.opts.host}:${this.opts.port}`;
      if (r.problem && r.problem.reason !== 'snmp-bad-value') this.ctx.log.warn({ snmp: where, reason: r.problem.reason, err: r.problem.message, hint: SNMP_HINT.en }, 'the printer cannot be read over SNMP');
      else if (r.problem) this.ctx.log.warn({ snmp: where, notes: r.view?.notes }, 'the printer answers SNMP with values the Printer MIB does not allow; they are left out');
      else this.ctx.log.info({ snmp: where, printerMib: r.view?.printerMib, alerts: r.view?.alerts }, r.view?.printerMib ? 'the printer answers SNMP with its Printer MIB' : 'the printer answers SNMP (MIB-II only: online and uptime, no supplies)');
    }
    return r;
  }
}
