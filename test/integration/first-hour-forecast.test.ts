/**
 * A forecast from the first hour, with real agents (the built CLI) on a real Mosquitto under the
 * per-station ACL the README documents: each station writes its own subtree and reads its own
 * commands and its regency's `status` and `health`. In office 5371-DINAS, 5371-01 has a
 * history (its forecast's learning seeded: 120 cards a day); 5371-02 is new and
 * borrows its office's rate at once. 5371-K1, the only printer of another office in the same
 * regency, has nobody to borrow from: the first estimate, 150. 5371-03, new in 5371-DINAS but
 * whose broker user lacks the two read lines (the ACL before this), hears nothing: Mosquitto
 * grants the subscription and filters what it delivers, so it too falls back to 150.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyForecastState } from '../../agent/station/forecast.js';
import { FORECAST_KEY } from '../../agent/station/station.js';
import { Store } from '../../agent/store/store.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { peerAvailable } from '../support/peers.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { tempDir } from '../support/sim.js';

const DAY = 86_400_000;
const REGENCY = 'ektp/v1/53/5371';
const validators = schemaValidators();

interface Pc {
  id: string;
  dir: string;
  agent: AgentUnderTest;
}

/** The documented ACL; `withoutOffice` lists users given only the lines from before this. */
function aclFile(dir: string, users: string[], withoutOffice: string[]): string {
  const file = join(dir, 'acl');
  const lines = users.flatMap((id) => [
    `user station-${id}`,
    `topic write ${REGENCY}/${id}/#`,
    `topic read ${REGENCY}/${id}/cmd/+`,
    ...(withoutOffice.includes(id) ? [] : [`topic read ${REGENCY}/+/status`, `topic read ${REGENCY}/+/health`]),
    '',
  ]);
  writeFileSync(file, [...lines, 'user dashboard', 'topic read ektp/v1/#', ''].join('\n'));
  return file;
}

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))('a forecast from the first hour', () => {
  const ids = ['5371-01', '5371-02', '5371-K1', '5371-03'];
  const pcs = new Map<string, Pc>();
  let mosq: Mosquitto;
  let watch: MqttWatch;
  let url: string;

  beforeAll(async () => {
    const dir = tempDir('first-hour-');
    const passwd = join(dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-c', '-b', passwd, 'dashboard', 'dashboard-secret-1']);
    for (const id of ids) execFileSync('mosquitto_passwd', ['-b', passwd, `station-${id}`, `secret-${id}`]);
    mosq = await startMosquitto([`password_file ${passwd}`, `acl_file ${aclFile(dir, ids, ['5371-03'])}`], { anonymous: false });
    url = mosq.url;
    watch = await MqttWatch.start(url, `${REGENCY}/+/health`, { username: 'dashboard', password: 'dashboard-secret-1' });
  }, 30_000);

  afterAll(async () => {
    for (const pc of pcs.values()) await pc.agent.proc.stop();
    await watch?.stop();
    await mosq?.stop();
  });

  const start = async (id: string, o: { office?: string; seed?: (dataDir: string) => Promise<void> } = {}): Promise<Pc> => {
    const dir = tempDir(`first-hour-${id}-`);
    writeFileSync(join(dir, 'mqtt.pass'), `secret-${id}\n`);
    await o.seed?.(join(dir, 'data'));
    const config = testConfig(url, {
      station: { id, province: '53', regency: '5371', name: `Dukcapil ${id}`, ...(o.office ? { office: { id: o.office } } : {}) },
      mqtt: { url, username: `station-${id}`, passwordFile: 'mqtt.pass' },
      log: { level: 'info' },
    });
    const pc = { id, dir, agent: startAgent(config, dir) };
    pcs.set(id, pc);
    return pc;
  };
  const healthOf = (id: string, what: string, pred: (h: HealthPayload) => boolean, timeoutMs = 30_000) =>
    watch.waitFor(`${id}: ${what}`, (m) => m.topic === `${REGENCY}/${id}/health` && pred(m.payload as unknown as HealthPayload), timeoutMs);
  const cli = (pc: Pc, args: string[]) => runCli([...args, '--config', pc.agent.configFile], { cwd: pc.dir });

  it('the new printer of an office borrows the office rate at once; a lone one, or one the broker will not let listen, starts from 150', async () => {
    // 5371-01's history: the forecast's learning as its store keeps it, 120 cards on each of the two whole days before today.
    const today = Math.floor(Date.now() / DAY);
    const a = await start('5371-01', {
      seed: async (dataDir) => {
        const store = await Store.open(dataDir);
        await store.setState(FORECAST_KEY, { ...emptyForecastState(), since: (today - 2) * DAY, lastCards: 0, days: [[today - 2, 120], [today - 1, 120]] });
        await store.close();
      },
    });
    const own = await healthOf('5371-01', 'its own rate', (h) => h.stock.rateSource === 'own');
    expect(own.payload.stock).toMatchObject({ cardsPerDay: 120, rateSource: 'own' });

    const startedAt = Date.now();
    const b = await start('5371-02');
    const k1 = await start('5371-K1', { office: '5371-KEC-ALAK' });
    const deaf = await start('5371-03');
    for (const pc of [b, k1, deaf]) await pc.agent.proc.waitForOutput(/station agent running/, 20_000);
    expect((await cli(b, ['stock', 'receive', '600', '--batch', 'SYN-BAST-1'])).code).toBe(0);

    const borrowed = (await healthOf('5371-02', 'the office rate with days left', (h) => h.stock.rateSource === 'office' && h.stock.daysLeft !== null)).payload as unknown as HealthPayload;
    expect(Date.now() - startedAt).toBeLessThan(120_000);
    expect(payloadErrors(validators, borrowed)).toEqual([]);
    expect(borrowed.stock).toMatchObject({ cardsPerDay: 120, rateSource: 'office', blanksOnHand: 600, daysLeft: 5 });
    const ribbon = borrowed.printer.supplies.find((s) => s.kind === 'ribbon');
    expect(ribbon?.daysLeft).not.toBeNull();
    expect(ribbon?.rateSource).toBe('office');

    for (const pc of [k1, deaf]) {
      const h = (await healthOf(pc.id, 'the first estimate', (x) => x.stock.rateSource !== null && x.stock.rateSource !== undefined)).payload as unknown as HealthPayload;
      expect(h.stock, pc.id).toMatchObject({ cardsPerDay: 150, rateSource: 'expected' });
      expect(h.printer.supplies.find((s) => s.kind === 'ribbon')?.rateSource, pc.id).toBe('expected');
    }
    // Still so after several health periods: the others' retained health reached 5371-03 never, 5371-K1 only as another office's.
    const later = watch.messages.length;
    for (const id of ['5371-K1', '5371-03']) {
      const h = await watch.waitFor(`${id} later`, (m) => m.topic === `${REGENCY}/${id}/health`, 15_000, later);
      expect((h.payload as unknown as HealthPayload).stock.rateSource, id).toBe('expected');
    }

    // What the clerk reads: status, in Indonesian and in English.
    await expect.poll(async () => (await cli(b, ['status', '--lang', 'id'])).stdout, { timeout: 15_000 }).toMatch(/memakai perkiraan dari printer lain di kantor \(120 kartu per hari;/);
    expect((await cli(b, ['status', '--lang', 'en'])).stdout).toMatch(/use the estimate from the office's other printers \(120 cards a day;/);
    expect((await cli(k1, ['status', '--lang', 'id'])).stdout).toMatch(/perkiraan awal: 150 kartu per hari/);
    expect((await cli(k1, ['status', '--lang', 'en'])).stdout).toMatch(/first estimate: 150 cards a day/);
    expect((await cli(a, ['status', '--lang', 'id'])).stdout).not.toMatch(/perkiraan/);
  }, 180_000);
});

