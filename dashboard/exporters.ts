/**
 * What the dashboard gives the province's own monitoring: the Prometheus metrics of `/metrics`
 * and the stations' alerts posted to Alertmanager. The book of active alerts is read from the
 * stored feed at start and kept from every new event; Alertmanager hears it only when
 * `dashboard.alertmanager` is set.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from 'pino';
import type { Parts } from '../platform/parts.js';
import { ActiveAlerts } from './active-alerts.js';
import { alertmanagerHeaders, AlertmanagerPoster } from './alertmanager.js';
import type { DashboardConfig } from './config.js';
import type { Fleet } from './fleet.js';
import { metricsText, officeFigures } from './prometheus.js';
import type { OfficeStock } from './office-api.js';
import type { DashboardStore, StoredEvent } from './store.js';

export interface Exporters {
  /** A new event in the feed. */
  onAlert: (e: StoredEvent) => void;
  metrics: () => Promise<{ contentType: string; body: Buffer }>;
  /** For /api/metrics: null without dashboard.alertmanager. */
  alertmanager: () => ReturnType<AlertmanagerPoster['status']> | null;
}

export async function startExporters(
  parts: Parts,
  o: { cfg: DashboardConfig; source: string; store: DashboardStore; fleet: Fleet; log: Logger; now: () => number; clock: Clock; staleAfterMs: number; brokerConnected: () => boolean; asOf?: () => number; offices?: () => Promise<OfficeStock[]> },
): Promise<Exporters> {
  const am = o.cfg.dashboard.alertmanager;
  const book = new ActiveAlerts();
  const poster = am
    ? new AlertmanagerPoster({
        url: am.url,
        headers: alertmanagerHeaders(am, o.source),
        resendMs: am.resendSeconds * 1000,
        timeoutMs: am.timeoutSeconds * 1000,
        log: o.log,
        clock: o.clock,
        regencyName: (code) => o.cfg.dashboard.regencies[code]?.name,
      })
    : undefined;
  // What was raised when the dashboard stopped fires again; what was cleared within the time an
  // alert stays up unrefreshed is resolved again, in case Alertmanager missed it.
  const resolveWindowMs = 4 * (am?.resendSeconds ?? 60) * 1000;
  const changes = book.load(await o.store.latestAlertEvents(), o.now(), o.now() - resolveWindowMs);
  if (poster) {
    poster.take(changes);
    await parts.start('alertmanager', () => poster.start(), () => poster.stop());
    o.log.info({ url: am?.url, firing: book.size }, 'alerts go to Alertmanager');
  }
  return {
    onAlert: (e) => {
      const c = book.apply(e, o.now());
      poster?.take(c);
    },
    metrics: async () =>
      metricsText({
        offices: (await o.offices?.().catch(() => undefined))?.map(officeFigures),
        entries: o.fleet.entries.values(),
        nowMs: o.now(),
        judgedAtMs: o.asOf?.(),
        staleAfterMs: o.staleAfterMs,
        severityOf: (station, code) => book.get(station, code)?.severity,
        brokerConnected: o.brokerConnected(),
        alertmanager: poster ? { up: poster.up, pending: poster.pending } : undefined,
      }),
    alertmanager: () => poster?.status() ?? null,
  };
}
