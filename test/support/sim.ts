import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { simPrinterSchema } from '../../hal/printer/sim/config.js';
import { simUpsSchema } from '../../hal/ups/sim/config.js';
import { ManualClock } from '../../core/clock.js';
import { SimPrinter, type SimPrinterState } from '../../hal/printer/sim/driver.js';
import { SimUps, type SimUpsState } from '../../hal/ups/sim/driver.js';
import type { HostDriver } from '../../hal/host/types.js';
import type { PrinterHarness } from './contracts/printer.js';
import type { UpsHarness } from './contracts/ups.js';
import { untilSettled } from './settle.js';

export const quietLog = pino({ level: 'silent' });

/** A PC of fixed, healthy figures (3 % CPU, 40 % memory, 10 of 20 GB free), for tests of the station loop. */
export const fakeHost: HostDriver = {
  driver: 'fake',
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  read: () => Promise.resolve({ cpuPercent: 3, memUsedPercent: 40, diskFreeBytes: 10 * 2 ** 30, diskTotalBytes: 20 * 2 ** 30, uptimeSeconds: 99 }),
};

/** A state file the test edits, as a technician would. */
export class StateFile<T extends object> {
  state: Partial<T> = {};
  constructor(readonly path: string) {}
  write(state: Partial<T>): void {
    this.state = state;
    writeFileSync(this.path, JSON.stringify(state));
  }
  merge(patch: Partial<T>): void {
    this.write({ ...this.state, ...patch });
  }
}

export function tempDir(prefix = 'agent-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A temporary folder in memory where the machine has one (/dev/shm): for tests that write
 * thousands of ledger entries into many station databases, where the disk's syncs, not the
 * code, would set the pace. What is tested is the same SQLite, minus the wait for the disk.
 */
export function memoryDir(prefix = 'agent-test-'): string {
  return mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), prefix));
}

export function simPrinterHarness(opts: Record<string, unknown> = {}): PrinterHarness & { clock: ManualClock; file: StateFile<SimPrinterState>; sim: SimPrinter } {
  const file = new StateFile<SimPrinterState>(join(tempDir(), 'printer.json'));
  const clock = new ManualClock();
  const sim = new SimPrinter(simPrinterSchema().parse({ stateFile: file.path, secondsPerCard: 20, ...opts }), { clock, log: quietLog });
  return {
    driver: sim,
    sim,
    clock,
    file,
    setRemaining: (kind, remaining) => Promise.resolve(file.merge({ [kind]: { remaining } })),
    setFaults: (reasons) => Promise.resolve(file.merge({ reasons })),
    settle: (p) => untilSettled(p, clock),
    close: () => Promise.resolve(),
  };
}

export function simUpsHarness(opts: Record<string, unknown> = {}, clock = new ManualClock()): UpsHarness & { clock: ManualClock; file: StateFile<SimUpsState>; sim: SimUps } {
  const file = new StateFile<SimUpsState>(join(tempDir(), 'ups.json'));
  const sim = new SimUps(simUpsSchema().parse({ stateFile: file.path, ...opts }), { clock, log: quietLog });
  return {
    driver: sim,
    sim,
    clock,
    file,
    setMains: (mains) => Promise.resolve(file.merge({ mains })),
    setLowBattery: (lowBattery) => Promise.resolve(file.merge({ lowBattery })),
    setLink: (link) => Promise.resolve(file.merge({ link })),
    advance: (ms) => Promise.resolve(clock.advance(ms)),
    close: () => Promise.resolve(),
  };
}
