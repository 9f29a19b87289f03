import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { errorWords } from '../../core/errors.js';
import { HalError } from '../../hal/errors.js';
import { httpRecordsSchema } from '../../hal/records/http/config.js';
import { HttpRecords } from '../../hal/records/http/driver.js';
import { parseReportsHex } from '../../hal/ups/hid/capture.js';
import { decodeReport } from '../../hal/ups/hid/decode.js';
import { parseDescriptor } from '../../hal/ups/hid/descriptor.js';
import { HidUps } from '../../hal/ups/hid/driver.js';
import { loadNodeHid } from '../../hal/ups/hid/node-hid.js';
import { upsSchema } from '../../hal/ups/index.js';
import { NutUps } from '../../hal/ups/nut/driver.js';
import { IppPrinter } from '../../hal/printer/ipp/driver.js';
import { ManualClock } from '../../core/clock.js';
import { englishHintsIn, englishHintsUnder } from '../support/english-hints.js';
import { hidOptions, ReplayUps } from '../support/hid-replay.js';
import { bytesOf, loadHidFixture } from '../support/hid-fixtures.js';
import { freePort } from '../support/peers.js';
import { quietLog } from '../support/sim.js';

const REPO = join(import.meta.dirname, '../..');
const ctx = { clock: systemClock, log: quietLog };

/** Words a technician's hint in Indonesian starts or goes on with; none of them is English. */
const INDONESIAN = /\b(Periksa|Pastikan|Jalankan|Pasang|Tangkap|Isi|Arahkan|Cocokkan|dan|atau|bila)\b/;

/** What the error shows in each language; it must be a driver's error with a hint written in both. */
async function hints(p: Promise<unknown> | (() => unknown)): Promise<{ err: HalError; id: string; en: string }> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  if (!(err instanceof HalError)) throw new Error(`expected a HalError, got ${String(err)}`);
  const id = errorWords(err, 'id').hint ?? '';
  const en = errorWords(err, 'en').hint ?? '';
  expect(id, `${err.code}: ${err.message}`).toMatch(INDONESIAN);
  expect(id).not.toBe(en);
  expect(en).toBe(err.hint);
  return { err, id, en };
}

describe('drivers give their hints in Indonesian and English', () => {
  it('NUT at a port where nothing listens: start upsd, said in both languages', async () => {
    const c = upsSchema().parse({ driver: 'nut', port: await freePort(), timeoutSeconds: 2 });
    if (c.driver !== 'nut') throw new Error('unreachable');
    const ups = new NutUps(c, ctx);
    const { err, id, en } = await hints(ups.read());
    expect(err.code).toBe('comm-lost');
    expect(en).toMatch(/^Start the NUT server \(upsd\)/);
    expect(id).toMatch(/^Jalankan server NUT \(upsd\), atau periksa ups\.host dan ups\.port\.$/);
    // Waiting out the backoff passes the same hint on, both languages whole.
    const again = await hints(ups.read());
    expect(again.id).toBe(id);
    await ups.stop();
  });

  it('the HID parser on a descriptor cut short, and the decoder on a report the descriptor lacks', async () => {
    const cut = await hints(() => parseDescriptor(bytesOf('05 84 09')));
    expect(cut.err.code).toBe('hid-descriptor-invalid');
    expect(cut.id).toMatch(/^Tangkap ulang UPS dengan `station-agent ups dump`/);
    const fx = loadHidFixture('apc-back-ups-xs-1400u');
    const [stranger] = parseReportsHex('ee 01 02\n') // 0xee: no report of the APC has it;
    if (!stranger) throw new Error('no report');
    const unknown = await hints(() => decodeReport(parseDescriptor(fx.descriptor), stranger.bytes));
    expect(unknown.err.code).toBe('hid-report-unknown');
    expect(unknown.id).toMatch(/^Pastikan berkas laporan ditangkap dari UPS yang sama/);
  });

  it('the HID driver on a USB device that is no UPS, and without node-hid', async () => {
    // A mouse-like descriptor: one input report of X, nothing of a Power Device.
    const mouse = new ReplayUps(bytesOf('05 01 09 02 a1 01 85 01 09 30 15 00 26 ff 00 75 08 95 01 81 02 c0'), []);
    const driver = new HidUps(hidOptions(), { clock: new ManualClock(), log: quietLog }, mouse.open);
    const notUps = await hints(driver.read());
    expect(notUps.err.code).toBe('hid-descriptor-invalid');
    expect(notUps.id).toMatch(/bukan "HID Power Device"/);
    const missing = await hints(loadNodeHid(() => Promise.reject(Object.assign(new Error('Cannot find package'), { code: 'ERR_MODULE_NOT_FOUND' }))));
    expect(missing.err.code).toBe('hid-unavailable');
    expect(missing.id).toMatch(/^Pasang node-hid di folder agen \(npm install node-hid\)/);
    expect(errorWords(missing.err, 'id').message).toMatch(/belum terpasang/);
  });

  it('the record service at a port where nothing listens', async () => {
    const source = new HttpRecords(httpRecordsSchema().parse({ url: `http://127.0.0.1:${await freePort()}`, timeoutSeconds: 2 }), ctx);
    const { err, id } = await hints(source.fetch('R-1'));
    expect(err.code).toBe('unavailable');
    expect(id).toBe('Periksa records.http.url dan jaringan ke server pusat.');
  });

  it('an IPP printer at a port where nothing listens, before a card', async () => {
    const url = `ipp://127.0.0.1:${await freePort()}/printers/card`;
    const printer = new IppPrinter({ driver: 'ipp', url, timeoutSeconds: 1, jobPollSeconds: 0.1, jobTimeoutSeconds: 5, supplies: {} }, ctx);
    const { err, id } = await hints(printer.read());
    expect(err.code).toBe('unreachable');
    expect(id).toMatch(/printer\.url/);
  });
});

describe('no driver hint is written in English only', () => {
  it('every hint under hal/ is a text in both languages (or passed on from another error)', () => {
    const found = englishHintsUnder(REPO, 'hal');
    expect(found, `English-only hints; write them as { id: '...', en: '...' }:\n${found.join('\n')}`).toEqual([]);
  });

  it('the scan finds each way an English-only hint can be written, and lets bilingual ones pass', () => {
    const code = [
      "const A = 'Check the cable.';",
      "const T = { one: 'Check it.', two: { id: 'Periksa.', en: 'Check.' } };",
      "new HalError('timeout', 'm', 'Check the cable.');",
      'new HidError("hid-hex-invalid", "m", `Check ${x}.`, 3);',
      "new HalError('timeout', 'm', A);",
      "new HalError('timeout', 'm', ok ? T.two : 'Check the other.');",
      "new HalError('timeout', 'm', err.hintWords ?? 'Check upsd.');",
      "withTimeout(clock, p, 10, 'x', 'Check the USB cable.');",
      "new HalError('timeout', 'm', T.one);",
      "new HalError('timeout', 'm', { id: 'Periksa kabel.', en: 'Check the cable.' });",
      "new HalError('timeout', 'm', T.two);",
      "new HalError('timeout', 'm', err.hintWords);",
      "new HalError('timeout', 'no hint at all');",
      "withTimeout(clock, p, 10, 'x');",
    ].join('\n');
    expect(englishHintsIn('x.ts', code)).toEqual(['x.ts:3', 'x.ts:4', 'x.ts:5', 'x.ts:6', 'x.ts:7', 'x.ts:8', 'x.ts:9']);
  });

  it('the scan reads a hint imported from a table where the table writes it', () => {
    const table = "export const H = { a: 'Check it.', b: { id: 'Periksa.', en: 'Check.' } };\nexport const S = 'Check the cable.';";
    const read = (path: string) => (path === join('hal', 'ups', 'hints.ts') ? table : undefined);
    const code = [
      "import { H, S as CABLE } from './hints.js';",
      "new HalError('timeout', 'm', H.a);",
      "new HalError('timeout', 'm', CABLE);",
      "new HalError('timeout', 'm', H.b);",
    ].join('\n');
    expect(englishHintsIn(join('hal', 'ups', 'x.ts'), code, read)).toEqual([`${join('hal', 'ups', 'x.ts')}:2`, `${join('hal', 'ups', 'x.ts')}:3`]);
  });
});
