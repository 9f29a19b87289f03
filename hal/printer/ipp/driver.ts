import type { IppPrinterOptions } from './config.js';
import { Pauses } from '../../../core/clock.js';
import type { DriverContext } from '../../driver.js';
import { CardSpoiledError, HalError } from '../../errors.js';
import type { Text } from '../../../core/i18n.js';
import type { PrintRequest, PrintResult, PrinterDriver, PrinterReading } from '../types.js';
import { PRINTER_SAYS } from '../words.js';
import { httpTransport, IppClient, printerUriOf, type IppAnswer, type IppTransport } from './client.js';
import { jobStateOf, mapPrinterAttributes, type JobState } from './codec.js';

const PRINTER_ATTRIBUTES = [
  'printer-state',
  'printer-state-reasons',
  'printer-make-and-model',
  'marker-names',
  'marker-types',
  'marker-levels',
  'marker-low-levels',
  'printer-supply',
  'printer-supply-description',
  'printer-input-tray',
  'printer-impressions-completed',
  'pages-per-minute',
  'pages-per-minute-color',
];

/** Answers that mean "not now": nothing was started, ask again later. */
const BUSY = new Set(['server-error-busy', 'server-error-service-unavailable', 'server-error-temporary-error', 'server-error-too-many-jobs']);

const HINT: Text = {
  id: 'Pastikan printer kartu (atau CUPS) menyala dan bisa dijangkau, dan periksa printer.url.',
  en: 'Check that the card printer (or CUPS) is on and reachable, and printer.url.',
};

/**
 * A card printer reached over IPP: the printer's own IPP service, or its CUPS queue (the usual
 * way on a Linux station). Reads state, reasons and supplies; prints one card with Print-Job,
 * named with the agent's job id, and follows it with Get-Job-Attributes to its end.
 */
export class IppPrinter implements PrinterDriver {
  readonly driver = 'ipp';
  private readonly client: IppClient;
  private readonly pauses: Pauses;

  constructor(
    private readonly opts: IppPrinterOptions,
    private readonly ctx: DriverContext,
    transport?: IppTransport,
  ) {
    this.pauses = new Pauses(ctx.clock);
    const url = new URL(opts.url);
    this.client = new IppClient(printerUriOf(url), transport ?? httpTransport(url, ctx.clock), opts.timeoutSeconds * 1000);
  }

  start(): Promise<void> {
    // Nothing to open: each call is its own request. An unreachable printer shows in read().
    this.pauses.resume();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    // A card being printed goes on at the printer; the agent stops listening for it. The job
    // engine verifies it after a restart (jobOutcome), it is never reported failed here.
    this.pauses.stop();
    return Promise.resolve();
  }

  async read(): Promise<PrinterReading> {
    const a = await this.client.call('Get-Printer-Attributes', { 'requested-attributes': PRINTER_ATTRIBUTES });
    this.expectOk(a, 'Get-Printer-Attributes');
    return mapPrinterAttributes(a.printer, this.opts.supplies);
  }

  async print(req: PrintRequest): Promise<PrintResult> {
    let before: PrinterReading;
    try {
      before = await this.read();
    } catch (err) {
      throw new HalError('not-ready', `the printer cannot be read before a card: ${(err as Error).message}`, HINT);
    }
    if (before.state === 'offline') throw new HalError('not-ready', PRINTER_SAYS.offline, HINT);
    if (before.state === 'stopped') throw new HalError('not-ready', `the printer is stopped (${before.reasons.join(', ') || 'no reason given'})`);

    let answer: IppAnswer;
    try {
      answer = await this.client.call(
        'Print-Job',
        { 'requesting-user-name': 'station-agent', 'job-name': req.jobId, 'document-format': req.mimeType },
        req.document,
      );
    } catch (err) {
      // Refused before sending: nothing started. Anything later (a timeout, a reset, garbage)
      // leaves the card's fate unknown: the job engine sets it aside for a person.
      if (err instanceof HalError && err.code === 'unreachable') throw new HalError('not-ready', err.text.message ?? err.message, err.hintWords);
      throw new HalError('unknown-outcome', `Print-Job was sent but its answer was lost: ${(err as Error).message}`);
    }
    if (BUSY.has(answer.status)) throw new HalError('busy', `the printer is busy (${answer.status})`);
    if (!answer.status.startsWith('successful-ok')) throw new HalError('not-ready', `the printer refused the card (${answer.status})`);
    const jobId = answer.jobs[0]?.['job-id'];
    if (typeof jobId !== 'number') throw new HalError('unknown-outcome', 'the printer accepted the card without a job-id');
    this.ctx.log.debug({ jobId: req.jobId, printerJobId: jobId }, 'card sent to the printer');
    await this.follow(jobId);
    return { printerJobId: String(jobId) };
  }

  /** Ask after the job until it ends; transient failures are retried up to jobTimeoutSeconds. */
  private async follow(jobId: number): Promise<void> {
    const deadline = this.ctx.clock.monotonic() + this.opts.jobTimeoutSeconds * 1000;
    let lastProblem = '';
    for (;;) {
      await this.pauses.pause(this.opts.jobPollSeconds * 1000);
      let state: JobState | undefined;
      let reasons: string[] = [];
      try {
        const a = await this.client.call('Get-Job-Attributes', { 'job-id': jobId, 'requested-attributes': ['job-state', 'job-state-reasons'] });
        if (a.status === 'client-error-not-found') throw new HalError('unknown-outcome', `the printer no longer knows job ${jobId}`);
        this.expectOk(a, 'Get-Job-Attributes');
        state = jobStateOf(a.jobs[0]?.['job-state']);
        const r = a.jobs[0]?.['job-state-reasons'];
        reasons = (Array.isArray(r) ? r : [r]).filter((x): x is string => typeof x === 'string' && x !== 'none');
      } catch (err) {
        if (err instanceof HalError && err.code === 'unknown-outcome') throw err;
        lastProblem = (err as Error).message;
      }
      if (state === 'completed') return;
      if (state === 'aborted') throw new CardSpoiledError(reasons, `the printer aborted the card (job ${jobId}${reasons.length ? `: ${reasons.join(', ')}` : ''})`);
      if (state === 'canceled') throw new HalError('canceled', `the card was cancelled at the printer (job ${jobId}); whether a card was used is unknown`);
      if (this.ctx.clock.monotonic() >= deadline) {
        throw new HalError('unknown-outcome', `job ${jobId} did not finish within ${this.opts.jobTimeoutSeconds} s (${state ?? lastProblem})`);
      }
    }
  }

  /** The printer's job history: how a card sent before a crash ended, by its job name. */
  async jobOutcome(agentJobId: string): Promise<'completed' | 'aborted' | 'unknown'> {
    const a = await this.client.call('Get-Jobs', {
      'requesting-user-name': 'station-agent',
      'which-jobs': 'completed',
      'requested-attributes': ['job-id', 'job-name', 'job-state'],
    });
    this.expectOk(a, 'Get-Jobs');
    const mine = a.jobs.filter((j) => j['job-name'] === agentJobId);
    if (mine.length !== 1) return 'unknown'; // none, or a name seen twice: a person decides
    const state = jobStateOf(mine[0]?.['job-state']);
    return state === 'completed' ? 'completed' : state === 'aborted' ? 'aborted' : 'unknown';
  }

  /**
   * Whether the printer's history holds a card finished for this record: the agent names every
   * job `<recordId>@<time>`, so a record printed before is known here even if the agent's own
   * database forgot it. Returns the job id found, or null.
   */
  async printedFor(recordId: string): Promise<string[]> {
    const a = await this.client.call('Get-Jobs', {
      'requesting-user-name': 'station-agent',
      'which-jobs': 'completed',
      'requested-attributes': ['job-id', 'job-name', 'job-state'],
    });
    this.expectOk(a, 'Get-Jobs');
    return a.jobs
      .filter((j) => typeof j['job-name'] === 'string' && j['job-name'].startsWith(`${recordId}@`) && jobStateOf(j['job-state']) === 'completed')
      .map((j) => String(j['job-id'] ?? j['job-name']));
  }

  private expectOk(a: IppAnswer, op: string): void {
    if (!a.status.startsWith('successful-ok')) throw new HalError('ipp-error', `the printer answered ${op} with ${a.status}`, HINT);
  }
}
