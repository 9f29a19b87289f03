/**
 * The long-lived printer helper process and the requests to it. One helper at a time; it answers
 * one request at a time, in order, so requests wait here and each is written only once the one
 * before it is answered; its deadline starts when it is written (a reading queued behind a card
 * being spooled must not time out for the card's sake). A helper that exits, writes something that
 * is not an answer, or hangs past a deadline is ended, every request fails with the reason (one
 * never written as unreachable: nothing of it was done), and the next request starts a new one
 * once the backoff has passed: the agent never goes down with it.
 */
import type { ChildProcess } from 'node:child_process';
import { Backoff } from '../../../core/backoff.js';
import type { Text } from '../../../core/i18n.js';
import type { DriverContext } from '../../driver.js';
import { HalError } from '../../errors.js';
import { decodeAnswer, encodeRequest, LineSplitter, PROTOCOL_VERSION, snippet, type HelperFailure, type Op } from './protocol.js';

/** Starts the helper: Node's spawn in the field, anything with pipes in tests. */
export type SpawnHelper = () => Pick<ChildProcess, 'stdin' | 'stdout' | 'stderr' | 'kill' | 'once' | 'pid'>;

export interface LinkOptions {
  /** What the helper is, for messages: "powershell.exe printer-helper.ps1". */
  what: string;
  timeoutMs: number;
  /** The first answer (hello) may take longer: PowerShell starts and compiles its COM glue. */
  startTimeoutMs: number;
  hint: Text;
}

/** The helper answered, but with a failure of its own (Windows refused, a printer not found). */
export class HelperRefused extends Error {
  constructor(
    readonly op: Op,
    readonly failure: HelperFailure,
  ) {
    super(`${failure.message}${failure.type ? ` (${failure.type})` : ''}`);
  }
}

interface Pending {
  id: number;
  op: Op;
  line: string;
  timeoutMs: number;
  resolve: (r: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  /** Set once it is written: its deadline runs from then. */
  cancelTimer?: () => void;
}

type Child = ReturnType<SpawnHelper>;

const STDERR_KEEP = 2000;

export class HelperLink {
  private child: Child | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  /** The request the helper has now, and those waiting their turn. */
  private inFlight: Pending | undefined;
  private readonly waiting: Pending[] = [];
  private readonly backoff: Backoff;
  private stderrTail = '';
  private lastProblem: string | undefined;
  private stopped = false;
  /** Helpers started since this link was made (tests and the self-test show it). */
  starts = 0;

  constructor(
    private readonly spawnHelper: SpawnHelper,
    private readonly opts: LinkOptions,
    private readonly ctx: DriverContext,
  ) {
    this.backoff = new Backoff({ initialMs: 1000, maxMs: 60_000, jitter: false }, ctx.clock);
  }

  /** Why the last helper failed, for a reading's reason; undefined while all is well. */
  get problem(): string | undefined {
    return this.lastProblem;
  }

  async call(op: Op, args: Record<string, unknown> = {}, timeoutMs = this.opts.timeoutMs): Promise<Record<string, unknown>> {
    if (this.stopped) throw new HalError('unreachable', 'the printer driver is stopped');
    await this.ensureRunning();
    return this.send(op, args, timeoutMs);
  }

  /** Lets the helper end on its own (end of input), then makes sure it has. */
  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    // A request the helper already read may still be done (a card it goes on to spool): its
    // outcome is unknown, never "nothing started", or the card could be printed again.
    this.fail(
      new HalError('connection', 'the printer driver stopped before the helper answered; whether it did what was asked is unknown'),
      new HalError('unreachable', 'the printer driver stopped'),
    );
    if (!child) return;
    child.stdin?.end();
    await new Promise<void>((resolve) => {
      const cancel = this.ctx.clock.setTimer(() => {
        child.kill();
        resolve();
      }, 2000);
      child.once('exit', () => {
        cancel();
        resolve();
      });
    });
  }

  private ensureRunning(): Promise<void> {
    if (this.child && this.ready) return this.ready;
    if (this.backoff.waiting) {
      const why = this.lastProblem ?? 'it failed';
      return Promise.reject(new HalError('unreachable', `the printer helper is not running (${why}); it is started again shortly`, this.opts.hint));
    }
    this.ready = this.startHelper();
    return this.ready;
  }

  private async startHelper(): Promise<void> {
    let child: Child;
    try {
      child = this.spawnHelper();
    } catch (err) {
      throw this.failedToStart(`cannot start ${this.opts.what}: ${(err as Error).message}`);
    }
    this.child = child;
    this.starts += 1;
    this.stderrTail = '';
    const lines = new LineSplitter();
    child.stdout?.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      let got: string[];
      try {
        got = lines.push(chunk);
      } catch (err) {
        this.broken(child, (err as Error).message);
        return;
      }
      for (const line of got) if (this.child === child) this.onLine(child, line);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    // Writing to a helper that already died must not crash the agent: it shows as its exit.
    child.stdin?.on('error', () => undefined);
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (this.child === child) this.broken(child, `cannot start ${this.opts.what}: ${err.code ?? err.message}`);
    });
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      if (this.child !== child) return;
      const said = snippet(this.stderrTail.trim().split(/\r?\n/).slice(-3).join(' | '), 300);
      this.broken(child, `${this.opts.what} stopped (${signal ? `signal ${signal}` : `exit code ${code ?? '?'}`})${said ? `: ${said}` : ''}`);
    });
    let hello: Record<string, unknown>;
    try {
      hello = await this.send('hello', {}, this.opts.startTimeoutMs);
    } catch (err) {
      if (this.child === child) this.broken(child, (err as Error).message);
      // Those waiting for the helper to start asked it nothing yet.
      if (this.stopped) throw new HalError('unreachable', 'the printer driver stopped');
      throw err instanceof HalError ? new HalError(err.code, err.message, this.opts.hint) : err;
    }
    if (hello.protocol !== PROTOCOL_VERSION) {
      const msg = `${this.opts.what} speaks protocol ${JSON.stringify(hello.protocol) ?? 'none'}, the agent ${PROTOCOL_VERSION}`;
      this.broken(child, msg);
      throw new HalError('protocol', msg, { id: 'Skrip pembantu dan agen berasal dari versi yang berbeda: pasang keduanya bersamaan.', en: 'The helper script and the agent come from different versions: install them together.' });
    }
    this.backoff.succeeded();
    this.lastProblem = undefined;
    this.ctx.log.info({ pid: child.pid, helper: hello.helper, powershell: hello.powershell }, 'printer helper started');
  }

  private send(op: Op, args: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    const child = this.child;
    if (!child?.stdin) return Promise.reject(new HalError('unreachable', `${this.opts.what} is not running`, this.opts.hint));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.push({ id, op, line: encodeRequest(id, op, args), timeoutMs, resolve, reject });
      this.writeNext();
    });
  }

  /** Hands the helper the next request once it has answered the last. */
  private writeNext(): void {
    const child = this.child;
    if (this.inFlight || !child?.stdin) return;
    const p = this.waiting.shift();
    if (!p) return;
    this.inFlight = p;
    p.cancelTimer = this.ctx.clock.setTimer(() => {
      // A helper that does not answer in time may never: end it, so a late answer cannot be taken for another's.
      this.broken(child, `${this.opts.what} did not answer ${p.op} within ${Math.round(p.timeoutMs / 100) / 10} s`, 'timeout');
    }, p.timeoutMs);
    child.stdin.write(p.line);
  }

  private onLine(child: Child, line: string): void {
    if (line.trim() === '') return;
    let answer;
    try {
      answer = decodeAnswer(line);
    } catch (err) {
      this.broken(child, (err as Error).message, 'protocol');
      return;
    }
    const p = this.inFlight;
    if (p?.id !== answer.id) {
      this.broken(child, `${this.opts.what} answered request ${answer.id}, which nobody asked`, 'protocol');
      return;
    }
    this.inFlight = undefined;
    p.cancelTimer?.();
    if (answer.ok) p.resolve(answer.result);
    else p.reject(new HelperRefused(p.op, answer.error));
    this.writeNext();
  }

  /** The helper is of no more use: end it, fail what waits on it, wait before the next one. */
  private broken(child: Child, why: string, code: 'connection' | 'timeout' | 'protocol' = 'connection'): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.ready = undefined;
    this.lastProblem = why;
    const wait = this.backoff.failed();
    this.ctx.log.warn({ pid: child.pid, retryInMs: wait }, `printer helper failed: ${why}`);
    child.kill();
    this.fail(new HalError(code, why, this.opts.hint), new HalError('unreachable', why, this.opts.hint));
  }

  private failedToStart(why: string): HalError {
    this.lastProblem = why;
    this.backoff.failed();
    return new HalError('unreachable', why, this.opts.hint);
  }

  /** Fails the request the helper has with `asked`, and those it never saw with `unsent`. */
  private fail(asked: HalError, unsent: HalError): void {
    const p = this.inFlight;
    this.inFlight = undefined;
    const rest = this.waiting.splice(0);
    if (p) {
      p.cancelTimer?.();
      p.reject(asked);
    }
    for (const q of rest) q.reject(unsent);
  }
}
