/**
 * From the stations' books to the province's report, on real programs: a real Mosquitto, the
 * dashboard, and the agents of two offices of one province (a store PC without a printer and two
 * printers in one; a store on a printing PC in the other): a delivery, transfers (one confirmed
 * short, one still on its way), cards printed and one spoiled, a loan recorded at both ends and
 * one at one end, a kill -9 and a broker outage. The reconciliation balances for the office, the
 * regency and the province, names each problem, and its CSV says what its JSON says.
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startDashboard, type DashboardUnderTest } from '../support/dashboard.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

interface Rec {
  opening: number;
  received: number;
  borrowed: number;
  lent: number;
  printed: number;
  spoiled: number;
  corrections: number;
  closing: number;
  where: { store: number; printers: Record<string, number>; inTransit: number };
  problems: { kind: string; transfer: string | null; difference: number | null }[];
  silent: string[];
}

function balanced(r: Rec): void {
  expect(r.closing).toBe(r.opening + r.received + r.borrowed - r.lent - r.printed - r.spoiled + r.corrections);
  const where = r.where.store + Object.values(r.where.printers).reduce((a, b) => a + b, 0) + r.where.inTransit;
  expect(where).toBe(r.closing + r.problems.reduce((s, p) => s + (p.difference ?? 0), 0));
  expect(r.problems.map((p) => p.kind)).not.toContain('unexplained');
}

/** A GET under another name than the dashboard's own (fetch will not set Host). */
function getAs(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The CSV's figures, read back: the same as the JSON's. */
function csvFigures(csv: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of csv.split('\n')) {
    const [k, v] = line.split(',');
    if (k && v !== undefined && k !== 'problem' && k !== 'field') out[k] = v;
  }
  return out;
}

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))('the month reconciled at the dashboard, from real agents', () => {
  const agents: { id: string; dir: string; config: Record<string, unknown>; agent: AgentUnderTest }[] = [];
  let mosq: Mosquitto | undefined;
  let dash: DashboardUnderTest | undefined;
  afterAll(async () => {
    for (const a of agents) await a.agent.proc.stop();
    await dash?.stop();
    await mosq?.stop();
  });

  it('balances for an office, the regency and the province, and names each problem', async () => {
    mosq = await startMosquitto([], { persistence: true });
    const url = mosq.url;
    // The province's dashboard counts in its stations' zone (WITA): a month's last day counted is today there.
    dash = await startDashboard(url, { provinces: ['99'], public: { enabled: true }, timeZone: 'Asia/Makassar' });
    const start = (id: string, office: string, over: Record<string, unknown>) => {
      const dir = tempDir(`rec-${id}-`);
      const config = testConfig(url, {
        station: { id, province: '99', regency: '9901', office: { id: office }, timeZone: 'Asia/Makassar' },
        intervals: { pollSeconds: 0.5, healthSeconds: 1 },
        mqtt: { url, reconnect: { initialSeconds: 0.2, maxSeconds: 1 } },
        records: { driver: 'sim', sim: { latencyMs: 10 } },
        log: { level: 'info' },
        ...over,
      });
      const a = { id, dir, config, agent: startAgent(config, dir) };
      agents.push(a);
      return a;
    };
    const none = { printer: { driver: 'none' }, ups: { driver: 'none' } };
    const store = start('it-gudang', '9901-DINAS', { ...none, office: { store: true, stations: ['it-01', 'it-02'], transitDays: 2 } });
    const p1 = start('it-01', '9901-DINAS', { office: { keptAtStore: true } });
    const p2 = start('it-02', '9901-DINAS', { office: { keptAtStore: true } });
    const alak = start('it-alak', '9901-KEC-ALAK', { office: { store: true, stations: ['it-alak'] } });
    for (const a of agents) await a.agent.proc.waitForOutput(/station agent running/, 20_000);
    const cli = async (a: (typeof agents)[number], args: string[]) => {
      const r = await runCli([...args, '--config', a.agent.configFile], { cwd: a.dir });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return /^transfer (\S+)/.exec(r.stdout)?.[1] ?? '';
    };

    await cli(store, ['office', 'receive', '3000', '--batch', 'KMD-SYN-1']);
    const t1 = await cli(store, ['office', 'send', '500', '--to', 'it-01']);
    const t2 = await cli(store, ['office', 'send', '500', '--to', 'it-02']);
    const t3 = await cli(store, ['office', 'send', '200', '--to', 'it-01']);
    await cli(p1, ['stock', 'receive', '500', '--transfer', t1]);
    await cli(p2, ['stock', 'receive', '480', '--transfer', t2]);
    await cli(alak, ['office', 'receive', '100', '--batch', 'KMD-SYN-2']);
    const toAlak = await cli(alak, ['office', 'send', '100', '--to', 'it-alak']);
    await cli(alak, ['stock', 'receive', '100', '--transfer', toAlak]);
    const loan = await cli(store, ['office', 'lend', '200', '--to-office', '9901-KEC-ALAK']);
    await cli(alak, ['office', 'borrow', '200', '--from-office', '9901-DINAS', '--transfer', loan]);
    const oneSided = await cli(store, ['office', 'lend', '50', '--to-office', '9907-DINAS']);
    // Cards printed on a real (simulated) printer, and one found bad.
    await cli(p1, ['jobs', 'add', 'SYN-0001', 'SYN-0002', 'SYN-0003', 'SYN-0004']);
    await waitUntil('four cards printed at it-01', async () => (await runCli(['stock', 'show', '--json', '--config', p1.agent.configFile])).stdout.includes('"printed": 4'), 40_000);
    await cli(p1, ['jobs', 'spoil', 'SYN-0002', '--reason', 'tinta luntur']);
    // it-02's agent killed with -9, and the broker down while the books go on.
    p2.agent.proc.child.kill('SIGKILL');
    await p2.agent.proc.exited;
    await mosq.stop();
    await cli(p2, ['stock', 'count', '478', '--reason', 'hitung sore']);
    p2.agent = startAgent(p2.config, p2.dir);
    await new Promise((r) => setTimeout(r, 1500));
    mosq = await startMosquitto([], { persistence: true, port: mosq.port, dir: mosq.dir });

    const get = async (q: string) => dash?.api<Rec>(`/api/reconciliation?${q}`);
    await waitUntil(
      "every station's latest figures at the dashboard",
      async () => {
        const r = await get('office=9901-DINAS').catch(() => undefined);
        return r !== undefined && r.printed === 3 && r.spoiled === 1 && r.corrections === -2 && Object.keys(r.where.printers).length === 2;
      },
      40_000,
    );
    const office = (await get('office=9901-DINAS')) as Rec;
    expect(office).toMatchObject({ opening: 0, received: 3000, borrowed: 0, lent: 250, printed: 3, spoiled: 1, corrections: -2 });
    expect(office.where).toEqual({ store: 3000 - 1200 - 250, printers: { 'it-01': 496, 'it-02': 478 }, inTransit: 200 });
    expect(office.problems.map((p) => [p.kind, p.transfer, p.difference])).toEqual(expect.arrayContaining([['transfer_short', t2, -20], ['loan_unmatched', oneSided, 0]]));
    expect(office.problems.map((p) => p.transfer)).not.toContain(t3);
    balanced(office);

    const regency = (await get('regency=9901')) as Rec;
    expect(regency).toMatchObject({ received: 3100, borrowed: 0, lent: 50 });
    balanced(regency);
    const province = (await get('province=99')) as Rec;
    balanced(province);

    const csv = await (await fetch(`${dash.url}/api/reconciliation?office=9901-DINAS&format=csv`)).text();
    const f = csvFigures(csv);
    for (const k of ['opening', 'received', 'borrowed', 'lent', 'printed', 'spoiled', 'corrections', 'closing'] as const) expect(Number(f[k]), k).toBe(office[k]);
    expect(Number(f['where.store'])).toBe(office.where.store);
    expect(Number(f['where.printers.it-02'])).toBe(office.where.printers['it-02']);
    expect(csv.split('\n').filter((l) => l.startsWith('problem,') && !l.startsWith('problem,kind,')).length).toBe(office.problems.length);
    const bad = await fetch(`${dash.url}/api/reconciliation?office=9901-DINAS&regency=9901`);
    expect(bad.status).toBe(400);

    // The request to the ministry: its arithmetic as the issue states it, in whole boxes.
    const q = await dash.api<{ ratePerDay: number; rateDays: number; onHand: number; inTransit: number; queued: number; leadDays: number; requestPoint: number; requestOn: string | null; quantity: number; months: number; words: { id: string } }>('/api/request?office=9901-DINAS');
    expect(q).toMatchObject({ rateDays: 1, ratePerDay: 4, onHand: office.where.store + 496 + 478, inTransit: 200, months: 3 });
    expect(q.requestPoint).toBe(Math.ceil(q.ratePerDay * (q.leadDays + 7)));
    expect(q.quantity).toBe(Math.max(0, Math.ceil((q.ratePerDay * (90 + q.leadDays) + q.queued - q.onHand - q.inTransit) / 100) * 100));
    expect(q.words.id).toMatch(/titik pengajuan/);
    // The printable pages, in Indonesian unless asked.
    const page = await (await fetch(`${dash.url}/reconciliation?office=9901-DINAS`)).text();
    expect(page).toMatch(/Laporan Rekonsiliasi Blangko KTP-el/);
    expect(page).toMatch(/Kepala Dinas \/ Kepala Kantor[\s\S]*NIP[\s\S]*Pengelola gudang/);
    expect(await (await fetch(`${dash.url}/request?office=9901-DINAS&lang=en`)).text()).toMatch(/Request for e-KTP blank cards/);
    const metrics = await (await fetch(`${dash.url}/metrics`)).text();
    expect(metrics).toMatch(/ektp_office_blanks_on_hand\{office="9901-DINAS",province="99",regency="9901"\} \d+/);

    // The public list: no token, any Host, the offices' stock and nothing of the stations.
    const pub = await getAs(`${dash.url}/public/stock.json`, 'stok.example.go.id');
    expect(pub.status).toBe(200);
    const text = pub.body;
    const list = JSON.parse(text) as { regencies: { regency: string; offices: { office: string; printedYesterday: number }[] }[] };
    expect(list.regencies.map((r) => r.regency)).toEqual(['9901']);
    expect(list.regencies[0]?.offices.find((o) => o.office === '9901-DINAS')?.printedYesterday).toBe(0);
    for (const secret of ['it-01', 'it-02', 'it-gudang', 'SYN-0001', 'alerts']) expect(text).not.toContain(secret);
    expect((await getAs(`${dash.url}/api/stations`, 'stok.example.go.id')).status).toBe(403);
    expect((await fetch(`${dash.url}/public/stock`)).headers.get('content-type')).toMatch(/text\/html/);
    let limited = 0;
    for (let n = 0; n < 40; n++) if ((await fetch(`${dash.url}/public/stock.json`)).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);
  }, 150_000);
});
