import { sleep, type Clock } from '../../../core/clock.js';
import { toHex } from './capture.js';
import { parseDescriptor } from './descriptor.js';
import { HidError } from './error.js';
import { hex4, type HidTransport } from './transport.js';

/**
 * A capture of a connected UPS for `station-agent ups dump`: its report descriptor, every
 * feature report it describes (not only the ones a reading needs: a bug report should show
 * everything), and the input reports it pushes for a while. The files it makes are the ones
 * `ups decode` and the test fixtures read.
 */

export interface UpsCapture {
  vendorId: number;
  productId: number;
  product: string | null;
  descriptor: Uint8Array;
  reports: Uint8Array[];
  /** Feature reports the UPS refused, with why. */
  refused: { reportId: number; error: string }[];
  /** Why the descriptor could not be parsed, if it could not (it is written anyway). */
  descriptorError: string | null;
}

export async function captureUps(t: HidTransport, inputMs: number, clock: Clock): Promise<UpsCapture> {
  const descriptor = await t.reportDescriptor();
  const out: UpsCapture = { vendorId: t.info.vendorId, productId: t.info.productId, product: t.info.product, descriptor, reports: [], refused: [], descriptorError: null };
  let features: { id: number; length: number }[] = [];
  let usesReportIds = true;
  try {
    const d = parseDescriptor(descriptor);
    usesReportIds = d.usesReportIds;
    features = [...d.reports.values()].filter((l) => l.kind === 'feature').map((l) => ({ id: l.reportId, length: l.byteLength + 1 }));
  } catch (err) {
    if (!(err instanceof HidError)) throw err;
    out.descriptorError = err.message;
  }
  for (const f of features) {
    try {
      out.reports.push(await t.getFeatureReport(f.id, f.length));
    } catch (err) {
      out.refused.push({ reportId: f.id, error: (err as Error).message });
    }
  }
  const end = clock.monotonic() + inputMs;
  while (clock.monotonic() < end) {
    const r = await t.readInput(Math.max(1, Math.min(250, end - clock.monotonic())));
    // hidraw leaves out the id byte of a device without report ids; the file has it, as decode expects (the driver does the same).
    if (r) out.reports.push(usesReportIds ? r : Uint8Array.from([0, ...r]));
    else await sleep(clock, 10);
  }
  return out;
}

export function descriptorText(c: UpsCapture): string {
  const lines: string[] = [];
  for (let i = 0; i < c.descriptor.length; i += 16) lines.push(toHex(c.descriptor.subarray(i, i + 16)));
  return `# USB HID report descriptor of ${hex4(c.vendorId)}:${hex4(c.productId)} ${c.product ?? ''} (${c.descriptor.length} bytes)\n${lines.join('\n')}\n`;
}

export function reportsText(c: UpsCapture, at: Date): string {
  const head = [`# reports of ${hex4(c.vendorId)}:${hex4(c.productId)} ${c.product ?? ''}, ${at.toISOString()}: one a line, report id first`];
  for (const r of c.refused) head.push(`# feature report 0x${r.reportId.toString(16).padStart(2, '0')} refused: ${r.error}`);
  return `${[...head, ...c.reports.map(toHex)].join('\n')}\n`;
}
