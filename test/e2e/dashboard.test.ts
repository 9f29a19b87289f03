/**
 * The dashboard end to end: Mosquitto, three real agents on simulated hardware, the real
 * dashboard, and Debian's Chromium driven through the page. Screenshots go to
 * test-results/screenshots/ for a person to look at when a run fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { CHROMIUM, launchChromium } from '../support/browser.js';
import { startDashboard, type DashboardUnderTest } from '../support/dashboard.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
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
    dash = await startDashboard(mosq.url, {
      provinces: ['53'],
      regencies: { '5371': { name: 'Kota Kupang', lat: -10.17, lon: 123.61 }, '5303': { name: 'Kupang', lat: -10.02, lon: 123.89 } },
    });
    for (const s of STATIONS) {
      const a = startAgent(testConfig(mosq.url, { station: { id: s.id, province: '53', regency: s.regency }, intervals: { pollSeconds: 0.5, healthSeconds: 2 } }));
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
    // The API a provincial script reads has the contract's fields.
    const api = await dash.api<Record<string, unknown>[]>('/api/stations');
    expect(api.map((r) => r.station).sort()).toEqual(STATIONS.map((s) => s.id).sort());
    for (const r of api) expect(Object.keys(r)).toEqual(expect.arrayContaining(['station', 'province', 'regency', 'online', 'lastSeen', 'alerts']));
    await shot('1-stations');
  });

  it('an injected film-empty shows on the table, first, and in the alert feed, where it can be acknowledged', async () => {
    writeFileSync(agents.get('5371-01')!.printerFile, JSON.stringify({ film: { remaining: 0 } }));
    await row('5371-01').locator('[data-alert="supply.film.empty"]').waitFor({ timeout: 15_000 });
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

  it('a lending suggestion names the stations with film to spare, the same regency first', async () => {
    await page.click('nav a[data-view="lending"]');
    const card = page.locator('.lend[data-needs="5371-01"][data-kind="film"]');
    await card.waitFor({ timeout: 10_000 });
    const lenders = await Promise.all((await card.locator('[data-lender]').all()).map((l) => l.getAttribute('data-lender')));
    expect(lenders).toEqual(['5371-02', '5303-01']);
    await shot('4-lending');
  });

  it('a station killed with SIGKILL turns offline (the broker sends its Will)', async () => {
    await page.click('nav a[data-view="fleet"]');
    agents.get('5303-01')!.proc.child.kill('SIGKILL');
    await row('5303-01').and(page.locator('[data-online="false"]')).waitFor({ timeout: 15_000 });
    const api = await dash.api<{ station: string; online: boolean | null }[]>('/api/stations?problem=offline');
    expect(api.map((r) => [r.station, r.online])).toEqual([['5303-01', false]]);
    await shot('5-offline');
  });

  it('speaks English on request, and a station page draws its history', async () => {
    await page.click('#lang');
    await expect.poll(() => page.locator('header h1').textContent()).toBe('e-KTP printing stations');
    await page.click('a[href="#/station/5371-02"]');
    await page.locator('#c-supplies svg path[data-series="film"]').waitFor({ state: 'attached', timeout: 10_000 });
    expect(await page.locator('#view-station .facts').textContent()).toContain('Printer model');
    await shot('6-station-en');
  });
});
