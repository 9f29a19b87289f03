import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HalError } from '../../../hal/errors.js';
import { PRINTER_STATES, SUPPLY_STATUSES, type PrinterDriver, type PrinterReading } from '../../../hal/printer/types.js';

export type Consumable = 'ribbon' | 'film' | 'blanks';

/** How a contract test reaches a printer: its driver, and the controls of the thing behind it. */
export interface PrinterHarness {
  driver: PrinterDriver;
  /** Set what is left of a consumable, through the printer's (or simulator's) own controls. */
  setRemaining(kind: Consumable, remaining: number): Promise<void>;
  /** Impose fault reasons such as media-jam; [] lifts them. */
  setFaults(reasons: string[]): Promise<void>;
  /**
   * Wait for `p` while printer time passes: a simulator's manual clock moved as the driver waits
   * on it (untilSettled), or, for a real peer, the real time it takes.
   */
  settle<T>(p: Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const pdfDoc = { jobId: 'contract-job', recordId: 'REC-CONTRACT', document: Buffer.from('%PDF-1.4 contract test card'), mimeType: 'application/pdf' };
const pngDoc = { ...pdfDoc, document: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('contract test card')]), mimeType: 'image/png' };
/** The card in the form the driver takes (cardFormat): the PDF, or an image. */
const docFor = (d: PrinterDriver) => (d.cardFormat?.mimeType === 'image/png' ? pngDoc : pdfDoc);

function supply(r: PrinterReading, kind: Consumable) {
  const s = r.supplies.find((x) => x.kind === kind);
  if (!s) throw new Error(`no ${kind} supply in ${JSON.stringify(r.supplies)}`);
  return s;
}

/** Print one card while letting printer time pass, as the job engine will. */
function printCard(h: PrinterHarness) {
  return h.settle(h.driver.print(docFor(h.driver)));
}

/** Every printer driver, the simulator included, must pass this suite. */
export function printerContract(name: string, make: () => Promise<PrinterHarness>): void {
  describe(`printer driver contract: ${name}`, () => {
    let h: PrinterHarness;
    beforeEach(async () => {
      h = await make();
      await h.driver.start();
    });
    afterEach(async () => {
      await h.driver.stop();
      await h.close();
    });

    it('reads a well-formed state: known states, the three consumables, numbers or null', async () => {
      const r = await h.driver.read();
      expect(PRINTER_STATES).toContain(r.state);
      for (const kind of ['ribbon', 'film', 'blanks'] as const) {
        const s = supply(r, kind);
        expect(SUPPLY_STATUSES).toContain(s.status);
        for (const v of [s.levelPercent, s.remaining, s.capacity]) {
          if (v !== null) expect(Number.isFinite(v) && v >= 0).toBe(true);
        }
        if (s.levelPercent !== null) expect(s.levelPercent).toBeLessThanOrEqual(100);
        if (s.remaining !== null && s.capacity !== null) expect(s.remaining).toBeLessThanOrEqual(s.capacity);
      }
      expect(r.reasons.every((x) => /^[a-z0-9-]+$/.test(x))).toBe(true);
    });

    it('prints a card on a ready printer and returns the printer job id', async () => {
      const before = await h.driver.read();
      expect(before.state).toBe('idle');
      const result = await printCard(h);
      expect(result.printerJobId).toMatch(/\S/);
      const after = await h.driver.read();
      if (before.printedTotal !== null && after.printedTotal !== null) expect(after.printedTotal).toBe(before.printedTotal + 1);
      expect(after.state).toBe('idle');
    });

    for (const kind of ['ribbon', 'film', 'blanks'] as const) {
      it(`an empty ${kind} stops the printer, refuses a card, and a refill lets it print again`, async () => {
        await h.setRemaining(kind, 0);
        const r = await h.driver.read();
        expect(supply(r, kind).status).toBe('empty');
        expect(r.state).toBe('stopped');
        await expect(h.driver.print(docFor(h.driver))).rejects.toMatchObject({ code: 'not-ready' });
        await h.setRemaining(kind, supply(r, kind).capacity ?? 100);
        const again = await h.driver.read();
        expect(supply(again, kind).status).toBe('ok');
        expect(again.state).toBe('idle');
        await expect(printCard(h)).resolves.toMatchObject({ printerJobId: expect.any(String) as string });
      });
    }

    it('a consumable near its end reads as low, not ok', async () => {
      const cap = supply(await h.driver.read(), 'film').capacity ?? 100;
      await h.setRemaining('film', Math.max(1, Math.floor(cap * 0.05)));
      const r = await h.driver.read();
      expect(supply(r, 'film').status).toBe('low');
      expect(r.state).not.toBe('stopped');
    });

    it('a jam stops the printer with its reason, and clears when lifted', async () => {
      await h.setFaults(['media-jam']);
      const r = await h.driver.read();
      expect(r.reasons).toContain('media-jam');
      expect(r.state).toBe('stopped');
      const err: unknown = await h.driver.print(docFor(h.driver)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HalError);
      await h.setFaults([]);
      const after = await h.driver.read();
      expect(after.reasons).not.toContain('media-jam');
      expect(after.state).toBe('idle');
    });
  });
}
