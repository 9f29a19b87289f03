import { spawn } from 'node:child_process';
import type { Logger } from 'pino';
import type { PowerView } from './power.js';

/** The output kept for the log: a shutdown script's last words, not a flood. */
const KEEP_BYTES = 2000;

/**
 * ups.lowBatteryCommand, like upsmon's SHUTDOWNCMD: run once when, on battery, the power goes
 * low (or the UPS announces its shutdown), and not again until mains has come back. It is
 * started directly (argv, never a shell, so nothing in it is interpreted), not waited for by
 * the station loop, and its exit is logged with the end of what it printed.
 */
export class LowBatteryCommand {
  private ranThisOutage = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly argv: readonly string[] | undefined,
    private readonly log: Logger,
  ) {}

  observe(view: PowerView): void {
    if (!this.argv || this.argv.length === 0) return;
    if (view.onBattery === false) {
      this.ranThisOutage = false;
      return;
    }
    const critical = view.onBattery === true && (view.state === 'low_battery' || view.state === 'shutdown_imminent');
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
      const child = spawn(program, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.once('error', (err: NodeJS.ErrnoException) => {
        this.log.error({ command: argv, err: err.message }, `ups.lowBatteryCommand could not be started (${err.code ?? 'error'}): check that ${program} exists and the agent's user may run it`);
        resolve();
      });
      child.once('close', (code, signal) => {
        const fields = { command: argv, exitCode: code, signal, output: output.trim() || undefined };
        if (code === 0) this.log.info(fields, 'ups.lowBatteryCommand finished');
        else this.log.error(fields, `ups.lowBatteryCommand failed (${signal ? `signal ${signal}` : `exit ${code}`})`);
        resolve();
      });
    });
  }
}
