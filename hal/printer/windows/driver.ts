import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Pauses } from '../../../core/clock.js';
import type { DriverContext } from '../../driver.js';
import { HalError } from '../../errors.js';
import { packageRoot } from '../../../core/package-root.js';
import type { Text } from '../../../core/i18n.js';
import type { CardFormat, PrintRequest, PrintResult, PrinterDriver, PrinterReading } from '../types.js';
import { PRINTER_SAYS } from '../words.js';
import type { WindowsPrinterOptions } from './config.js';
import { HelperLink, HelperRefused, type SpawnHelper } from './link.js';
import { historyResultSchema, jobsResultSchema, printerResultSchema, resultOf, vendorResultSchema, type Op, type Win32Job } from './protocol.js';
import { jobStatusWords, printedEvents, queuedJobState, spoolerState, type PrintedEvent, type QueuedJob } from './spooler.js';
import { suppliesOf, vendorSupplies, type VendorSupplies } from './vendor.js';

const HINT: Text = {
  id: 'Pastikan printer menyala dan tampil di Windows (Get-Printer), periksa printer.windows.name, dan pastikan Windows PowerShell berjalan: station-agent printer test menunjukkan mana yang bermasalah.',
  en: 'Check that the printer is on and shows in Windows (Get-Printer), printer.windows.name, and that Windows PowerShell runs: station-agent printer test says which.',
};
const NO_VENDOR: VendorSupplies = { ribbonPercent: null, filmPercent: null, ribbonName: null, hopper: null, sources: [] };
/** PrintService log events asked for: enough for a day of cards at a busy office. */
const HISTORY_EVENTS = 500;

interface PrintLog {
  logEnabled: boolean | null;
  events: PrintedEvent[];
}
/** The log could not be asked: as good as none. */
const NO_LOG: PrintLog = { logEnabled: null, events: [] };

/** deploy/windows/printer-helper.ps1 in the package this runs from (core/package-root.ts). */
export function helperScriptPath(from = import.meta.dirname): string {
  return join(packageRoot(from) ?? from, 'deploy', 'windows', 'printer-helper.ps1');
}

function spawnerFor(opts: WindowsPrinterOptions): { spawn: SpawnHelper; what: string } {
  const command = opts.helperCommand ?? ['powershell.exe', '-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', helperScriptPath()];
  const [file, ...args] = command as [string, ...string[]];
  return {
    what: opts.helperCommand ? `the printer helper (${file})` : 'the printer helper (Windows PowerShell)',
    spawn: () => spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true }),
  };
}

/**
 * A card printer on this Windows PC, printed to through the spooler and the printer's own Windows
 * driver, as the office's other programs do. A long-lived helper (PowerShell, shipped with the
 * agent) does what only Windows can: print the card image, list the print queue, read the
 * printer's status, the PrintService log and the vendor software's answers. It passes them raw;
 * every meaning is given here (spooler.ts, vendor.ts), and tested on Linux against a stand-in.
 */
export class WindowsPrinter implements PrinterDriver {
  readonly driver = 'windows';
  readonly cardFormat: CardFormat;
  private readonly link: HelperLink;
  private printing = false;
  private readonly pauses: Pauses;

  constructor(
    private readonly opts: WindowsPrinterOptions,
    private readonly ctx: DriverContext,
    spawnHelper?: SpawnHelper,
  ) {
    this.cardFormat = { mimeType: 'image/png', dpi: opts.dpi };
    this.pauses = new Pauses(ctx.clock);
    const s = spawnerFor(opts);
    const timeoutMs = opts.helperTimeoutSeconds * 1000;
    this.link = new HelperLink(spawnHelper ?? s.spawn, { what: s.what, timeoutMs, startTimeoutMs: Math.max(timeoutMs, 30_000), hint: HINT }, ctx);
  }

  /** Helpers started so far (the self-test says so; tests count restarts). */
  get helperStarts(): number {
    return this.link.starts;
  }

  start(): Promise<void> {
    this.pauses.resume();
    // Started now, so the first reading (and a crash check of the job history) need not wait for
    // PowerShell; a helper that cannot start shows in read(), never stops the agent.
    this.link.call('hello').catch(() => undefined);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    // A card being printed goes on in the spooler; the job engine verifies it after a restart.
    this.pauses.stop();
    await this.link.stop();
  }

  private async call(op: Op, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<Record<string, unknown>> {
    try {
      return await this.link.call(op, { printer: this.opts.name, ...args }, timeoutMs);
    } catch (err) {
      if (err instanceof HelperRefused) throw err;
      if (err instanceof HalError) throw err;
      throw new HalError('connection', (err as Error).message, HINT);
    }
  }

  async read(): Promise<PrinterReading> {
    let answer: Record<string, unknown>;
    try {
      answer = await this.call('printer');
    } catch (err) {
      if (err instanceof HelperRefused) throw new HalError('unreachable', `Windows could not tell the printer's status: ${err.message}`, HINT);
      throw err;
    }
    const p = resultOf('printer', printerResultSchema, answer);
    if (!p.found || !p.printer) {
      throw new HalError('unreachable', `Windows has no printer named "${this.opts.name}"`, {
        id: 'Isi printer.windows.name persis dengan nama yang ditampilkan Get-Printer (termasuk spasi dan huruf besar).',
        en: 'Set printer.windows.name to the exact name Get-Printer shows (spaces and capitals included).',
      });
    }
    const vendor = await this.vendor();
    const spooler = spoolerState(p.printer);
    const sup = suppliesOf(vendor, spooler.reasons, { lowPercent: this.opts.lowPercent, ribbonCapacity: this.opts.supplies.ribbon?.capacity, filmCapacity: this.opts.supplies.film?.capacity });
    const view = spoolerState(p.printer, sup.reasons);
    return {
      state: view.state === 'idle' && this.printing ? 'printing' : view.state,
      reasons: view.reasons,
      supplies: sup.supplies,
      model: p.printer.DriverName,
      printedTotal: null,
    };
  }

  /** The vendor software's answers; a PC without it (or a refusal) leaves the levels unknown. */
  private async vendor(): Promise<VendorSupplies> {
    try {
      return vendorSupplies(resultOf('vendor', vendorResultSchema, await this.call('vendor', this.opts.fargoSdk ? { fargoSdk: this.opts.fargoSdk } : {})));
    } catch (err) {
      if (err instanceof HelperRefused) return NO_VENDOR;
      throw err;
    }
  }

  async print(req: PrintRequest): Promise<PrintResult> {
    if (req.mimeType !== 'image/png') throw new HalError('not-ready', `this driver prints the card as a PNG image, not ${req.mimeType} (a bug: the card was rendered for another printer)`);
    if (this.printing) throw new HalError('busy', PRINTER_SAYS.busy);
    this.printing = true;
    try {
      let before: PrinterReading;
      try {
        before = await this.read();
      } catch (err) {
        throw new HalError('not-ready', `the printer cannot be read before a card: ${(err as Error).message}`, (err as HalError).hintWords ?? HINT);
      }
      if (before.state === 'offline') throw new HalError('not-ready', PRINTER_SAYS.offline, HINT);
      if (before.state === 'stopped') throw new HalError('not-ready', `the printer is stopped (${before.reasons.join(', ') || 'no reason given'})`);

      let answer: Record<string, unknown>;
      try {
        answer = await this.call('print', { name: req.jobId, png: req.document.toString('base64'), dpi: this.opts.dpi }, this.opts.printTimeoutSeconds * 1000);
      } catch (err) {
        // Refused before anything reached the spooler, or no helper to send it: nothing started.
        if (err instanceof HelperRefused && err.failure.stage === 'prepare') throw new HalError('not-ready', `the card was not handed to the spooler: ${err.message}`, HINT);
        if (err instanceof HalError && err.code === 'unreachable') throw new HalError('not-ready', err.text.message ?? err.message, err.hintWords);
        throw new HalError('unknown-outcome', `the card was sent to the spooler but its answer was lost: ${(err as Error).message}`);
      }
      let spooled: Win32Job[];
      try {
        spooled = resultOf('print', jobsResultSchema, answer).jobs.filter((j) => j.Document === req.jobId);
      } catch (err) {
        throw new HalError('unknown-outcome', `the card was spooled but the answer is not understood: ${(err as Error).message}`);
      }
      const jobId = spooled[0]?.JobId;
      this.ctx.log.debug({ jobId: req.jobId, printerJobId: jobId }, 'card handed to the Windows spooler');
      return await this.follow(req.jobId, jobId);
    } finally {
      this.printing = false;
    }
  }

  /** Watch the card in the print queue until it leaves it; the log (or a kept job) says how it ended. */
  private async follow(name: string, firstId: number | undefined): Promise<PrintResult> {
    const deadline = this.ctx.clock.monotonic() + this.opts.jobTimeoutSeconds * 1000;
    let jobId = firstId;
    let last: QueuedJob | undefined;
    let words = '';
    let problem = '';
    for (;;) {
      await this.pauses.pause(this.opts.jobPollSeconds * 1000);
      let jobs: Win32Job[] | undefined;
      try {
        jobs = resultOf('jobs', jobsResultSchema, await this.call('jobs')).jobs;
      } catch (err) {
        problem = (err as Error).message;
      }
      if (jobs) {
        const j = jobs.find((x) => (jobId !== undefined ? x.JobId === jobId : x.Document === name));
        if (j) {
          jobId = j.JobId;
          last = queuedJobState(j);
          words = jobStatusWords(j);
          if (last === 'printed') return { printerJobId: String(j.JobId) };
        } else {
          return this.leftQueue(name, jobId, last, words);
        }
      }
      if (this.ctx.clock.monotonic() >= deadline) {
        throw new HalError('unknown-outcome', `the card (spooler job ${jobId ?? '?'}) did not finish within ${this.opts.jobTimeoutSeconds} s (${words || problem || 'no answer'})`);
      }
    }
  }

  /**
   * The card left the print queue: printed, if the log says so, or if it left without trouble
   * (the spooler handed it all to the printer, as CUPS's "completed" means) where there is no log
   * to ask; cancelled if it left while being deleted or held by an error; unknown if it was never
   * seen there at all, or if the log is on and does not show it printed.
   */
  private async leftQueue(name: string, jobId: number | undefined, last: QueuedJob | undefined, words: string): Promise<PrintResult> {
    const log = await this.printedInLog().catch(() => NO_LOG);
    const logged = log.events.filter((e) => e.document === name || (jobId !== undefined && e.jobId === String(jobId)));
    if (logged.length > 0) return { printerJobId: logged[logged.length - 1]?.jobId ?? String(jobId) };
    if (jobId === undefined || last === undefined) {
      throw new HalError('unknown-outcome', 'the spooler took the card but it was never seen in the print queue, and the PrintService log does not show it printed');
    }
    if (last === 'deleting' || last === 'trouble') {
      throw new HalError('canceled', `the card (spooler job ${jobId}) left the print queue while it was ${words}; whether a card was used is unknown`);
    }
    if (log.logEnabled === true) {
      throw new HalError('unknown-outcome', `the card (spooler job ${jobId}) left the print queue, but the PrintService log, which is on, does not show it printed`);
    }
    return { printerJobId: String(jobId) };
  }

  /** Whether the PrintService log is on (null: Windows did not say), and the cards it shows printed. */
  private async printedInLog(): Promise<PrintLog> {
    const h = resultOf('history', historyResultSchema, await this.call('history', { max: HISTORY_EVENTS }));
    return { logEnabled: h.logEnabled, events: printedEvents(h.events, this.opts.name) };
  }

  /**
   * After a crash: a job kept in the queue as printed, or exactly one "document printed" event
   * under the agent's job id, is the proof. Anything else is unknown: a person decides.
   */
  async jobOutcome(agentJobId: string): Promise<'completed' | 'aborted' | 'unknown'> {
    const jobs = resultOf('jobs', jobsResultSchema, await this.call('jobs')).jobs.filter((j) => j.Document === agentJobId);
    if (jobs.length === 1 && jobs[0] && queuedJobState(jobs[0]) === 'printed') return 'completed';
    if (jobs.length > 0) return 'unknown'; // still queued, or twice: not settled
    const logged = (await this.printedInLog().catch(() => NO_LOG)).events.filter((e) => e.document === agentJobId);
    return logged.length === 1 ? 'completed' : 'unknown';
  }

  /** Cards the log (or the kept queue) shows printed for this record: the agent names jobs `<recordId>@<time>`. */
  async printedFor(recordId: string): Promise<string[]> {
    const mine = (doc: string | null) => doc !== null && doc.startsWith(`${recordId}@`);
    const kept = resultOf('jobs', jobsResultSchema, await this.call('jobs')).jobs.filter((j) => mine(j.Document) && queuedJobState(j) === 'printed');
    const logged = (await this.printedInLog().catch(() => NO_LOG)).events.filter((e) => mine(e.document));
    return [...new Set([...kept.map((j) => String(j.JobId)), ...logged.map((e) => e.jobId)])];
  }
}
