/**
 * The dashboard end to end: Mosquitto, three real agents on simulated hardware, the real
 * dashboard, and Debian's Chromium driven through the page. Screenshots go to
 * test-results/screenshots/ for a person to look at when a run fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { CHROMIUM, launchChromium } from '../support/browser.js';
import { startDashboard, type DashboardUnderTest } from '../support/dashboard.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { health } from '../support/dashboard-rig.js';
import { peerAvailable } from '../support/peers.js';

const SHOTS = join(import.meta.dirname, '../../test-results/screenshots');
const ready = peerAvailable('Mosquitto', 'mosquitto') && peerAvailable('Chromium', CHROMIUM);
const STATIONS = [
  { id: '5371-01', regency: '5371' },
  { id: '5371-02', regency: '5371' },
  { id: '5303-01', regency: '5303' },
];

describe.skipIf(!ready)('the provincial dashboard in a real browser', () => {
  let mosq: Mosquitto;
  let dash: DashboardUnderTest;
  let browser: Browser;
  let page: Page;
  const agents = new Map<string, AgentUnderTest>();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    mosq = await startMosquitto();
    // No names in the configuration: the dashboard's own list of Kemendagri codes names them.
    dash = await startDashboard(mosq.url, {
      provinces: ['53'],
      regencies: { '5371': { lat: -10.17, lon: 123.61 }, '5303': { lat: -10.02, lon: 123.89 } },
    });
    for (const s of STATIONS) {
      const a = startAgent(testConfig(mosq.url, { station: { id: s.id, province: '53', regency: s.regency, name: `Dukcapil uji ${s.id}` }, intervals: { pollSeconds: 0.5, healthSeconds: 2 } }));
      agents.set(s.id, a);
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    page.on('pageerror', (err) => {
      throw err;
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([...agents.values()].map((a) => a.proc.stop()));
    await dash?.stop();
    await mosq?.stop();
  });

  const row = (id: string) => page.locator(`#fleet tbody tr[data-station="${id}"]`);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('stations appear, online, with their supplies', async () => {
    await page.goto(dash.url);
    await page.waitForSelector('body[data-ready="true"]');
    for (const s of STATIONS) await row(s.id).and(page.locator('[data-online="true"]')).waitFor({ timeout: 15_000 });
    await expect.poll(() => row('5371-01').locator('td').nth(6).getAttribute('data-status'), { timeout: 10_000 }).toBe('ok');
    // Names, not codes: the regency by its Kemendagri code, the office by its own status message.
    expect(await row('5371-01').locator('td').nth(1).textContent()).toBe('Kota Kupang');
    expect(await row('5303-01').locator('td').nth(1).textContent()).toBe('Kabupaten Timor Tengah Utara');
    await expect.poll(() => row('5371-01').locator('td').first().textContent(), { timeout: 10_000 }).toContain('Dukcapil uji 5371-01');
    expect(await page.locator('#f-regency option[value="5371"]').textContent()).toBe('Kota Kupang');
    // New stations, none with a day of its own use: days left on the first estimate, marked so.
    const estimate = row('5303-01').locator('[data-rate-source="expected"]').first();
    await estimate.waitFor({ timeout: 15_000 });
    expect(await estimate.textContent()).toBe('perkiraan');
    expect(await estimate.getAttribute('title')).toMatch(/^perkiraan awal/);
    // The API a provincial script reads has the contract's fields.
    const api = await dash.api<Record<string, unknown>[]>('/api/stations');
    expect(api.map((r) => r.station).sort()).toEqual(STATIONS.map((s) => s.id).sort());
    for (const r of api) expect(Object.keys(r)).toEqual(expect.arrayContaining(['station', 'province', 'regency', 'online', 'lastSeen', 'alerts']));
    await shot('1-stations');
  });

  it('an injected film-empty shows on the table, first, and in the alert feed, where it can be acknowledged', async () => {
    writeFileSync(agents.get('5371-01')!.printerFile, JSON.stringify({ film: { remaining: 0 } }));
    await row('5371-01').locator('[data-alert="supply.film.empty"]').waitFor({ timeout: 15_000 });
    // In Indonesian, the alert's name, not its code.
    expect(await row('5371-01').locator('[data-alert="supply.film.empty"]').textContent()).toBe('Film habis');
    expect(await row('5371-01').locator('td').nth(6).getAttribute('data-status')).toBe('empty');
    // Worst first: the station that stopped is the first row.
    await expect.poll(() => page.locator('#fleet tbody tr').first().getAttribute('data-station'), { timeout: 5000 }).toBe('5371-01');
    await shot('2-film-empty');

    await page.click('nav a[data-view="alerts"]');
    const item = page.locator('#alert-feed li[data-code="supply.film.empty"][data-station="5371-01"]').first();
    await item.waitFor({ timeout: 10_000 });
    await item.locator('button[data-ack]').click();
    await page.locator('#alert-feed li.acked[data-code="supply.film.empty"]').first().waitFor({ timeout: 5000 });
    const stored = await dash.api<{ code: string; ackedAt: string | null }[]>('/api/alerts?station=5371-01');
    expect(stored.find((a) => a.code === 'supply.film.empty')?.ackedAt).not.toBeNull();
    await shot('3-alerts');
  });

  it('a lending suggestion says how many rolls, from which shelf, the same regency first', async () => {
    // Film rolls on two shelves (the supply ledger, as a clerk records a delivery).
    for (const [id, n] of [['5371-02', '2'], ['5303-01', '3']] as const) {
      expect((await runCli(['supply', 'receive', 'film', n, '--config', agents.get(id)!.configFile])).code).toBe(0);
    }
    await page.click('nav a[data-view="lending"]');
    const card = page.locator('.lend[data-needs="5371-01"][data-kind="film"]');
    await card.waitFor({ timeout: 20_000 });
    const lenders = async () => Promise.all((await page.locator('.lend[data-needs="5371-01"][data-kind="film"] [data-lender]').all()).map(async (l) => `${await l.getAttribute('data-lender')}:${await l.getAttribute('data-give')}`));
    // Its use is not known yet (a new station): one roll; 5371-02 keeps one of its two. The rolls
    // reach the dashboard with the stations' next health, and the page re-reads lending on its tick.
    await expect.poll(async () => (await page.click('nav a[data-view="lending"]'), await lenders()), { timeout: 30_000, interval: 2000 }).toEqual(['5371-02:1']);
    expect(await card.textContent()).toMatch(/1 gulungan dari 5371-02 \(Kota Kupang, 0 km\)/);
    await shot('4-lending');
  });

  it('a row is coloured by trouble the station has not raised yet: ribbon inside its lead time', async () => {
    await page.click('nav a[data-view="fleet"]');
    // A station as the contract lets one report it: ribbon 12 %, under a day left, no alert raised.
    const h = health('5371-09', '5371', (x) => {
      Object.assign(x.printer.supplies.find((k) => k.kind === 'ribbon')!, { levelPercent: 12, remaining: 60, daysLeft: 0.6, status: 'ok' });
      x.alerts = [];
    }, 1, Date.now());
    const client = await mqtt.connectAsync(mosq.url);
    await client.publishAsync('ektp/v1/53/5371/5371-09/health', JSON.stringify(h), { qos: 1 });
    await client.endAsync();
    await row('5371-09').locator('[data-trouble="supply.ribbon.soon"]').waitFor({ timeout: 10_000 });
    expect(await row('5371-09').getAttribute('class')).toMatch(/sev-2/);
    expect(await row('5371-09').locator('[data-trouble="supply.ribbon.soon"]').textContent()).toBe('pita segera habis');
    expect(await row('5371-09').locator('td').nth(5).textContent()).toMatch(/12 % kurang dari sehari/);
    await shot('4b-trouble');
  });

  it('a station claiming 10^9 cards a day is marked, and said why; the health line says what reached the dashboard and what the broker dropped', async () => {
    await page.click('nav a[data-view="fleet"]');
    const h = health('5371-07', '5371', (x) => {
      x.stock.cardsPerDay = 1e9;
      x.stock.rateSource = 'own';
      x.printer.secondsPerCard = 20;
    }, 1, Date.now());
    const client = await mqtt.connectAsync(mosq.url);
    await client.publishAsync('ektp/v1/53/5371/5371-07/health', JSON.stringify(h), { qos: 1 });
    await client.endAsync();
    const badge = row('5371-07').locator('[data-implausible]');
    await badge.waitFor({ timeout: 10_000 });
    expect(await badge.textContent()).toBe('angka tidak masuk akal');
    expect(await badge.getAttribute('title')).toMatch(/^kartu per hari 1\.000\.000\.000 melebihi batas 4\.320 \(86\.400 detik sehari ÷ 20 detik per kartu/);
    expect(await row('5371-07').getAttribute('class')).toMatch(/sev-[1-3]/);
    // The health line: the lag, no message lost, and (Mosquitto's $SYS, every 10 s) what the broker dropped.
    await expect.poll(() => page.locator('#health-line [data-health="lag"]').textContent(), { timeout: 20_000 }).toMatch(/^jeda [\d.]+ ms \(p95\)$/);
    expect(await page.locator('#health-line [data-health="missing"]').textContent()).toBe('tidak ada pesan yang hilang');
    await expect.poll(() => page.locator('#health-line [data-health="broker-dropped"]').textContent(), { timeout: 30_000, interval: 2000 }).toBe('broker membuang 0 pesan');
    await shot('4c-implausible');
  });

  it("a raised code is coloured by the agent's own severity: the UPS output off is critical on the page too", async () => {
    await page.click('nav a[data-view="fleet"]');
    const h = health('5371-08', '5371', (x) => {
      x.alerts = ['ups.output_off'];
    }, 1, Date.now());
    const client = await mqtt.connectAsync(mosq.url);
    await client.publishAsync('ektp/v1/53/5371/5371-08/health', JSON.stringify(h), { qos: 1 });
    await client.endAsync();
    const badge = row('5371-08').locator('[data-alert="ups.output_off"]');
    await badge.waitFor({ timeout: 10_000 });
    expect(await row('5371-08').getAttribute('class')).toMatch(/sev-3/);
    expect(await badge.getAttribute('class')).toMatch(/\bbad\b/);
    expect(await badge.textContent()).toBe('Keluaran UPS mati');
  });

  it('a station killed with SIGKILL turns offline (the broker sends its Will)', async () => {
    await page.click('nav a[data-view="fleet"]');
    agents.get('5303-01')!.proc.child.kill('SIGKILL');
    await row('5303-01').and(page.locator('[data-online="false"]')).waitFor({ timeout: 15_000 });
    const api = await dash.api<{ station: string; online: boolean | null }[]>('/api/stations?problem=offline');
    expect(api.map((r) => [r.station, r.online])).toEqual([['5303-01', false]]);
    await shot('5-offline');
  });

  it('a station gone for good is retired from its page: the reason asked, the retirement confirmed, and its row goes', async () => {
    await page.click('a[href="#/station/5303-01"]');
    const form = page.locator('form.retire[data-retire="5303-01"]');
    await form.waitFor({ timeout: 10_000 });
    expect(await form.locator('h3').textContent()).toBe('Pensiunkan stasiun');
    // Too short a reason: the dashboard's refusal, in the page's language, beside the field.
    await form.locator('input[name=reason]').fill('x');
    page.once('dialog', (d) => void d.accept());
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('.error').textContent()).toMatch(/^alasan: harus teks 3 sampai 200 karakter/);
    await shot('5a-retire-refused');
    // Not confirmed: nothing happens.
    await form.locator('input[name=reason]').fill('PC diganti, stasiun baru 5303-02');
    page.once('dialog', (d) => void d.dismiss());
    await form.locator('button[type=submit]').click();
    expect((await dash.api<{ station: string }[]>('/api/stations')).map((r) => r.station)).toContain('5303-01');
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await form.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('#notice').textContent(), { timeout: 10_000 }).toMatch(/^Stasiun 5303-01 dipensiunkan: barisnya, \d+ peringatannya dan metriknya dihapus; riwayatnya disimpan/);
    expect(asked).toBe('Pensiunkan stasiun 5303-01 untuk selamanya?\nAlasan: PC diganti, stasiun baru 5303-02');
    await page.locator('#view-fleet').waitFor();
    await expect.poll(() => row('5303-01').count()).toBe(0);
    expect(await row('5371-02').count()).toBe(1);
    expect((await dash.api<{ station: string }[]>('/api/stations')).map((r) => r.station)).not.toContain('5303-01');
    expect(await dash.api('/api/retired')).toEqual([expect.objectContaining({ station: '5303-01', reason: 'PC diganti, stasiun baru 5303-02' })]);
    await shot('5b-retired');
  });

  it('speaks English on request, and a station page draws its history', async () => {
    await page.click('#lang');
    await expect.poll(() => page.locator('header h1').textContent()).toBe('e-KTP printing stations');
    await page.click('a[href="#/station/5371-02"]');
    await page.locator('#c-supplies svg path[data-series="film"]').waitFor({ state: 'attached', timeout: 10_000 });
    // The facts are drawn after the chart's data arrives; under load a moment later than the chart.
    await expect.poll(() => page.locator('#view-station .facts').textContent()).toContain('Printer model');
    await shot('6-station-en');
  });

  it("the dashboard's own lost broker is said at the top, and stations are not blamed for it", async () => {
    await page.click('a[href="#/"]');
    await mosq.stop();
    const banner = page.locator('#link-banner');
    await banner.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await banner.textContent()).toMatch(/^The dashboard lost its broker at \d\d:\d\d; stations' states are as of then\.$/);
    expect(await page.locator('#live').textContent()).toBe('broker lost');
    const link = await dash.api<{ connected: boolean; lostSince: string | null }>('/api/link');
    expect(link.connected).toBe(false);
    // A station that reported just before is not turned stale by the dashboard's outage.
    const after = (await dash.api<{ station: string; stale: boolean; healthTs: string }[]>('/api/stations')).find((r) => r.station === '5371-02');
    expect(after?.stale, JSON.stringify({ after, link })).toBe(false);
    await shot('7-broker-lost');
  });
});
