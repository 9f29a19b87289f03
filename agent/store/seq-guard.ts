import { closeSync, constants, existsSync, fdatasyncSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { shareNewFile } from '../../platform/shared-folder.js';

const SIZE = 32;
const FILE = 'seq.hwm';

/**
 * A high-water mark for seq kept outside the database, in a small file written in place (so a
 * full disk, which refuses new blocks, still takes it). It covers the seqs the agent hands out
 * while the database cannot be written, or while it runs on an in-memory stand-in: the next
 * open of the database starts above it, so no seq is ever given twice or goes backwards.
 */
export class SeqGuard {
  private constructor(private readonly fd: number | undefined) {}

  /** Whether this data folder has one: the station has kept a database here before. */
  static exists(dataDir: string): boolean {
    return existsSync(join(dataDir, FILE));
  }

  /**
   * Opened without following a symbolic link (O_NOFOLLOW): a link planted in the data folder
   * must not make the agent overwrite the file it points at. Such a link is refused and the
   * guard works without its file.
   */
  static open(dataDir: string): SeqGuard {
    try {
      const file = join(dataDir, FILE);
      let fd: number;
      try {
        fd = openSync(file, constants.O_RDWR | constants.O_NOFOLLOW);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        fd = openSync(file, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o640);
        // Where clerks share the data folder, the agent and they both write it.
        shareNewFile(dataDir, fd);
        writeSync(fd, Buffer.alloc(SIZE, 0x20), 0, SIZE, 0);
      }
      return new SeqGuard(fd);
    } catch {
      return new SeqGuard(undefined);
    }
  }

  read(): number {
    if (this.fd === undefined) return 0;
    const buf = Buffer.alloc(SIZE);
    try {
      readSync(this.fd, buf, 0, SIZE, 0);
    } catch {
      return 0;
    }
    const n = Number.parseInt(buf.toString('latin1').trim(), 10);
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  }

  /** Best effort: record that `seq` was handed out without the database knowing. */
  write(seq: number): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, Buffer.from(String(seq).padEnd(SIZE, ' '), 'latin1'), 0, SIZE, 0);
      fdatasyncSync(this.fd);
    } catch {
      // Nothing more can be done here; the store.error alert already says the disk is in trouble.
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}
