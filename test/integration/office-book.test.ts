/**
 * One office of three PCs (a store PC without a printer, two printing stations) and the store of
 * another office, on a real Mosquitto with persistence, as the province's subscriber sees them:
 * a delivery, a stack to each printer (one confirmed short), a stack sent back, a loan confirmed
 * at the other office, a printer's agent killed with -9 between its receipt and its message, a
 * broker outage. Every entry of every book reaches the subscriber exactly once (by seq), and a
 * printer of the office refuses a delivery by batch: deliveries are counted at the store only.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Db } from '../../platform/db.js';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

const OFFICE_A = '9901-DINAS';
const OFFICE_B = '9902-DINAS';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Pc {
  id: string;
  dir: string;
  config: Record<string, unknown>;
  agent: AgentUnderTest;
}

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))("an office's books on a real broker", () => {
  const pcs: Pc[] = [];
  let mosq: Mosquitto | undefined;
  let watch: MqttWatch | undefined;
  afterAll(async () => {
    for (const pc of pcs) await pc.agent.proc.stop();
    await watch?.stop();
    await mosq?.stop();
  });

  it('every entry reaches the province once, through a kill -9 and a broker outage; a printer refuses a delivery by batch', async () => {
    mosq = await startMosquitto([], { persistence: true });
    const url = mosq.url;
    watch = await MqttWatch.start(url, 'ektp/#', { protocolVersion: 5, clean: false, clientId: 'province-office', properties: { sessionExpiryInterval: 3600 } });
    const pc = (id: string, regency: string, office: string, over: Record<string, unknown>): Pc => {
      const dir = tempDir(`office-${id}-`);
      const config = testConfig(url, {
        station: { id, province: '99', regency, office: { id: office } },
        intervals: { pollSeconds: 0.5, healthSeconds: 1 },
        mqtt: { url, reconnect: { initialSeconds: 0.2, maxSeconds: 1 } },
        log: { level: 'info' },
        ...over,
      });
      const p = { id, dir, config, agent: startAgent(config, dir) };
      pcs.push(p);
      return p;
    };
    const none = { printer: { driver: 'none' }, ups: { driver: 'none' } };
    const store = pc('it-gudang', '9901', OFFICE_A, { ...none, office: { store: true, stations: ['it-01', 'it-02'] } });
    const p1 = pc('it-01', '9901', OFFICE_A, { office: { keptAtStore: true } });
    const p2 = pc('it-02', '9901', OFFICE_A, { office: { keptAtStore: true } });
    const other = pc('it-b-gudang', '9902', OFFICE_B, { ...none, office: { store: true, stations: ['it-b-01'] } });
    for (const p of pcs) await p.agent.proc.waitForOutput(/station agent running/, 15_000);

    const cli = async (p: Pc, args: string[], expectCode = 0) => {
      const r = await runCli([...args, '--config', p.agent.configFile], { cwd: p.dir });
      expect(r.code, `${args.join(' ')} at ${p.id}: ${r.stderr}`).toBe(expectCode);
      return r;
    };
    const transferOf = (out: string) => /^transfer (\S+)\n/.exec(out)?.[1] ?? '';

    await cli(store, ['office', 'receive', '3000', '--batch', 'KMD-2026-12', '--document', 'BA-12']);
    await cli(store, ['office', 'receive', 'ribbon', '4', '--lot', 'R-7']);
    const t1 = transferOf((await cli(store, ['office', 'send', '500', '--to', 'it-01'])).stdout);
    const t2 = transferOf((await cli(store, ['office', 'send', '500', '--to', 'it-02'])).stdout);
    const t3 = transferOf((await cli(store, ['office', 'send', 'ribbon', '1', '--to', 'it-02'])).stdout);
    expect([t1, t2, t3]).toEqual([`${OFFICE_A}-T1`, `${OFFICE_A}-T2`, `${OFFICE_A}-T3`]);
    await cli(p1, ['stock', 'receive', '500', '--transfer', t1]);
    // Counted short at the printer: the dashboard sees 500 sent and 480 confirmed.
    await cli(p2, ['stock', 'receive', '480', '--transfer', t2]);
    const refused = await cli(p2, ['stock', 'receive', '3000', '--batch', 'KMD-2026-12'], 64);
    expect(refused.stderr).toMatch(/counted once, at the store/);
    const back = transferOf((await cli(p1, ['stock', 'return', '30'])).stdout);
    expect(back).toBe('it-01-T1');
    await cli(store, ['office', 'return', '30', '--from', 'it-01', '--transfer', back]);
    const loan = transferOf((await cli(store, ['office', 'lend', '200', '--to-office', OFFICE_B])).stdout);
    await cli(other, ['office', 'borrow', '200', '--from-office', OFFICE_A, '--transfer', loan]);

    // it-02's agent killed with -9 right after its receipt: its confirmation is sent, once, whether
    // the kill came before the agent took it or after.
    await cli(p2, ['supply', 'receive', 'ribbon', '1', '--transfer', t3]);
    p2.agent.proc.child.kill('SIGKILL');
    await p2.agent.proc.exited;
    p2.agent = startAgent(p2.config, p2.dir);
    await p2.agent.proc.waitForOutput(/station agent running/, 15_000);

    // The broker down while the books go on; back on the same port with its persistence.
    await mosq.stop();
    await cli(store, ['office', 'count', '1825', '--reason', 'hitung akhir hari']);
    await cli(p1, ['stock', 'return', '20']);
    await sleep(2500);
    mosq = await startMosquitto([], { persistence: true, port: mosq.port, dir: mosq.dir });

    // What each PC's books hold: every entry the province must see.
    const expected = async (p: Pc): Promise<string[]> => {
      const db = await Db.open(join(p.dir, 'data', 'station.db'));
      try {
        const store = (await db.all<{ id: number }>('SELECT id FROM office_book ORDER BY id')).map((r) => `${p.id} store ${r.id}`);
        const blanks = (await db.all<{ id: number }>("SELECT id FROM ledger WHERE transfer IS NOT NULL OR (kind = 'receive' AND batch IS NOT NULL) ORDER BY id")).map((r) => `${p.id} blanks ${r.id}`);
        const rolls = (await db.all<{ id: number }>("SELECT id FROM supply_ledger WHERE entry = 'receive' ORDER BY id")).map((r) => `${p.id} rolls ${r.id}`);
        return [...store, ...blanks, ...rolls];
      } finally {
        await db.close();
      }
    };
    const want = (await Promise.all(pcs.map(expected))).flat().sort();
    // The store 8, the other store 1, it-01 3 (a stack in, two back), it-02 a stack and a roll.
    expect(want).toHaveLength(8 + 1 + 3 + 2);
    const entries = () => watch?.of('office') ?? [];
    const seen = () => [...new Set(entries().map((m) => `${String(m.payload.station)} ${String(m.payload.book)} ${String(m.payload.entry)}`))].sort();
    await waitUntil('every entry of every book at the subscriber', () => seen().length === want.length, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}: missing ${want.filter((w) => !seen().includes(w)).join(', ')}`);
    });
    await sleep(1500);
    expect(seen()).toEqual(want);
    // Exactly once by seq: QoS 1 may deliver a message twice, never an entry under two seqs.
    const seqsOf = new Map<string, Set<number>>();
    for (const m of entries()) {
      const key = `${String(m.payload.station)} ${String(m.payload.book)} ${String(m.payload.entry)}`;
      seqsOf.set(key, (seqsOf.get(key) ?? new Set()).add(Number(m.payload.seq)));
    }
    expect([...seqsOf].filter(([, s]) => s.size !== 1)).toEqual([]);

    // The two ends of each movement, as the dashboard will match them.
    const by = (station: string, kind: string) => entries().filter((m) => m.payload.station === station && m.payload.kind === kind).map((m) => [m.payload.transfer, m.payload.quantity]);
    expect(by('it-gudang', 'transfer_out')).toEqual(expect.arrayContaining([[t1, -500], [t2, -500], [t3, -1]]));
    expect(by('it-01', 'transfer_in')).toEqual([[t1, 500]]);
    expect(by('it-02', 'transfer_in')).toEqual(expect.arrayContaining([[t2, 480], [t3, 1]]));
    expect(by('it-01', 'transfer_out')).toEqual([[back, -30], ['it-01-T2', -20]]);
    expect(by('it-gudang', 'transfer_in')).toEqual([[back, 30]]);
    expect(by('it-gudang', 'loan_out')).toEqual([[loan, -200]]);
    expect(by('it-b-gudang', 'loan_in')).toEqual([[loan, 200]]);

    // Each PC's day, with the store's own figures at the store PC.
    await waitUntil('a day from every PC', () => pcs.every((p) => watch?.of('daily').some((m) => m.payload.station === p.id)), 15_000);
    const lastDay = (id: string) => watch?.of('daily').filter((m) => m.payload.station === id).sort((a, b) => Number(b.payload.seq) - Number(a.payload.seq))[0]?.payload;
    await waitUntil("the store's day with its count", () => (lastDay('it-gudang')?.store as { blanks?: { onHandEnd?: number } } | undefined)?.blanks?.onHandEnd === 1825, 15_000);
    expect(lastDay('it-gudang')).toMatchObject({ good: null, store: { blanks: { received: 3000, sent: 1000, returned: 30, lent: 200, corrections: -5, onHandEnd: 1825 } } });
    await waitUntil("it-01's day", () => lastDay('it-01')?.returned === 50, 15_000);
    expect(lastDay('it-01')).toMatchObject({ office: OFFICE_A, received: 0, transfersIn: 500, returned: 50, onHandEnd: 450 });
    expect(lastDay('it-02')).toMatchObject({ transfersIn: 480, onHandEnd: 480, ribbon: { transfersIn: 1 } });
    expect(watch.of('status').find((m) => m.payload.station === 'it-01')?.payload.office).toEqual({ id: OFFICE_A });
  }, 120_000);
});
