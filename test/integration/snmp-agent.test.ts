import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { SupplyPayload } from '../../telemetry/payloads.js';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { MqttWatch, type Seen } from '../support/mqtt-watch.js';
import { freePort, peerAvailable, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';
import { healthyCardPrinter, jammedEmptyHopperPrinter, walkOf } from '../support/snmp-printer.js';
import { SNMPD, startSnmpd, type Snmpd } from '../support/snmpd.js';

const hasSnmpd = peerAvailable('snmpd (net-snmp)', SNMPD);
const FIXTURE = join(import.meta.dirname, '../fixtures/snmp/retransfer-jam-hopper-empty.walk');

interface PrinterBody {
  driver: string;
  state: string;
  reasons: string[];
  supplies: SupplyPayload[];
}
const printerOf = (m: Seen) => m.payload.printer as PrinterBody | undefined;
const supplyOf = (m: Seen, kind: string) => printerOf(m)?.supplies.find((s) => s.kind === kind);
const jobsOf = (m: Seen) => m.payload.jobs as { held: string | null; heldCode: string | null; queued: number | null };
const event = (code: string, state: 'raised' | 'cleared') => (m: Seen) => m.kind === 'event' && m.payload.code === code && m.payload.state === state;

describe.skipIf(!hasSnmpd)('a station whose card printer answers SNMP (the real agent, Debian snmpd)', () => {
  let snmpd: Snmpd | undefined;
  let agent: AgentUnderTest | undefined;
  let watch: MqttWatch | undefined;
  afterEach(async () => {
    await watch?.stop();
    await agent?.proc.stop();
    await snmpd?.stop();
    snmpd = agent = watch = undefined;
  });

  it('ribbon 30 %, film 4 %, an empty hopper and a jam from the printer: in health, supply.film.low raised, new cards held until the hopper is filled', async () => {
    // A healthy printer first: events are not retained, so the watch subscribes before the trouble starts.
    snmpd = await startSnmpd({ walk: walkOf(healthyCardPrinter()) });
    const dir = tempDir('snmp-agent-');
    // A relative path, taken from the configuration file's folder, and a secret's mode.
    writeFileSync(join(dir, 'printer-community'), readFileSync(snmpd.communityFile), { mode: 0o600 });
    const port = await freePort();
    const config = testConfig('embedded', {
      mqtt: { url: 'embedded', embedded: { port } },
      printer: {
        driver: 'sim',
        sim: { stateFile: 'printer-state.json', secondsPerCard: 0.2, outputDir: 'cards' },
        snmp: { host: '127.0.0.1', port: snmpd.port, communityFile: 'printer-community', timeoutSeconds: 0.5 },
      },
      records: { driver: 'sim', sim: { latencyMs: 10 } },
      intervals: { pollSeconds: 0.3, healthSeconds: 1 },
      log: { level: 'info' },
    });
    agent = startAgent(config, dir);
    await agent.proc.waitForOutput(/station agent running/);
    watch = await MqttWatch.start(`mqtt://127.0.0.1:${port}`, 'ektp/#');
    const cli = async (...args: string[]) => {
      const r = await runCli([...args, '--config', join(dir, 'agent.yaml')]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };

    await watch.waitFor('health with the healthy printer\'s levels', (m) => m.kind === 'health' && supplyOf(m, 'film')?.levelPercent === 80, 15_000);
    snmpd.serve(readFileSync(FIXTURE, 'utf8'));

    // What the printer says of itself, as health carries it.
    const h = await watch.waitFor('health with the printer\'s own levels', (m) => m.kind === 'health' && supplyOf(m, 'film')?.levelPercent === 4, 15_000);
    expect(printerOf(h)).toMatchObject({ driver: 'sim+snmp', state: 'stopped' });
    expect(printerOf(h)?.reasons).toEqual(expect.arrayContaining(['media-jam', 'media-empty', 'film-low']));
    expect(supplyOf(h, 'ribbon')).toMatchObject({ name: 'YMCKO ribbon', levelPercent: 30, remaining: 150, capacity: 500, status: 'ok', source: 'printer' });
    // A percentage only; the agent's forecast puts cards on it (4 % of forecast.cardsPerSupply.film).
    expect(supplyOf(h, 'film')).toMatchObject({ name: 'HDP film', levelPercent: 4, remaining: 60, status: 'low', source: 'printer' });
    expect(supplyOf(h, 'blanks')).toMatchObject({ name: 'Card hopper', levelPercent: 0, remaining: 0, capacity: 100, status: 'empty', source: 'printer' });
    const filmLow = await watch.waitFor('supply.film.low raised', event('supply.film.low', 'raised'));
    expect(filmLow.payload.message).toMatch(/^HDP film \(film\) is low/);
    await watch.waitFor('supply.blanks.empty raised', event('supply.blanks.empty', 'raised'));
    expect(watch.messages.some(event('supply.ribbon.low', 'raised'))).toBe(false);

    // New cards wait while the hopper is empty: held, and none comes out.
    await cli('jobs', 'add', 'SNMP-0001', 'SNMP-0002');
    const held = await watch.waitFor('cards held', (m) => m.kind === 'health' && jobsOf(m).held !== null, 10_000, watch.messages.length);
    expect(jobsOf(held)).toMatchObject({ heldCode: 'supply_empty', held: expect.stringMatching(/blanks is empty/) as string });

    // The jam cleared, the hopper still empty: still held for the blanks.
    const cleared = jammedEmptyHopperPrinter();
    snmpd.serve(walkOf({ ...cleared, errorBits: [1, 13], alerts: cleared.alerts.slice(1), printerStatus: 3, deviceStatus: 3 }));
    // A reading SNMP answered: media-empty is the printer's alone (one it missed has no media-jam either).
    const answered = (m: Seen) => m.kind === 'health' && printerOf(m)?.reasons.includes('media-empty') === true;
    const noJam = await watch.waitFor('the jam gone from health', (m) => answered(m) && printerOf(m)?.reasons.includes('media-jam') === false, 10_000, watch.messages.length);
    expect(jobsOf(noJam)).toMatchObject({ heldCode: 'supply_empty' });
    // Three more readings from the printer, not a fixed sleep: each still holds the cards, and none came out.
    const seen = watch.messages;
    const from = seen.length;
    await waitUntil('three more health readings from the printer', () => seen.slice(from).filter(answered).length >= 3, 15_000, 50);
    for (const m of seen.slice(from).filter(answered)) expect(jobsOf(m)).toMatchObject({ heldCode: 'supply_empty' });
    expect(existsSync(join(dir, 'cards')) ? readdirSync(join(dir, 'cards')) : []).toEqual([]);
    const jobs = JSON.parse(await cli('jobs', 'list', '--json')) as { state: string }[];
    expect(jobs).toHaveLength(2);
    expect(jobs.filter((j) => j.state === 'printed' || j.state === 'printing')).toEqual([]);

    // The hopper filled at the printer: the held cards print by themselves.
    snmpd.serve(walkOf({ ...cleared, errorBits: [], alerts: [], printerStatus: 3, deviceStatus: 2, hopper: { ...cleared.hopper, level: 100 } }));
    await waitUntil('two cards out', () => existsSync(join(dir, 'cards')) && readdirSync(join(dir, 'cards')).length === 2, 20_000, 100);
    await watch.waitFor('supply.blanks.empty cleared', event('supply.blanks.empty', 'cleared'));
    const after = await watch.waitFor('printing no longer held', (m) => m.kind === 'health' && jobsOf(m).held === null && supplyOf(m, 'blanks')?.name === 'Card hopper' && supplyOf(m, 'blanks')?.status === 'ok', 10_000);
    expect(supplyOf(after, 'blanks')).toMatchObject({ remaining: 100, source: 'printer' });
    // A 0.5 s SNMP timeout on a loaded machine may miss a reading now and then (snmp-unreachable, in
    // the log): the readings above are each one SNMP answered, and so is the last. What must never
    // appear is a refusal or a value the codec left out.
    expect(printerOf(after)?.reasons).toEqual([]);
    expect(agent.proc.output).not.toMatch(/snmp-error|snmp-bad-value|values the Printer MIB does not allow/);
  }, 60_000);

  it('diagnose names what the printer\'s SNMP agent says: its uptime, or that it does not answer and what to check', async () => {
    snmpd = await startSnmpd({ walk: walkOf(jammedEmptyHopperPrinter()) });
    const dir = tempDir('snmp-diagnose-');
    writeFileSync(join(dir, 'printer-community'), readFileSync(snmpd.communityFile), { mode: 0o600 });
    writeFileSync(join(dir, 'wrong-community'), 'public\n', { mode: 0o600 });
    const printerCheck = async (communityFile: string) => {
      const config = testConfig('mqtt://127.0.0.1:1', {
        printer: { driver: 'sim', snmp: { host: '127.0.0.1', port: snmpd?.port, communityFile, timeoutSeconds: 0.5 } },
      });
      writeFileSync(join(dir, 'agent.yaml'), stringify(config));
      const r = await runCli(['diagnose', '--json', '--lang', 'en', '--config', join(dir, 'agent.yaml')], { cwd: dir });
      return (JSON.parse(r.stdout) as { checks: { id: string; status: string; hint: string; facts: Record<string, string | null> }[] }).checks.find((c) => c.id === 'printer');
    };
    const seen = await printerCheck('printer-community');
    expect(seen).toMatchObject({ status: 'fail', facts: { driver: 'sim+snmp', snmp: expect.stringMatching(/^answers, printer up 0 h 0 min$/) as string, film: 'low 4 %', blanks: 'empty 0 %' } });
    expect(seen?.facts.reasons).toMatch(/media-jam/);
    const silent = await printerCheck('wrong-community');
    expect(silent).toMatchObject({ status: 'warn', facts: { snmp: 'no answer', reasons: 'snmp-unreachable' } });
    expect(silent?.hint).toMatch(/SNMP agent at 127\.0\.0\.1:\d+ does not answer.*community file/);
  }, 30_000);
});
