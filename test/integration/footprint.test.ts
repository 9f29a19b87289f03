import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startAgent, testConfig } from '../support/agent.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort, peerAvailable } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

const RECORDER = join(import.meta.dirname, '../support/loaded-modules.cjs');

/**
 * What the daemon loads is memory it holds for months (npm run bench:footprint measures it):
 * each of these was loaded once by an idle station that never used it.
 */
const NEVER_BUILTINS = [
  // mqtt.connect's transports (WebSocket, SOCKS), TLS for a plain mqtt:// broker.
  'tls',
  'https',
  'zlib',
  'http2',
  // An ES module linked: the bundle is CommonJS, and nothing `run` needs is an ES module.
  'internal/modules/esm/module_job',
];
const NEVER_PACKAGES = [
  'aedes', // only for mqtt.url: embedded
  'ajv', // the dashboard's validation
  'prom-client', // the dashboard's metrics
  '@napi-rs/canvas', // the card renderer, loaded with the first card
  'systeminformation', // diagnose only
  'node-hid', // the HID UPS driver only
  'ipp', // the IPP printer driver only
  'net-snmp', // printer.snmp only
  'pino-pretty', // a terminal only
  'pino-roll', // log.file only
  'playwright-core', // tests only
];

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))('an idle agent loads only what it uses', () => {
  let mosq: Mosquitto;
  beforeAll(async () => {
    mosq = await startMosquitto();
  });
  afterAll(async () => {
    await mosq?.stop();
  });

  it('sim hardware, a plain MQTT broker and the station page: none of the transports, drivers or tools it does not use', async () => {
    const dir = tempDir('footprint-');
    const record = join(dir, 'loaded.json');
    const agent = startAgent(testConfig(mosq.url, { operator: { listen: `127.0.0.1:${await freePort()}` } }), dir, {
      nodeArgs: ['-r', RECORDER],
      env: { LOADED_MODULES_FILE: record },
    });
    try {
      await agent.proc.waitForOutput(/connected to the MQTT broker/);
      await agent.proc.waitForOutput(/station page ready/);
      // Some polls and a health message or two (poll 0.5 s, health 2 s).
      await new Promise((r) => setTimeout(r, 3000));
    } finally {
      await agent.proc.stop();
    }
    const loaded = JSON.parse(readFileSync(record, 'utf8')) as { builtins: string[]; files: string[] };
    // The recorder saw the run: the sockets, the page's HTTP server, the database.
    expect(loaded.builtins).toEqual(expect.arrayContaining(['net', 'http']));
    expect(loaded.files.some((f) => f.includes('/node_modules/sqlite3/'))).toBe(true);

    expect(NEVER_BUILTINS.filter((m) => loaded.builtins.includes(m))).toEqual([]);
    const packages = NEVER_PACKAGES.filter((p) => loaded.files.some((f) => f.includes(`/node_modules/${p}/`)));
    expect(packages).toEqual([]);
  });

  it('every file of the bundle runs in strict mode, as the ES modules it is built from did', () => {
    const dir = join(CLI, '..');
    const files = [CLI, ...readdirSync(join(dir, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => join(dir, 'chunks', f))];
    const sloppy = files.filter((f) => !/^(#!.*\n)?"use strict";/.test(readFileSync(f, 'utf8')));
    expect(files.length).toBeGreaterThan(10);
    expect(sloppy).toEqual([]);
  });

  it("the bundle holds none of mqtt.js's transports: its connect() is left out, the client is ours to connect", () => {
    const dir = join(CLI, '..');
    const maps = [`${CLI}.map`, ...readdirSync(join(dir, 'chunks')).filter((f) => f.endsWith('.js.map')).map((f) => join(dir, 'chunks', f))];
    const sources = maps.flatMap((m) => (JSON.parse(readFileSync(m, 'utf8')) as { sources: string[] }).sources);
    // The client is in: the check below would pass on an empty bundle otherwise.
    expect(sources.some((f) => f.endsWith('node_modules/mqtt/build/lib/client.js'))).toBe(true);
    expect(sources.filter((f) => /node_modules\/(ws|socks|ip-address|smart-buffer)\/|node_modules\/mqtt\/build\/lib\/connect\/(?!index\.js)/.test(f))).toEqual([]);
  });
});
