import { z } from 'zod';
import type { SimUpsOptions } from './config.js';
import type { DriverContext } from '../../driver.js';
import { HalError } from '../../errors.js';
import { SimStateFile } from '../../sim-state-file.js';
import type { UpsDriver, UpsReading } from '../types.js';

/**
 * The state file's shape. Numbers given are pinned while in the file (the simulation goes on
 * from them once removed); `mains`, `lowBattery` and `link` are conditions that hold while
 * given and lift when removed.
 */
export const simUpsStateSchema = z.strictObject({
  mains: z.boolean().optional(),
  chargePercent: z.number().min(0).max(100).optional(),
  runtimeSeconds: z.number().min(0).optional(),
  loadPercent: z.number().min(0).max(200).optional(),
  inputVoltage: z.number().min(0).max(500).optional(),
  lowBattery: z.boolean().optional(),
  link: z.boolean().optional(),
});
export type SimUpsState = z.infer<typeof simUpsStateSchema>;

/** A line-interactive UPS whose battery drains on battery and charges on mains. */
export class SimUps implements UpsDriver {
  readonly driver = 'sim';
  private readonly stateFile: SimStateFile<SimUpsState>;
  private charge = 100;
  private load: number;
  private lastAt: number | undefined;

  constructor(
    private readonly opts: SimUpsOptions,
    private readonly ctx: DriverContext,
  ) {
    this.load = opts.loadPercent;
    this.stateFile = new SimStateFile(opts.stateFile, simUpsStateSchema, {}, ctx.log);
  }

  async start(): Promise<void> {
    this.lastAt = this.ctx.clock.monotonic();
    await this.stateFile.read();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  async read(): Promise<UpsReading> {
    const o = await this.stateFile.read();
    const mains = o.mains ?? true;
    this.evolve(mains);
    if (o.chargePercent !== undefined) this.charge = o.chargePercent;
    if (o.loadPercent !== undefined) this.load = o.loadPercent;
    if (o.link === false) {
      throw new HalError(
        'comm-lost',
        { id: 'UPS tidak menjawab (putus sambungan yang disimulasikan)', en: 'no answer from the UPS (simulated link loss)' },
        { id: 'Periksa kabel data UPS.', en: 'Check the UPS data cable.' },
      );
    }
    const lowBattery = o.lowBattery ?? (!mains && this.charge <= this.opts.lowBatteryPercent);
    return {
      status: lowBattery ? 'low_battery' : mains ? 'online' : 'on_battery',
      onBattery: !mains,
      chargePercent: Math.round(this.charge * 10) / 10,
      runtimeSeconds: o.runtimeSeconds ?? Math.round(this.fullRuntimeSeconds() * (this.charge / 100)),
      inputVoltage: o.inputVoltage ?? (mains ? this.opts.inputVoltage : 0),
      loadPercent: this.load,
      model: 'Simulated UPS',
    };
  }

  /** Runtime on a full battery scales inversely with load around the configured load. */
  private fullRuntimeSeconds(): number {
    const load = Math.max(this.load, 1);
    return this.opts.runtimeAtFullMinutes * 60 * (this.opts.loadPercent / load);
  }

  private evolve(mains: boolean): void {
    const now = this.ctx.clock.monotonic();
    const seconds = this.lastAt === undefined ? 0 : Math.max(0, (now - this.lastAt) / 1000);
    this.lastAt = now;
    const delta = mains ? (seconds / (this.opts.rechargeMinutes * 60)) * 100 : -(seconds / this.fullRuntimeSeconds()) * 100;
    this.charge = Math.min(100, Math.max(0, this.charge + delta));
  }
}
