import type { PowerState } from '../../hal/ups/types.js';
import type { StationBody } from '../../telemetry/payloads.js';
import type { Config } from '../config/schema.js';

/**
 * The station's power, as NUT's upsmon sees it: online → on battery → low battery → shutdown
 * imminent, or comm lost. The UPS's own flags decide, and on battery so do the configured
 * limits (alerts.lowBatteryPercent, lowRuntimeSeconds). A UPS last seen on battery that stays
 * silent past ups.deadSeconds is taken as on battery with its runtime unknown
 * (comm_lost_on_battery), as upsmon promotes a dead UPS last known OB to OB+LB: that is the
 * moment the power is about to drop with a card half laminated. Low battery and shutdown imminent
 * latch for the rest of the outage: a charge reading that bounces back up when the load drops
 * does not make the battery good again; only mains coming back does. The alerts ups.* and the
 * print gate read the state from here, so they cannot disagree.
 */

export type PowerLimits = Pick<Config['alerts'], 'lowBatteryPercent' | 'lowRuntimeSeconds'> & {
  /** ups.deadSeconds: a UPS last seen on battery and silent this long is taken as on battery. */
  deadSeconds?: number;
  /** False at a station without a UPS (the UPS driver's table says so): the state is `none`. */
  hasUps?: boolean;
};
export type UpsBody = Omit<StationBody['ups'], 'powerState'>;

export interface PowerView {
  state: PowerState;
  /** Mains lost; null when unknown. True for a UPS that went silent on battery past its dead time. */
  onBattery: boolean | null;
  /** The UPS's low-battery flag, or on battery under the limits, or latched from earlier in this outage. */
  lowBattery: boolean;
  shutdownImminent: boolean;
  /** For the alert text and the log: what made the state. */
  why: string;
}

const NONE: PowerView = { state: 'none', onBattery: null, lowBattery: false, shutdownImminent: false, why: 'no UPS configured' };
const DEFAULT_DEAD_SECONDS = 15;
const ON_BATTERY_STATES = new Set<PowerState>(['on_battery', 'low_battery', 'shutdown_imminent', 'comm_lost_on_battery']);

/** The UPS answered (even without a line status): its alarms are a list; an unreadable UPS has none (null). */
const answered = (u: UpsBody) => u.status !== 'unknown' || Array.isArray(u.alarms);

export class PowerMachine {
  private latchedLow = false;
  private latchedShutdown = false;
  private current: PowerState | undefined;
  /** Whether the UPS was on battery when it last said so; null before it has. */
  private lastOnBattery: boolean | null = null;
  private lastCharge: number | null = null;
  private silentSince: number | undefined;

  get state(): PowerState | undefined {
    return this.current;
  }

  /** `mono`: the clock's monotonic ms (how long the UPS has been silent is a period). */
  next(u: UpsBody, limits: PowerLimits, now: number): PowerView {
    const view = this.step(u, limits, now);
    this.current = view.state;
    return view;
  }

  private step(u: UpsBody, limits: PowerLimits, now: number): PowerView {
    if (limits.hasUps === false) return NONE;
    if (!answered(u)) {
      // The latches stay: the outage may still be going on while the UPS cannot be read.
      this.silentSince ??= now;
      const silentSeconds = (now - this.silentSince) / 1000;
      if (this.lastOnBattery === true && silentSeconds >= (limits.deadSeconds ?? DEFAULT_DEAD_SECONDS)) {
        // upsmon's rule: a UPS last known on battery that stops answering is critical (OB + LB).
        const charge = this.lastCharge === null ? '' : ` at ${this.lastCharge} %`;
        return { state: 'comm_lost_on_battery', onBattery: true, lowBattery: true, shutdownImminent: this.latchedShutdown, why: `the UPS stopped answering ${Math.round(silentSeconds)} s ago, last seen on battery${charge}` };
      }
      return { state: 'comm_lost', onBattery: null, lowBattery: this.latchedLow, shutdownImminent: this.latchedShutdown, why: u.error ?? 'no reason given' };
    }
    this.silentSince = undefined;
    const onBattery = u.onBattery ?? (u.status === 'on_battery' ? true : u.status === 'online' ? false : null);
    if (u.status === 'unknown' && onBattery === null) {
      // It answers but says neither on line nor on battery (OFF, TRIM alone, WAIT while its driver
      // starts): not a lost link. Last seen on battery, the judgement made then stands until it
      // says on line: a driver coming back after a cut says WAIT before it says OB or OL.
      const why = u.error ?? 'the UPS gives no line status';
      if (this.lastOnBattery === true && this.current !== undefined && ON_BATTERY_STATES.has(this.current)) {
        return { state: this.current, onBattery: true, lowBattery: this.latchedLow || this.current === 'comm_lost_on_battery', shutdownImminent: this.latchedShutdown, why: `${why}; last seen on battery` };
      }
      return { state: 'unknown', onBattery: null, lowBattery: this.latchedLow, shutdownImminent: this.latchedShutdown, why };
    }
    if (onBattery !== null) this.lastOnBattery = onBattery;
    this.lastCharge = u.chargePercent;
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
  return new PowerMachine().next(u, limits, 0);
}
