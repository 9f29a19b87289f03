import { statfs } from 'node:fs/promises';
import { cpus, freemem, totalmem, uptime } from 'node:os';
import type { DriverContext } from '../driver.js';
import type { HostDriver, HostReading } from './types.js';

/** The OS answers 0, NaN or '' when it cannot tell; that is unknown, not zero. */
export function known(value: unknown, { zeroIsUnknown = false } = {}): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  if (zeroIsUnknown && value === 0) return null;
  return value;
}

const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/** Busy and total CPU time of all cores since boot, from the kernel (Linux /proc/stat, Windows counters). */
function cpuTimes(): { busy: number; total: number } | null {
  const all = cpus();
  if (all.length === 0) return null;
  let busy = 0;
  let total = 0;
  for (const c of all) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return total > 0 ? { busy, total } : null;
}

/**
 * The PC the station runs on, read the cheapest way there is, every poll: CPU from the
 * kernel's per-core times (the share busy since the previous read), memory and uptime from
 * Node's os module, free disk from statfs on dataDir itself (exact for the folder the agent
 * writes). No child process and nothing that blocks the event loop for long: on the office
 * PCs these stations run on, a monitor must not be felt. systeminformation, which spawns
 * processes for some answers, is used only by `describe()`, for diagnose.
 */
export class SystemHost implements HostDriver {
  readonly driver = 'system';
  private last: { busy: number; total: number } | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly ctx: DriverContext,
  ) {}

  start(): Promise<void> {
    // The first CPU share is over the time since start, not since boot.
    this.last = cpuTimes();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  async read(): Promise<HostReading> {
    const disk = await statfs(this.dataDir).catch((err: Error) => this.miss('disk', err));
    const now = cpuTimes();
    const prev = this.last;
    this.last = now;
    const cpu = now && prev && now.total > prev.total ? ((now.busy - prev.busy) / (now.total - prev.total)) * 100 : null;
    const total = known(totalmem(), { zeroIsUnknown: true });
    // Available memory (MemAvailable on Linux): what programs can still get without swapping.
    const available = known(freemem());
    return {
      cpuPercent: round1(cpu === null ? null : known(Math.min(100, cpu))),
      memUsedPercent: total !== null && available !== null ? round1((1 - available / total) * 100) : null,
      diskFreeBytes: disk ? known(disk.bavail * disk.bsize) : null,
      diskTotalBytes: disk ? known(disk.blocks * disk.bsize, { zeroIsUnknown: true }) : null,
      uptimeSeconds: known(Math.round(uptime()), { zeroIsUnknown: true }),
    };
  }

  /**
   * The PC's make and operating system, for a technician (diagnose): systeminformation answers
   * these on every OS, and may start a process to do it, so it is loaded and asked only here.
   */
  async describe(): Promise<{ os: string | null; model: string | null }> {
    const { default: si } = await import('systeminformation');
    const [os, sys] = await Promise.all([si.osInfo().catch(() => undefined), si.system().catch(() => undefined)]);
    const text = (...parts: (string | undefined)[]) => parts.filter((p) => p && p.trim() && !/^(default string|to be filled|system product name)/i.test(p.trim())).join(' ') || null;
    return { os: text(os?.distro, os?.release, os?.arch), model: text(sys?.manufacturer, sys?.model) };
  }

  private miss(what: string, err: Error): undefined {
    this.ctx.log.debug({ err: err.message }, `host ${what} reading failed`);
    return undefined;
  }
}
