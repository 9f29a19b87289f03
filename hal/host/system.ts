import { statfs } from 'node:fs/promises';
import si from 'systeminformation';
import type { DriverContext } from '../driver.js';
import type { HostDriver, HostReading } from './types.js';

/** systeminformation answers 0, NaN or '' when it cannot tell; that is unknown, not zero. */
export function known(value: unknown, { zeroIsUnknown = false } = {}): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  if (zeroIsUnknown && value === 0) return null;
  return value;
}

const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/**
 * CPU, memory and uptime from systeminformation. Disk space comes from statfs on dataDir
 * itself: exact for the folder the agent writes, with no mount-point matching and no `df`
 * child process on every poll (what si.fsSize would do on Linux).
 */
export class SystemHost implements HostDriver {
  readonly driver = 'system';

  constructor(
    private readonly dataDir: string,
    private readonly ctx: DriverContext,
  ) {}

  async start(): Promise<void> {
    // The first currentLoad() measures since boot; prime it so the first reading is recent.
    await si.currentLoad().catch(() => undefined);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  async read(): Promise<HostReading> {
    const [load, mem, disk] = await Promise.all([
      si.currentLoad().catch((err: Error) => this.miss('cpu', err)),
      si.mem().catch((err: Error) => this.miss('memory', err)),
      statfs(this.dataDir).catch((err: Error) => this.miss('disk', err)),
    ]);
    const total = known(mem?.total, { zeroIsUnknown: true });
    const available = known(mem?.available);
    return {
      cpuPercent: round1(known(load?.currentLoad)),
      memUsedPercent: total !== null && available !== null ? round1((1 - available / total) * 100) : null,
      diskFreeBytes: disk ? known(disk.bavail * disk.bsize) : null,
      diskTotalBytes: disk ? known(disk.blocks * disk.bsize, { zeroIsUnknown: true }) : null,
      uptimeSeconds: known(si.time().uptime, { zeroIsUnknown: true }),
    };
  }

  private miss(what: string, err: Error): undefined {
    this.ctx.log.debug({ err: err.message }, `host ${what} reading failed`);
    return undefined;
  }
}
