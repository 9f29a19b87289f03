/**
 * The clerk's day on the station page, click by click, in Debian's Chromium against the real
 * agent (simulated printer and UPS, records from the simulated server): blanks received (and
 * the same batch refused), records added and printed, a jam read on the page and cleared, the
 * agent killed mid-card and the card settled on the page, a printed card marked spoiled and
 * printed again, film rolls received and one put in. The ledger balances at the end.
 * Screenshots go to test-results/screenshots/station-*.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { CHROMIUM, launchChromium } from '../support/browser.js';
import { freePort, peerAvailable } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

const SHOTS = join(import.meta.dirname, '../../test-results/screenshots');
const ready = peerAvailable('Chromium', CHROMIUM);

describe.skipIf(!ready)("the clerk's day on the station page, in a real browser", () => {
  const dir = tempDir('station-page-');
  let config: Record<string, unknown>;
  let agent: AgentUnderTest;
  let url: string;
  let browser: Browser;
  let page: Page;

  const start = async () => {
    agent = startAgent(config, dir);
    await agent.proc.waitForOutput(/station page ready/, 20_000);
  };
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `station-${name}.png`), fullPage: true });
  const figure = async (id: string) => (await page.locator(`#${id}`).textContent())?.trim();
  const notice = () => page.locator('#notice');
  const state = (recordId: string) => page.locator(`#recent tr[data-record="${recordId}"] td`).nth(1);
  const stock = async () => JSON.parse((await runCli(['stock', 'show', '--json', '--config', agent.configFile])).stdout) as Record<string, number>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    config = testConfig('embedded', {
      mqtt: { url: 'embedded', embedded: { port: await freePort() } },
      printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 3, outputDir: 'printed-cards' } },
      records: { driver: 'sim', sim: { latencyMs: 50 } },
      operator: { listen: `127.0.0.1:${port}` },
    });
    await start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.on('pageerror', (err) => {
      throw err;
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.proc.stop();
  });

  it('opens in Indonesian, ready to print; English on the button', async () => {
    await page.goto(url);
    await expect.poll(() => page.locator('#banner').getAttribute('class'), { timeout: 15_000 }).toBe('banner ok');
    expect(await page.locator('#banner-title').textContent()).toBe('Siap mencetak');
    expect(await page.locator('#queue-card h2').textContent()).toBe('Antrean cetak');
    await page.click('#lang-toggle');
    expect(await page.locator('#banner-title').textContent()).toBe('Ready to print');
    await shot('1-ready-en');
    await page.click('#lang-toggle');
    expect(await page.locator('#queue-card h2').textContent()).toBe('Antrean cetak');
  });

  it('receives 200 blanks; the same batch again is refused naming the first entry, and nothing is written', async () => {
    const form = page.locator('#form-stock-receive');
    await form.locator('input[name=n]').fill('200');
    await form.locator('input[name=batch]').fill('SYN-BAST-001');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => notice().textContent()).toMatch(/diterima 200 kartu \(batch SYN-BAST-001, entri #\d+\); stok: 200/);
    await expect.poll(() => figure('b-onhand')).toBe('200');

    await form.locator('input[name=n]').fill('200');
    await form.locator('input[name=batch]').fill('SYN-BAST-001');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => notice().textContent()).toMatch(/Ditolak: batch SYN-BAST-001 sudah diterima: entri #\d+, 200 kartu/);
    expect(await notice().getAttribute('class')).toBe('notice bad');
    // What to do names the checkbox beside the form, never a command line.
    expect(await notice().textContent()).toMatch(/Yang perlu dilakukan: Bila ini pengiriman kedua dengan nomor yang sama, centang "Kiriman kedua dengan nomor sama" lalu simpan lagi/);
    await expect.poll(() => figure('b-onhand')).toBe('200');

    // A field that is not a number is named, with what was given and what is expected.
    await form.locator('input[name=n]').fill('dua ratus');
    await form.locator('input[name=batch]').fill('SYN-BAST-002');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('[data-for="n"]').textContent()).toBe('Jumlah kartu: diberikan "dua ratus", harus bilangan bulat 1 sampai 100000');
    await shot('2-batch-refused');
    expect(await stock()).toMatchObject({ received: 200, onHand: 200 });
  });

  it('a new station shows days left from its first hour, marked as the first estimate', async () => {
    // 200 blanks at the first estimate of 150 cards a day (forecast.expectedCardsPerDay): about a day.
    await expect.poll(() => figure('b-days'), { timeout: 15_000 }).toBe('1 hari (perkiraan)');
    expect(await figure('blanks-estimate')).toMatch(/^Hari habis di atas memakai perkiraan awal: 150 kartu per hari \(stasiun ini belum punya data pemakaian sehari\)\.$/);
    expect(await page.locator('#supplies-estimate').isVisible()).toBe(true);
    expect(await page.locator('#supplies tr[data-kind="ribbon"] td').nth(2).textContent()).toMatch(/^\d+ hari \(perkiraan\)$/);
    await page.locator('#blanks-card').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'station-2b-first-estimate.png') });
  });

  it('adds records (a NIK is refused) and sees them print', async () => {
    await page.fill('#form-add textarea', 'SYN-0001\nSYN-0002\n3201234567890123');
    await page.click('#form-add button[type=submit]');
    await expect.poll(() => notice().textContent()).toMatch(/2 rekaman diantrekan: SYN-0001, SYN-0002\nDitolak 3201234567890123: ini tampak seperti NIK/);
    await expect.poll(() => figure('q-printed'), { timeout: 30_000 }).toBe('2');
    expect(await state('SYN-0001').textContent()).toBe('tercetak');
    await shot('3-printed');
  });

  it('a jam holds printing: the page says why and what to do, and printing goes on once it is cleared', async () => {
    writeFileSync(agent.printerFile, JSON.stringify({ reasons: ['media-jam'] }));
    await page.fill('#form-add textarea', 'SYN-0003');
    await page.click('#form-add button[type=submit]');
    await expect.poll(() => page.locator('#banner').getAttribute('class'), { timeout: 15_000 }).toBe('banner held');
    expect(await page.locator('#banner-title').textContent()).toBe('Pencetakan ditahan: Printer berhenti (kartu macet).');
    expect(await page.locator('#banner-todo').textContent()).toMatch(/^Yang perlu dilakukan: Buka printer, keluarkan kartu yang macet/);
    await shot('4-jam-held');
    writeFileSync(agent.printerFile, JSON.stringify({}));
    await expect.poll(() => figure('q-printed'), { timeout: 30_000 }).toBe('3');
    await expect.poll(() => page.locator('#banner').getAttribute('class')).toBe('banner ok');
  });

  it('the agent killed mid-card: after the restart the card waits on the page, with what the printer says, and is settled there', async () => {
    await page.fill('#form-add textarea', 'SYN-0004');
    await page.click('#form-add button[type=submit]');
    await expect.poll(() => state('SYN-0004').textContent(), { timeout: 15_000 }).toBe('sedang dicetak');
    agent.proc.child.kill('SIGKILL');
    await agent.proc.exited;
    await expect.poll(() => page.locator('#banner-title').textContent(), { timeout: 10_000 }).toBe('Agen tidak menjawab');
    await start();
    const card = page.locator('#verify-list li[data-record="SYN-0004"]');
    await card.waitFor({ timeout: 15_000 });
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toMatch(/Kata printer: Riwayat printer tidak punya kartu selesai untuk rekaman ini/);
    await shot('5-verify');
    // "Rusak" asks why, with the spoil form's kinds of damage and its reprint; without a reason nothing is recorded.
    await card.locator('button[data-outcome="spoiled"]').click();
    const spoil = page.locator('#form-verify-spoil');
    await spoil.waitFor();
    expect(await spoil.locator('.spoil-record').textContent()).toBe('SYN-0004');
    expect(await spoil.locator('input[name=reprint]').isChecked()).toBe(true);
    expect(await spoil.locator('select[name=code] option').allTextContents()).toEqual(['(menurut alasan)', 'macet di printer', 'luntur atau kotor', 'salah cetak (miring, pudar)', 'data salah', 'chip rusak', 'lainnya']);
    await spoil.locator('button[type=submit]').click();
    await expect.poll(() => spoil.locator('[data-for="reason"]').textContent()).toMatch(/^Alasan: kartu rusak perlu alasan/);
    await shot('5b-verify-spoiled-asks');
    await spoil.locator('button.close').click();
    expect(await spoil.isHidden()).toBe(true);
    await card.locator('button[data-outcome="not-printed"]').click();
    await expect.poll(() => notice().textContent()).toBe('SYN-0004: tidak tercetak, diantrekan lagi');
    await expect.poll(() => figure('q-printed'), { timeout: 30_000 }).toBe('4');
    expect(await page.locator('#verify-list li').count()).toBe(0);
  });

  it('a printed card marked spoiled (with a reason) is posted to the ledger and printed again', async () => {
    await page.locator('#recent tr[data-record="SYN-0001"] button').click();
    const form = page.locator('#form-spoil');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('[data-for="reason"]').textContent()).toBe('Alasan: kartu rusak perlu alasan, misalnya "tinta luntur"; tidak ada yang dicatat');
    await form.locator('input[name=reason]').fill('tinta luntur');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => notice().textContent()).toBe('SYN-0001: rusak, tercatat; dicetak ulang (masuk antrean)');
    await expect.poll(() => figure('b-spoiled')).toBe('1');
    await expect.poll(() => state('SYN-0001').textContent(), { timeout: 30_000 }).toBe('tercetak');
    await expect.poll(() => figure('b-printed')).toBe('4');
    // Issue 31: the spoiled card and its reprint are one good card and one spoiled, today as in the ledger.
    await expect.poll(() => figure('q-printed')).toBe('4');
    expect(await figure('q-spoiled')).toBe('1');
    expect(await page.locator('#b-since').textContent()).toMatch(/^Semua: sejak \d{4}-\d{2}-\d{2} \(entri pertama buku kartu blangko\)$/);
    await shot('6-reprinted');
  });

  it('film rolls received onto the shelf and one put in the printer', async () => {
    const receive = page.locator('#form-supply-receive');
    await receive.locator('select[name=kind]').selectOption('film');
    await receive.locator('input[name=n]').fill('2');
    await receive.locator('input[name=lot]').fill('SYN-LOT-7');
    await receive.locator('button[type=submit]').click();
    await expect.poll(() => notice().textContent()).toBe('diterima 2 gulungan film retransfer; di rak: 2');
    const replace = page.locator('#form-supply-replace');
    await replace.locator('select[name=kind]').selectOption('film');
    await replace.locator('button[type=submit]').click();
    await expect.poll(() => notice().textContent()).toMatch(/^gulungan film retransfer baru terpasang, diperkirakan \d+ kartu; di rak: 1$/);
    await expect.poll(() => page.locator('#supplies tr[data-kind="film"] td').nth(3).textContent()).toBe('1');
    await shot('7-film');
  });

  it('a jam while a card is in the printer: the card is spoiled, the page says which, why and that it is being reprinted; cleared, it is', async () => {
    await page.fill('#form-add textarea', 'SYN-0005');
    await page.click('#form-add button[type=submit]');
    await expect.poll(() => state('SYN-0005').textContent(), { timeout: 15_000 }).toBe('sedang dicetak');
    writeFileSync(agent.printerFile, JSON.stringify({ reasons: ['media-jam'] }));
    const spoils = page.locator('#spoils li');
    await expect.poll(() => spoils.first().textContent(), { timeout: 15_000 }).toBe('Kartu SYN-0005 rusak di printer (kartu macet); sedang dicetak ulang.');
    // The spoils list is read from the database at each refresh; the banner follows the health
    // snapshot, written every healthSeconds, so it may say so a few seconds later.
    await expect.poll(() => page.locator('#banner-title').textContent(), { timeout: 15_000 }).toBe('Pencetakan ditahan: Printer berhenti (kartu macet).');
    await shot('8-jam-spoiled-reprinting');
    writeFileSync(agent.printerFile, JSON.stringify({}));
    await expect.poll(() => state('SYN-0005').textContent(), { timeout: 30_000 }).toBe('tercetak');
    await expect.poll(() => spoils.first().textContent()).toBe('Kartu SYN-0005 rusak di printer (kartu macet); sudah dicetak ulang.');
    await expect.poll(() => figure('q-spoiled')).toBe('2');
    await shot('9-reprinted-after-jam');
  });

  it('the ledger balances: received + adjusted = printed + spoiled + on hand, and every card that came out is accounted for', async () => {
    const s = await stock();
    expect(s).toMatchObject({ received: 200, printed: 5, spoiled: 2, adjusted: 0, onHand: 193 });
    expect((s.received ?? NaN) + (s.adjusted ?? NaN)).toBe((s.printed ?? NaN) + (s.spoiled ?? NaN) + (s.onHand ?? NaN));
    const jobs = JSON.parse((await runCli(['jobs', 'list', '--json', '--config', agent.configFile])).stdout) as { recordId: string; state: string }[];
    expect(jobs.map((j) => `${j.recordId}:${j.state}`).sort()).toEqual(['SYN-0001:printed', 'SYN-0002:printed', 'SYN-0003:printed', 'SYN-0004:printed', 'SYN-0005:printed']);
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.screenshot({ path: join(SHOTS, 'station-10-end-1366x768.png') });
    // Nothing on the page is wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1366);
  });
});
