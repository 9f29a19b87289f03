/**
 * The print path's reading and the printer's SNMP view → one reading, pure. What wins, and why:
 *
 * - Job state (idle or printing), the printed count, the model: the print path. It sends every
 *   card and follows it to its end; SNMP's "printing" may be another program's page.
 * - Ribbon, film and blanks levels: SNMP, wherever it reports one. It reads the printer's own
 *   sensors (the ribbon's chip, the hopper's sensor); a print path through CUPS or the Windows
 *   spooler mostly knows nothing of them, or knows it second hand. Where SNMP says nothing of a
 *   supply, the print path's stands (and the agent's own count after that, in the snapshot).
 * - Faults: both. A reason from either stands; offline from either is offline, stopped from either
 *   is stopped. A jam the spooler has not noticed still stops the queue.
 * - SNMP silent: the print path's reading, with the reason snmp-unreachable, and never offline on
 *   that alone. A wrong community gets no answer at all, exactly like a printer that is off, and
 *   the print path knows better whether a card can be sent; one bad part does not stop the rest.
 */
import type { PrinterReading, SupplyReading } from '../types.js';
import type { SnmpReading } from './monitor.js';

const KINDS = ['ribbon', 'film', 'blanks'] as const;

/** Whether a supply says anything at all: a level, a count, or the printer's verdict. */
const says = (s: SupplyReading | undefined): s is SupplyReading => s !== undefined && (s.levelPercent !== null || s.remaining !== null || s.status !== 'unknown');

export function mergeReading(path: PrinterReading, snmp: SnmpReading): PrinterReading {
  const v = snmp.view;
  const reasons: string[] = [];
  for (const r of [...path.reasons, ...(v?.reasons ?? []), ...(snmp.problem ? [snmp.problem.reason] : [])]) if (!reasons.includes(r)) reasons.push(r);

  let state = path.state;
  if (path.state === 'offline' || v?.state === 'offline') state = 'offline';
  else if (path.state === 'stopped' || v?.state === 'stopped') state = 'stopped';

  const supplies: SupplyReading[] = [];
  for (const kind of KINDS) {
    const fromSnmp = v?.supplies.find((s) => s.kind === kind);
    const fromPath = path.supplies.find((s) => s.kind === kind);
    const chosen = says(fromSnmp) ? fromSnmp : (fromPath ?? fromSnmp);
    if (chosen) supplies.push(chosen);
  }
  for (const s of path.supplies) if (!(KINDS as readonly string[]).includes(s.kind)) supplies.push(s);

  return {
    state,
    reasons,
    supplies,
    model: path.model ?? v?.model ?? null,
    printedTotal: path.printedTotal,
    secondsPerCard: path.secondsPerCard ?? null,
    uptimeSeconds: v?.uptimeSeconds ?? null,
  };
}
