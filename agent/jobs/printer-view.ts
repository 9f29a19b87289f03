/**
 * What the printer itself says about a record's card, for the person settling it: its job
 * history asked directly (not what the agent recorded). Used by `jobs show` and the station page.
 */
import { pino } from 'pino';
import { systemClock, type Clock } from '../../core/clock.js';
import { withTimeout } from '../../hal/errors.js';
import { createPrinter, type PrinterConfig } from '../../hal/printer/index.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import type { Text } from '../../core/i18n.js';

export interface PrinterView {
  /** The printer's job ids of cards it finished for this record; null when it cannot tell or did not answer. */
  finished: string[] | null;
  /** How the printer ended the agent's last job for this record; null when it cannot tell or did not answer. */
  lastJob: 'completed' | 'aborted' | 'unknown' | null;
  /** Why the printer could not be asked; null when it answered. */
  error: string | null;
}

const ASK_MS = 5000;

/** Asks a printer driver of its own, made from the configuration (the command line). */
export async function askPrinter(config: PrinterConfig, recordId: string, agentJobId: string | null): Promise<PrinterView> {
  try {
    return await askDriver(await createPrinter(config, { clock: systemClock, log: pino({ level: 'silent' }) }), systemClock, recordId, agentJobId);
  } catch (err) {
    return { finished: null, lastJob: null, error: (err as Error).message };
  }
}

/** Asks the given driver (the running agent's, for the station page), waiting at most ASK_MS on `clock`. */
export async function askDriver(printer: PrinterDriver, clock: Clock, recordId: string, agentJobId: string | null): Promise<PrinterView> {
  try {
    const finished = printer.printedFor ? await withTimeout(clock, printer.printedFor(recordId), ASK_MS, "the printer's job history") : null;
    const lastJob = printer.jobOutcome && agentJobId ? await withTimeout(clock, printer.jobOutcome(agentJobId), ASK_MS, "the printer's job history") : null;
    return { finished, lastJob, error: null };
  } catch (err) {
    return { finished: null, lastJob: null, error: (err as Error).message };
  }
}

/** The view in words, for a person about to say whether a card came out. */
export function printerViewText(v: PrinterView): Text {
  if (v.error !== null) return { id: `Printer tidak bisa ditanya (${v.error}): periksa keluaran printer sendiri.`, en: `The printer could not be asked (${v.error}): check the printer output yourself.` };
  if (v.lastJob === 'completed' || (v.finished !== null && v.finished.length > 0)) {
    const jobs = v.finished?.join(', ') ?? '';
    return {
      id: `Menurut riwayat printer, kartu untuk rekaman ini SELESAI dicetak${jobs ? ` (pekerjaan ${jobs})` : ''}. Cari kartunya; bila ada dan baik: tercetak.`,
      en: `The printer's history says a card for this record was FINISHED${jobs ? ` (job ${jobs})` : ''}. Look for it; if it is there and good: printed.`,
    };
  }
  if (v.lastJob === 'aborted') return { id: 'Menurut riwayat printer, pekerjaan terakhir untuk rekaman ini DIBATALKAN atau gagal: kemungkinan tidak ada kartu yang keluar.', en: "The printer's history says the last job for this record was ABORTED or failed: most likely no card came out." };
  if (v.finished !== null) return { id: 'Riwayat printer tidak punya kartu selesai untuk rekaman ini.', en: "The printer's history has no finished card for this record." };
  return { id: 'Printer ini tidak menyimpan riwayat pekerjaan yang bisa dibaca agen: periksa keluaran printer sendiri.', en: 'This printer keeps no job history the agent can read: check the printer output yourself.' };
}
