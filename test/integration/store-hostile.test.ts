import { mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeqGuard } from '../../agent/store/seq-guard.js';
import { Store } from '../../agent/store/store.js';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { MqttWatch, type Seen } from '../support/mqtt-watch.js';
import { canMountTmpfs, freePort, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

const health = (m: Seen) => m.payload as { store: { durable: boolean; error: string | null }; alerts: string[]; jobs: { held: string | null } };

describe('the database taken away, damaged or planted', () => {
  let agent: AgentUnderTest | undefined;
  let watch: MqttWatch | undefined;
  afterEach(async () => {
    await watch?.stop();
    await agent?.proc.stop();
    agent = watch = undefined;
  });

  async function start(dir: string, port: number, records: Record<string, unknown> = { latencyMs: 10 }) {
    const config = testConfig('embedded', {
      mqtt: { url: 'embedded', embedded: { port } },
      printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 0.2, outputDir: 'out' } },
      records: { driver: 'sim', sim: records },
      intervals: { pollSeconds: 0.3, healthSeconds: 1 },
      log: { level: 'info' },
    });
    agent = startAgent(config, dir);
    await agent.proc.waitForOutput(/station agent running/);
    watch = await MqttWatch.start(`mqtt://127.0.0.1:${port}`, 'ektp/#');
    return join(dir, 'agent.yaml');
  }
  const printedFiles = (dir: string) => {
    try {
      return readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.pdf'));
    } catch {
      return [];
    }
  };

  it('deleted while running: store.error and printing held at once; the CLI will not make a new one; a restart stands in and holds; store init --fresh starts over', async () => {
    const dir = tempDir('store-deleted-');
    const port = await freePort();
    let cfg = await start(dir, port, { latencyMs: 1500 });
    expect((await runCli(['jobs', 'add', 'DEL-0001', '--config', cfg])).code).toBe(0);
    await waitUntil('DEL-0001 printed', () => printedFiles(dir).some((f) => f.startsWith('DEL-0001--')), 15_000, 100);
    // Queued while the record server is slow, then the file vanishes under the agent.
    expect((await runCli(['jobs', 'add', 'DEL-0002', 'DEL-0003', '--config', cfg])).code).toBe(0);
    const from = watch?.messages.length ?? 0;
    for (const f of ['station.db', 'station.db-wal', 'station.db-shm']) rmSync(join(dir, 'data', f), { force: true });
    const lost = await watch!.waitFor('health after the loss', (m) => m.kind === 'health' && !health(m).store.durable && health(m).alerts.includes('store.error'), 10_000, from);
    expect(health(lost).store.error).toMatch(/was deleted while the agent ran/);
    await watch!.waitFor('store.error raised', (m) => m.kind === 'event' && m.payload.code === 'store.error' && m.payload.state === 'raised', 10_000, from);
    await new Promise((r) => setTimeout(r, 3000));
    expect(printedFiles(dir).filter((f) => !f.startsWith('DEL-0001--'))).toEqual([]);
    // The CLI refuses to make an empty database where one was kept: DEL-0001 would print again.
    const again = await runCli(['jobs', 'add', 'DEL-0001', '--config', cfg]);
    expect(again.code).toBe(65);
    expect(again.stderr).toMatch(/is missing, but this station has kept one before[\s\S]*store init --fresh/);
    agent!.proc.child.kill('SIGTERM');
    expect((await agent!.proc.exited).code).toBe(0);
    await watch!.stop();

    // Restarted: no database made; an in-memory stand-in, store.error, printing held.
    cfg = await start(dir, port);
    const stood = await watch!.waitFor('health on the stand-in', (m) => m.kind === 'health' && !health(m).store.durable, 10_000);
    expect(health(stood).alerts).toContain('store.error');
    expect(health(stood).store.error).toMatch(/missing/);
    expect(statSync(join(dir, 'data')).isDirectory()).toBe(true);
    expect(readdirSync(join(dir, 'data'))).not.toContain('station.db');
    agent!.proc.child.kill('SIGTERM');
    await agent!.proc.exited;
    await watch!.stop();
    watch = undefined;

    expect((await runCli(['store', 'init', '--config', cfg])).code).toBe(64);
    const fresh = await runCli(['store', 'init', '--fresh', '--config', cfg]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toMatch(/a fresh start\. Forgotten: which records were printed/);
    expect((await runCli(['store', 'init', '--fresh', '--config', cfg])).code).toBe(1);

    // Afresh, the database no longer knows DEL-0001 was printed; the printer's history does.
    cfg = await start(dir, port);
    expect((await runCli(['jobs', 'add', 'DEL-0001', '--config', cfg])).code).toBe(0);
    const list = async () => Object.fromEntries((JSON.parse((await runCli(['jobs', 'list', '--json', '--config', cfg])).stdout) as { recordId: string; state: string }[]).map((j) => [j.recordId, j.state]));
    await waitUntil('DEL-0001 settled', async () => (await list())['DEL-0001'] === 'needs_verification', 15_000, 200);
    expect(printedFiles(dir).filter((f) => f.startsWith('DEL-0001--'))).toHaveLength(1);
    expect((await runCli(['jobs', 'show', 'DEL-0001', '--config', cfg])).stdout).toMatch(/the printer's history shows a card for this record/);
  }, 90_000);

  it('damaged at start: the stand-in, store.error published, printing held, and no crash loop', async () => {
    const dir = tempDir('store-damaged-');
    const port = await freePort();
    const cfg = await start(dir, port);
    expect((await runCli(['jobs', 'add', 'DMG-0001', '--config', cfg])).code).toBe(0);
    await waitUntil('DMG-0001 printed', () => printedFiles(dir).length === 1, 15_000, 100);
    agent!.proc.child.kill('SIGTERM');
    await agent!.proc.exited;
    await watch!.stop();
    // Garbage over every page but the first: the file opens, and fails when read.
    const file = join(dir, 'data', 'station.db');
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(size - 4096, 0xa5), 0, size - 4096, 4096);
    closeSync(fd);
    await start(dir, port);
    const h = await watch!.waitFor('health on the stand-in', (m) => m.kind === 'health' && !health(m).store.durable, 10_000);
    expect(health(h).alerts).toContain('store.error');
    expect(health(h).store.error).toMatch(/damaged|not a database|malformed/i);
    await new Promise((r) => setTimeout(r, 2000));
    expect(agent!.proc.child.exitCode).toBeNull();
    // The technician is told the way back, and what each way loses.
    const d = await runCli(['diagnose', '--json', '--config', cfg]);
    const store = (JSON.parse(d.stdout) as { checks: { id: string; status: string; hint: string | null }[] }).checks.find((c) => c.id === 'store');
    expect(store).toMatchObject({ status: 'fail', hint: expect.stringMatching(/restore it from a backup.*store init --fresh, which forgets which records were printed/) as string });
  }, 60_000);

  it.skipIf(!canMountTmpfs())('full at start: the stand-in, store.error naming the full disk, printing held, and no crash loop', async () => {
    const dir = tempDir('store-full-');
    const data = join(dir, 'data');
    mkdirSync(data);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', data]).status).toBe(0);
    try {
      const port = await freePort();
      const cfg = await start(dir, port);
      expect((await runCli(['jobs', 'add', 'FULL-0001', '--config', cfg])).code).toBe(0);
      await waitUntil('FULL-0001 printed', () => printedFiles(dir).length === 1, 15_000, 100);
      agent!.proc.child.kill('SIGTERM');
      await agent!.proc.exited;
      await watch!.stop();
      // Fill what is left of the disk.
      const fd = openSync(join(data, 'filler'), 'w');
      try {
        for (;;) writeSync(fd, Buffer.alloc(65_536));
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(fd);
      }
      await start(dir, port);
      const h = await watch!.waitFor('health on the stand-in', (m) => m.kind === 'health' && !health(m).store.durable, 10_000);
      expect(health(h).alerts).toContain('store.error');
      expect(health(h).store.error).toMatch(/full/i);
      await new Promise((r) => setTimeout(r, 2000));
      expect(agent!.proc.child.exitCode).toBeNull();
    } finally {
      await watch?.stop();
      await agent?.proc.stop();
      agent = watch = undefined;
      spawnSync('umount', [data]);
    }
  }, 60_000);

  it('a symbolic link planted as seq.hwm or station.db is not followed: its target is not written', async () => {
    const dir = tempDir('store-link-');
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'seq.hwm'));
    const guard = SeqGuard.open(dir);
    guard.write(123_456_789);
    guard.close();
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    const other = tempDir('store-link2-');
    symlinkSync(victim, join(other, 'station.db'));
    await expect(Store.open(other)).rejects.toMatchObject({ code: 'store-open', message: expect.stringMatching(/symbolic link/) as string });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });
});
