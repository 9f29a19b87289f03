/**
 * Which cards a day a forecast counts with. A station's own use wins once it has a day of it;
 * before that, a new station would show no days left at all for a whole day, so it borrows the
 * office's: the mean of what its other printers print a day by their own count, and where none
 * is heard (a lone station, a broker that does not let it listen, no network), the configured
 * first estimate. A borrowed rate is an estimate and says so (rateSource), everywhere it is shown.
 */
import type { RateSource } from '../../telemetry/payloads.js';

export interface Rate {
  perDay: number | null;
  /** Why perDay is null or 0 from the station's own use; null when it is given. */
  reason: string | null;
  /** Where perDay comes from; null when there is none. */
  source: RateSource | null;
}

/**
 * The rate to forecast with.
 * - `own`: the station's own rate, or why it has none yet.
 * - `counting`: the station counts its cards (a print queue runs): only then is an estimate
 *   borrowed; a PC that prints nothing (the office's store PC) forecasts nothing.
 * - `office`: the office's other printers' mean cards a day, by their own count; null when none is heard.
 * - `expected`: forecast.expectedCardsPerDay; 0 turns the first estimate off.
 */
export function chooseRate(own: { perDay: number | null; reason: string | null }, counting: boolean, office: number | null, expected: number): Rate {
  if (own.perDay !== null) return { ...own, source: 'own' };
  if (!counting) return { ...own, source: null };
  if (office !== null && Number.isFinite(office) && office > 0) return { perDay: office, reason: null, source: 'office' };
  if (expected > 0) return { perDay: expected, reason: null, source: 'expected' };
  return { ...own, source: null };
}
