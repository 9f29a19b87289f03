/**
 * A print path (sim, ipp, windows, ...) with the printer's SNMP agent watching beside it: reads
 * are the two merged (merge.ts says what wins), cards go through the print path, and a card is
 * refused before it starts when the merged reading says the printer cannot take it.
 */
import type { DriverContext } from '../../driver.js';
import { HalError } from '../../errors.js';
import type { CardFormat, PrintRequest, PrintResult, PrinterDriver, PrinterReading } from '../types.js';
import { PRINTER_HINT, PRINTER_SAYS } from '../words.js';
import type { SnmpMonitorOptions } from './config.js';
import { mergeReading } from './merge.js';
import { SnmpMonitor } from './monitor.js';
import type { Collect } from './client.js';

export class MonitoredPrinter implements PrinterDriver {
  readonly driver: string;
  readonly cardFormat?: CardFormat;
  readonly jobOutcome?: (jobId: string) => Promise<'completed' | 'aborted' | 'unknown'>;
  readonly printedFor?: (recordId: string) => Promise<string[]>;
  readonly monitor: SnmpMonitor;

  constructor(
    private readonly path: PrinterDriver,
    opts: SnmpMonitorOptions,
    ctx: DriverContext,
    transport?: Collect,
  ) {
    this.driver = `${path.driver}+snmp`;
    // The card goes in the form the print path takes (a PDF, or an image for the spooler).
    if (path.cardFormat) this.cardFormat = path.cardFormat;
    this.monitor = new SnmpMonitor(opts, ctx, transport);
    // The print path's job history is the proof after a crash; SNMP keeps none.
    if (path.jobOutcome) this.jobOutcome = (id) => (path.jobOutcome as NonNullable<PrinterDriver['jobOutcome']>).call(path, id);
    if (path.printedFor) this.printedFor = (id) => (path.printedFor as NonNullable<PrinterDriver['printedFor']>).call(path, id);
  }

  async start(): Promise<void> {
    await this.monitor.start();
    await this.path.start();
  }

  async stop(): Promise<void> {
    await this.path.stop();
    await this.monitor.stop();
  }

  /** Both at once; the monitor never throws, so a dead SNMP agent leaves the print path's reading standing. */
  async read(): Promise<PrinterReading> {
    const [path, snmp] = await Promise.all([this.path.read(), this.monitor.read()]);
    return mergeReading(path, snmp);
  }

  async print(req: PrintRequest): Promise<PrintResult> {
    let now: PrinterReading;
    try {
      now = await this.read();
    } catch (err) {
      throw new HalError('not-ready', `the printer cannot be read before a card: ${(err as Error).message}`, err instanceof HalError ? err.hintWords : undefined);
    }
    // What only SNMP saw (a jam, an empty hopper) stops the card here: nothing has started.
    if (now.state === 'offline') throw new HalError('not-ready', PRINTER_SAYS.offline, PRINTER_HINT.power);
    if (now.state === 'stopped') throw new HalError('not-ready', `the printer is stopped (${now.reasons.join(', ') || 'no reason given'})`);
    return this.path.print(req);
  }
}
