import { UPS_ALARM_CODES } from '../../telemetry/codes.js';
import type { StationBody } from '../../telemetry/payloads.js';
import type { RuleBody } from './alert-rule.js';

/** What each alarm the UPS reports means for the station, and what to do. */
const UPS_ALARM_WORDS: Record<(typeof UPS_ALARM_CODES)[number], { raised: (h: StationBody) => string; cleared: string }> = {
  'ups.replace_battery': {
    raised: (h) => `the UPS says its battery needs replacing${h.ups.battery?.date ? ` (battery dated ${h.ups.battery.date})` : ''}: in a power cut it may last seconds, not minutes; replace the battery before the next cut`,
    cleared: 'the UPS no longer asks for a new battery',
  },
  'ups.overload': {
    raised: (h) => `the UPS is overloaded${h.ups.loadPercent === null ? '' : ` (load ${h.ups.loadPercent} %)`}: unplug what is not the station (a heater, a second printer), or it may cut the output`,
    cleared: 'the UPS is no longer overloaded',
  },
  'ups.bypass': {
    raised: () => 'the UPS passes mains straight through (bypass): no battery protection now; a power cut would stop the station at once',
    cleared: 'the UPS protects the station again (bypass ended)',
  },
  'ups.output_off': {
    raised: () => 'the UPS output is off: the station runs from somewhere else, with no battery behind it; check how it is plugged in and switch the UPS output on',
    cleared: 'the UPS output is on again',
  },
};

function upsAlarmRules(): RuleBody[] {
  return UPS_ALARM_CODES.map((code) => ({
    code,
    evaluate(h) {
      // Unreadable (null), or an agent that predates alarms: keep what it was.
      if (!Array.isArray(h.ups.alarms)) return 'unknown';
      const active = h.ups.alarms.includes(code);
      return { active, message: active ? UPS_ALARM_WORDS[code].raised(h) : UPS_ALARM_WORDS[code].cleared };
    },
  }));
}

/**
 * The UPS's alerts. The three power alerts read the power state machine's verdict
 * (agent/station/power.ts), which the print gate reads too: one judgement of the power, never two
 * that could disagree. Then the alarms the UPS itself reports.
 */
export const POWER_RULES: readonly RuleBody[] = [
  {
    code: 'ups.comm_lost',
    evaluate(h) {
      if (h.ups.powerState === 'none') return { active: false, message: 'no UPS configured' };
      // Silent after it was last seen on battery, past ups.deadSeconds: the power may drop any moment.
      if (h.ups.powerState === 'comm_lost_on_battery') {
        return { active: true, severity: 'critical', message: `the UPS stopped answering while on battery (${h.ups.error ?? 'no reason given'}): taken as on battery with the runtime unknown, new cards wait` };
      }
      const active = h.ups.powerState === 'comm_lost';
      return { active, message: active ? `UPS cannot be read: ${h.ups.error ?? 'no reason given'}` : 'UPS readings are back' };
    },
  },
  {
    code: 'ups.on_battery',
    evaluate(h) {
      const s = h.ups.powerState;
      if (s === 'comm_lost' || s === 'comm_lost_on_battery' || s === 'unknown' || s === 'none') return 'unknown';
      const onBattery = h.ups.onBattery ?? (h.ups.status === 'on_battery' ? true : h.ups.status === 'online' ? false : null);
      if (onBattery === null) return 'unknown';
      const active = onBattery;
      const charge = h.ups.chargePercent === null ? 'charge unknown' : `charge ${h.ups.chargePercent} %`;
      return { active, message: active ? `mains power lost, running on battery (${charge})` : 'mains power is back' };
    },
  },
  {
    code: 'ups.low_battery',
    evaluate(h) {
      const state = h.ups.powerState;
      // Unreadable, or no line status: keep what it was; an outage may still be going on.
      if (state === 'comm_lost' || state === 'comm_lost_on_battery' || state === 'unknown' || state === 'none') return 'unknown';
      const active = state === 'low_battery' || state === 'shutdown_imminent';
      const runtime = h.ups.runtimeSeconds === null ? 'runtime unknown' : `about ${Math.round(h.ups.runtimeSeconds / 60)} min left`;
      const what = state === 'shutdown_imminent' ? `UPS about to cut the power (shutdown imminent, ${runtime})` : `UPS battery low (${runtime})`;
      return { active, message: active ? what : 'UPS battery no longer low' };
    },
  },
  ...upsAlarmRules(),
];
