import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SupplyView } from '../../agent/cli/supply.js';
import type { SupplyPayload } from '../../telemetry/payloads.js';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { IPPEVEPRINTER, startIppEve, type IppEve } from '../support/ippeve.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { freePort, peerAvailable, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

const hasEve = peerAvailable('ippeveprinter', IPPEVEPRINTER) && peerAvailable('dbus-daemon', 'dbus-daemon');
const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => `SUP-${String(from + i).padStart(4, '0')}`);

describe.skipIf(!hasEve)('ribbon and film counted on a printer that reports no levels (ippeveprinter)', () => {
  let eve: IppEve | undefined;
  let agent: AgentUnderTest | undefined;
  let watch: MqttWatch | undefined;
  afterEach(async () => {
    await watch?.stop();
    await agent?.proc.stop();
    await eve?.stop();
    eve = agent = watch = undefined;
  });

  it('a film roll of 20 recorded, 19 cards printed: health shows 1 left by count, low, the alert says so, and printing goes on past zero', async () => {
    eve = await startIppEve();
    const dir = tempDir('supply-it-');
    const port = await freePort();
    const config = testConfig('embedded', {
      mqtt: { url: 'embedded', embedded: { port } },
      printer: { driver: 'ipp', url: eve.url, jobPollSeconds: 0.1 },
      records: { driver: 'sim', sim: { latencyMs: 10 } },
      intervals: { pollSeconds: 0.3, healthSeconds: 1 },
      log: { level: 'info' },
    });
    const cfgFile = join(dir, 'agent.yaml');
    agent = startAgent(config, dir);
    await agent.proc.waitForOutput(/station agent running/);
    watch = await MqttWatch.start(`mqtt://127.0.0.1:${port}`, 'ektp/#');
    const cli = async (...args: string[]) => {
      const r = await runCli([...args, '--config', cfgFile]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    const film = (m: { payload: Record<string, unknown> }) => (m.payload.printer as { supplies: SupplyPayload[] } | undefined)?.supplies.find((s) => s.kind === 'film');

    // The printer says nothing of its film: before a roll is recorded, health knows nothing either,
    // and diagnose warns (it does not fail) with the command to type, in both languages.
    const before = await watch.waitFor('a first health', (m) => m.kind === 'health');
    expect(film(before)).toMatchObject({ levelPercent: null, remaining: null, status: 'unknown', source: 'printer' });
    const printerCheck = async (lang: string) => {
      const r = await runCli(['diagnose', '--json', '--lang', lang, '--config', cfgFile]);
      return (JSON.parse(r.stdout) as { checks: { id: string; status: string; hint: string }[] }).checks.find((c) => c.id === 'printer');
    };
    expect(await printerCheck('en')).toMatchObject({ status: 'warn', hint: expect.stringMatching(/no level for ribbon or film.*station-agent supply replace film --yield 1500/) as string });
    expect((await printerCheck('id'))?.hint).toMatch(/catat gulungan|catat rol/);

    expect(await cli('supply', 'replace', 'film', '--yield', '20')).toMatch(/new roll in the printer, not from the shelf; expected to give 20 cards \(the box's figure\)/);
    await cli('jobs', 'add', ...ids(1, 19));
    await waitUntil('19 cards printed', () => eve?.printed().length === 19, 30_000, 100);
    const low = await watch.waitFor('film low by count in health', (m) => m.kind === 'health' && film(m)?.remaining === 1, 10_000);
    expect(film(low)).toMatchObject({ remaining: 1, capacity: 20, levelPercent: 5, status: 'low', source: 'counted' });
    const raised = await watch.waitFor('supply.film.low raised', (m) => m.kind === 'event' && m.payload.code === 'supply.film.low' && m.payload.state === 'raised');
    expect(raised.payload.message).toMatch(/by count/);
    const shown = JSON.parse(await cli('supply', 'show', '--json')) as SupplyView[];
    const f = shown.find((v) => v.kind === 'film');
    expect(f).toMatchObject({ yield: 20, yieldFrom: 'box', cardsSince: 19, remaining: 1, source: 'counted', onShelf: 0 });
    expect(f?.rolls).toEqual([expect.objectContaining({ cards: 19, yield: 20, removedAt: null, removed: null })]);
    // Film is counted now; the ribbon is still unseen, and diagnose names only it.
    expect((await printerCheck('en'))?.hint).toMatch(/no level for ribbon, and.*supply replace ribbon --yield 500/);

    // Past zero by count: a count is an estimate, the cards go on printing; never empty, never held.
    await cli('jobs', 'add', ...ids(20, 3));
    await waitUntil('22 cards printed', () => eve?.printed().length === 22, 30_000, 100);
    const past = await watch.waitFor('film at zero by count', (m) => m.kind === 'health' && film(m)?.remaining === 0, 10_000);
    expect(film(past)).toMatchObject({ remaining: 0, status: 'low', source: 'counted' });
    expect((past.payload.jobs as { held: string | null }).held).toBeNull();
    expect(watch.messages.some((m) => m.kind === 'event' && m.payload.code === 'supply.film.empty')).toBe(false);
    expect((JSON.parse(await cli('jobs', 'list', '--json')) as { state: string }[]).filter((j) => j.state === 'printed')).toHaveLength(22);
  }, 60_000);
});
