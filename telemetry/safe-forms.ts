/**
 * The last resort of the self-check (self-check.ts): a section of a payload that no field-by-field
 * fix makes pass is replaced by its unknown form, the same a part that could not be read gives:
 * states unknown, numbers null, and the reason saying why. Only the sections fed from outside the
 * agent (the printer, the UPS, the host, the ledgers, the queue) have one; the agent's own (its
 * version, the telemetry's counters) are made by the agent and are not replaced.
 */
import { cutText, TEXT_MAX } from '../hal/bounds.js';
import type { EventPayload, HealthPayload } from './payloads.js';

/** The reason an unknown form gives, in the field that carries one. */
export const NOT_SENT = 'not sent: what the agent made did not pass the contract (see the agent.payload_invalid event)';

/** A UPS nothing can be told of: its state unknown, every figure null, `error` saying why (the station's snapshot gives it for a UPS it could not read). */
export function unknownUps(driver: string, error: string | null) {
  return { driver, status: 'unknown' as const, onBattery: null, chargePercent: null, runtimeSeconds: null, inputVoltage: null, loadPercent: null, model: null, error, shutdownImminent: null, alarms: null, battery: null };
}

type Forms<P> = { [K in keyof P]?: (was: unknown) => P[K] };

const textIn = (was: unknown, key: string, otherwise: string): string => {
  const v = was !== null && typeof was === 'object' ? (was as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? cutText(v, TEXT_MAX) : otherwise;
};

const health: Forms<HealthPayload> = {
  printer: (was) => ({ driver: textIn(was, 'driver', 'unknown'), state: 'unknown', reasons: [], supplies: [], model: null, error: NOT_SENT }),
  ups: (was) => unknownUps(textIn(was, 'driver', 'unknown'), NOT_SENT),
  host: () => ({ cpuPercent: null, memUsedPercent: null, diskFreeBytes: null, uptimeSeconds: null }),
  stock: () => ({ blanksOnHand: null, daysLeft: null, daysLeftReason: NOT_SENT, cardsPerDay: null, rateSource: null, ribbonRolls: null, filmRolls: null, ribbonDaysLeft: null, filmDaysLeft: null }),
  // Unknown, not "cards may start": held says why nothing can be told.
  jobs: () => ({ queued: null, fetching: null, ready: null, printing: null, printedToday: null, failedToday: null, needsVerification: null, needsVerificationIds: null, held: NOT_SENT, utilisation: null }),
  alerts: () => [],
};

const event: Forms<EventPayload> = {
  code: (was) => (typeof was === 'string' ? cutText(was, TEXT_MAX) : 'unknown'),
  state: () => 'raised',
  severity: () => 'warning',
  message: () => NOT_SENT,
};

/** By schema id: the unknown form of each section that has one. */
export const SAFE_FORMS: Readonly<Record<string, Readonly<Record<string, (was: unknown) => unknown>>>> = {
  'station.health/1': health,
  'station.event/1': event,
};
