/** The windows printer driver over the stand-in helper, and the fixtures it answers from. */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ManualClock, systemClock, type Clock } from '../../core/clock.js';
import { windowsPrinterSchema } from '../../hal/printer/windows/config.js';
import { WindowsPrinter } from '../../hal/printer/windows/driver.js';
import type { SpawnHelper } from '../../hal/printer/windows/link.js';
import type { PrinterHarness } from './contracts/printer.js';
import { runStandin } from './printer-helper-standin.mjs';
import { waitUntil } from './peers.js';
import { turn, untilSettled } from './settle.js';
import { quietLog, tempDir } from './sim.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/windows');
export const STANDIN = join(import.meta.dirname, 'printer-helper-standin.mjs');
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

export const PRINTER_NAME = 'FARGO HDP5000';

/** The Entrust/Datacard supplies answer with these levels, the rest as recorded. */
export function supplies3(ribbon: number | null, film: number | null): string {
  return fixture('supplies-status3.xml')
    .replace(/<RibbonRemaining>\d+<\/RibbonRemaining>/, ribbon === null ? '<RibbonRemaining/>' : `<RibbonRemaining>${ribbon}</RibbonRemaining>`)
    .replace(/<RetransferFilmPercentRemaining>\d+<\/RetransferFilmPercentRemaining>/, film === null ? '<RetransferFilmPercentRemaining/>' : `<RetransferFilmPercentRemaining>${film}</RetransferFilmPercentRemaining>`);
}

export function hopperStatus(status: 'Cards Present' | 'Empty' | 'Cannot Detect'): string {
  return fixture('hopper-status.xml').replace('Name="Hopper1" Type="Input" Status="Cards Present"', `Name="Hopper1" Type="Input" Status="${status}"`);
}

export interface StandinState {
  hello?: Record<string, unknown>;
  printer: { found: boolean; printer: Record<string, unknown> | null };
  vendor: { bidi: Record<string, { ok: true; text: string } | { ok: false; error: string }>; fargo: unknown };
  logEnabled?: boolean;
  eventXml: string;
  job?: { polls: number; end: 'printed' | 'deleted' | 'kept' | 'vanish' | 'error'; firstId?: number; statusMask?: number; unseen?: boolean };
  refuse?: Record<string, { type: string; message: string; stage: string | null }>;
  hang?: string[];
  slow?: Record<string, number>;
  garbage?: string[];
  die?: string[];
  dieAtStart?: boolean;
  noiseAtStart?: string;
  dieEvery?: number;
}

/** A healthy Datacard-driven printer: idle, ribbon 43 %, film 71 %, cards in the hopper. */
export function healthyState(): StandinState {
  return {
    printer: { found: true, printer: JSON.parse(fixture('win32-printer.json')) as Record<string, unknown> },
    vendor: {
      bidi: {
        '\\Printer.SuppliesStatus3:Read': { ok: true, text: supplies3(43, 71) },
        '\\Printer.Hopper:Status:Get': { ok: true, text: hopperStatus('Cards Present') },
      },
      fargo: null,
    },
    eventXml: fixture('event-307.xml'),
  };
}

/**
 * The stand-in run in this process on pipes, as a child process would be: unit tests start no
 * process. Its slow answers wait on `clock`, the driver's, so a manual clock moves both. `starts`
 * counts the helpers started; `unanswered` the lines the live helpers were given and have not
 * answered yet, and `traffic` every line either way, so a test can wait until the link is quiet.
 */
export function inProcessStandin(file: string, clock: Clock = systemClock): SpawnHelper & { starts: number; readonly unanswered: number; traffic: number } {
  const live = new Set<{ asked: number; answered: number }>();
  const lines = (s: unknown) => String(s).split('\n').length - 1;
  const spawnHelper = () => {
    spawnHelper.starts += 1;
    const talk = { asked: 0, answered: 0 };
    live.add(talk);
    const stdin = new PassThrough();
    const write = stdin.write.bind(stdin) as (chunk: string) => boolean;
    stdin.write = ((chunk: string) => {
      talk.asked += lines(chunk);
      spawnHelper.traffic += 1;
      return write(chunk);
    }) as typeof stdin.write;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const events = new EventEmitter();
    let exited = false;
    const exit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (exited) return;
      exited = true;
      live.delete(talk);
      setImmediate(() => {
        stdout.end();
        stderr.end();
        events.emit('exit', code, signal);
      });
    };
    const child = {
      stdin,
      stdout,
      stderr,
      pid: 0,
      kill: () => {
        exit(null, 'SIGTERM');
        stdin.destroy();
        return true;
      },
      once: (event: string, fn: (...args: unknown[]) => void) => {
        events.once(event, fn);
        return child;
      },
    };
    setImmediate(() =>
      runStandin(file, {
        stdin,
        stdout: {
          write: (s: string) => {
            if (exited) return false;
            talk.answered += lines(s);
            spawnHelper.traffic += 1;
            return stdout.write(s);
          },
        },
        stderr: { write: (s: string) => !exited && stderr.write(s) },
        exit: (code: number) => exit(code, null),
        setTimer: (fn: () => void, ms: number) => clock.setTimer(fn, ms),
      }),
    );
    return child as unknown as ReturnType<SpawnHelper>;
  };
  spawnHelper.starts = 0;
  spawnHelper.traffic = 0;
  Object.defineProperty(spawnHelper, 'unanswered', { get: () => [...live].reduce((n, t) => n + t.asked - t.answered, 0) });
  return spawnHelper as typeof spawnHelper & { readonly unanswered: number };
}

/**
 * Until the in-process helper has answered every line it was given, and a turn passes with no
 * line either way: nothing more happens over the link without the clock moving.
 */
async function linkQuiet(helper: { readonly unanswered: number; readonly traffic: number }): Promise<void> {
  for (;;) {
    const before = helper.traffic;
    await waitUntil('the helper to answer', () => helper.unanswered === 0, 5000);
    await turn();
    if (helper.traffic === before) return;
  }
}

/** Win32_Printer's DetectedErrorState for a fault the contract imposes. */
const FAULTS: Record<string, number> = { 'media-jam': 8, 'cover-open': 7, 'media-empty': 4, offline: 9 };

/**
 * The windows driver over the stand-in: in this process (unit tests), or as a real child process
 * started through printer.windows.helperCommand (`asProcess`, integration tests).
 */
export function windowsPrinterHarness(
  opts: Record<string, unknown> = {},
  clock: Clock = systemClock,
  asProcess = false,
): PrinterHarness & {
  driver: WindowsPrinter;
  state: StandinState;
  write(patch: Partial<StandinState>): void;
  file: string;
  heard(): string[];
  /** The in-process stand-in's lines, to wait until the link is quiet (undefined for a helper process). */
  helper: { readonly unanswered: number; readonly traffic: number } | undefined;
} {
  const file = join(tempDir('windows-printer-'), 'standin.json');
  let state = healthyState();
  const write = (patch: Partial<StandinState>) => {
    state = { ...state, ...patch };
    // Whole or not at all: a helper process may read it at any moment.
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  };
  write({});
  const config = windowsPrinterSchema().parse({
    name: PRINTER_NAME,
    helperTimeoutSeconds: 2,
    jobPollSeconds: 0.05,
    jobTimeoutSeconds: 10,
    ...(asProcess ? { helperCommand: [process.execPath, STANDIN, file] } : {}),
    ...opts,
  });
  const helper = asProcess ? undefined : inProcessStandin(file, clock);
  const driver = new WindowsPrinter(config, { clock, log: quietLog }, helper);
  let ribbon: number | null = 43;
  let film: number | null = 71;
  let hopper: 'Cards Present' | 'Empty' = 'Cards Present';
  const vendor = () => ({
    bidi: { '\\Printer.SuppliesStatus3:Read': { ok: true as const, text: supplies3(ribbon, film) }, '\\Printer.Hopper:Status:Get': { ok: true as const, text: hopperStatus(hopper) } },
    fargo: null,
  });
  return {
    driver,
    file,
    helper,
    get state() {
      return state;
    },
    write,
    /** The ops the helpers have read so far, oldest first. */
    heard: () => (existsSync(`${file}.heard`) ? readFileSync(`${file}.heard`, 'utf8').split('\n').filter(Boolean) : []),
    setRemaining(kind, remaining) {
      if (kind === 'ribbon') ribbon = Math.min(100, remaining);
      else if (kind === 'film') film = Math.min(100, remaining);
      else hopper = remaining > 0 ? 'Cards Present' : 'Empty';
      write({ vendor: vendor() });
      return Promise.resolve();
    },
    setFaults(reasons) {
      const code = reasons.map((r) => FAULTS[r]).find((c) => c !== undefined) ?? 2;
      write({ printer: { found: true, printer: { ...(JSON.parse(fixture('win32-printer.json')) as Record<string, unknown>), DetectedErrorState: code } } });
      return Promise.resolve();
    },
    // On a manual clock it moves only to what the driver waits on, the link quiet first (so no
    // request's deadline is reached by the test's hand); on the system clock real time passes.
    settle: (p) => (clock instanceof ManualClock && helper ? untilSettled(p, clock, { quiet: () => linkQuiet(helper) }) : p),
    close: () => Promise.resolve(),
  };
}

/** The smallest PNG signature with a body: what the stand-in takes as a card image. */
export const TINY_PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('a card image')]);
