import { HalError } from '../../errors.js';
import type { PrinterDriver, PrinterReading, PrintResult } from '../types.js';

const WHY = { id: 'tidak ada printer di PC ini (printer.driver: none)', en: 'there is no printer at this PC (printer.driver: none)' };

/** For a PC without a card printer: every read says so; no card can start. */
export class NoPrinter implements PrinterDriver {
  readonly driver = 'none';
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  read(): Promise<PrinterReading> {
    return Promise.reject(new HalError('not-configured', WHY));
  }
  print(): Promise<PrintResult> {
    // Nothing was started: the queue is never run at such a PC, and this says why if it were.
    return Promise.reject(new HalError('not-ready', WHY));
  }
}
