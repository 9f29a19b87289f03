/**
 * A printer that must rest, on the station page in Debian's Chromium at 1366×768, in Indonesian:
 * after two cards the banner says the printer rests and when it resumes, and it resumes by itself.
 * Screenshot: test-results/screenshots/station-rest-1-resting.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { CHROMIUM, launchChromium } from '../support/browser.js';
import { freePort, peerAvailable } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

const SHOTS = join(import.meta.dirname, '../../test-results/screenshots');
const ready = peerAvailable('Chromium', CHROMIUM);

describe.skipIf(!ready)('a resting printer on the station page, in a real browser', () => {
  let agent: AgentUnderTest;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const port = await freePort();
    agent = startAgent(
      testConfig('embedded', {
        mqtt: { url: 'embedded', embedded: { port: await freePort() } },
        printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 1 }, rest: { afterCards: 2, minutes: 0.3 } },
        records: { driver: 'sim', sim: { latencyMs: 50 } },
        operator: { listen: `127.0.0.1:${port}` },
      }),
      tempDir('station-rest-'),
    );
    await agent.proc.waitForOutput(/station page ready/, 20_000);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`http://127.0.0.1:${port}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.proc.stop();
  });

  it('pauses after two cards with the time it resumes, then prints the third by itself', async () => {
    expect((await runCli(['jobs', 'add', 'RST-001', 'RST-002', 'RST-003', '--config', agent.configFile])).code).toBe(0);
    await expect.poll(() => page.locator('#banner-title').textContent(), { timeout: 30_000 }).toMatch(/^Pencetakan ditahan: Printer beristirahat, lanjut pukul \d\d\.\d\d\.$/);
    expect(await page.locator('#q-printed').textContent()).toBe('2');
    await page.screenshot({ path: join(SHOTS, 'station-rest-1-resting.png') });
    await expect.poll(() => page.locator('#q-printed').textContent(), { timeout: 60_000 }).toBe('3');
    await expect.poll(() => page.locator('#banner').getAttribute('class')).toBe('banner ok');
  });
});
