/**
 * The nation's view through the brokers provinces run: two provinces' Mosquitto, each with the
 * bridge block shipped in deploy/mosquitto/bridge.conf, forward to a national Mosquitto run with
 * deploy/mosquitto/national.conf and national.acl, over TLS with each bridge's own login. Ten
 * real agents (five a province) publish to their province's broker while the national broker is
 * down for a minute (and province 53's broker restarts meanwhile); the national dashboard's
 * persistent session then has every message of every station, with no gap and in order, and a
 * province cannot publish under another province's topics.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { MOSQUITTO_DEPLOY, renderDeployed, startDeployedBroker, type DeployedBroker } from '../support/mosquitto-deploy.js';
import { MqttWatch, type Seen } from '../support/mqtt-watch.js';
import { freePort, peerAvailable, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';
import { makeTestPki, type TestPki } from '../support/tls.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OUTAGE_MS = 60_000;
const STATIONS_PER_PROVINCE = 5;
/** Mosquitto's own max_queued_messages: each province queues more than this during the outage. */
const MOSQUITTO_DEFAULT_QUEUE = 1000;
const READER = { username: 'national-dashboard', password: 'national-reader-secret' };
const bridgePassword = (code: string) => `bridge-${code}-secret`;

interface Province {
  code: string;
  regency: string;
  port: number;
  broker: DeployedBroker;
  lines: string[];
  watch?: MqttWatch;
}

function nationalLines(port: number, pki: TestPki, passwd: string): string[] {
  return renderDeployed('national.conf', {
    'listener 8883': `listener ${port} 127.0.0.1`,
    '/etc/mosquitto/certs/national-broker.crt': pki.serverCert,
    '/etc/mosquitto/certs/national-broker.key': pki.serverKey,
    '/etc/mosquitto/national.passwd': passwd,
    // The shipped ACL as it is: it names provinces 53 and 61.
    '/etc/mosquitto/national.acl': join(MOSQUITTO_DEPLOY, 'national.acl'),
  });
}

function provinceLines(code: string, port: number, nationalPort: number, ca: string, password = bridgePassword(code)): string[] {
  return [
    `listener ${port} 127.0.0.1`,
    // The stations' own logins and ACL on this side are secure-broker.test.ts's subject.
    'allow_anonymous true',
    ...renderDeployed('bridge.conf', {
      'bridge-53': `bridge-${code}`,
      'national-53': `national-${code}`,
      // localhost: the name the test certificate carries, checked as the national host's would be.
      'mqtt-nasional.example.go.id:8883': `localhost:${nationalPort}`,
      'REPLACE-WITH-THE-BRIDGE-PASSWORD': password,
      '/etc/mosquitto/certs/national-ca.crt': ca,
      // A second between attempts instead of up to a minute, so the test does not wait on backoff.
      'restart_timeout 5 60': 'restart_timeout 1 2',
    }),
  ];
}

function passwordFile(): string {
  const file = join(tempDir('national-passwd-'), 'passwd');
  execFileSync('mosquitto_passwd', ['-c', '-b', file, READER.username, READER.password]);
  for (const code of ['53', '61']) execFileSync('mosquitto_passwd', ['-b', file, `bridge-${code}`, bridgePassword(code)]);
  return file;
}

const stationOf = (m: Seen) => m.topic.split('/')[4] ?? '';
const hasSeq = (m: Seen) => typeof m.payload.seq === 'number';

/** Per station, the seqs in the order first seen (QoS 1 repeats taken out), of the messages `pick` keeps. */
function firstSeen(ms: Seen[], pick: (m: Seen) => boolean = () => true): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const seen = new Set<string>();
  for (const m of ms.filter((x) => hasSeq(x) && pick(x))) {
    const key = `${stationOf(m)} ${String(m.payload.seq)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.set(stationOf(m), [...(out.get(stationOf(m)) ?? []), Number(m.payload.seq)]);
  }
  return out;
}

const unordered = (xs: number[]) => xs.filter((x, i) => i > 0 && x <= (xs[i - 1] ?? 0));

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto') || !peerAvailable('openssl', 'openssl'))('provinces bridged to the national broker (deploy/mosquitto)', () => {
  it('a minute without the national broker loses and reorders nothing; a province cannot publish as another', { timeout: 180_000 }, async () => {
    const pki = makeTestPki();
    const ca = readFileSync(pki.ca);
    const nationalPort = await freePort();
    const natLines = nationalLines(nationalPort, pki, passwordFile());
    let national = await startDeployedBroker(nationalPort, natLines);
    const nationalDir = national.dir;
    const provinces: Province[] = [];
    const agents: AgentUnderTest[] = [];
    let reader: MqttWatch | undefined;
    try {
      // The national dashboard: a persistent session (MQTT 5 needs an expiry for it), QoS 1, and
      // retain as published, so live health (retained) and replayed history can be told apart.
      reader = await MqttWatch.start(
        `mqtts://localhost:${nationalPort}`,
        'ektp/#',
        { ...READER, ca, protocolVersion: 5, clean: false, clientId: 'national-dashboard-it', properties: { sessionExpiryInterval: 3600 } },
        { rap: true },
      );
      for (const [code, regency] of [['53', '5371'], ['61', '6171']] as const) {
        const port = await freePort();
        const lines = provinceLines(code, port, nationalPort, pki.ca);
        const broker = await startDeployedBroker(port, lines);
        const province: Province = { code, regency, port, broker, lines };
        provinces.push(province);
        // What entered the province's broker: the truth the national side is held to.
        province.watch = await MqttWatch.start(`mqtt://127.0.0.1:${port}`, 'ektp/#', { protocolVersion: 5, clean: false, clientId: `province-${code}-it`, properties: { sessionExpiryInterval: 3600 } }, { rap: true });
      }
      for (const p of provinces) await national.proc.waitForOutput(new RegExp(`New bridge connected from .* as bridge-${p.code} \\(.*u'bridge-${p.code}'\\)`), 10_000);

      for (const p of provinces) {
        for (let i = 1; i <= STATIONS_PER_PROVINCE; i++) {
          const url = `mqtt://127.0.0.1:${p.port}`;
          const station = { id: `${p.regency}-0${i}`, province: p.code, regency: p.regency, name: `Station ${p.regency}-0${i}` };
          // Health about 4 times a second: each province queues well over Mosquitto's default 1,000 in the minute.
          agents.push(startAgent(testConfig(url, { station, intervals: { pollSeconds: 0.15, healthSeconds: 0.15 }, mqtt: { url, reconnect: { initialSeconds: 0.2, maxSeconds: 1 } }, log: { level: 'info' } })));
        }
      }
      const national10 = () => new Set(reader?.messages.filter(hasSeq).map(stationOf)).size === 2 * STATIONS_PER_PROVINCE;
      await waitUntil('a message of every station at the national broker', national10, 60_000);

      const stoppedAt = Date.now();
      await national.stop();
      await sleep(OUTAGE_MS / 2);
      // The province's broker restarts while the link is down: its queue for the nation is on disk.
      const p53 = provinces[0]!;
      await p53.broker.stop();
      p53.broker = await startDeployedBroker(p53.port, p53.lines, p53.broker.dir);
      await sleep(stoppedAt + OUTAGE_MS - Date.now());
      national = await startDeployedBroker(nationalPort, natLines, nationalDir);
      const restartedAt = Date.now();
      for (const p of provinces) await national.proc.waitForOutput(new RegExp(`as bridge-${p.code} `), 15_000);

      // Every station's messages up to the last one its province's broker had taken by now.
      const provinceSeen = new Map<string, number[]>();
      for (const p of provinces) for (const [s, seqs] of firstSeen(p.watch!.messages)) provinceSeen.set(s, seqs);
      const target = new Map([...provinceSeen].map(([s, seqs]) => [s, Math.max(...seqs)]));
      const missing = () => {
        const got = firstSeen(reader!.messages);
        return [...target].flatMap(([s, last]) => {
          const have = new Set(got.get(s) ?? []);
          const first = Math.min(...(provinceSeen.get(s) ?? []));
          return Array.from({ length: last - first + 1 }, (_, i) => first + i).filter((q) => !have.has(q)).map((q) => `${s}:${q}`);
        });
      };
      await waitUntil('every station up to its last seq at the national broker', () => missing().length === 0, 40_000).catch((err: Error) => {
        const perStation = new Map<string, number>();
        for (const m of missing()) perStation.set(m.split(':')[0]!, (perStation.get(m.split(':')[0]!) ?? 0) + 1);
        const dropped = provinces.flatMap((p) => p.broker.proc.output.split('\n').filter((l) => /dropped/i.test(l)));
        throw new Error(`${err.message}; missing per station ${JSON.stringify([...perStation])}, e.g. ${missing().slice(0, 5).join(' ')}\n${dropped.join('\n')}`);
      });

      const all = firstSeen(reader.messages);
      expect([...all.keys()].sort()).toEqual([...target.keys()].sort());
      for (const [station, seqs] of all) {
        const first = seqs[0]!;
        // The national side's first message is the station's first: nothing was lost before the bridge came up.
        expect(first, station).toBe(Math.min(...(provinceSeen.get(station) ?? [])));
        const last = target.get(station)!;
        const upTo = seqs.filter((q) => q <= last).sort((a, b) => a - b);
        expect(upTo, `${station}: every seq from ${first} to ${last}`).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
      }
      // Province 61's stations never lost their broker: each station's messages came in seq order.
      for (const [station, seqs] of all) if (station.startsWith('6171')) expect(unordered(seqs), station).toEqual([]);
      // Province 53's stations replayed their history after their broker's restart; each stream
      // a reader can tell apart (events and accounts; replayed health; live health) is in order.
      const streams: [string, (m: Seen) => boolean][] = [
        ['events and accounts', (m) => m.kind !== 'health'],
        ['replayed health', (m) => m.kind === 'health' && !m.retain],
        ['live health', (m) => m.kind === 'health' && m.retain],
      ];
      for (const [name, pick] of streams) for (const [station, seqs] of firstSeen(reader.messages, pick)) expect(unordered(seqs), `${station} ${name}`).toEqual([]);

      // Each province's queue outgrew Mosquitto's default during the outage: the shipped limit is what kept it.
      for (const p of provinces) {
        const queued = new Set(p.watch!.messages.filter((m) => hasSeq(m) && m.at > stoppedAt && m.at < restartedAt).map((m) => `${stationOf(m)} ${String(m.payload.seq)}`)).size;
        console.log(`province ${p.code}: ${queued} messages queued for the national broker during the outage`);
        expect(queued).toBeGreaterThan(MOSQUITTO_DEFAULT_QUEUE);
      }

      // A client of province 53 publishing under province 61's topics: the national ACL refuses
      // the bridge's publish; its own province's publish, sent after it on the same link, arrives.
      const probe = await mqtt.connectAsync(`mqtt://127.0.0.1:${p53.port}`, { clientId: 'acl-probe' });
      try {
        await probe.publishAsync('ektp/v1/61/6171/6171-99/event', '{"probe":"foreign"}', { qos: 1 });
        await probe.publishAsync('ektp/v1/53/5371/5371-99/event', '{"probe":"own"}', { qos: 1 });
      } finally {
        await probe.endAsync();
      }
      await reader.waitFor('province 53 publishing under its own topics', (m) => m.topic === 'ektp/v1/53/5371/5371-99/event');
      // The bridge keeps order: had the foreign one passed, it would have arrived first.
      expect(reader.messages.filter((m) => m.topic.includes('6171-99'))).toEqual([]);
      expect(national.proc.output).toMatch(/Denied PUBLISH from bridge-53 \(.*'ektp\/v1\/61\/6171\/6171-99\/event'/);

      // Nothing flows back down. The bridges asked the national broker for nothing (a bridge with
      // an "in" or "both" topic subscribes as it connects, before it forwards anything)...
      expect(national.proc.output).not.toMatch(/Received SUBSCRIBE from bridge-/);
      // ...and a message on the national broker under province 53's own
      // topics (published with the bridge's login, which may write there) never reaches it.
      const down = await mqtt.connectAsync(`mqtts://localhost:${nationalPort}`, { username: 'bridge-53', password: bridgePassword('53'), ca, clientId: 'ministry-probe' });
      try {
        await down.publishAsync('ektp/v1/53/5371/5371-01/cmd/snapshot', '{"id":"from-the-nation"}', { qos: 1 });
      } finally {
        await down.endAsync();
      }
      await reader.waitFor('the message on the national broker', (m) => m.topic === 'ektp/v1/53/5371/5371-01/cmd/snapshot');
      await sleep(1500);
      expect(p53.watch!.messages.filter((m) => m.topic.includes('/cmd/'))).toEqual([]);

      const dupes = reader.messages.filter(hasSeq).length - [...all.values()].reduce((n, s) => n + s.length, 0);
      console.log(`national broker: ${[...all.values()].reduce((n, s) => n + s.length, 0)} messages from ${all.size} stations, ${dupes} repeats`);
    } finally {
      await Promise.all(agents.map((a) => a.proc.stop()));
      await reader?.stop();
      for (const p of provinces) {
        await p.watch?.stop();
        await p.broker.stop();
      }
      await national.stop();
    }
  });
});
