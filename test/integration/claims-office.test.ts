/**
 * One card per record across an office: two real agents (the built CLI, as the service runs it)
 * on a real Mosquitto, sharing the simulated centre's claims file (records.sim.shared). The same
 * record added at both prints exactly once and the other station is refused naming the first;
 * a spoil and its reprint at the first station print once more. And the claims file itself under
 * processes racing for the same records: each record granted to exactly one.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { JobRepo } from '../../agent/jobs/repo.js';
import { Store } from '../../agent/store/store.js';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { Proc } from '../support/process.js';
import { tempDir } from '../support/sim.js';

interface Pc {
  id: string;
  dir: string;
  agent: AgentUnderTest;
}

const cardsOf = (pc: Pc, recordId: string) => {
  try {
    return readdirSync(join(pc.dir, 'cards')).filter((f) => f.startsWith(`${recordId}--`)).length;
  } catch {
    return 0;
  }
};

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))('two agents of one office sharing the simulated centre', () => {
  const pcs: Pc[] = [];
  let mosq: Mosquitto | undefined;
  afterAll(async () => {
    for (const pc of pcs) await pc.agent.proc.stop();
    await mosq?.stop();
  });

  it('the same record added to both prints exactly once, the other refused naming the first; a spoil and its reprint at the first print once more', async () => {
    mosq = await startMosquitto();
    const shared = join(tempDir('centre-'), 'claims.db');
    const pc = (id: string): Pc => {
      const dir = tempDir(`claims-${id}-`);
      const config = testConfig(mosq?.url ?? '', {
        station: { id, province: '53', regency: '5371', name: `Dukcapil ${id}` },
        printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 1, outputDir: 'cards' } },
        records: { driver: 'sim', sim: { latencyMs: 100, shared } },
        log: { level: 'info' },
      });
      const p = { id, dir, agent: startAgent(config, dir) };
      pcs.push(p);
      return p;
    };
    const [a, b] = [pc('5371-01'), pc('5371-02')];
    for (const p of pcs) await p.agent.proc.waitForOutput(/station agent running/, 15_000);
    // Said at start: claims are kept, at the centre the two share.
    for (const p of pcs) expect(p.agent.proc.output).toMatch(/record claims on/);

    const cli = async (p: Pc, args: string[], env: NodeJS.ProcessEnv = {}) => runCli([...args, '--config', p.agent.configFile], { cwd: p.dir, env });
    const jobs = async (p: Pc) => JSON.parse((await cli(p, ['jobs', 'list', '--json'])).stdout) as { recordId: string; state: string; claimedBy: string | null }[];
    const stateAt = async (p: Pc, id: string) => (await jobs(p)).find((j) => j.recordId === id)?.state;

    // Added at 5371-01, then at 5371-02: refused there at once, naming 5371-01, in both languages.
    const first = await cli(a, ['jobs', 'add', 'KPG1-0001']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('queued: KPG1-0001');
    const second = await cli(b, ['jobs', 'add', 'KPG1-0001']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^refused KPG1-0001: held by station 5371-01 since \d{4}-\d\d-\d\dT[\d:.]+Z; a record is printed at one station only/m);
    const listed = await cli(b, ['jobs', 'list', '--lang', 'id']);
    expect(listed.stdout).toMatch(/KPG1-0001\s+ditolak\s+\S+\s+dipegang stasiun 5371-01 sejak/);
    expect((await cli(b, ['jobs', 'list'])).stdout).toMatch(/KPG1-0001\s+refused\s+\S+\s+held by station 5371-01 since/);
    expect((await jobs(b)).find((j) => j.recordId === 'KPG1-0001')).toMatchObject({ state: 'refused', claimedBy: '5371-01' });

    // The same record added at both at the same moment: two processes race for it; one wins.
    const [ra, rb] = await Promise.all([cli(a, ['jobs', 'add', 'KPG1-0002']), cli(b, ['jobs', 'add', 'KPG1-0002'])]);
    expect([ra.code, rb.code].sort()).toEqual([0, 1]);
    const [winner, loser] = ra.code === 0 ? [a, b] : [b, a];
    expect((loser === a ? ra : rb).stderr).toMatch(new RegExp(`refused KPG1-0002: held by station ${winner.id}`));

    // Queued at 5371-02 without asking the centre (as when it could not say): refused before its card.
    expect((await cli(a, ['jobs', 'add', 'KPG1-0003'])).code).toBe(0);
    const store = await Store.open(join(b.dir, 'data'));
    try {
      expect((await new JobRepo(store.db).add(['KPG1-0003'])).added).toEqual(['KPG1-0003']);
    } finally {
      await store.close();
    }

    await waitUntil(
      'each record printed where it was claimed, and refused at the other',
      async () => (await stateAt(a, 'KPG1-0001')) === 'printed' && (await stateAt(winner, 'KPG1-0002')) === 'printed' && (await stateAt(a, 'KPG1-0003')) === 'printed' && (await stateAt(b, 'KPG1-0003')) === 'refused',
      30_000,
      200,
    );
    expect((await jobs(b)).find((j) => j.recordId === 'KPG1-0003')).toMatchObject({ state: 'refused', claimedBy: '5371-01' });
    expect(b.agent.proc.output).toMatch(/not printed: the record service says another station holds this record/);

    // A spoil at 5371-01, and its reprint there: one more card. 5371-02 is still refused.
    expect((await cli(a, ['jobs', 'spoil', 'KPG1-0001', '--reason', 'tinta luntur'])).code).toBe(0);
    const again = await cli(a, ['jobs', 'add', 'KPG1-0001']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('queued again: KPG1-0001');
    await waitUntil('the reprint printed at 5371-01', async () => (await stateAt(a, 'KPG1-0001')) === 'printed', 30_000, 200);
    const stillRefused = await cli(b, ['jobs', 'add', 'KPG1-0001']);
    expect(stillRefused.code).toBe(1);
    expect(stillRefused.stderr).toMatch(/refused KPG1-0001: held by station 5371-01/);

    // Let the queues run on a moment: nothing more comes out.
    await new Promise((r) => setTimeout(r, 2000));
    expect({ a1: cardsOf(a, 'KPG1-0001'), b1: cardsOf(b, 'KPG1-0001') }).toEqual({ a1: 2, b1: 0 });
    expect(cardsOf(a, 'KPG1-0002') + cardsOf(b, 'KPG1-0002')).toBe(1);
    expect(cardsOf(winner, 'KPG1-0002')).toBe(1);
    expect({ a3: cardsOf(a, 'KPG1-0003'), b3: cardsOf(b, 'KPG1-0003') }).toEqual({ a3: 1, b3: 0 });
    const stock = JSON.parse((await cli(a, ['stock', 'show', '--json'])).stdout) as Record<string, number>;
    expect(stock).toMatchObject({ spoiled: 1 });
  }, 90_000);
});

describe('the shared claims file under processes racing for the same records', () => {
  it('four processes claim the same 200 records at once: each record is granted to exactly one, none lost', async () => {
    const shared = join(tempDir('race-'), 'claims.db');
    const driver = join(import.meta.dirname, '../../build/hal/records/sim/driver.js');
    const config = join(import.meta.dirname, '../../build/hal/records/sim/config.js');
    const script = `
      const { SimRecords } = await import(${JSON.stringify(driver)});
      const { simRecordsSchema } = await import(${JSON.stringify(config)});
      const station = process.argv[1];
      const clock = { now: () => Date.now(), monotonic: () => performance.now(), setTimer: (f, ms) => { const t = setTimeout(f, ms); return () => clearTimeout(t); } };
      const log = { debug() {}, info() {}, warn() {}, error() {} };
      const src = new SimRecords(simRecordsSchema().parse({ shared: ${JSON.stringify(shared)} }), { clock, log });
      await src.start();
      const ids = Array.from({ length: 200 }, (_, i) => 'RACE-' + i);
      // Each process in its own order, all at once: the file's lock is all that keeps them apart.
      ids.sort(() => Math.random() - 0.5);
      const answers = await Promise.all(ids.map((id) => src.claim(id, { station, installId: station.repeat(4) }).then((a) => [id, a.granted, a.claimedBy])));
      await src.stop();
      process.stdout.write(JSON.stringify(answers));
    `;
    const stations = ['P1', 'P2', 'P3', 'P4'];
    const procs = stations.map((s) => new Proc(process.execPath, ['--input-type=module', '-e', script, s]));
    const results = await Promise.all(
      procs.map(async (p) => {
        const { code } = await p.exited;
        expect(code, p.stderr).toBe(0);
        return JSON.parse(p.stdout) as [string, boolean, string][];
      }),
    );
    const holder = new Map<string, string>();
    for (const [i, answers] of results.entries()) {
      for (const [id, granted] of answers) {
        if (granted) {
          expect(holder.get(id), `${id} granted twice`).toBeUndefined();
          holder.set(id, stations[i] ?? '');
        }
      }
    }
    expect(holder.size).toBe(200);
    // Every refusal names the one that was granted.
    for (const answers of results) for (const [id, granted, by] of answers) if (!granted) expect(by).toBe(holder.get(id));
  }, 60_000);
});

describe('jobs add where the centre cannot say', () => {
  it('the record is queued, and the clerk is told it is claimed before its card, in both languages', async () => {
    const dir = tempDir('unasked-');
    const configFile = join(dir, 'agent.yaml');
    // A claims file in a folder that does not exist: the centre cannot be asked.
    writeFileSync(configFile, stringify(testConfig('embedded', { records: { driver: 'sim', sim: { shared: join(dir, 'no-such-folder', 'claims.db') } } })));
    const en = await runCli(['jobs', 'add', 'KPG1-0009', 'KPG1-0010', '--config', configFile]);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toContain('queued: KPG1-0009, KPG1-0010');
    expect(en.stdout).toContain('not claimed yet (the record service did not answer now; claimed before each card is printed): KPG1-0009, KPG1-0010');
    const id = await runCli(['jobs', 'add', 'KPG1-0011', '--config', configFile, '--lang', 'id']);
    expect(id.stdout).toContain('belum diklaim (server data tidak menjawab sekarang; diklaim sebelum kartunya dicetak): KPG1-0011');
  });
});
