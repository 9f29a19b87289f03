/**
 * `GET /metrics`: the fleet in Prometheus's text format, for the province's own Prometheus and
 * Grafana, made from the dashboard's state on every scrape (no figure outlives the state it
 * came from) and written straight into the text format (dashboard/prom-text.ts). Unknown is
 * left out, never 0: a figure the station did not report, and every figure of a health that is stale (the station is offline, or its
 * last report is older than the staleness limit), is absent, and `ektp_station_health_age_seconds`
 * says how old the last one is. While the dashboard has lost its broker, stations are judged as
 * of that moment, as on the page: its own outage does not blank the fleet, and
 * `ektp_dashboard_broker_connected` says so.
 */
import { setImmediate as pause } from 'node:timers/promises';
import { usualSeverity } from '../telemetry/event-codes.js';
import type { HealthPayload } from '../telemetry/payloads.js';
import { type StationEntry, WATCHED_KINDS, type WatchedKind } from './fleet.js';
import type { OfficeStock } from './office-api.js';
import { type AddSample, PROM_CONTENT_TYPE, PromText, labelPair } from './prom-text.js';
import { supplyCell } from './supply-cell.js';

export interface MetricsInput {
  entries: Iterable<StationEntry>;
  nowMs: number;
  /** When stations are judged stale from: now, or when the dashboard lost its broker (as the page does). */
  judgedAtMs?: number;
  staleAfterMs: number;
  /** The severity the station gave an alert it raised (from its events); the code's usual one (telemetry/event-codes.ts) when it is not known. */
  severityOf?: (station: string, code: string) => string | undefined;
  brokerConnected?: boolean;
  /** Only when dashboard.alertmanager is set: up is null until the first post. */
  alertmanager?: { up: boolean | null; pending: number };
  /** The offices' stock where it is (store, printers, in transit), from their books. */
  offices?: readonly OfficeFigures[];
}

/** An office's figures for /metrics: requestPoint null at no use (as daysLeft). */
export interface OfficeFigures {
  office: string;
  province: string;
  regency: string;
  onHand: number;
  daysLeft: number | null;
  requestPoint?: number | null;
  ratePerDay?: number;
  printedMonth?: number;
  /** Its books hold figures beyond what a printer can print or a room can hold (dashboard/plausible.ts). */
  implausible?: boolean;
}

/** An office's stock as /metrics gives it: blanks with those on their way, no request point at no use, flagged while implausible. */
export function officeFigures(s: OfficeStock): OfficeFigures {
  return { ...s, onHand: s.onHand + s.inTransit, requestPoint: s.ratePerDay > 0 ? s.requestPoint : null, printedMonth: s.month.printed, implausible: (s.implausible?.length ?? 0) > 0 };
}

const ORDER = { empty: 0, low: 1, ok: 2, unknown: 3 } as const;
/** Stations written between two looks at the event loop (a tenth of a second or so at a nation's size). */
const YIELD_EVERY = 2500;

/** The worst supply of one kind (a printer may report two ribbons): the one the table shows. */
function worst(h: HealthPayload, kind: string): HealthPayload['printer']['supplies'][number] | undefined {
  let w: HealthPayload['printer']['supplies'][number] | undefined;
  for (const s of h.printer.supplies) {
    if (s.kind !== kind) continue;
    if (!w || ORDER[s.status] < ORDER[w.status] || (s.status === w.status && (s.daysLeft ?? Infinity) < (w.daysLeft ?? Infinity))) w = s;
  }
  return w;
}

const isWatched = (k: string): k is WatchedKind => (WATCHED_KINDS as readonly string[]).includes(k);

/** A figure, left out when unknown. */
function put(add: AddSample, labels: string, v: number | null | undefined): void {
  if (v !== null && v !== undefined) add(labels, v);
}

export async function metricsText(input: MetricsInput): Promise<{ contentType: string; body: Buffer }> {
  const out = new PromText();
  const gauge = (name: string, help: string) => out.family(name, help);
  const info = gauge('ektp_station_info', 'Every station the dashboard knows, always 1: its province and regency, to join on station.');
  const up = gauge('ektp_station_up', '1 when the station says it is online, 0 when it went offline (its Will, or a clean stop); absent until it said either.');
  const lost = gauge('ektp_station_connection_lost', '1 when the station went offline without a clean stop (the broker sent its Will), 0 otherwise; absent until it said either.');
  const age = gauge('ektp_station_health_age_seconds', 'Seconds since the dashboard received the station\'s last health; its figures are left out once this passes the staleness limit (60 s).');
  const level = gauge('ektp_supply_level_percent', 'Level of the consumable in the printer, percent (the worst one of its kind).');
  const remaining = gauge('ektp_supply_remaining_cards', 'Cards the consumable in the printer still prints (the printer\'s figure or the agent\'s count).');
  const daysLeft = gauge('ektp_supply_days_left', 'Days until the consumable runs out at the station\'s recent rate, as the dashboard\'s table shows: the office\'s (blanks on hand; ribbon and film: the roll and the shelf) where the station reports it, else the printer\'s.');
  const stockDays = gauge('ektp_stock_days_left', 'Days the office\'s whole stock lasts (for ribbon and film: the roll in the printer and the rolls on the shelf).');
  const rolls = gauge('ektp_stock_rolls', 'Ribbon or film rolls on the shelf, from the supply ledger.');
  const blanks = gauge('ektp_blanks_on_hand', 'Blank cards on hand, from the blank-card ledger.');
  const onBattery = gauge('ektp_ups_on_battery', '1 when mains is lost and the UPS runs on battery, 0 on mains.');
  const charge = gauge('ektp_ups_charge_percent', 'UPS battery charge, percent.');
  const runtime = gauge('ektp_ups_runtime_seconds', 'Runtime the UPS estimates on battery, seconds.');
  const printed = gauge('ektp_cards_printed_today', 'Cards printed since the station\'s local midnight.');
  // Beside printed (reprints too): the ledger's good and spoiled cards, left out for an agent before them.
  const good = gauge('ektp_cards_good_today', "Good cards since the station's local midnight: a spoiled card and its reprint are one good card.");
  const spoiled = gauge('ektp_cards_spoiled_today', "Cards spoiled since the station's local midnight.");
  const queued = gauge('ektp_jobs_queued', 'Records waiting to be printed.');
  const verify = gauge('ektp_jobs_needs_verification', 'Cards whose outcome a clerk must check.');
  const alert = gauge('ektp_alert_active', 'An alert the station has raised now, always 1 (code as in the MQTT contract).');

  let stations = 0;
  for (const e of input.entries) {
    // A nation is 10,000 stations: the messages are taken in between every few thousand.
    if (++stations % YIELD_EVERY === 0) await pause();
    // Each station's labels written once, for all its series.
    const station = labelPair('station', e.station);
    const where = `${station},${labelPair('province', e.province)},${labelPair('regency', e.regency)}`;
    info(where, 1);
    if (e.online !== null) up(where, e.online ? 1 : 0);
    if (e.online !== null) lost(station, e.offlineReason === 'lost' ? 1 : 0);
    if (e.healthAtMs !== null) age(station, Math.max(0, (input.nowMs - e.healthAtMs) / 1000));
    const h = e.health;
    const stale = h === null || e.online === false || e.healthAtMs === null || (input.judgedAtMs ?? input.nowMs) - e.healthAtMs > input.staleAfterMs;
    if (stale) continue;
    const kinds = new Set<string>(h.printer.supplies.map((s) => s.kind));
    if (h.stock.blanksOnHand !== null) kinds.add('blanks');
    for (const kind of kinds) {
      const s = worst(h, kind);
      const labels = `${station},${labelPair('kind', kind)}`;
      put(level, labels, s?.levelPercent);
      put(remaining, labels, s?.remaining);
      put(daysLeft, labels, isWatched(kind) ? supplyCell(h, kind).daysLeft : s?.daysLeft);
    }
    put(stockDays, `${station},kind="blanks"`, h.stock.daysLeft);
    put(stockDays, `${station},kind="ribbon"`, h.stock.ribbonDaysLeft);
    put(stockDays, `${station},kind="film"`, h.stock.filmDaysLeft);
    put(rolls, `${station},kind="ribbon"`, h.stock.ribbonRolls);
    put(rolls, `${station},kind="film"`, h.stock.filmRolls);
    put(blanks, station, h.stock.blanksOnHand);
    put(onBattery, station, h.ups.onBattery === null ? null : h.ups.onBattery ? 1 : 0);
    put(charge, station, h.ups.chargePercent);
    put(runtime, station, h.ups.runtimeSeconds);
    put(printed, station, h.jobs.printedToday);
    put(good, station, h.jobs.goodToday);
    put(spoiled, station, h.jobs.spoiledToday);
    put(queued, station, h.jobs.queued);
    put(verify, station, h.jobs.needsVerification);
    for (const code of new Set(h.alerts)) alert(`${station},${labelPair('code', code)},${labelPair('severity', input.severityOf?.(e.station, code) ?? usualSeverity(code))}`, 1);
  }

  if (input.offices) {
    const onHand = gauge('ektp_office_blanks_on_hand', "Blank cards of the office: its store, its printers' stacks and what is on its way between them, from its books.");
    const left = gauge('ektp_office_days_left', "Days the office's blanks last at its printers' rate of the last 28 days; absent at no use.");
    // The office's own lead time sets it, so days left alone cannot tell whether it must write.
    const point = gauge('ektp_office_blanks_request_point', 'Blank cards at which the office writes to the ministry (its rate × its lead days + 7); at or under it, office.blanks.low. Absent at no use.');
    // A regency's months of stock is its offices' blanks over their summed rates, not a mean of their days left.
    const rate = gauge('ektp_office_blanks_per_day', "Blank cards the office's printers use a day (good and spoiled, the last 28 days; a first estimate before any day is recorded): the rate of its request.");
    const month = gauge('ektp_office_cards_printed_month', "Good cards the office's printers printed this month (dashboard.timeZone), from their daily figures, as the month's reconciliation counts them.");
    // The nation's and the province's sums leave out an office whose books are implausible (as the API's do): its figures are left out here too, and it is flagged.
    const flagged = gauge('ektp_office_figures_implausible', "1 while the office's books hold figures beyond what a printer can print or a room can hold: its figures are left out until they are put right (the dashboard's API names them); 0 otherwise.");
    for (const o of input.offices) {
      const office = labelPair('office', o.office);
      const place = `${office},${labelPair('province', o.province)},${labelPair('regency', o.regency)}`;
      flagged(place, o.implausible ? 1 : 0);
      if (o.implausible) continue;
      onHand(place, o.onHand);
      if (o.daysLeft !== null) left(`${office},${labelPair('kind', 'blanks')}`, o.daysLeft);
      if (o.requestPoint !== null && o.requestPoint !== undefined) point(office, o.requestPoint);
      if (o.ratePerDay !== undefined) rate(office, o.ratePerDay);
      if (o.printedMonth !== undefined) month(office, o.printedMonth);
    }
  }
  gauge('ektp_dashboard_stations', 'Stations the dashboard knows.')('', stations);
  if (input.brokerConnected !== undefined) gauge('ektp_dashboard_broker_connected', "1 while the dashboard is connected to the province's broker; at 0 the stations' figures are as of when it lost it.")('', input.brokerConnected ? 1 : 0);
  if (input.alertmanager) {
    if (input.alertmanager.up !== null) gauge('ektp_dashboard_alertmanager_up', "1 when Alertmanager took the dashboard's last post, 0 when it did not.")('', input.alertmanager.up ? 1 : 0);
    gauge('ektp_dashboard_alertmanager_pending', 'Alert changes Alertmanager has not taken yet (kept and posted again).')('', input.alertmanager.pending);
  }
  return { contentType: PROM_CONTENT_TYPE, body: out.bytes() };
}
