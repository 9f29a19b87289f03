import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { SimPrinterOptions } from './config.js';
import type { DriverContext } from '../../driver.js';
import { CardSpoiledError, HalError } from '../../errors.js';
import { SimStateFile } from '../../sim-state-file.js';
import { PRINTER_HINT, PRINTER_SAYS } from '../words.js';
import {
  BLOCKING_REASONS,
  type PrintRequest,
  type PrintResult,
  type PrinterDriver,
  type PrinterReading,
  type PrinterState,
  type SupplyReading,
} from '../types.js';

const counterOverride = z.strictObject({
  remaining: z.number().int().min(0).optional(),
  capacity: z.number().int().min(1).optional(),
});

/**
 * The state file's shape. Supply numbers given are pinned while they stay in the file and the
 * simulation continues from them once removed; `state` and `reasons` are conditions that hold
 * while given and lift when removed.
 */
export const simPrinterStateSchema = z.strictObject({
  ribbon: counterOverride.optional(),
  film: counterOverride.optional(),
  blanks: counterOverride.optional(),
  state: z.enum(['idle', 'stopped', 'offline']).optional(),
  reasons: z.array(z.string().regex(/^[a-z0-9-]+$/, 'an IPP-style keyword such as "media-jam"')).optional(),
});
export type SimPrinterState = z.infer<typeof simPrinterStateSchema>;

type Kind = 'ribbon' | 'film' | 'blanks';
const KINDS: readonly Kind[] = ['ribbon', 'film', 'blanks'];
const NAMES: Record<Kind, string> = { ribbon: 'YMCKO ribbon', film: 'Retransfer film', blanks: 'Input hopper' };

interface Job {
  printerJobId: string;
  req: PrintRequest | undefined;
  done: (outcome: { ok: true } | { ok: false; error: HalError }) => void;
  cancelTimer: () => void;
}

/** A retransfer card printer: ribbon, film and a blank-card hopper, one card at a time. */
export class SimPrinter implements PrinterDriver {
  readonly driver = 'sim';
  private readonly counters: Record<Kind, { remaining: number; capacity: number }>;
  private readonly stateFile: SimStateFile<SimPrinterState>;
  private overrides: SimPrinterState = {};
  private job: Job | undefined;
  private printedTotal = 0;
  private jobCounter = 0;
  private nextDemoAt: number | undefined;

  constructor(
    private readonly opts: SimPrinterOptions,
    private readonly ctx: DriverContext,
  ) {
    this.counters = {
      ribbon: { remaining: opts.capacity.ribbon, capacity: opts.capacity.ribbon },
      film: { remaining: opts.capacity.film, capacity: opts.capacity.film },
      blanks: { remaining: opts.capacity.blanks, capacity: opts.capacity.blanks },
    };
    this.stateFile = new SimStateFile(opts.stateFile, simPrinterStateSchema, {}, ctx.log);
  }

  async start(): Promise<void> {
    await this.refresh();
    if (this.opts.cardsPerHour > 0) this.nextDemoAt = this.ctx.clock.monotonic();
  }

  stop(): Promise<void> {
    // A real printer goes on with its card when the agent stops, and nobody hears how it ended:
    // the job is left unanswered (the job engine verifies it after a restart), never failed.
    this.job?.cancelTimer();
    this.job = undefined;
    this.nextDemoAt = undefined;
    return Promise.resolve();
  }

  async read(): Promise<PrinterReading> {
    await this.refresh();
    this.runDemoLoad();
    return this.reading();
  }

  async print(req: PrintRequest): Promise<PrintResult> {
    await this.refresh();
    return this.startCard(req.jobId, req);
  }

  /** The simulated printer's history is its output folder: a card for this record that came out well. */
  printedFor(recordId: string): Promise<string[]> {
    const dir = this.opts.outputDir;
    if (!dir) return Promise.resolve([]);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return Promise.resolve([]);
    }
    const found = names.filter((n) => n.startsWith(`${recordId}--`) && n.endsWith('.pdf') && !n.endsWith('-spoiled.pdf'));
    return Promise.resolve(found.map((f) => f.split('--')[1]?.split('-').slice(0, 2).join('-') ?? f));
  }

  private async refresh(): Promise<void> {
    this.overrides = await this.stateFile.read();
    this.applyOverrides();
    // A jam, an open cover or the power going while a card is in the printer spoils that card at once.
    if (this.job && this.fault()) this.spoil(this.job);
  }

  /** What spoils a card in the printer now: a jam, an open cover, the printer going offline; undefined when nothing does. */
  private fault(): string | undefined {
    if (this.overrides.state === 'offline') return 'offline';
    return (this.overrides.reasons ?? []).find((r) => r === 'media-jam' || r === 'cover-open');
  }

  private applyOverrides(): void {
    for (const kind of KINDS) {
      const o = this.overrides[kind];
      const c = this.counters[kind];
      if (o?.capacity !== undefined) c.capacity = o.capacity;
      if (o?.remaining !== undefined) c.remaining = o.remaining;
      c.remaining = Math.min(c.remaining, c.capacity);
    }
  }

  private reasons(): string[] {
    const low = (k: Kind) => this.counters[k].remaining <= (this.counters[k].capacity * this.opts.lowPercent) / 100;
    const out: string[] = [];
    for (const kind of ['ribbon', 'film'] as const) {
      if (this.counters[kind].remaining === 0) out.push(`${kind}-empty`);
      else if (low(kind)) out.push(`${kind}-low`);
    }
    if (this.counters.blanks.remaining === 0) out.push('media-empty');
    else if (low('blanks')) out.push('media-low');
    for (const r of this.overrides.reasons ?? []) if (!out.includes(r)) out.push(r);
    return out;
  }

  private state(reasons: string[]): PrinterState {
    if (this.overrides.state) return this.overrides.state;
    if (reasons.some((r) => (BLOCKING_REASONS as readonly string[]).includes(r))) return 'stopped';
    return this.job ? 'printing' : 'idle';
  }

  private reading(): PrinterReading {
    const reasons = this.reasons();
    const supplies: SupplyReading[] = KINDS.map((kind) => {
      const { remaining, capacity } = this.counters[kind];
      const tag = kind === 'blanks' ? 'media' : kind;
      return {
        kind,
        name: NAMES[kind],
        levelPercent: Math.round((remaining / capacity) * 100),
        remaining,
        capacity,
        status: reasons.includes(`${tag}-empty`) ? 'empty' : reasons.includes(`${tag}-low`) ? 'low' : 'ok',
      };
    });
    return { state: this.state(reasons), reasons, supplies, model: 'Simulated retransfer card printer', printedTotal: this.printedTotal, secondsPerCard: this.opts.secondsPerCard };
  }

  /** The demo load stands in for the office printing cards; it never competes with a real job. */
  private runDemoLoad(): void {
    if (this.nextDemoAt === undefined || this.job || this.ctx.clock.monotonic() < this.nextDemoAt) return;
    this.nextDemoAt = this.ctx.clock.monotonic() + 3_600_000 / this.opts.cardsPerHour;
    this.startCard(`demo-${this.jobCounter + 1}`).catch(() => undefined);
  }

  private startCard(jobId: string, req?: PrintRequest): Promise<PrintResult> {
    if (this.job) return Promise.reject(new HalError('busy', PRINTER_SAYS.busy));
    const reasons = this.reasons();
    const state = this.state(reasons);
    if (state === 'offline') return Promise.reject(new HalError('not-ready', PRINTER_SAYS.offline, PRINTER_HINT.power));
    if (state === 'stopped') {
      return Promise.reject(new HalError('not-ready', `the printer is stopped (${reasons.join(', ') || 'stopped by operator'})`));
    }
    this.counters.blanks.remaining -= 1; // the card leaves the hopper when the print starts
    const printerJobId = `sim-${++this.jobCounter}`;
    this.ctx.log.debug({ jobId, printerJobId }, 'simulated printer started a card');
    return new Promise<PrintResult>((resolve, reject) => {
      const job: Job = {
        printerJobId,
        req,
        done: (o) => (o.ok ? resolve({ printerJobId }) : reject(o.error)),
        cancelTimer: () => undefined,
      };
      job.cancelTimer = this.ctx.clock.setTimer(() => this.complete(job), this.opts.secondsPerCard * 1000);
      this.job = job;
    });
  }

  /** Ribbon and film are spent on a card whether or not it comes out right. */
  private spend(): void {
    this.counters.ribbon.remaining = Math.max(0, this.counters.ribbon.remaining - 1);
    this.counters.film.remaining = Math.max(0, this.counters.film.remaining - 1);
    this.applyOverrides();
  }

  private spoil(job: Job): void {
    const fault = this.fault() ?? 'other';
    this.spend();
    this.writeCard(job, 'spoiled');
    this.finish(job, { ok: false, error: new CardSpoiledError([fault], `the card was spoiled: ${fault}`) });
  }

  private complete(job: Job): void {
    if (this.fault()) return this.spoil(job);
    this.spend();
    this.writeCard(job, 'ok');
    this.printedTotal += 1;
    this.finish(job, { ok: true });
  }

  /**
   * The physical card, as a file in outputDir: <recordId>--<unique>.pdf (spoiled ones marked),
   * written before the job is reported done, as a real card leaves the printer before the
   * printer says so. Tests count these to see what really came out.
   */
  private writeCard(job: Job, outcome: 'ok' | 'spoiled'): void {
    const dir = this.opts.outputDir;
    if (!dir || !job.req) return;
    mkdirSync(dir, { recursive: true });
    const unique = `${job.printerJobId}-${process.pid}-${this.ctx.clock.now()}${outcome === 'spoiled' ? '-spoiled' : ''}`;
    const file = join(dir, `${job.req.recordId}--${unique}.pdf`);
    writeFileSync(`${file}.tmp`, job.req.document);
    renameSync(`${file}.tmp`, file);
  }

  private finish(job: Job, outcome: { ok: true } | { ok: false; error: HalError }): void {
    job.cancelTimer();
    if (this.job === job) this.job = undefined;
    job.done(outcome);
  }
}
