/**
 * A printer that rests, on the real agent with the simulated printer: after two cards the queue
 * pauses for the configured rest (18 seconds here, 0.3 minutes), the station page, status
 * and health say so with the time it resumes, and the queue resumes by itself. The agent runs on
 * the system clock, so the rest is measured in real time; the rest's own arithmetic on a manual
 * clock (wall time stepped) is test/unit/printer-rest.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockIn } from '../../agent/office/days.js';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { freePort, waitUntil } from '../support/peers.js';

// Long enough for the page, health and status (each a CLI run, slow on a loaded machine) to be read inside one rest.
const REST_MS = 18_000;
const ZONE = 'Asia/Makassar';

interface Job {
  recordId: string;
  state: string;
  updatedAt: string;
}
interface Health {
  jobs: { heldCode: string | null; gate: string | null; resumesAt?: string | null };
  alerts: string[];
}

describe('a resting printer on the real agent', () => {
  let agent: AgentUnderTest;
  let base: string;
  const cli = async (args: string[], lang = 'en') => runCli([...args, '--config', agent.configFile, '--lang', lang]);
  const jobs = async () => JSON.parse((await cli(['jobs', 'list', '--json'])).stdout) as Job[];
  const health = async () => (JSON.parse((await cli(['status', '--json'])).stdout) as { health: Health | null }).health;
  const view = async () => (await (await fetch(new URL('/api/view', base))).json()) as { view: { held: { code: string; why: { id: string; en: string } } | null } | null };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}/`;
    agent = startAgent(
      testConfig('embedded', {
        station: { id: 'it-01', province: '99', regency: '9901', name: 'Integration test station', timeZone: ZONE },
        mqtt: { url: 'embedded', embedded: { port: await freePort() } },
        operator: { listen: `127.0.0.1:${port}` },
        records: { driver: 'sim', sim: { latencyMs: 50 } },
        printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 0.3 }, rest: { afterCards: 2, minutes: REST_MS / 60_000 } },
      }),
    );
    await agent.proc.waitForOutput(/station page ready/, 20_000);
  }, 30_000);
  afterAll(() => agent?.proc.stop());

  it('pauses after two cards, says until when on the page, in status and in health, and resumes by itself', async () => {
    expect((await cli(['jobs', 'add', 'RST-001', 'RST-002', 'RST-003', 'RST-004'])).code).toBe(0);
    await waitUntil('two cards printed and the printer resting', async () => (await jobs()).filter((j) => j.state === 'printed').length === 2 && (await view()).view?.held?.code === 'printer_resting', 20_000);
    // The page: the clerk's words with the time it resumes, in the station's zone.
    const held = (await view()).view?.held;
    expect(held?.why.id).toMatch(/^Printer beristirahat, lanjut pukul \d\d\.\d\d\.$/);
    await waitUntil('health carrying the rest', async () => (await health())?.jobs.heldCode === 'printer_resting', 10_000);
    const h = await health();
    expect(h?.jobs).toMatchObject({ heldCode: 'printer_resting', gate: 'printer_resting', resumesAt: expect.stringMatching(/Z$/) as string });
    const at = clockIn(Date.parse(h?.jobs.resumesAt ?? ''), ZONE);
    expect(held?.why.id).toBe(`Printer beristirahat, lanjut pukul ${at.replace(':', '.')}.`);
    expect(h?.alerts).not.toContain('jobs.held');
    expect((await cli(['status'], 'id')).stdout).toMatch(/Pencetakan ditahan: Printer beristirahat, lanjut pukul \d\d\.\d\d\./);
    expect((await cli(['status'], 'en')).stdout).toMatch(/Printing is held: The printer is resting, resumes at \d\d:\d\d\./);
    // Then it resumes by itself, and rests again after the fourth card.
    await waitUntil('all four printed', async () => (await jobs()).every((j) => j.state === 'printed'), 60_000);
    const done = Object.fromEntries((await jobs()).map((j) => [j.recordId, Date.parse(j.updatedAt)]));
    const gap = (a: string, b: string) => (done[b] ?? NaN) - (done[a] ?? NaN);
    expect(gap('RST-001', 'RST-002')).toBeLessThan(REST_MS);
    // The rest began as the second card was done (before its outcome was written), and the third takes 0.3 s itself.
    expect(gap('RST-002', 'RST-003')).toBeGreaterThanOrEqual(REST_MS);
    expect(gap('RST-003', 'RST-004')).toBeLessThan(REST_MS);
    await waitUntil('resting again after the fourth card', async () => (await health())?.jobs.gate === 'printer_resting', 10_000);
  }, 120_000);
});
