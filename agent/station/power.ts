import type { PowerState } from '../../hal/ups/types.js';
import type { StationBody } from '../../telemetry/payloads.js';
import type { Config } from '../config/schema.js';

/**
 * The station's power, as NUT's upsmon sees it: online → on battery → low battery → shutdown
 * imminent, or comm lost. The UPS's own flags decide, and on battery so do the configured
 * limits (alerts.lowBatteryPercent, lowRuntimeSeconds). Low battery and shutdown imminent
 * latch for the rest of the outage: a charge reading that bounces back up when the load drops
 * does not make the battery good again; only mains coming back does. The alerts ups.* and the
 * print gate read the state from here, so they cannot disagree.
 */

export type PowerLimits = Pick<Config['alerts'], 'lowBatteryPercent' | 'lowRuntimeSeconds'>;
export type UpsBody = Omit<StationBody['ups'], 'powerState'>;

export interface PowerView {
  state: PowerState;
  /** Mains lost; null when unknown. */
  onBattery: boolean | null;
  /** The UPS's low-battery flag, or on battery under the limits, or latched from earlier in this outage. */
  lowBattery: boolean;
  shutdownImminent: boolean;
  /** For the alert text and the log: what made the state. */
  why: string;
}

const NONE: PowerView = { state: 'none', onBattery: null, lowBattery: false, shutdownImminent: false, why: 'no UPS configured' };

export class PowerMachine {
  private latchedLow = false;
  private latchedShutdown = false;
  private current: PowerState | undefined;

  get state(): PowerState | undefined {
    return this.current;
  }

  next(u: UpsBody, limits: PowerLimits): PowerView {
    const view = this.step(u, limits);
    this.current = view.state;
    return view;
  }

  private step(u: UpsBody, limits: PowerLimits): PowerView {
    if (u.driver === 'none') return NONE;
    if (u.status === 'unknown') {
      // The latches stay: the outage may still be going on while the UPS cannot be read.
      return { state: 'comm_lost', onBattery: null, lowBattery: this.latchedLow, shutdownImminent: this.latchedShutdown, why: u.error ?? 'no reason given' };
    }
    const onBattery = u.onBattery ?? (u.status === 'on_battery' ? true : u.status === 'online' ? false : null);
    if (onBattery === false) {
      this.latchedLow = false;
      this.latchedShutdown = false;
    }
    const flag = u.status === 'low_battery';
    const underCharge = onBattery === true && u.chargePercent !== null && u.chargePercent <= limits.lowBatteryPercent;
    const underRuntime = onBattery === true && u.runtimeSeconds !== null && u.runtimeSeconds <= limits.lowRuntimeSeconds;
    const shutdown = u.shutdownImminent === true || (onBattery === true && this.latchedShutdown);
    const low = flag || underCharge || underRuntime || shutdown || (onBattery === true && this.latchedLow);
    if (onBattery === true) {
      this.latchedLow = low;
      this.latchedShutdown = shutdown;
    }
    const why = shutdown
      ? 'the UPS says shutdown is imminent'
      : flag
        ? 'the UPS says its battery is low'
        : underCharge
          ? `charge ${u.chargePercent} % is at or under ${limits.lowBatteryPercent} %`
          : underRuntime
            ? `runtime ${u.runtimeSeconds} s is at or under ${limits.lowRuntimeSeconds} s`
            : low
              ? 'the battery went low earlier in this outage'
              : onBattery
                ? 'mains power lost'
                : 'on mains';
    const state: PowerState = shutdown ? 'shutdown_imminent' : low ? 'low_battery' : onBattery ? 'on_battery' : 'online';
    return { state, onBattery, lowBattery: low, shutdownImminent: shutdown, why };
  }
}

/** One reading on its own, with nothing latched (tests, tools, and the first poll). */
export function powerView(u: UpsBody, limits: PowerLimits): PowerView {
  return new PowerMachine().next(u, limits);
}
