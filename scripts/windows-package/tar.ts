/**
 * Reads the files of a .tar.gz (an npm tarball, a prebuild-install download): enough of the
 * ustar format for those, with the long names of pax and GNU headers. Written here rather than
 * spawning `tar`, so the packager runs the same on every PC that builds it.
 */
import { gunzipSync } from 'node:zlib';

export interface TarFile {
  path: string;
  mode: number;
  data: Buffer;
}

function text(block: Buffer, from: number, length: number): string {
  const field = block.subarray(from, from + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(block: Buffer, from: number, length: number): number {
  const s = text(block, from, length).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

/** The pax header's path, if it gives one ("NN path=...\n" records). */
function paxPath(data: Buffer): string | undefined {
  for (const record of data.toString('utf8').split('\n')) {
    const m = /^\d+ path=(.*)$/s.exec(record);
    if (m) return m[1];
  }
  return undefined;
}

/** Every regular file in the archive, with its path as stored (npm's start with "package/"). */
export function readTarGz(gz: Buffer): TarFile[] {
  const tar = gunzipSync(gz);
  const files: TarFile[] = [];
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0);
    const data = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') longName = paxPath(data) ?? longName;
    else if (type === 'L') longName = text(data, 0, data.length);
    else if (type === '0' || type === '\0') {
      const prefix = text(header, 345, 155);
      const name = text(header, 0, 100);
      files.push({ path: longName ?? (prefix ? `${prefix}/${name}` : name), mode: octal(header, 100, 8), data: Buffer.from(data) });
      longName = undefined;
    } else longName = undefined;
  }
  return files;
}
