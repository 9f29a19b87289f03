/**
 * prtAlertTable: the printer's own list of what is wrong now. Each alert it knows becomes an
 * IPP-style reason (naming the ribbon or the film where the alert points at its supply row); a
 * critical one stops the printer, and its words are kept for the log.
 */
import { ALERT_CRITICAL, ALERT_GROUP, ALERT_REASONS, COL, SUBUNIT_ALERTS } from './mib.js';
import type { Candidate, Kind } from './supplies.js';
import type { Row } from './tables.js';
import { intOf, textOf, type Notes } from './values.js';

/** The alert rows of the printer device → reasons (through `say`), its critical alerts' words, and whether any is critical. */
export function readAlerts(rows: [string, Row][], picked: Record<Kind, Candidate | undefined>, notes: Notes, say: (reason: string) => void): { alerts: string[]; critical: boolean } {
  const alerts: string[] = [];
  let critical = false;
  for (const [index, row] of rows) {
    const where = `prtAlert.${index}`;
    const code = intOf(row.get(COL.alert.code), `${where} code`, notes);
    const severity = intOf(row.get(COL.alert.severity), `${where} severity`, notes);
    const words = textOf(row.get(COL.alert.description), `${where} description`, notes);
    if (severity === ALERT_CRITICAL) {
      critical = true;
      alerts.push(words ?? `alert code ${code ?? '?'}`);
    }
    if (code === null) continue;
    const direct = ALERT_REASONS[code];
    if (direct) {
      say(direct);
      continue;
    }
    const cond = SUBUNIT_ALERTS[code];
    const group = intOf(row.get(COL.alert.group), `${where} group`, notes);
    const sub = intOf(row.get(COL.alert.groupIndex), `${where} group index`, notes);
    if (!cond) {
      if (severity === ALERT_CRITICAL) say('other');
      continue;
    }
    if (group === ALERT_GROUP.input) say(cond === 'missing' ? 'input-tray-missing' : `media-${cond}`);
    else if (group === ALERT_GROUP.markerSupplies) {
      const kind = (['ribbon', 'film'] as const).find((k) => picked[k] !== undefined && picked[k]?.index === String(sub));
      say(cond === 'missing' ? 'marker-supply-missing' : kind ? `${kind}-${cond}` : `marker-supply-${cond}`);
    } else if (severity === ALERT_CRITICAL) say('other');
  }
  return { alerts, critical };
}
