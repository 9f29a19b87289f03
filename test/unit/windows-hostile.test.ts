import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HalError } from '../../hal/errors.js';
import { PRINTER_STATES, SUPPLY_STATUSES } from '../../hal/printer/types.js';
import { decodeAnswer, LineSplitter, printerResultSchema, resultOf, vendorResultSchema, win32PrinterSchema } from '../../hal/printer/windows/protocol.js';
import { parsePrintedEvent, printedEvents, queuedJobState, spoolerState } from '../../hal/printer/windows/spooler.js';
import { parseHopperStatus, parseSuppliesStatus3, percentOf, suppliesOf, vendorSupplies } from '../../hal/printer/windows/vendor.js';
import { fixture, windowsPrinterHarness } from '../support/windows-printer.js';

const onlyProtocolErrors = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HalError);
    expect((err as HalError).code).toBe('protocol');
  }
};

describe('the helper protocol on hostile lines', () => {
  it('any line is an answer or a protocol error, never a crash; what it quotes is printable and short', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ id: 1, ok: true, result: v })), fc.constant('{"id":-1,"ok":true,"result":{}}')), (line) => {
        try {
          const a = decodeAnswer(line);
          expect(Number.isInteger(a.id) && a.id >= 0).toBe(true);
          if (a.ok) expect(typeof a.result).toBe('object');
          else expect(typeof a.error.message).toBe('string');
        } catch (err) {
          expect(err).toMatchObject({ code: 'protocol' });
          const quoted = /"(.*)"$/.exec((err as Error).message)?.[1] ?? '';
          expect(quoted).toMatch(/^[\x20-\x7e]*$/);
          expect(quoted.length).toBeLessThanOrEqual(83);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('lines come out whole however the bytes are cut, and an endless line is refused', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }).map((s) => s.replace(/[\r\n]/g, '')), { maxLength: 8 }), fc.array(fc.nat(50), { maxLength: 10 }), (lines, cuts) => {
        const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
        const split = new LineSplitter(1 << 20);
        const got: string[] = [];
        let at = 0;
        for (const c of [...cuts, bytes.length]) {
          const end = Math.min(bytes.length, at + c);
          got.push(...split.push(bytes.subarray(at, end)));
          at = end;
        }
        got.push(...split.push(bytes.subarray(at)));
        expect(got).toEqual(lines);
      }),
      { numRuns: 300 },
    );
    const split = new LineSplitter(1000);
    expect(() => split.push(Buffer.alloc(1001, 0x41))).toThrow(HalError);
    expect(split.push(Buffer.from('after\n'))).toEqual(['after']);
  });

  it("results of any shape are checked: the op's shape, or a protocol error naming where", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (result) => {
        onlyProtocolErrors(() => resultOf('printer', printerResultSchema, result));
        onlyProtocolErrors(() => resultOf('vendor', vendorResultSchema, result));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the mappings on anything Windows or a vendor could say', () => {
  it('any Win32_Printer numbers give a known state and contract-safe reasons', () => {
    const n = fc.oneof(fc.integer({ min: -5, max: 40 }), fc.constant(null), fc.double(), fc.string());
    fc.assert(
      fc.property(fc.record({ PrinterStatus: n, DetectedErrorState: n, ExtendedPrinterStatus: n, ExtendedDetectedErrorState: n, WorkOffline: fc.oneof(fc.boolean(), fc.constant(null), fc.string()) }), (raw) => {
        const p = win32PrinterSchema.parse(raw);
        const v = spoolerState(p);
        expect(PRINTER_STATES).toContain(v.state);
        expect(v.reasons.every((r) => /^[a-z0-9-]+$/.test(r))).toBe(true);
        expect(new Set(v.reasons).size).toBe(v.reasons.length);
      }),
      { numRuns: 500 },
    );
  });

  it('any text as a vendor answer: levels 0..100 or null, statuses of the contract, no throw', () => {
    const xmlish = fc.oneof(
      fc.string(),
      fc.string().map((s) => `<PrinterSupplies3><Printer><RibbonRemaining>${s}</RibbonRemaining><RetransferFilmPercentRemaining>${s}</RetransferFilmPercentRemaining></Printer></PrinterSupplies3>`),
      fc.string().map((s) => `<HopperStatus><HopperInformation Name="Hopper1" Type="Input" Status="${s}"/></HopperStatus>`),
      fc.constant(fixture('supplies-status3.xml')),
    );
    fc.assert(
      fc.property(xmlish, xmlish, fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.constant(null))), fc.integer({ min: 0, max: 100 }), (supplies, hopper, props, low) => {
        const v = vendorSupplies({ bidi: { '\\Printer.SuppliesStatus3:Read': { ok: true, text: supplies }, '\\Printer.Hopper:Status:Get': { ok: true, text: hopper } }, fargo: { ok: true, properties: props } });
        for (const p of [v.ribbonPercent, v.filmPercent]) if (p !== null) expect(Number.isInteger(p) && p >= 0 && p <= 100).toBe(true);
        const out = suppliesOf(v, [], { lowPercent: low, ribbonCapacity: 500 });
        for (const s of out.supplies) {
          expect(SUPPLY_STATUSES).toContain(s.status);
          if (s.remaining !== null && s.capacity !== null) expect(s.remaining).toBeLessThanOrEqual(s.capacity);
        }
        expect(out.reasons.every((r) => /^[a-z0-9-]+$/.test(r))).toBe(true);
      }),
      { numRuns: 400 },
    );
    expect(percentOf('100')).toBe(100);
    expect(percentOf('101')).toBeNull();
    expect(percentOf('-1')).toBeNull();
    expect(percentOf('1e2')).toBeNull();
  });

  it('huge and pathological XML is read in bounded time', () => {
    const t0 = Date.now();
    const many = '<PrinterSupplies3 '.repeat(20_000);
    expect(parseSuppliesStatus3(many)).toBeUndefined();
    expect(parseHopperStatus(`<HopperStatus>${'<HopperInformation Name="'.repeat(20_000)}`)).toBeNull();
    expect(parsePrintedEvent(`${'<DocumentPrinted '.repeat(20_000)}`)).toBeUndefined();
    expect(parsePrintedEvent(`<DocumentPrinted>${'<Param1>'.repeat(20_000)}</DocumentPrinted>`)).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('tags that never close, at the most the helper may send, are read quickly: no scan from every tag to the end', () => {
    // A history answer is at most one line of 8 MB: about a thousand 8 KB events, or 128 of the largest allowed (64 KB).
    const open = (n: number) => `<DocumentPrinted>${'<Param1 '.repeat(n)}</DocumentPrinted>`;
    const fits = Array.from({ length: 1000 }, () => ({ id: 307, xml: open(1019) }));
    const largest = Array.from({ length: 128 }, () => ({ id: 307, xml: open(8187) }));
    const hopper = `<HopperStatus>${'<HopperInformation '.repeat(13_700)}>`;
    const t0 = Date.now();
    expect(printedEvents(fits, 'x')).toEqual([]);
    expect(printedEvents(largest, 'x')).toEqual([]);
    expect(parseHopperStatus(hopper)).toBeNull();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('an event or a hopper tag far larger than a real one is not read', () => {
    const xml = fixture('event-307.xml').replace('{{jobId}}', '41').replace('{{document}}', 'R-1@5').replace('{{printer}}', 'P').replace('{{bytes}}', '1');
    expect(parsePrintedEvent(xml)).toMatchObject({ jobId: '41' });
    expect(parsePrintedEvent(xml.replace('<DocumentPrinted', `<!--${' '.repeat(8 * 1024)}--><DocumentPrinted`))).toBeUndefined();
    const tag = (extra: string) => `<HopperStatus><HopperInformation Name="Hopper1" Type="Input" Status="Empty"${extra}/></HopperStatus>`;
    expect(parseHopperStatus(tag(''))).toBe('empty');
    expect(parseHopperStatus(tag(' x="y"'.repeat(200)))).toBeNull();
  });

  it('any event XML is a printed event with a numeric job id, or nothing; any status bits a known place', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
        const e = parsePrintedEvent(`<DocumentPrinted><Param1>${a}</Param1><Param2>${b}</Param2><Param5>${c}</Param5></DocumentPrinted>`);
        if (e) expect(e.jobId).toMatch(/^\d+$/);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (mask) => {
        expect(['printed', 'deleting', 'trouble', 'active']).toContain(queuedJobState({ JobId: 1, Document: 'x', StatusMask: mask, JobStatus: null }));
      }),
    );
  });
});

describe('the driver over a stand-in that answers junk', () => {
  const h = windowsPrinterHarness({ helperTimeoutSeconds: 1 });
  afterAll(() => h.driver.stop());

  it('any printer or vendor answer: a well-formed reading or a HalError, and the next good answer reads again', async () => {
    await h.driver.start();
    await fc.assert(
      // Any JSON object as the result (a result that is not an object is out of protocol: that ends the helper, tested elsewhere).
      fc.asyncProperty(fc.oneof(fc.object(), fc.record({ found: fc.boolean(), printer: fc.object() })), fc.oneof(fc.object(), fc.record({ bidi: fc.object(), fargo: fc.jsonValue() })), async (printer, vendor) => {
        h.write({ printer: printer as never, vendor: vendor as never });
        try {
          const r = await h.driver.read();
          expect(PRINTER_STATES).toContain(r.state);
          expect(r.supplies.map((s) => s.kind)).toEqual(['ribbon', 'film', 'blanks']);
        } catch (err) {
          expect(err).toBeInstanceOf(HalError);
        }
      }),
      { numRuns: 60 },
    );
    h.write({ printer: { found: true, printer: JSON.parse(fixture('win32-printer.json')) as Record<string, unknown> } });
    h.write({ vendor: { bidi: {}, fargo: null } });
    await expect(h.driver.read()).resolves.toMatchObject({ state: 'idle' });
    // Junk in the answer's shape is the helper's fault, not a reason to end it: still the first helper.
    expect(h.driver.helperStarts).toBe(1);
  });
});
