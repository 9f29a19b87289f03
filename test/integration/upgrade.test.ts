import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../agent/errors.js';
import { Db } from '../../agent/store/db.js';
import { MIGRATIONS, SCHEMA_VERSION, schemaVersion } from '../../agent/store/migrations.js';
import { DB_FILE, Store } from '../../agent/store/store.js';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { freePort, peerAvailable } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

/**
 * A database as an earlier agent left it: only the migrations up to `version` applied, exactly
 * as migrate() applies them. Released migrations are never edited, so this is what that agent wrote.
 */
async function databaseAt(version: number, dataDir: string): Promise<Db> {
  mkdirSync(dataDir, { recursive: true });
  const db = await Db.open(join(dataDir, DB_FILE));
  await db.exec('PRAGMA journal_mode = WAL');
  const from = await schemaVersion(db);
  for (const m of MIGRATIONS.filter((x) => x.version > from && x.version <= version)) {
    await db.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.exec(`PRAGMA user_version = ${m.version}`);
    });
  }
  expect(await schemaVersion(db)).toBe(version);
  return db;
}

const STATION = { id: 'up-01', province: '99', regency: '9901' };
const BASE = `ektp/v1/${STATION.province}/${STATION.regency}/${STATION.id}`;
const SEQ = 1_800_000_000_000; // what a v1 agent set from the clock

/** A v1 database with state in every v1 table: the seq counter, kv, an active alert. */
async function v1(dataDir: string): Promise<Db> {
  const db = await databaseAt(1, dataDir);
  await db.run("UPDATE counters SET value = ? WHERE name = 'seq'", [SEQ]);
  await db.run("INSERT INTO kv (key, value, updated_at) VALUES ('agent.state', ?, '2026-01-05T08:00:00.000Z')", [JSON.stringify({ state: 'stopped', pid: 1, version: '0.0.9' })]);
  await db.run("INSERT INTO alerts_active VALUES ('supply.film.low', 'warning', 'film low', '2026-01-05T08:00:00.000Z')");
  return db;
}

/** Three undelivered messages as a v2 agent queued them: health, event, health. */
async function v2Outbox(db: Db): Promise<{ seq: number; kind: string; payload: Record<string, unknown> }[]> {
  const rows = [
    { seq: SEQ + 1, kind: 'health', payload: { schema: 'station.health/1', station: STATION.id, ts: '2026-01-05T08:00:00.000Z', seq: SEQ + 1, marker: 'before-upgrade-1' } },
    { seq: SEQ + 2, kind: 'event', payload: { schema: 'station.event/1', station: STATION.id, ts: '2026-01-05T08:00:01.000Z', seq: SEQ + 2, code: 'supply.film.low', state: 'raised', severity: 'warning', message: 'film low' } },
    { seq: SEQ + 3, kind: 'health', payload: { schema: 'station.health/1', station: STATION.id, ts: '2026-01-05T08:00:10.000Z', seq: SEQ + 3, marker: 'before-upgrade-2' } },
  ];
  const createdAt = Date.now() - 60_000;
  for (const r of rows) {
    const text = JSON.stringify(r.payload);
    await db.run('INSERT INTO outbox (seq, kind, topic, payload, created_at, bytes) VALUES (?, ?, ?, ?, ?, ?)', [r.seq, r.kind, `${BASE}/${r.kind}`, text, createdAt, Buffer.byteLength(text)]);
  }
  await db.run("UPDATE counters SET value = ? WHERE name = 'seq'", [SEQ + 3]);
  return rows;
}

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

  it(`a version 1 database opens at version ${SCHEMA_VERSION}; its state, alerts and seq survive`, async () => {
    const dataDir = join(tempDir('upgrade-v1-'), 'data');
    await (await v1(dataDir)).close();
    const store = await Store.open(dataDir);
    try {
      expect(await schemaVersion(store.db)).toBe(SCHEMA_VERSION);
      expect((await store.getState<{ version: string }>('agent.state'))?.value.version).toBe('0.0.9');
      expect((await store.activeAlerts()).map((a) => a.code)).toEqual(['supply.film.low']);
      // seq goes on from where it was: a new database would restart it at the clock.
      expect(await store.db.transaction((tx) => Store.nextSeq(tx))).toBe(SEQ + 1);
      const tables = (await store.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(['outbox', 'jobs', 'job_events', 'ledger']));
      expect((await store.db.get<{ integrity_check: string }>('PRAGMA integrity_check'))?.integrity_check).toBe('ok');
    } finally {
      await store.close();
    }
  });

  it.runIf(peerAvailable('Mosquitto', 'mosquitto'))(
    'a version 2 database with undelivered telemetry: the upgraded agent replays it in order, then counts on from its seq',
    async () => {
      const dir = tempDir('upgrade-v2-');
      const db = await v1(join(dir, 'data'));
      await db.close();
      // v1 → v2 as the v2 agent did it, then that agent queued three messages it never delivered.
      const db2 = await databaseAt(2, join(dir, 'data'));
      const queued = await v2Outbox(db2);
      await db2.close();

      broker = await startMosquitto();
      watch = await MqttWatch.start(broker.url, `${BASE}/#`);
      agent = startAgent(testConfig(broker.url, { station: STATION, log: { level: 'info' } }), dir);
      await agent.proc.waitForOutput(/station agent running/);
      for (const q of queued) await watch.waitFor(`queued ${q.kind} ${q.seq}`, (m) => m.payload.seq === q.seq);
      const replayed = watch.messages.filter((m) => typeof m.payload.seq === 'number' && m.payload.seq <= SEQ + 3);
      expect(replayed.map((m) => [m.payload.seq, m.kind, m.retain])).toEqual(queued.map((q) => [q.seq, q.kind, false]));
      expect(replayed.map((m) => m.payload.marker ?? m.payload.code)).toEqual(['before-upgrade-1', 'supply.film.low', 'before-upgrade-2']);
      const live = await watch.waitFor('a new health', (m) => m.kind === 'health' && typeof m.payload.seq === 'number' && m.payload.seq > SEQ + 3);
      expect(live.payload.seq).toBeGreaterThan(SEQ + 3);
      agent.proc.child.kill('SIGTERM');
      expect((await agent.proc.exited).code).toBe(0);
      const after = await Db.open(join(dir, 'data', DB_FILE), { readOnly: true });
      expect(await schemaVersion(after)).toBe(SCHEMA_VERSION);
      expect((await after.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE seq <= ?', [SEQ + 3]))?.n).toBe(0);
      await after.close();
    },
    30_000,
  );

  it('a version 3 database with queued and uncertain jobs and a ledger: all survive opening, by the CLI and by the daemon', async () => {
    const dir = tempDir('upgrade-v3-');
    const dataDir = join(dir, 'data');
    const db = await databaseAt(3, dataDir);
    const t = Date.now() - 3_600_000;
    await db.run("UPDATE counters SET value = ? WHERE name = 'seq'", [SEQ]);
    for (const [i, [id, state]] of [
      ['UP-0001', 'queued'],
      ['UP-0002', 'queued'],
      ['UP-0003', 'needs_verification'],
      ['UP-0004', 'printed'],
    ].entries()) {
      await db.run('INSERT INTO jobs (record_id, state, created_at, updated_at, seq) VALUES (?, ?, ?, ?, ?)', [id, state, t, t, i + 1]);
      await db.run('INSERT INTO job_events (record_id, from_state, to_state, at, reason) VALUES (?, NULL, ?, ?, ?)', [id, state, t, 'before the upgrade']);
    }
    await db.run("INSERT INTO ledger (at, kind, qty, batch) VALUES (?, 'receive', 50, 'UP-BATCH')", [t]);
    await db.run("INSERT INTO ledger (at, kind, qty, record_id) VALUES (?, 'print', -1, 'UP-0004')", [t]);
    await db.close();

    const cfg = testConfig('embedded', {
      station: STATION,
      mqtt: { url: 'embedded', embedded: { port: await freePort() } },
      records: { driver: 'sim', sim: { latencyMs: 10 } },
      log: { level: 'info' },
    });
    // The CLI first, as a technician would right after the upgrade, then the daemon.
    const cfgFile = join(dir, 'agent.yaml');
    writeFileSync(cfgFile, stringify(cfg));
    const list = async () =>
      (JSON.parse((await runCli(['jobs', 'list', '--json', '--config', cfgFile])).stdout) as { recordId: string; state: string }[]).map((j) => `${j.recordId}:${j.state}`).sort();
    expect(await list()).toEqual(['UP-0001:queued', 'UP-0002:queued', 'UP-0003:needs_verification', 'UP-0004:printed']);
    const stock = JSON.parse((await runCli(['stock', 'show', '--json', '--config', cfgFile])).stdout) as Record<string, number>;
    expect(stock).toMatchObject({ received: 50, printed: 1, onHand: 49 });

    agent = startAgent(cfg, dir);
    await agent.proc.waitForOutput(/station agent running/);
    // The queued ones print; the uncertain one still waits for a person.
    const settled = async () => (await list()).filter((j) => /UP-000[12]:printed/.test(j)).length === 2;
    const end = Date.now() + 20_000;
    while (!(await settled()) && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
    expect(await list()).toEqual(['UP-0001:printed', 'UP-0002:printed', 'UP-0003:needs_verification', 'UP-0004:printed']);
    const audit = (await runCli(['jobs', 'show', 'UP-0001', '--config', cfgFile])).stdout;
    expect(audit).toMatch(/before the upgrade/);
    agent.proc.child.kill('SIGTERM');
    expect((await agent.proc.exited).code).toBe(0);
  }, 40_000);
});

describe('downgrades are refused', () => {
  it('`station-agent run` on a database from a newer agent exits 65, which the unit does not restart, naming both versions and what to do, and leaves the file alone', async () => {
    const dir = tempDir('downgrade-');
    const dataDir = join(dir, 'data');
    const db = await databaseAt(SCHEMA_VERSION, dataDir);
    await db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    await db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    await db.close();
    const file = join(dataDir, DB_FILE);
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');

    const agent = startAgent(testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port: await freePort() } } }), dir);
    const { code } = await agent.proc.exited;
    // Not 1: systemd would restart it into the same refusal forever (RestartPreventExitStatus).
    expect(code, agent.proc.output).toBe(EXIT.newerData);
    expect(EXIT.newerData).toBe(65);
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
