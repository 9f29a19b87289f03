import { closeSync, fdatasyncSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const SIZE = 32;

/**
 * A high-water mark for seq kept outside the database, in a small file written in place (so a
 * full disk, which refuses new blocks, still takes it). It covers the seqs the agent hands out
 * while the database cannot be written, or while it runs on an in-memory stand-in: the next
 * open of the database starts above it, so no seq is ever given twice or goes backwards.
 */
export class SeqGuard {
  private constructor(private readonly fd: number | undefined) {}

  static open(dataDir: string): SeqGuard {
    try {
      const file = join(dataDir, 'seq.hwm');
      let fd: number;
      try {
        fd = openSync(file, 'r+');
      } catch {
        fd = openSync(file, 'w+');
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
