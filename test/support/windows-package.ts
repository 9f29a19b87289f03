/**
 * For the Windows package's tests: reading its zip (with yauzl, a reader apart from the writer
 * that made it), and the stand-ins for the two parts this PC cannot fetch: a Windows x64
 * program's headers (WinSW) and sqlite3's release archive holding one.
 */
import { gzipSync } from 'node:zlib';
import { open, type Entry, type ZipFile } from 'yauzl';

/** Every file of a zip, by name, with its bytes and its Unix mode. */
export async function readZip(file: string): Promise<Map<string, { data: Buffer; mode: number }>> {
  const zip = await new Promise<ZipFile>((resolve, reject) => open(file, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))));
  const files = new Map<string, { data: Buffer; mode: number }>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      zip.openReadStream(entry, (e, stream) => {
        if (e) return reject(e);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          files.set(entry.fileName, { data: Buffer.concat(chunks), mode: (entry.externalFileAttributes >>> 16) & 0o777 });
          zip.readEntry();
        });
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return files;
}

/** The headers of a Windows x64 program, and `marker` after them: what the packager checks, nothing that runs. */
export function fakeWindowsX64(marker: string): Buffer {
  const b = Buffer.alloc(0x200);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x8664, 0x84);
  return Buffer.concat([b, Buffer.from(marker)]);
}

/** A .tar.gz of `files` (ustar, as prebuild's archives are). */
export function tarGz(files: Record<string, Buffer>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, data] of Object.entries(files)) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'utf8');
    h.write('0000644\0', 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('00000000000\0', 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h.write('0', 156, 'latin1');
    h.write('ustar\0' + '00', 257, 'latin1');
    const sum = h.reduce((a, b) => a + b, 0);
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
