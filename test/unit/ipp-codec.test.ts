import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { HalError } from '../../hal/errors.js';
import { decodeAnswer, type IppTransport } from '../../hal/printer/ipp/client.js';
import { mapPrinterAttributes, parseKeyValues, splitReason } from '../../hal/printer/ipp/codec.js';
import { IppPrinter } from '../../hal/printer/ipp/driver.js';
import { PRINTER_STATES, SUPPLY_STATUSES } from '../../hal/printer/types.js';
import { quietLog } from '../support/sim.js';
import { attr, int, kw, nm } from '../support/ipp-encode.js';

const supply = (r: ReturnType<typeof mapPrinterAttributes>, kind: string) => r.supplies.find((s) => s.kind === kind);

describe('IPP attribute mapping', () => {
  it('splits severities off reasons; no suffix is an error (RFC 8011)', () => {
    expect(splitReason('media-jam-error')).toEqual({ keyword: 'media-jam', severity: 'error' });
    expect(splitReason('marker-supply-low-warning')).toEqual({ keyword: 'marker-supply-low', severity: 'warning' });
    expect(splitReason('media-empty-report')).toEqual({ keyword: 'media-empty', severity: 'report' });
    expect(splitReason('paused')).toEqual({ keyword: 'paused', severity: 'error' });
  });

  it('reads printer-supply style key=value text', () => {
    expect(parseKeyValues('index=1;class=supplyThatIsConsumed;type=inkRibbon;unit=percent;maxcapacity=100;level=40;')).toMatchObject({ type: 'inkRibbon', unit: 'percent', level: '40' });
  });

  it('maps markers to ribbon and film by type, the counting tray to blanks, and keeps the low marks', () => {
    const r = mapPrinterAttributes({
      'printer-state': 'processing',
      'printer-state-reasons': 'marker-supply-low-warning',
      'marker-names': ['YMCKO', 'Retransfer'],
      'marker-types': ['ink-ribbon', 'transfer-unit'],
      'marker-levels': [40, 8],
      'marker-low-levels': [10, 10],
      'printer-input-tray': ['type=sheetFeedAutoRemovableTray;maxcapacity=-2;level=-2;name=auto', 'type=sheetFeedAutoNonRemovableTray;maxcapacity=100;level=37;name=hopper'],
    });
    expect(r.state).toBe('printing');
    expect(r.reasons).toEqual(['marker-supply-low']);
    expect(supply(r, 'ribbon')).toEqual({ kind: 'ribbon', name: 'YMCKO', levelPercent: 40, remaining: null, capacity: null, status: 'ok' });
    expect(supply(r, 'film')).toMatchObject({ name: 'Retransfer', levelPercent: 8, status: 'low' });
    expect(supply(r, 'blanks')).toEqual({ kind: 'blanks', name: 'hopper', levelPercent: 37, remaining: 37, capacity: 100, status: 'ok' });
  });

  it("the printer's rated speed: pages-per-minute-color (an e-KTP is colour), else pages-per-minute, as seconds a card; none, 0 or text is null", () => {
    const at = (a: Record<string, unknown>) => mapPrinterAttributes({ 'printer-state': 'idle', ...a }).secondsPerCard;
    expect(at({ 'pages-per-minute': 4, 'pages-per-minute-color': 2 })).toBe(30);
    expect(at({ 'pages-per-minute': 3 })).toBe(20);
    expect([at({}), at({ 'pages-per-minute': 0 }), at({ 'pages-per-minute': 'fast' })]).toEqual([null, null, null]);
  });

  it('levels -1, -2 and -3 are unknown, never numbers; a missing supply is unknown, not ok', () => {
    const r = mapPrinterAttributes({ 'printer-state': 'idle', 'marker-names': ['Ribbon', 'Film'], 'marker-types': ['ink-ribbon', 'transfer-unit'], 'marker-levels': [-2, -3] });
    expect(supply(r, 'ribbon')).toMatchObject({ levelPercent: null, remaining: null, status: 'unknown' });
    expect(supply(r, 'film')).toMatchObject({ levelPercent: null, status: 'unknown' });
    expect(supply(r, 'blanks')).toMatchObject({ levelPercent: null, remaining: null, capacity: null, status: 'unknown' });
  });

  it('a configured name and capacity win for a vendor driver with its own names', () => {
    const attrs = { 'printer-state': 'idle', 'marker-names': ['Panel A', 'Panel B'], 'marker-types': ['other', 'other'], 'marker-levels': [50, 20] };
    expect(supply(mapPrinterAttributes(attrs), 'film')?.status).toBe('unknown');
    const r = mapPrinterAttributes(attrs, { ribbon: { match: 'panel a', capacity: 200 }, film: { match: 'PANEL B', capacity: 500 } });
    expect(supply(r, 'ribbon')).toMatchObject({ levelPercent: 50, remaining: 100, capacity: 200, status: 'ok' });
    expect(supply(r, 'film')).toMatchObject({ levelPercent: 20, remaining: 100, capacity: 500 });
  });

  it('a stopping condition stops the printer at any severity; offline wins; vendor keywords are made contract-safe', () => {
    expect(mapPrinterAttributes({ 'printer-state': 'idle', 'printer-state-reasons': 'media-jam-report' }).state).toBe('stopped');
    expect(mapPrinterAttributes({ 'printer-state': 'idle', 'printer-state-reasons': ['media-empty-warning', 'media-needed-warning'] })).toMatchObject({ state: 'stopped', reasons: ['media-empty', 'media-needed'] });
    expect(mapPrinterAttributes({ 'printer-state': 'stopped', 'printer-state-reasons': 'offline-report' }).state).toBe('offline');
    expect(mapPrinterAttributes({ 'printer-state': 'idle', 'printer-state-reasons': 'com.example.Cleaning-Needed-warning' }).reasons).toEqual(['com-example-cleaning-needed']);
    expect(mapPrinterAttributes({ 'printer-state': 'idle', 'printer-state-reasons': 'media-low-report', 'printer-input-tray': 'maxcapacity=100;level=4;name=hopper' })).toMatchObject({ state: 'idle' });
    expect(supply(mapPrinterAttributes({ 'printer-state': 'idle', 'printer-state-reasons': 'media-low-report', 'printer-input-tray': 'maxcapacity=100;level=4;name=hopper' }), 'blanks')?.status).toBe('low');
  });

  it('nonsense attributes are a protocol error', () => {
    expect(() => mapPrinterAttributes({})).toThrow(HalError);
    expect(() => mapPrinterAttributes({ 'printer-state': 'sleeping' })).toThrow(/printer-state/);
    expect(() => mapPrinterAttributes({ 'printer-state': 'idle', 'marker-levels': ['forty'] })).toThrow(/marker-levels/);
    expect(() => mapPrinterAttributes({ 'printer-state': 'idle', 'printer-state-reasons': 7 })).toThrow(/printer-state-reasons/);
  });
});


/** A well-formed Get-Printer-Attributes answer, bytes as a printer sends them (the package cannot encode marker-*). */
function goodAnswer(status = 0x0000): Buffer {
  const head = Buffer.from([2, 0, status >> 8, status & 0xff, 0, 0, 0, 1]);
  return Buffer.concat([
    head,
    Buffer.from([0x01]),
    attr('attributes-charset', [{ tag: 0x47, v: 'utf-8' }]),
    attr('attributes-natural-language', [{ tag: 0x48, v: 'en' }]),
    Buffer.from([0x04]),
    attr('printer-state', [{ tag: 0x23, v: 3 }]),
    attr('printer-state-reasons', [kw('none')]),
    attr('marker-names', [nm('Ribbon'), nm('Film')]),
    attr('marker-types', [kw('ink-ribbon'), kw('transfer-unit')]),
    attr('marker-levels', [int(40), int(75)]),
    Buffer.from([0x03]),
  ]);
}

function driverOver(answer: () => Buffer): IppPrinter {
  const transport: IppTransport = { send: () => Promise.resolve(answer()) };
  return new IppPrinter({ driver: 'ipp', url: 'ipp://localhost:631/printers/card', timeoutSeconds: 1, jobPollSeconds: 0.1, jobTimeoutSeconds: 5, supplies: {} }, { clock: systemClock, log: quietLog }, transport);
}

describe('IPP answers off the wire', () => {
  it('a well-formed answer decodes to the reading', async () => {
    const r = await driverOver(goodAnswer).read();
    expect(r.state).toBe('idle');
    expect(supply(r, 'film')?.levelPercent).toBe(75);
  });

  it('an error status is a clear printer error', async () => {
    const busy = goodAnswer(0x0507);
    await expect(driverOver(() => busy).read()).rejects.toThrow(/server-error-busy/);
    expect(() => decodeAnswer(Buffer.from('<html>not ipp</html>'))).toThrow(/not IPP/);
  });

  it('lengths the parser would read as negative, or that do not match their type, are refused before it runs', () => {
    const good = goodAnswer();
    // The first value length of the printer group (printer-state) set to 0xFFFF: the package
    // would read it as -1 and walk the buffer without end (this ran the heap out in a test).
    const at = good.indexOf(Buffer.from('printer-state')) + 'printer-state'.length;
    const negative = Buffer.from(good);
    negative.writeUInt16BE(0xffff, at);
    expect(() => decodeAnswer(negative)).toThrow(/length out of range/);
    const short = Buffer.concat([good.subarray(0, at), Buffer.from([0, 1, 3]), good.subarray(at + 6)]);
    expect(() => decodeAnswer(short)).toThrow(/must be 4 bytes/);
    expect(() => decodeAnswer(good.subarray(0, good.length - 1))).toThrow(/no end-of-attributes/);
  });

  it('garbage, truncated or corrupted answers give a HalError or a well-formed reading, never a crash (fast-check)', async () => {
    const good = goodAnswer();
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.nat({ max: good.length }).map((n) => good.subarray(0, n)),
      fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
        const copy = Buffer.from(good);
        copy[i] = b;
        return copy;
      }),
    );
    const silenced: unknown[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => silenced.push(args);
    try {
      await fc.assert(
        fc.asyncProperty(garbage, async (bytes) => {
          const outcome = await driverOver(() => bytes).read().then(
            (r) => ({ ok: true as const, r }),
            (e: unknown) => ({ ok: false as const, e }),
          );
          if (!outcome.ok) {
            expect(outcome.e).toBeInstanceOf(HalError);
            return;
          }
          expect(PRINTER_STATES).toContain(outcome.r.state);
          for (const s of outcome.r.supplies) {
            expect(SUPPLY_STATUSES).toContain(s.status);
            if (s.levelPercent !== null) expect(s.levelPercent >= 0 && s.levelPercent <= 100).toBe(true);
          }
          expect(outcome.r.reasons.every((x) => /^[a-z0-9-]+$/.test(x))).toBe(true);
        }),
        { numRuns: 400 },
      );
    } finally {
      console.log = log;
    }
    // The parser's own chatter stays inside the driver.
    expect(silenced).toEqual([]);
  });
});
