/**
 * The UPS family's boundary: whichever driver is configured, its reading is cut to the
 * contract's limits (../bounds.ts) here, before health, the alerts, the station page or diagnose
 * see it. A upsd or a USB UPS says what it likes in its model, its raw status and its battery's
 * words; what is cut ends in "…" and is said once in the log.
 */
import type { Logger } from 'pino';
import { CutNotice, deviceNumber, deviceText, TEXT_MAX, UPS_ALARMS_MAX } from '../bounds.js';
import { UPS_ALARMS, type UpsDriver, type UpsReading } from './types.js';

function text(value: string | null | undefined, what: string, cuts: string[]): string | null {
  if (value === null || value === undefined) return null;
  if (value.length > TEXT_MAX) cuts.push(`${what} of ${value.length} characters cut to ${TEXT_MAX}`);
  return deviceText(value, TEXT_MAX);
}

/** A reading within the contract's limits, and what had to be cut to get there (for the log; [] when nothing). */
export function boundUpsReading(r: UpsReading): { reading: UpsReading; cuts: string[] } {
  const cuts: string[] = [];
  const reading: UpsReading = {
    status: r.status,
    onBattery: r.onBattery,
    chargePercent: deviceNumber(r.chargePercent),
    runtimeSeconds: deviceNumber(r.runtimeSeconds),
    inputVoltage: deviceNumber(r.inputVoltage),
    loadPercent: deviceNumber(r.loadPercent),
    model: text(r.model, 'a model', cuts),
  };
  if (r.shutdownImminent !== undefined) reading.shutdownImminent = r.shutdownImminent;
  if (r.statusReason !== undefined) reading.statusReason = text(r.statusReason, 'a status', cuts);
  // Each alarm once, and only the contract's: at most UPS_ALARMS_MAX of them by construction.
  if (r.alarms !== undefined) reading.alarms = UPS_ALARMS.filter((a) => r.alarms?.includes(a)).slice(0, UPS_ALARMS_MAX);
  if (r.battery !== undefined) reading.battery = { date: text(r.battery.date, "the battery's date", cuts), testResult: text(r.battery.testResult, 'a self-test result', cuts) };
  return { reading, cuts };
}

/** The UPS as the rest of the agent gets it: every reading bounded, starting and stopping passed through. */
export class BoundedUps implements UpsDriver {
  readonly driver: string;
  private readonly cutNotice: CutNotice;

  constructor(
    private readonly ups: UpsDriver,
    log: Logger,
  ) {
    this.driver = ups.driver;
    this.cutNotice = new CutNotice(log, 'the UPS');
  }

  start(): Promise<void> {
    return this.ups.start();
  }

  stop(): Promise<void> {
    return this.ups.stop();
  }

  async read(): Promise<UpsReading> {
    const { reading, cuts } = boundUpsReading(await this.ups.read());
    this.cutNotice.note(cuts);
    return reading;
  }
}
