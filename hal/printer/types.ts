import type { Lifecycle } from '../driver.js';

export const PRINTER_STATES = ['idle', 'printing', 'stopped', 'offline'] as const;
export type PrinterState = (typeof PRINTER_STATES)[number];

export const SUPPLY_KINDS = ['ribbon', 'film', 'blanks', 'other'] as const;
export type SupplyKind = (typeof SUPPLY_KINDS)[number];

export const SUPPLY_STATUSES = ['ok', 'low', 'empty', 'unknown'] as const;
export type SupplyStatus = (typeof SUPPLY_STATUSES)[number];

/** One consumable as the printer reports it. Any number it cannot tell is null, never 0. */
export interface SupplyReading {
  kind: SupplyKind;
  name: string;
  levelPercent: number | null;
  /** Prints (or cards, for blanks) left, where the printer counts them. */
  remaining: number | null;
  capacity: number | null;
  /** The printer's own verdict (its low mark, its *-low / *-empty reasons). */
  status: SupplyStatus;
}

export interface PrinterReading {
  state: PrinterState;
  /** IPP-style keywords without severity suffix: media-empty, media-jam, cover-open, film-low ... */
  reasons: string[];
  supplies: SupplyReading[];
  model: string | null;
  /** Cards the printer has completed since it was started, where it counts them. */
  printedTotal: number | null;
  /** Seconds since the printer itself started, where a monitor reads it (SNMP sysUpTime). */
  uptimeSeconds?: number | null;
  /** The printer's rated time for one card, in seconds, where the driver knows it; null or absent when not. */
  secondsPerCard?: number | null;
}

/**
 * The document a driver's print() takes: the one-page PDF card (what CUPS and IPP printers take),
 * or the card as a PNG image at the printer's resolution (the Windows spooler prints images).
 */
export type CardFormat = { mimeType: 'application/pdf' } | { mimeType: 'image/png'; dpi: number };

/** A print-ready card document for one job. */
export interface PrintRequest {
  /** The agent's opaque job id (no personal data). */
  jobId: string;
  /** The record the card is for (an opaque id, not a NIK); printers show it as the job name. */
  recordId: string;
  document: Buffer;
  mimeType: string;
}

export interface PrintResult {
  /** The printer's own id for the job: the proof used to settle an uncertain outcome. */
  printerJobId: string;
}

/**
 * What print() rejects with: not-ready and busy (nothing was started: ask again later), aborted
 * (started, and the printer says the card came out spoiled), canceled (stopped at the printer:
 * whether a card was used is unknown), unknown-outcome (sent, and its answer was lost).
 */
export const PRINT_ERRORS = ['not-ready', 'busy', 'aborted', 'canceled', 'unknown-outcome'] as const;
export type PrintErrorCode = (typeof PRINT_ERRORS)[number];

/**
 * What read() (and jobOutcome()) reject with: unreachable (nothing answers), connection (the
 * connection broke), timeout, protocol (the answer is not what the printer's protocol allows),
 * ipp-error (an IPP error status), not-configured (no printer at this PC: the office's store PC).
 */
export const PRINTER_ERRORS = ['unreachable', 'connection', 'timeout', 'protocol', 'ipp-error', 'not-configured'] as const;
export type PrinterErrorCode = (typeof PRINTER_ERRORS)[number];

/** Reasons a card cannot be started or finished; each one stops the queue, not the agent. */
export const BLOCKING_REASONS = ['media-empty', 'media-jam', 'cover-open', 'ribbon-empty', 'film-empty'] as const;

export interface PrinterDriver extends Lifecycle {
  readonly driver: string;
  /** What print() takes; the PDF card when left out. */
  readonly cardFormat?: CardFormat;
  /** Current state, reasons and supplies. Throws HalError when the printer cannot be reached. */
  read(): Promise<PrinterReading>;
  /**
   * Print one card; resolves when the printer reports it done. Rejects with a HalError
   * `not-ready` (nothing was started) or `aborted` (started, outcome is a spoiled card).
   */
  print(req: PrintRequest): Promise<PrintResult>;
  /**
   * Optional proof after a crash: what the printer knows of a job the agent sent (by the
   * agent's job id, sent as the job name). Drivers that cannot tell leave this out, and the job
   * waits for a person.
   */
  jobOutcome?(jobId: string): Promise<'completed' | 'aborted' | 'unknown'>;
  /**
   * Optional: the printer's own job ids of every card it finished for this record, so a record
   * is not printed twice even if the agent's database forgot it (the queue compares them with
   * the cards it sent). Drivers that cannot tell leave this out.
   */
  printedFor?(recordId: string): Promise<string[]>;
}
