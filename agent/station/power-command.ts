import { spawn } from 'node:child_process';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { PowerView } from './power.js';

/** The output kept for the log: a shutdown script's last words, not a flood. */
const KEEP_BYTES = 2000;

/**
 * ups.lowBatteryCommand, like upsmon's SHUTDOWNCMD: run once when, on battery, the power goes
 * low (or the UPS announces its shutdown), and not again until mains has come back. It is
 * started directly (argv, never a shell, so nothing in it is interpreted), not waited for by
 * the station loop, and its exit is logged with the end of what it printed. One that hangs is
 * stopped after ups.lowBatteryCommandTimeoutSeconds (SIGTERM, then SIGKILL), and says so.
 */
export interface LowBatteryCommandOptions {
  /** ups.lowBatteryCommandTimeoutSeconds, in ms: past it the command is stopped. */
  timeoutMs?: number;
  /** After SIGTERM, how long it has to end before SIGKILL. */
  killGraceMs?: number;
}

export class LowBatteryCommand {
  private ranThisOutage = false;
  private running: Promise<void> | undefined;
  private readonly timeoutMs: number;
  private readonly killGraceMs: number;

  /** `clock`: the station's, which its timeout and the grace before SIGKILL run on. */
  constructor(
    private readonly argv: readonly string[] | undefined,
    private readonly log: Logger,
    private readonly clock: Clock,
    opts: LowBatteryCommandOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.killGraceMs = opts.killGraceMs ?? 5_000;
  }

  observe(view: PowerView): void {
    if (!this.argv || this.argv.length === 0) return;
    if (view.onBattery === false) {
      this.ranThisOutage = false;
      return;
    }
    // A UPS silent past its dead time after it was last seen on battery counts too (upsmon's dead UPS).
    const critical = view.onBattery === true && (view.state === 'low_battery' || view.state === 'shutdown_imminent' || view.state === 'comm_lost_on_battery');
    if (!critical || this.ranThisOutage) return;
    this.ranThisOutage = true;
    this.running = this.run(this.argv, view.why);
  }

  /** Resolves when the last command started has ended (for tests and a clean stop). */
  async settled(): Promise<void> {
    await this.running;
  }

  private run(argv: readonly string[], why: string): Promise<void> {
    const [program, ...args] = argv;
    if (program === undefined) return Promise.resolve();
    this.log.warn({ command: argv, why }, 'battery low on battery power: running ups.lowBatteryCommand');
    return new Promise((resolve) => {
      let output = '';
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-KEEP_BYTES);
      };
      // Its own process group (not on Windows), so that a timeout stops what a script started too.
      const group = process.platform !== 'win32';
      const child = spawn(program, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, detached: group });
      const kill = (signal: NodeJS.Signals) => {
        try {
          if (group && child.pid !== undefined) process.kill(-child.pid, signal);
          else child.kill(signal);
        } catch {
          child.kill(signal); // the group is gone already; the child itself may not be
        }
      };
      let timedOut = false;
      let cancelKill: (() => void) | undefined;
      const cancelTimeout = this.clock.setTimer(() => {
        timedOut = true;
        this.log.error(
          { command: argv, timeoutSeconds: this.timeoutMs / 1000, output: output.trim() || undefined },
          `ups.lowBatteryCommand still running after ${this.timeoutMs / 1000} s: stopping it (SIGTERM, then SIGKILL after ${this.killGraceMs / 1000} s); make the command finish sooner (e.g. shutdown -h +1 returns at once) or raise ups.lowBatteryCommandTimeoutSeconds`,
        );
        kill('SIGTERM');
        cancelKill = this.clock.setTimer(() => kill('SIGKILL'), this.killGraceMs);
      }, this.timeoutMs);
      let ended = false;
      const end = () => {
        ended = true;
        cancelTimeout();
        cancelKill?.();
        resolve();
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (ended) return;
        this.log.error({ command: argv, err: err.message }, `ups.lowBatteryCommand could not be started (${err.code ?? 'error'}): check that ${program} exists and the agent's user may run it`);
        end();
      });
      // After a failed start Node still emits 'close': that end is logged already.
      child.once('close', (code, signal) => {
        if (ended) return;
        const fields = { command: argv, exitCode: code, signal, timedOut: timedOut || undefined, output: output.trim() || undefined };
        if (code === 0) this.log.info(fields, 'ups.lowBatteryCommand finished');
        else this.log.error(fields, `ups.lowBatteryCommand failed (${timedOut ? 'stopped after its timeout, ' : ''}${signal ? `signal ${signal}` : `exit ${code}`})`);
        end();
      });
    });
  }
}
