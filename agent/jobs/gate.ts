import type { StationBody } from '../../telemetry/payloads.js';
import type { JobsConfig } from '../config/schema.js';

export interface GateContext {
  hasSource: boolean;
  durable: boolean;
}

/**
 * Why no new card may start now, or null when one may. A card in progress is always finished;
 * this only decides whether the next one starts. Unknown is treated as "no": a printer that
 * cannot be read, or a UPS on battery whose runtime is unknown, holds the queue.
 */
export function holdReason(h: StationBody | undefined, cfg: JobsConfig, ctx: GateContext): string | null {
  if (!ctx.hasSource) return 'no record source is configured (records in the configuration)';
  if (!ctx.durable) return 'the database cannot be used (store.error): printing waits, so that no record can be printed twice';
  if (!h) return 'waiting for the first reading of the printer and the UPS';
  const p = h.printer;
  if (p.state === 'unknown') return `the printer cannot be read (${p.error ?? 'no reason given'})`;
  if (p.state === 'offline') return 'the printer is offline';
  for (const kind of ['ribbon', 'film', 'blanks'] as const) {
    const s = p.supplies.find((x) => x.kind === kind);
    // A count reaching zero never holds the queue: it is an estimate; the printer's own word does.
    if (s && (s.status === 'empty' || (s.source !== 'counted' && s.remaining === 0))) return `${kind} is empty: refill it and printing resumes by itself`;
  }
  if (p.state === 'stopped') return `the printer is stopped (${p.reasons.join(', ') || 'no reason given'})`;
  const u = h.ups;
  // The power state machine's verdict (agent/station/power.ts); a low battery raised earlier and not yet
  // cleared still holds while the UPS cannot be read.
  if (u.powerState === 'shutdown_imminent') return 'the UPS is about to cut the power (shutdown imminent): printing waits for mains power';
  if (u.powerState === 'comm_lost_on_battery') return 'the UPS stopped answering while on battery: printing waits until it answers on mains power';
  if (u.powerState === 'low_battery' || h.alerts.includes('ups.low_battery')) {
    // On mains with a low battery (recharging after a cut), a second cut now would stop a card.
    return u.onBattery === false ? 'mains is back but the UPS battery is still low: printing waits until it has recharged' : 'the UPS battery is low: printing waits for mains power';
  }
  if (u.powerState === 'on_battery') {
    const need = cfg.secondsPerCard + cfg.batteryMarginSeconds;
    if (u.runtimeSeconds === null) return 'on battery and the runtime left is unknown: printing waits for mains power';
    if (u.runtimeSeconds < need) return `on battery with ${Math.round(u.runtimeSeconds)} s left, less than the ${need} s a card needs with its margin`;
  }
  return null;
}
