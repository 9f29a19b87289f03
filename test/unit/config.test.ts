import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStationFile, stationFileSchema } from '../../agent/cli/station-file.js';
import { configSchema } from '../../agent/config/schema.js';
import { PRINTER_DRIVERS, printerSchema } from '../../hal/printer/index.js';
import { RECORD_DRIVERS } from '../../hal/records/index.js';
import { UPS_DRIVERS } from '../../hal/ups/index.js';
import { loadConfig } from '../../agent/config/load.js';
import { readMqttSecrets } from '../../platform/mqtt-secrets.js';
import { ConfigError, EXIT } from '../../core/errors.js';
import { tempDir } from '../support/sim.js';

const VALID_YAML = `
station: { id: "5371-01", province: "53", regency: "5371", name: "Station one" }
dataDir: ./state
mqtt:
  url: mqtt://broker.example:1883
  username: station-5371-01
  passwordFile: secrets/mqtt.pass
  topicPrefix: ektp/v1
printer: { driver: sim, sim: { stateFile: printer.json } }
ups: { driver: none }
intervals: { pollSeconds: 2, healthSeconds: 10 }
`;

function write(name: string, text: string): string {
  const dir = tempDir('config-');
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('without a file, the demo applies: simulated printer and UPS, embedded broker on 127.0.0.1:1883, ./data', () => {
    const c = loadConfig();
    expect(c.printer.driver).toBe('sim');
    expect(c.ups.driver).toBe('sim');
    expect(c.mqtt.url).toBe('embedded');
    expect(c.mqtt.embedded).toEqual({ host: '127.0.0.1', port: 1883 });
    expect(c.dataDir).toBe(join(process.cwd(), 'data'));
    expect(c.intervals).toEqual({ pollSeconds: 2, healthSeconds: 10 });
  });

  it('every key that names a file, the agent\'s and each driver\'s own, is taken from the file\'s folder', () => {
    const withFiles = `${VALID_YAML}`
      .replace('passwordFile: secrets/mqtt.pass', 'passwordFile: m/pass\n  ca: m/ca.crt\n  cert: m/c.crt\n  key: m/c.key')
      .replace('{ stateFile: printer.json }', '{ stateFile: p/state.json, outputDir: p/out }')
      .replace('ups: { driver: none }', 'ups: { driver: sim, sim: { stateFile: u/ups.json } }\nlog: { file: { path: l/agent.log } }\nrecords: { driver: http, http: { url: "http://records.example", tokenFile: r/token } }');
    const file = write('agent.yaml', withFiles);
    const dir = join(file, '..');
    const c = loadConfig(file);
    expect([c.dataDir, c.mqtt.passwordFile, c.mqtt.ca, c.mqtt.cert, c.mqtt.key, c.log.file?.path]).toEqual(
      ['state', 'm/pass', 'm/ca.crt', 'm/c.crt', 'm/c.key', 'l/agent.log'].map((p) => join(dir, p)),
    );
    expect(c.printer.driver === 'sim' && [c.printer.sim.stateFile, c.printer.sim.outputDir]).toEqual([join(dir, 'p/state.json'), join(dir, 'p/out')]);
    expect(c.ups.driver === 'sim' && c.ups.sim.stateFile).toBe(join(dir, 'u/ups.json'));
    expect(c.records?.driver === 'http' && c.records.http.tokenFile).toBe(join(dir, 'r/token'));
    // A URL is not a file: left as given.
    expect(c.records?.driver === 'http' && c.records.http.url).toBe('http://records.example');

    const nut = loadConfig(write('nut.yaml', VALID_YAML.replace('ups: { driver: none }', 'ups: { driver: nut, username: u, passwordFile: n/pass, tls: { ca: /etc/nut/ca.crt } }')));
    expect(nut.ups.driver === 'nut' && [nut.ups.passwordFile, nut.ups.tls?.ca]).toEqual([join(nut.dataDir, '..', 'n/pass'), '/etc/nut/ca.crt']);
  });

  it('loads YAML, fills defaults and resolves relative paths against the file’s folder', () => {
    const file = write('agent.yaml', VALID_YAML);
    const dir = join(file, '..');
    const c = loadConfig(file);
    expect(c.station.id).toBe('5371-01');
    expect(c.dataDir).toBe(join(dir, 'state'));
    expect(c.mqtt.passwordFile).toBe(join(dir, 'secrets/mqtt.pass'));
    expect(c.printer.driver === 'sim' && c.printer.sim.stateFile).toBe(join(dir, 'printer.json'));
    expect(c.printer.driver === 'sim' && c.printer.sim.secondsPerCard).toBe(20);
    expect(c.alerts.supplyLowPercent).toBe(10);
  });

  it('takes a numeric province or regency (unquoted in YAML) as its text', () => {
    const c = loadConfig(write('n.yaml', VALID_YAML.replace('province: "53", regency: "5371"', 'province: 53, regency: 5371')));
    expect(c.station).toMatchObject({ province: '53', regency: '5371' });
  });

  it('loads the same keys from JSON', () => {
    const file = write('agent.json', JSON.stringify({ station: { id: 'a', province: 'p', regency: 'r' }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' } }));
    expect(loadConfig(file).station.id).toBe('a');
  });

  it('names every mistake with its path, what was given and what was expected, and exits 78', () => {
    const file = write(
      'bad.yaml',
      `
station: { id: "5371/01", province: [53], regency: 5371 }
mqtt: { url: "tcp://broker", topicPrefx: "x" }
printer: { driver: fargo }
ups: { driver: sim, sim: { loadPercent: "high" } }
intervals: { pollSeconds: 0 }
colour: blue
`,
    );
    const err = problemsOf(() => loadConfig(file));
    expect(err.exitCode).toBe(EXIT.config);
    const byPath = new Map(err.problems.map((p) => [p.path, p.message]));
    expect(byPath.get('station.id')).toMatch(/topic-safe.*given "5371\/01"/);
    expect(byPath.get('station.province')).toMatch(/expected string, given \[53\]/);
    expect(byPath.get('mqtt.url')).toMatch(/mqtt:\/\/HOST:PORT.*given "tcp:\/\/broker"/);
    expect(byPath.get('mqtt.topicPrefx')).toMatch(/unknown key/);
    expect(byPath.get('printer.driver')).toMatch(/expected one of "sim", "ipp", "windows", "none", given "fargo"/);
    expect(byPath.get('ups.sim.loadPercent')).toMatch(/expected number, given "high"/);
    expect(byPath.get('intervals.pollSeconds')).toMatch(/>=0\.1.*given 0/);
    expect(byPath.get('colour')).toMatch(/unknown key/);
    expect(err.problems).toHaveLength(8);
    expect(err.message).toContain(file);
  });

  it('names missing sections rather than guessing hardware for a real station', () => {
    const err = problemsOf(() => loadConfig(write('thin.yaml', 'station: { id: a, province: p, regency: r }\n')));
    expect(err.problems.map((p) => p.path).sort()).toEqual(['mqtt', 'printer', 'ups']);
    expect(err.problems[0]?.message).toMatch(/missing; expected object/);
  });

  it('says each problem in the reader\'s language, and what to write for a missing section or an unknown driver', () => {
    const err = problemsOf(() => loadConfig(write('no-ups.yaml', 'station: { id: a, province: p, regency: r }\nmqtt: { url: embedded }\nprinter: { driver: fargo }\nintervals: { pollSeconds: 0 }\n')));
    const byPath = new Map(err.problems.map((p) => [p.path, p]));
    expect(byPath.get('ups')?.write?.en).toMatch(/^Write one of: .*ups: \{driver: none\} for a station without a UPS/);
    expect(byPath.get('ups')?.write?.id).toMatch(/^Tulis salah satu: .*ups: \{driver: none\} untuk stasiun tanpa UPS/);
    expect(byPath.get('printer.driver')?.write?.en).toMatch(/printer: \{driver: sim\} for the simulated printer.*printer: \{driver: ipp, url: ipp:\/\/localhost:631\/printers\/card\}/);
    // A key inside a good section gets no section to copy.
    expect(byPath.get('intervals.pollSeconds')?.write).toBeUndefined();
    const id = err.text.message?.id ?? '';
    expect(id).toMatch(/^Ada 3 masalah di konfigurasi .*no-ups\.yaml:/);
    expect(id).toContain('  - ups: tidak ada; harus objek (bagian berisi kunci)\n    Tulis salah satu: ');
    expect(id).toContain('printer.driver: harus salah satu dari "sim", "ipp", "windows", "none", tertulis "fargo"');
    expect(id).toContain('intervals.pollSeconds: terlalu kecil: harus >=0.1; tertulis 0');
    expect(id).not.toMatch(/\b(problem|missing|expected|given|Write|for a station)\b/);
    expect(err.message).toMatch(/^Configuration .*no-ups\.yaml has 3 problems:\n {2}- /);
    expect(err.message).toContain('ups: missing; expected object\n    Write one of: ');
  });

  it('reports a file that is not YAML, or cannot be read, as a configuration error', () => {
    expect(problemsOf(() => loadConfig(write('broken.yaml', 'station: [unclosed\n'))).problems[0]?.message).toMatch(/not valid YAML or JSON/);
    expect(problemsOf(() => loadConfig('/nonexistent/agent.yaml')).problems[0]?.message).toMatch(/cannot read the file/);
  });

  it('reads the MQTT password from its file, without the trailing newline', () => {
    const file = write('agent.yaml', VALID_YAML);
    writeFileSync(join(file, '..', 'pw'), 's3cret-Pa55\n');
    const c = loadConfig(file);
    const secrets = readMqttSecrets({ ...c.mqtt, passwordFile: join(file, '..', 'pw') }, file);
    expect(secrets.password?.toString()).toBe('s3cret-Pa55');
  });

  it('a missing secret file is a configuration error naming the key', () => {
    const c = loadConfig(write('agent.yaml', VALID_YAML));
    const err = problemsOf(() => readMqttSecrets(c.mqtt, 'agent.yaml'));
    expect(err.problems).toEqual([{ path: 'mqtt.passwordFile', message: expect.stringMatching(/no such file/) as string }]);
  });

  it('refuses a password inside mqtt.url, without repeating it', () => {
    const err = problemsOf(() => loadConfig(write('u.yaml', VALID_YAML.replace('mqtt://broker.example:1883', 'mqtt://station:hunter2@broker.example:1883'))));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ path: 'mqtt.url', message: expect.stringMatching(/mqtt\.passwordFile/) as string });
    expect(err.message).not.toContain('hunter2');
  });

  it('refuses a query in mqtt.url (the client id belongs in mqtt.clientId), naming the form expected', () => {
    const err = problemsOf(() => loadConfig(write('q.yaml', VALID_YAML.replace('mqtt://broker.example:1883', 'mqtt://broker.example:1883?clientId=x'))));
    expect(err.problems[0]).toMatchObject({ path: 'mqtt.url', message: expect.stringMatching(/mqtt:\/\/HOST:PORT/) as string });
  });

  it('a USB HID UPS takes its ids as lsusb prints them, and names a bad one', () => {
    const c = loadConfig(write('hid.yaml', VALID_YAML.replace('ups: { driver: none }', 'ups: { driver: hid, vendorId: "051d", productId: 0x0002 }')));
    expect(c.ups).toEqual({ driver: 'hid', vendorId: 0x051d, productId: 2, pollFeatureReports: true, timeoutSeconds: 3, deadSeconds: 15, lowBatteryCommandTimeoutSeconds: 60 });
    const bad = problemsOf(() => loadConfig(write('hid-bad.yaml', VALID_YAML.replace('ups: { driver: none }', 'ups: { driver: hid, vendorId: "APC" }'))));
    expect(bad.problems).toEqual([expect.objectContaining({ path: 'ups.vendorId' })]);
  });

  it('a station file may carry the dashboard section; its keys are checked like the rest', () => {
    const ok = loadStationFile(write('with-dash.yaml', `${VALID_YAML}\ndashboard: { listen: "127.0.0.1:8081", provinces: [53] }\n`));
    expect(ok.dashboard).toMatchObject({ listen: '127.0.0.1:8081', provinces: ['53'] });
    const err = problemsOf(() => loadStationFile(write('bad-dash.yaml', `${VALID_YAML}\ndashboard: { listen: "8080", lisen: 1 }\n`)));
    const byPath = new Map(err.problems.map((p) => [p.path, p.message]));
    expect(byPath.get('dashboard.listen')).toMatch(/HOST:PORT/);
    expect(byPath.get('dashboard.lisen')).toMatch(/unknown key/);
  });

  it('an IPP printer needs a URL with a path; a CUPS queue URL is taken with its defaults', () => {
    const bad = problemsOf(() => loadConfig(write('ipp-bad.yaml', VALID_YAML.replace('printer: { driver: sim, sim: { stateFile: printer.json } }', 'printer: { driver: ipp, url: "localhost:631" }'))));
    expect(bad.problems).toEqual([expect.objectContaining({ path: 'printer.url', message: expect.stringMatching(/ipp:\/\/HOST\[:PORT\]\/PATH/) as string })]);
    const good = loadConfig(write('ipp.yaml', VALID_YAML.replace('printer: { driver: sim, sim: { stateFile: printer.json } }', 'printer: { driver: ipp, url: "ipp://localhost:631/printers/card", supplies: { film: { match: Transfer, capacity: 500 } } }')));
    expect(good.printer).toEqual({
      driver: 'ipp',
      url: 'ipp://localhost:631/printers/card',
      timeoutSeconds: 5,
      jobPollSeconds: 1,
      jobTimeoutSeconds: 600,
      supplies: { film: { match: 'Transfer', capacity: 500 } },
    });
  });

  it('cert without key is refused', () => {
    const err = problemsOf(() =>
      loadConfig(write('tls.yaml', VALID_YAML.replace('topicPrefix: ektp/v1', 'topicPrefix: ektp/v1\n  cert: client.crt'))),
    );
    expect(err.problems.map((p) => p.path)).toEqual(['mqtt.cert']);
  });
});

describe('the configuration schemas are built for a reading, not kept', () => {
  // zod's schemas of the whole file are ~0.65 MB of heap: a cache (or a module-level schema) would
  // hold them for the life of the daemon, which reads its file once (npm run bench:footprint).
  it('each call builds afresh: the file schema, the agent schema, each driver section', () => {
    expect(stationFileSchema()).not.toBe(stationFileSchema());
    expect(configSchema()).not.toBe(configSchema());
    expect(printerSchema()).not.toBe(printerSchema());
    // Every line of every family's table, so a new driver cannot keep its schema by mistake.
    for (const line of [...PRINTER_DRIVERS, ...UPS_DRIVERS, ...RECORD_DRIVERS]) expect(line.schema).not.toBe(line.schema);
  });

  it('what a fresh schema reads is what the file says', () => {
    const config = configSchema().parse({ station: { id: 'unit-01', province: '99', regency: '9901' }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'none' } });
    expect(config.printer).toMatchObject({ driver: 'sim', sim: { secondsPerCard: 20 } });
    expect(config.intervals).toEqual({ pollSeconds: 2, healthSeconds: 10 });
  });
});
