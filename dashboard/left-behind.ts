/**
 * Alerts a reinstalled PC's old installation left raised. The old database is gone, so nothing
 * will ever clear them: without this, Alertmanager would be told they fire for ever. When the new
 * installation's first health comes, each raise of an older installation that it does not list
 * among its alerts now is closed in the feed by the dashboard, as a retirement closes a station's.
 */
import { older } from './active-alerts.js';
import type { NewEvent, StoredEvent } from './store.js';

/** The clears to add, from the newest raise and clear of each code (store.latestAlertEvents of the station). */
export function leftBehind(latest: readonly StoredEvent[], install: number, raisedNow: readonly string[], nowMs: number): NewEvent[] {
  const now = new Set(raisedNow);
  const open = latest.filter((r) => r.state === 'raised' && r.install < install && !now.has(r.code) && !latest.some((c) => c.code === r.code && c.state === 'cleared' && older(r, c)));
  // One per (station, installation, seq): the dashboard's own seqs are beyond any station's count.
  const base = nowMs * 1000;
  return open.map((r, i) => ({
    station: r.station,
    province: r.province,
    regency: r.regency,
    ts: new Date(nowMs).toISOString(),
    seq: base + i,
    code: r.code,
    state: 'cleared',
    severity: r.severity,
    message: 'closed by the dashboard: the station was reinstalled (a new database) and its new installation does not have this alert',
    installId: r.installId,
    install: r.install,
  }));
}
