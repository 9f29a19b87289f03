import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withCounted } from '../../agent/station/snapshot.js';
import { ManualClock } from '../../core/clock.js';
import { HalError } from '../../hal/errors.js';
import { helperScriptPath } from '../../hal/printer/windows/driver.js';
import type { Win32Printer } from '../../hal/printer/windows/protocol.js';
import { JOB_STATUS, parsePrintedEvent, printedEvents, queuedJobState, spoolerState } from '../../hal/printer/windows/spooler.js';
import { HOPPER_SCHEMA, parseHopperStatus, parseSuppliesStatus3, suppliesOf, SUPPLIES_SCHEMA, vendorSupplies } from '../../hal/printer/windows/vendor.js';
import type { PrintRequest } from '../../hal/printer/types.js';
import { waitUntil } from '../support/peers.js';
import { fixture, healthyState, hopperStatus, PRINTER_NAME, supplies3, TINY_PNG, windowsPrinterHarness } from '../support/windows-printer.js';

const idle = (): Win32Printer => JSON.parse(fixture('win32-printer.json')) as Win32Printer;
const card = (jobId = 'R-1@1', recordId = 'R-1'): PrintRequest => ({ jobId, recordId, document: TINY_PNG, mimeType: 'image/png' });
/** Waits until the stand-in has read a request `op`, the `times`th one (it reads one line at a time, as the real helper does). */
const heard = (h: { heard(): string[] }, op: string, times = 1) => waitUntil(`the helper to be asked ${op}`, () => h.heard().filter((x) => x === op).length >= times, 5000);

/** The harness's jobPollSeconds: the driver's pause between looks at the print queue. */
const POLL_MS = 50;
type Harness = ReturnType<typeof windowsPrinterHarness> & { clock: ManualClock };
const open: { driver: { stop(): Promise<void> } }[] = [];
/** The driver over the stand-in on a manual clock: deadlines, pauses, backoff and a slow answer move only when the test moves it. */
async function harness(opts: Record<string, unknown> = {}): Promise<Harness> {
  const clock = new ManualClock();
  const h = Object.assign(windowsPrinterHarness({ helperTimeoutSeconds: 1, ...opts }, clock), { clock });
  open.push(h);
  await h.driver.start();
  return h;
}

/**
 * Moves the clock through the driver's pauses between looks at the print queue until `p`
 * settles. It moves only while the driver waits on such a pause (the next timer within
 * POLL_MS), so a request's deadline, a second or more off, is never reached by it.
 */
async function polled<T>(h: { clock: ManualClock }, p: Promise<T>): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (;;) {
    await waitUntil('the driver to pause or finish', () => done || (h.clock.nextTimerIn() ?? Infinity) <= POLL_MS, 5000);
    if (done) return p;
    h.clock.advance(h.clock.nextTimerIn() ?? 0);
  }
}

/** Whether `p` has settled once what is already queued has run (one turn of the event loop; no time passes). */
async function settledYet(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
}
afterEach(async () => {
  for (const h of open.splice(0)) await h.driver.stop();
});

async function failure(p: Promise<unknown>): Promise<HalError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HalError);
  return err as HalError;
}

describe('Win32_Printer status → state and reasons', () => {
  it.each([
    ['the idle fixture', {}, 'idle', []],
    ['no paper (DetectedErrorState 4)', { DetectedErrorState: 4 }, 'stopped', ['media-empty']],
    ['jammed (8)', { DetectedErrorState: 8 }, 'stopped', ['media-jam']],
    ['door open (7)', { DetectedErrorState: 7 }, 'stopped', ['cover-open']],
    ['low paper (3): still prints', { DetectedErrorState: 3 }, 'idle', ['media-low']],
    ['work offline', { WorkOffline: true }, 'offline', ['offline']],
    ['PrinterStatus offline (7)', { PrinterStatus: 7 }, 'offline', ['offline']],
    ['paused (ExtendedPrinterStatus 8)', { ExtendedPrinterStatus: 8 }, 'stopped', ['paused']],
    ['printing (4)', { PrinterStatus: 4 }, 'printing', []],
    ['user intervention (extended 13) when the plain state says nothing', { DetectedErrorState: 2, ExtendedDetectedErrorState: 13 }, 'stopped', ['user-intervention-required']],
    ['the plain state wins over the extended one', { DetectedErrorState: 8, ExtendedDetectedErrorState: 7 }, 'stopped', ['media-jam']],
  ] as const)('%s', (_name, patch, state, reasons) => {
    expect(spoolerState({ ...idle(), ...patch })).toEqual({ state, reasons: [...reasons] });
  });

  it('vendor reasons join in and a ribbon-empty stops the printer', () => {
    expect(spoolerState(idle(), ['ribbon-empty'])).toEqual({ state: 'stopped', reasons: ['ribbon-empty'] });
    expect(spoolerState(idle(), ['film-low'])).toEqual({ state: 'idle', reasons: ['film-low'] });
  });
});

describe('the vendor answers, shaped as the SDK samples show them', () => {
  it('Entrust/Datacard SuppliesStatus3: ribbon and film in percent, the ribbon named by its type', () => {
    expect(parseSuppliesStatus3(fixture('supplies-status3.xml'))).toEqual({ ribbonPercent: 43, filmPercent: 71, ribbonName: 'Ribbon (YMCKT)' });
  });

  it('an element missing or empty is unknown, never 0 (the SDK sample reads it as 0)', () => {
    expect(parseSuppliesStatus3(supplies3(null, null))).toEqual({ ribbonPercent: null, filmPercent: null, ribbonName: 'Ribbon (YMCKT)' });
    expect(parseSuppliesStatus3('<PrinterSupplies3><Printer><RibbonRemaining>250</RibbonRemaining></Printer></PrinterSupplies3>')?.ribbonPercent).toBeNull();
    expect(parseSuppliesStatus3('<html>not supplies</html>')).toBeUndefined();
  });

  it('the hopper: the first input hopper past the exception slot', () => {
    expect(parseHopperStatus(fixture('hopper-status.xml'))).toBe('present');
    expect(parseHopperStatus(hopperStatus('Empty'))).toBe('empty');
    expect(parseHopperStatus(hopperStatus('Cannot Detect'))).toBeNull();
    expect(parseHopperStatus('<Other/>')).toBeUndefined();
  });

  it('FARGO PrinterInfo: the percentages where the bidi answers have none', () => {
    const props = JSON.parse(fixture('fargo-printerinfo.json')) as Record<string, string>;
    const v = vendorSupplies({ bidi: { [SUPPLIES_SCHEMA]: { ok: false, error: 'The request is not supported.' } }, fargo: { ok: true, properties: props } });
    expect(v).toMatchObject({ ribbonPercent: 64, filmPercent: 22, hopper: null, sources: ['FARGO SDK PrinterInfo'] });
  });

  it('levels → the contract: low at lowPercent, empty at 0 with its reason, cards left from a configured capacity', () => {
    const v = { ribbonPercent: 0, filmPercent: 8, ribbonName: null, hopper: 'empty' as const, sources: [] };
    const { supplies, reasons } = suppliesOf(v, [], { lowPercent: 10, filmCapacity: 1500 });
    expect(reasons).toEqual(['ribbon-empty', 'film-low', 'media-empty']);
    expect(supplies).toEqual([
      { kind: 'ribbon', name: 'Ribbon', levelPercent: 0, remaining: null, capacity: null, status: 'empty' },
      { kind: 'film', name: 'Retransfer film', levelPercent: 8, remaining: 120, capacity: 1500, status: 'low' },
      { kind: 'blanks', name: 'Card hopper', levelPercent: null, remaining: null, capacity: null, status: 'empty' },
    ]);
  });

  it('without vendor software ribbon and film are unknown, and the counted supplies stand', () => {
    const none = vendorSupplies({ bidi: { [SUPPLIES_SCHEMA]: { ok: false, error: 'Element not found.' }, [HOPPER_SCHEMA]: { ok: false, error: 'Element not found.' } }, fargo: null });
    const { supplies } = suppliesOf(none, [], { lowPercent: 10 });
    expect(supplies.map((s) => [s.kind, s.status, s.levelPercent])).toEqual([
      ['ribbon', 'unknown', null],
      ['film', 'unknown', null],
      ['blanks', 'unknown', null],
    ]);
    const counted = { remaining: 120, yield: 500, onShelf: 2 };
    const merged = withCounted(supplies, [], { ribbon: counted, film: { ...counted, remaining: 900, yield: 1500 } } as never, 10);
    expect(merged.filter((s) => s.kind !== 'blanks').map((s) => [s.kind, s.source, s.remaining])).toEqual([
      ['ribbon', 'counted', 120],
      ['film', 'counted', 900],
    ]);
  });
});

describe("the spooler's job bits and the PrintService log", () => {
  it('job status bits: printed (kept), being deleted, held by trouble, on its way', () => {
    const j = (StatusMask: number) => ({ JobId: 1, Document: 'x', StatusMask, JobStatus: null });
    expect(queuedJobState(j(JOB_STATUS.PRINTED | JOB_STATUS.COMPLETE))).toBe('printed');
    expect(queuedJobState(j(JOB_STATUS.DELETING | JOB_STATUS.PRINTING))).toBe('deleting');
    expect(queuedJobState(j(JOB_STATUS.ERROR | JOB_STATUS.PAPEROUT | JOB_STATUS.PRINTING))).toBe('trouble');
    expect(queuedJobState(j(JOB_STATUS.SPOOLING))).toBe('active');
  });

  it('event 307: the job id, the document name and the printer, entities decoded; other printers and events left out', () => {
    const xml = fixture('event-307.xml').replace('{{jobId}}', '41').replace('{{document}}', 'R&amp;1@5').replace('{{printer}}', PRINTER_NAME).replace('{{bytes}}', '1');
    expect(parsePrintedEvent(xml)).toEqual({ jobId: '41', document: 'R&1@5', printer: PRINTER_NAME });
    expect(printedEvents([{ id: 307, xml }, { id: 372, xml }], PRINTER_NAME)).toHaveLength(1);
    expect(printedEvents([{ id: 307, xml }], 'Microsoft Print to PDF')).toHaveLength(0);
    expect(parsePrintedEvent(xml.replace('<Param1>41</Param1>', '<Param1>forty</Param1>'))).toBeUndefined();
  });
});

describe('the windows driver over the stand-in helper', () => {
  it('reads the printer: state, reasons, supplies from the vendor answers, the driver as model', async () => {
    const h = await harness();
    const r = await h.driver.read();
    expect(r).toMatchObject({ state: 'idle', reasons: [], model: 'FARGO HDP5000 Card Printer', printedTotal: null });
    expect(r.supplies.map((s) => [s.kind, s.levelPercent, s.status])).toEqual([
      ['ribbon', 43, 'ok'],
      ['film', 71, 'ok'],
      ['blanks', null, 'ok'],
    ]);
    expect(h.driver.cardFormat).toEqual({ mimeType: 'image/png', dpi: 300 });
  });

  it('a printer name Windows does not know: a reading error that says which setting to fix', async () => {
    const h = await harness();
    h.write({ printer: { found: false, printer: null } });
    const err = await failure(h.driver.read());
    expect(err).toMatchObject({ code: 'unreachable', message: `Windows has no printer named "${PRINTER_NAME}"` });
    expect(err.hint).toMatch(/printer\.windows\.name.*Get-Printer/);
  });

  it('vendor software refusing the query leaves the levels unknown, and the reading stands', async () => {
    const h = await harness();
    h.write({ refuse: { vendor: { type: 'System.Runtime.InteropServices.COMException', message: 'Class not registered', stage: null } } });
    const r = await h.driver.read();
    expect(r.state).toBe('idle');
    expect(r.supplies.every((s) => s.status === 'unknown')).toBe(true);
  });

  it('prints a card: handed to the spooler, followed in the queue, done when the log says printed', async () => {
    const h = await harness();
    await expect(polled(h, h.driver.print(card()))).resolves.toEqual({ printerJobId: '40' });
    expect(await h.driver.printedFor('R-1')).toEqual(['40']);
    expect(await h.driver.printedFor('R-2')).toEqual([]);
    expect(await h.driver.jobOutcome('R-1@1')).toBe('completed');
    expect(await h.driver.jobOutcome('R-9@1')).toBe('unknown');
  });

  it('refuses a PDF (a card rendered for another printer) and a card while one prints: nothing started', async () => {
    const h = await harness();
    await expect(h.driver.print({ ...card(), document: Buffer.from('%PDF-1.4'), mimeType: 'application/pdf' })).rejects.toMatchObject({ code: 'not-ready' });
    const first = h.driver.print(card('R-1@1'));
    await expect(h.driver.print(card('R-2@1', 'R-2'))).rejects.toMatchObject({ code: 'busy' });
    await polled(h, first);
  });

  it('an image the helper cannot load is refused before the spooler: not-ready, the card can go again', async () => {
    const h = await harness();
    await expect(h.driver.print({ ...card(), document: Buffer.from('not an image') })).rejects.toMatchObject({ code: 'not-ready', message: /not handed to the spooler: Parameter is not valid/ });
  });

  it('a failure while spooling, or a helper dying mid-card, leaves the outcome unknown (a person verifies)', async () => {
    const h = await harness();
    h.write({ refuse: { print: { type: 'System.ComponentModel.Win32Exception', message: 'The RPC server is unavailable', stage: 'spool' } } });
    await expect(h.driver.print(card())).rejects.toMatchObject({ code: 'unknown-outcome' });
    h.write({ refuse: {}, die: ['print'] });
    await expect(h.driver.print(card('R-1@2'))).rejects.toMatchObject({ code: 'unknown-outcome', message: /answer was lost: .*stopped \(exit code 3\)/ });
  });

  it('a card deleted from the queue is cancelled; one held by an error past jobTimeoutSeconds is unknown', async () => {
    const h = await harness({ jobTimeoutSeconds: 1 });
    h.write({ job: { polls: 2, end: 'deleted' } });
    await expect(polled(h, h.driver.print(card('R-1@1')))).rejects.toMatchObject({ code: 'canceled', message: /while it was deleting/ });
    h.write({ job: { polls: 1, end: 'error' } });
    await expect(polled(h, h.driver.print(card('R-1@2')))).rejects.toMatchObject({ code: 'unknown-outcome', message: /did not finish within 1 s \(error, paperout\)/ });
  });

  it('a job kept in the queue as printed is proof; one that left without trouble and no log is taken as printed; never seen is unknown', async () => {
    const h = await harness();
    h.write({ job: { polls: 1, end: 'kept' } });
    await expect(polled(h, h.driver.print(card('R-1@1')))).resolves.toEqual({ printerJobId: '40' });
    expect(await h.driver.jobOutcome('R-1@1')).toBe('completed');
    h.write({ job: { polls: 2, end: 'vanish' }, logEnabled: false });
    await expect(polled(h, h.driver.print(card('R-2@1', 'R-2')))).resolves.toEqual({ printerJobId: '41' });
    expect(await h.driver.jobOutcome('R-2@1')).toBe('unknown'); // no log, not kept: a person decides
    h.write({ job: { polls: 0, end: 'vanish', unseen: true } });
    await expect(polled(h, h.driver.print(card('R-3@1', 'R-3')))).rejects.toMatchObject({ code: 'unknown-outcome', message: /never seen in the print queue/ });
  });

  it('one that left the queue without trouble while the PrintService log is on and shows no event 307 for it: unknown, not printed', async () => {
    const h = await harness();
    h.write({ job: { polls: 2, end: 'vanish' } }); // the log is on (the stand-in's default), and nothing is logged
    await expect(polled(h, h.driver.print(card('R-4@1', 'R-4')))).rejects.toMatchObject({ code: 'unknown-outcome', message: /spooler job 40\) left the print queue, but the PrintService log, which is on, does not show it printed/ });
    expect(await h.driver.printedFor('R-4')).toEqual([]);
  });
});

describe('a helper that misbehaves: a reading with the reason and a hint, and the agent stays up', () => {
  it('one that dies is started again after a backoff, not in a storm', async () => {
    const h = await harness();
    await h.driver.read();
    h.write({ die: ['printer'] });
    const err = await failure(h.driver.read());
    expect(err).toMatchObject({ code: 'connection', message: /stopped \(exit code 3\): Get-CimInstance : The RPC server is unavailable\./ });
    expect(err.hint).toMatch(/station-agent printer test/);
    h.write({ die: [] });
    for (let i = 0; i < 5; i++) await expect(h.driver.read()).rejects.toMatchObject({ code: 'unreachable', message: /not running \(.*exit code 3.*\); it is started again shortly/ });
    expect(h.driver.helperStarts).toBe(1);
    // The backoff is the clock's second: still refused a millisecond before it is up.
    h.clock.advance(999);
    await expect(h.driver.read()).rejects.toMatchObject({ code: 'unreachable' });
    h.clock.advance(1);
    await expect(h.driver.read()).resolves.toMatchObject({ state: 'idle' });
    expect(h.driver.helperStarts).toBe(2);
  });

  it('one that writes garbage is ended, with what it wrote in the reason', async () => {
    const h = await harness();
    h.write({ garbage: ['printer'] });
    await expect(h.driver.read()).rejects.toMatchObject({ code: 'protocol', message: 'the printer helper wrote something that is not JSON: "WARNING: The names of some imported commands include unapproved verbs"' });
    h.write({ garbage: [] });
    h.clock.advance(1000);
    await expect(h.driver.read()).resolves.toMatchObject({ state: 'idle' });
  });

  it('one that hangs is a timeout at helperTimeoutSeconds, and is replaced', async () => {
    const h = await harness();
    await h.driver.read();
    h.write({ hang: ['vendor'] });
    const reading = h.driver.read();
    const outcome = reading.then(
      () => 'answered',
      (e: unknown) => e,
    );
    await heard(h, 'vendor', 2);
    // Its deadline is the clock's second from when vendor was written, and not a millisecond sooner.
    expect(h.clock.nextTimerIn()).toBe(1000);
    h.clock.advance(999);
    expect(await settledYet(reading)).toBe(false);
    h.clock.advance(1);
    expect(await outcome).toMatchObject({ code: 'timeout', message: /did not answer vendor within 1 s/ });
    h.write({ hang: [] });
    h.clock.advance(1000);
    await expect(h.driver.read()).resolves.toMatchObject({ state: 'idle' });
    expect(h.driver.helperStarts).toBe(2);
  });

  it('one that cannot start says what it printed; one of another version says to install them together', async () => {
    const h = await harness();
    await h.driver.stop();
    const broken = windowsPrinterHarness({ helperTimeoutSeconds: 1 });
    open.push(broken);
    broken.write({ dieAtStart: true });
    await expect(broken.driver.read()).rejects.toMatchObject({ message: /stopped \(exit code 1\): Add-Type : Cannot add type/ });
    const other = windowsPrinterHarness({ helperTimeoutSeconds: 1 });
    open.push(other);
    other.write({ hello: { helper: 'x', protocol: 2 } });
    const err = await failure(other.driver.read());
    expect(err).toMatchObject({ code: 'protocol', message: /speaks protocol 2, the agent 1/ });
    expect(err.hint).toMatch(/install them together/);
  });

  it('a card slower to spool than helperTimeoutSeconds, with a reading asked meanwhile: the reading waits its turn, the helper and the card live', async () => {
    const h = await harness(); // helperTimeoutSeconds 1; printTimeoutSeconds 90
    h.write({ slow: { print: 1500 } });
    const printing = h.driver.print(card());
    await heard(h, 'print');
    const reading = h.driver.read();
    // The reading waits its turn while the card takes 1.5 s of the clock to spool; its own second starts once it is written.
    expect(await settledYet(reading)).toBe(false);
    h.clock.advance(1500);
    await expect(reading).resolves.toMatchObject({ state: 'printing' });
    await expect(polled(h, printing)).resolves.toEqual({ printerJobId: '40' });
    expect(h.driver.helperStarts).toBe(1);
  });

  it('stop() while a request hangs fails it, as one whose outcome is unknown (the helper had it), and returns', async () => {
    const h = await harness({ helperTimeoutSeconds: 30 });
    await h.driver.read();
    h.write({ hang: ['printer'] });
    const pending = h.driver.read().then(
      () => 'answered',
      (e: unknown) => e,
    );
    await heard(h, 'printer');
    await h.driver.stop();
    expect(await pending).toMatchObject({ code: 'connection', message: /stopped before the helper answered; whether it did what was asked is unknown/ });
    await expect(h.driver.read()).rejects.toMatchObject({ code: 'unreachable', message: 'the printer driver is stopped' });
  });

  it('stop() while the helper has the card: its outcome is unknown (a person verifies), never "nothing started"', async () => {
    const h = await harness({ helperTimeoutSeconds: 30 });
    h.write({ hang: ['print'] });
    const printing = h.driver.print(card()).then(
      () => 'printed',
      (e: unknown) => e,
    );
    await heard(h, 'print');
    await h.driver.stop();
    expect(await printing).toMatchObject({ code: 'unknown-outcome', message: /sent to the spooler but its answer was lost/ });
  });
});

describe('healthyState', () => {
  it('is the recorded shapes', () => {
    expect(healthyState().vendor.bidi[SUPPLIES_SCHEMA]).toMatchObject({ ok: true });
  });
});

describe('the helper script ships with the agent and speaks the protocol the driver uses', () => {
  const repo = join(import.meta.dirname, '../..');
  const script = readFileSync(join(repo, 'deploy/windows/printer-helper.ps1'), 'utf8');

  it('is found in the package, by the source and by the bundle alike', () => {
    const expected = join(repo, 'deploy/windows/printer-helper.ps1');
    expect(helperScriptPath(join(repo, 'hal/printer/windows'))).toBe(expected);
    expect(helperScriptPath(join(repo, 'dist/bin/chunks'))).toBe(expected);
  });

  it('answers every operation, protocol version 1, and the vendor schemas the parsers read', () => {
    for (const op of ['hello', 'printer', 'jobs', 'print', 'history', 'vendor']) expect(script).toMatch(new RegExp(`'${op}' \\{ Invoke-`));
    expect(script).toMatch(/protocol = 1;/);
    expect(script).toContain(`'${SUPPLIES_SCHEMA}'`);
    expect(script).toContain(`'${HOPPER_SCHEMA}'`);
    expect(script).toContain("stage = 'prepare'");
  });

  it('writes nothing to standard output but answers (a stray line would end it)', () => {
    expect(script).not.toMatch(/Write-(Host|Output|Information)|\bEcho\b|\[Console\]::Write/i);
    expect(script.match(/\$stdout\.WriteLine/g)).toHaveLength(1);
  });
});
