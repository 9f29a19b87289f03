import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../core/errors.js';
import { Db } from '../../platform/db.js';
import { SCHEMA_VERSION, schemaVersion } from '../../agent/store/migrations.js';
import { DB_FILE, Store } from '../../agent/store/store.js';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { freePort, peerAvailable } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

/**
 * Databases as earlier agents left them, kept as SQL text dumps in test/fixtures/db: each was
 * made once from the migrations of the commit that introduced its version (see its header),
 * so a released migration edited since, or a step that breaks their rows, fails here.
 */
const FIXTURES = join(import.meta.dirname, '../fixtures/db');
const RELEASED = [
  { fixture: 'v1.sql', version: 1 },
  { fixture: 'v2.sql', version: 2 },
  { fixture: 'v3.sql', version: 3 },
  { fixture: 'v3-agent-job-id.sql', version: 3 },
  { fixture: 'v4.sql', version: 4 },
  { fixture: 'v5.sql', version: 5 },
  { fixture: 'v6.sql', version: 6 },
  { fixture: 'v7.sql', version: 7 },
  { fixture: 'v8.sql', version: 8 },
];
const hasSqlite3 = peerAvailable('the sqlite3 command-line shell (loads the database fixtures)', 'sqlite3');

/** A data folder whose station.db is `fixture`, loaded with sqlite3 as it was dumped. */
function loadFixture(fixture: string, dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, DB_FILE);
  const r = spawnSync('sqlite3', ['-bail', file], { input: readFileSync(join(FIXTURES, fixture)), encoding: 'utf8' });
  expect(r.status, `sqlite3 ${file} < ${fixture}: ${r.stderr}`).toBe(0);
  expect(r.stderr).toBe('');
  return file;
}

type Row = Record<string, unknown>;

/** Everything a station keeps, table by table (an absent table is empty). */
async function contents(db: Db): Promise<Record<'kv' | 'alerts_active' | 'outbox' | 'jobs' | 'job_events' | 'ledger' | 'supply_ledger' | 'office_book' | 'record_outcomes', Row[]> & { seq: number }> {
  const tables = new Set((await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")).map((t) => t.name));
  const rows = (table: string, order: string) => (tables.has(table) ? db.all<Row>(`SELECT * FROM ${table} ORDER BY ${order}`) : Promise.resolve([]));
  return {
    kv: await rows('kv', 'key'),
    alerts_active: await rows('alerts_active', 'code'),
    outbox: await rows('outbox', 'seq'),
    jobs: await rows('jobs', 'seq'),
    job_events: await rows('job_events', 'id'),
    ledger: await rows('ledger', 'id'),
    supply_ledger: await rows('supply_ledger', 'id'),
    office_book: await rows('office_book', 'id'),
    record_outcomes: await rows('record_outcomes', 'id'),
    seq: (await db.get<{ value: number }>("SELECT value FROM counters WHERE name = 'seq'"))?.value ?? 0,
  };
}

const STATION = { id: 'up-01', province: '99', regency: '9901' };
const BASE = `ektp/v1/${STATION.province}/${STATION.regency}/${STATION.id}`;
/** The fixtures' messages were queued on 2026-11-22: not to be dropped as too old whenever the test runs. */
const KEEP_OUTBOX = { maxAgeDays: 36_500 };

describe.runIf(hasSqlite3)('database fixtures of every released schema version', () => {
  it('one per version, up to this agent\'s', () => {
    for (let v = 1; v <= SCHEMA_VERSION; v++) {
      expect(existsSync(join(FIXTURES, `v${v}.sql`)), `test/fixtures/db/v${v}.sql: dump a database made by the agent that introduced version ${v} (see the header of v1.sql)`).toBe(true);
      expect(RELEASED.some((r) => r.fixture === `v${v}.sql` && r.version === v)).toBe(true);
    }
  });

  for (const { fixture, version } of RELEASED) {
    it(`${fixture} (version ${version}) opens at version ${SCHEMA_VERSION}: state, alerts, seq, outbox, jobs, audit trail and ledger all survive`, async () => {
      const dataDir = join(tempDir('upgrade-fixture-'), 'data');
      const file = loadFixture(fixture, dataDir);
      const raw = await Db.open(file);
      expect(await schemaVersion(raw)).toBe(version);
      const before = await contents(raw);
      await raw.close();
      // The fixture holds what its version has tables for.
      expect(before.kv.length && before.alerts_active.length).toBeGreaterThan(0);
      if (version >= 2) expect(before.outbox).toHaveLength(3);
      if (version >= 3) expect(before.jobs.length && before.job_events.length && before.ledger.length).toBeGreaterThan(0);
      if (version >= 4) expect(before.supply_ledger.length).toBeGreaterThan(0);
      if (version >= 5) expect(before.ledger.some((l) => l.corrects !== null)).toBe(true);
      if (version >= 6) expect(before.office_book.length && before.ledger.filter((l) => l.transfer !== null).length).toBeGreaterThan(0);
      if (version >= 7) expect(before.jobs.some((j) => j.state === 'refused' && j.claimed_by !== null) && before.record_outcomes.length > 0).toBe(true);
      if (version >= 8) expect(before.job_events.some((e) => e.code === 'reprint_queued')).toBe(true);

      const store = await Store.open(dataDir);
      try {
        expect(await schemaVersion(store.db)).toBe(SCHEMA_VERSION);
        const after = await contents(store.db);
        expect(after.kv).toEqual(before.kv);
        expect(after.alerts_active).toEqual(before.alerts_active);
        expect(after.outbox).toEqual(before.outbox);
        // Columns added since are there, empty where the old agent had nothing to put.
        expect(after.jobs).toEqual(before.jobs.map((j) => ({ agent_job_id: null, claimed_by: null, claimed_at: null, ...j })));
        // Each move gains its note as a code (migration 8; test/unit/job-notes.test.ts reads every text back), its text kept.
        const withoutNote = (rows: Row[]) => rows.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'code' && k !== 'detail')));
        expect(withoutNote(after.job_events)).toEqual(withoutNote(before.job_events));
        expect(after.job_events.every((e) => typeof e.code === 'string')).toBe(true);
        if (version >= 8) expect(after.job_events).toEqual(before.job_events);
        expect(after.ledger).toEqual(before.ledger.map((l) => ({ corrects: null, transfer: null, reason_code: null, ...l })));
        expect(after.supply_ledger).toEqual(before.supply_ledger.map((r) => ({ transfer: null, ...r })));
        expect(after.office_book).toEqual(before.office_book);
        expect(after.record_outcomes).toEqual(before.record_outcomes);
        // seq goes on from where it was: a new database would restart it at the clock.
        expect(await store.db.transaction((tx) => store.nextSeq(tx))).toBe(before.seq + 1);
        const columns = (await store.db.all<{ name: string }>('PRAGMA table_info(jobs)')).map((c) => c.name);
        expect(columns).toContain('agent_job_id');
        expect((await store.db.get<{ integrity_check: string }>('PRAGMA integrity_check'))?.integrity_check).toBe('ok');
      } finally {
        await store.close();
      }
    });
  }
});

describe('upgrades: the database migrates forward on start, and nothing queued is lost', () => {
  let agent: AgentUnderTest | undefined;
  let broker: Mosquitto | undefined;
  let watch: MqttWatch | undefined;
  afterEach(async () => {
    await watch?.stop();
    await agent?.proc.stop();
    await broker?.stop();
    agent = broker = watch = undefined;
  });

  it.runIf(hasSqlite3 && peerAvailable('Mosquitto', 'mosquitto'))(
    'v2.sql, undelivered telemetry: the upgraded agent replays it in order, then counts on from its seq',
    async () => {
      const dir = tempDir('upgrade-v2-');
      const file = loadFixture('v2.sql', join(dir, 'data'));
      const raw = await Db.open(file);
      const queued = (await contents(raw)).outbox.map((r) => ({ seq: Number(r.seq), kind: String(r.kind), payload: JSON.parse(String(r.payload)) as Record<string, unknown> }));
      await raw.close();
      const last = queued.at(-1)?.seq ?? 0;

      broker = await startMosquitto();
      watch = await MqttWatch.start(broker.url, `${BASE}/#`);
      agent = startAgent(testConfig(broker.url, { station: STATION, outbox: KEEP_OUTBOX, log: { level: 'info' } }), dir);
      await agent.proc.waitForOutput(/station agent running/);
      for (const q of queued) await watch.waitFor(`queued ${q.kind} ${q.seq}`, (m) => m.payload.seq === q.seq);
      const replayed = watch.messages.filter((m) => typeof m.payload.seq === 'number' && m.payload.seq <= last);
      expect(replayed.map((m) => [m.payload.seq, m.kind, m.retain])).toEqual(queued.map((q) => [q.seq, q.kind, false]));
      expect(replayed.map((m) => m.payload.marker ?? m.payload.code)).toEqual(['before-upgrade-1', 'supply.film.low', 'before-upgrade-2']);
      const live = await watch.waitFor('a new health', (m) => m.kind === 'health' && typeof m.payload.seq === 'number' && m.payload.seq > last);
      expect(live.payload.seq).toBeGreaterThan(last);
      agent.proc.child.kill('SIGTERM');
      expect((await agent.proc.exited).code).toBe(0);
      const after = await Db.open(file, { readOnly: true });
      expect(await schemaVersion(after)).toBe(SCHEMA_VERSION);
      expect((await after.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE seq <= ?', [last]))?.n).toBe(0);
      await after.close();
    },
    30_000,
  );

  for (const fixture of ['v3.sql', 'v3-agent-job-id.sql']) {
    it.runIf(hasSqlite3)(`${fixture}, jobs in every state and a ledger: the CLI reads them, the daemon prints the queued ones and holds the uncertain ones`, async () => {
      const dir = tempDir('upgrade-v3-');
      loadFixture(fixture, join(dir, 'data'));
      const cfg = testConfig('embedded', {
        station: STATION,
        mqtt: { url: 'embedded', embedded: { port: await freePort() } },
        records: { driver: 'sim', sim: { latencyMs: 10 } },
        outbox: KEEP_OUTBOX,
        log: { level: 'info' },
      });
      // The CLI first, as a technician would right after the upgrade, then the daemon.
      const cfgFile = join(dir, 'agent.yaml');
      writeFileSync(cfgFile, stringify(cfg));
      const list = async () => {
        const r = await runCli(['jobs', 'list', '--json', '--config', cfgFile]);
        expect(r.code, r.stderr).toBe(0);
        return (JSON.parse(r.stdout) as { recordId: string; state: string }[]).map((j) => `${j.recordId}:${j.state}`).sort();
      };
      expect(await list()).toEqual(['UP-0001:queued', 'UP-0002:queued', 'UP-0003:needs_verification', 'UP-0004:printed', 'UP-0005:printing']);
      const stock = async () => JSON.parse((await runCli(['stock', 'show', '--json', '--config', cfgFile])).stdout) as Record<string, number>;
      expect(await stock()).toMatchObject({ received: 50, printed: 1, onHand: 49 });

      agent = startAgent(cfg, dir);
      await agent.proc.waitForOutput(/station agent running/);
      // The queued ones print; the one left printing by the old agent, and the uncertain one, wait for a person.
      const end = Date.now() + 20_000;
      while (!(await list()).includes('UP-0002:printed') && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
      expect(await list()).toEqual(['UP-0001:printed', 'UP-0002:printed', 'UP-0003:needs_verification', 'UP-0004:printed', 'UP-0005:needs_verification']);
      expect(await stock()).toMatchObject({ received: 50, printed: 3, onHand: 47 });
      expect((await runCli(['jobs', 'show', 'UP-0001', '--config', cfgFile])).stdout).toMatch(/before the upgrade: queued/);
      expect((await runCli(['jobs', 'show', 'UP-0005', '--config', cfgFile])).stdout).toMatch(/earlier note: before the upgrade: printing[\s\S]*to verify/);
      agent.proc.child.kill('SIGTERM');
      expect((await agent.proc.exited).code, agent.proc.output.slice(-2000)).toBe(0);
      expect(agent.proc.output).not.toMatch(/no such column|SQLITE_ERROR/);
    }, 40_000);
  }
});

describe.runIf(hasSqlite3)('downgrades are refused', () => {
  it('`station-agent run` on a database from a newer agent exits 65, which the unit does not restart, naming both versions and what to do, and leaves the file alone', async () => {
    const dir = tempDir('downgrade-');
    const dataDir = join(dir, 'data');
    const file = loadFixture(RELEASED.at(-1)?.fixture ?? '', dataDir);
    // What a newer agent leaves: a version this one does not know, in WAL mode.
    const db = await Db.open(file);
    await db.exec(`PRAGMA journal_mode = WAL; PRAGMA user_version = ${SCHEMA_VERSION + 1}; PRAGMA wal_checkpoint(TRUNCATE)`);
    await db.close();
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');

    const agent = startAgent(testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port: await freePort() } } }), dir);
    const { code } = await agent.proc.exited;
    // Not 1: systemd would restart it into the same refusal forever (RestartPreventExitStatus).
    expect(code, agent.proc.output).toBe(EXIT.dataError);
    expect(EXIT.dataError).toBe(65);
    const err = agent.proc.stderr;
    expect(err).toContain(`schema version ${SCHEMA_VERSION + 1}, newer than this agent understands (${SCHEMA_VERSION})`);
    expect(err).toContain(file);
    expect(err).toMatch(/What to do: .*Install that version again/);
    // The queue commands refuse too, and nothing was written.
    const jobs = await runCli(['jobs', 'list', '--config', agent.configFile]);
    expect(jobs.code).toBe(65);
    expect(jobs.stderr).toContain(`newer than this agent understands (${SCHEMA_VERSION})`);
    const status = await runCli(['status', '--config', agent.configFile]);
    expect(status.code, status.stderr).toBe(65);
    expect(status.stderr).toContain(`schema version ${SCHEMA_VERSION + 1}; this agent reads ${SCHEMA_VERSION}`);
    const check = await Db.open(file, { readOnly: true });
    expect(await schemaVersion(check)).toBe(SCHEMA_VERSION + 1);
    await check.close();
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
  }, 20_000);
});
