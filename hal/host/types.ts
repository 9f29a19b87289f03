import type { Lifecycle } from '../driver.js';

/** The station PC itself. Each figure is null when the OS would not tell. */
export interface HostReading {
  cpuPercent: number | null;
  memUsedPercent: number | null;
  /** Free space for this user on the filesystem that holds dataDir. */
  diskFreeBytes: number | null;
  diskTotalBytes: number | null;
  uptimeSeconds: number | null;
}

export interface HostDriver extends Lifecycle {
  readonly driver: string;
  read(): Promise<HostReading>;
}
