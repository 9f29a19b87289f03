import { closeSync, openSync, readSync } from 'node:fs';

/** IMAGE_FILE_MACHINE_AMD64. */
const AMD64 = 0x8664;

/** Whether these bytes start a Windows x64 program or DLL (a .node addon is a DLL): MZ, then PE with the AMD64 machine. */
export function isWindowsX64(head: Buffer): boolean {
  if (head.length < 0x40 || head.toString('latin1', 0, 2) !== 'MZ') return false;
  const pe = head.readUInt32LE(0x3c);
  return pe + 6 <= head.length && head.toString('latin1', pe, pe + 4) === 'PE\0\0' && head.readUInt16LE(pe + 4) === AMD64;
}

/** The first bytes of a file, enough for its headers. */
export function headOf(file: string, length = 4096): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    return buf.subarray(0, readSync(fd, buf, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}
