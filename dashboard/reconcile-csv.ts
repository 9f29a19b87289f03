/** The month's reconciliation as CSV, for the head of office's spreadsheet and the ministry. */
import { csv } from './raw.js';
import type { Reconciliation } from './reconcile.js';

/** The reconciliation as CSV: one figure a line, then the printers, the problems and the silent stations. */
export function reconciliationCsv(r: Reconciliation): string {
  const lines: (string | number | null)[][] = [['field', 'value'], [r.scope.kind, r.scope.id], ['month', r.month], ['through', r.through]];
  for (const k of ['opening', 'received', 'borrowed', 'lent', 'printed', 'spoiled', 'corrections', 'closing'] as const) lines.push([k, r[k]]);
  for (const [code, n] of Object.entries(r.spoiledByCode)) lines.push([`spoiledByCode.${code}`, n]);
  lines.push(['where.store', r.where.store], ['where.inTransit', r.where.inTransit]);
  for (const [station, n] of Object.entries(r.where.printers)) lines.push([`where.printers.${station}`, n]);
  lines.push([], ['problem', 'kind', 'station', 'entry', 'transfer', 'difference', 'words']);
  for (const p of r.problems) lines.push(['problem', p.kind, p.station, p.entry, p.transfer, p.difference, p.words.id]);
  for (const s of r.silent) lines.push(['silent', s]);
  // Figures that cannot be: counted in an office's own figures, their offices left out of a unit's.
  if (r.implausible.length > 0) lines.push([], ['implausible', 'station', 'office', 'day', 'what', 'value', 'limit', 'words']);
  for (const x of r.implausible) lines.push(['implausible', x.station, x.office, x.day, x.what, x.value, x.limit, x.words.id]);
  for (const o of r.leftOut) lines.push(['leftOut', o]);
  return csv(lines);
}
