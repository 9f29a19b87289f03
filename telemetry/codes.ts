/**
 * The codes of the contract's payloads (hold codes, alert codes, severities, command names):
 * plain lists, apart from the payloads' zod schemas (payloads.ts) so the agent can use them
 * without building those schemas, which only the dashboard, the JSON Schema files and the
 * tests need.
 */
import type { UPS_ALARMS } from '../hal/ups/types.js';

/** Why printing is held (health `jobs.heldCode`); the words a clerk reads are the agent's (agent/jobs/gate.ts). */
export const HOLD_CODES = [
  'no_source',
  'store',
  'store_write',
  'first_reading',
  'printer_unreadable',
  'printer_offline',
  'supply_empty',
  'printer_stopped',
  'ups_shutdown',
  'ups_silent_on_battery',
  'ups_recharging',
  'ups_low_battery',
  'on_battery_unknown',
  'on_battery_short',
  'claim_waiting',
  'printer_resting',
] as const;
export type HoldCode = (typeof HOLD_CODES)[number];

/** The UPS's alarms as the event codes they raise. */
export const UPS_ALARM_CODES = ['ups.replace_battery', 'ups.overload', 'ups.bypass', 'ups.output_off'] as const satisfies readonly `ups.${(typeof UPS_ALARMS)[number]}`[];

export const ALERT_CODES = [
  'ups.on_battery',
  'ups.low_battery',
  'ups.comm_lost',
  'printer.offline',
  'printer.error',
  'supply.ribbon.low',
  'supply.ribbon.empty',
  'supply.film.low',
  'supply.film.empty',
  'supply.blanks.low',
  'supply.blanks.empty',
  'supply.imbalance',
  'jobs.needs_verification',
  'jobs.held',
  'host.disk_low',
  ...UPS_ALARM_CODES,
  'records.unreachable',
  'telemetry.dropped',
  'agent.payload_invalid',
  'store.error',
  'office.restock',
  'office.blanks.low',
] as const;
export type AlertCode = (typeof ALERT_CODES)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const COMMAND_NAMES = ['snapshot'] as const;
