import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configSchema } from '../../agent/config/schema.js';
import { setupWarnings } from '../../agent/config/warnings.js';
import { NoPrinter } from '../../hal/printer/none/driver.js';
import { PRINTER_DRIVERS, printerFacts, printerSchema } from '../../hal/printer/index.js';
import { RECORD_DRIVERS, recordsFacts, recordsSchema } from '../../hal/records/index.js';
import { UPS_DRIVERS, upsFacts, upsSchema } from '../../hal/ups/index.js';
import { HalError } from '../../hal/errors.js';

const REPO = join(import.meta.dirname, '../..');

/** Every line of every table, with the smallest section its schema takes. */
const SECTIONS: Record<string, Record<string, unknown>> = {
  'printer:sim': { driver: 'sim' },
  'printer:ipp': { driver: 'ipp', url: 'ipp://localhost:631/printers/card' },
  'printer:windows': { driver: 'windows', windows: { name: 'FARGO HDP5000' } },
  'printer:none': { driver: 'none' },
  'ups:sim': { driver: 'sim' },
  'ups:nut': { driver: 'nut', passwordFile: '/etc/station-agent/ups.pass' },
  'ups:hid': { driver: 'hid' },
  'ups:none': { driver: 'none' },
  'records:sim': { driver: 'sim' },
  'records:http': { driver: 'http', http: { url: 'https://records.example/api', tokenFile: '/etc/station-agent/records.token' } },
};

const families = [
  { family: 'printer', table: PRINTER_DRIVERS, parse: (s: unknown) => printerFacts(printerSchema().parse(s)) },
  { family: 'ups', table: UPS_DRIVERS, parse: (s: unknown) => upsFacts(upsSchema().parse(s)) },
  { family: 'records', table: RECORD_DRIVERS, parse: (s: unknown) => recordsFacts(recordsSchema().parse(s)) },
] as const;

describe('driver tables carry what the rest of the agent asks', () => {
  for (const { family, table, parse } of families) {
    it(`${family}: every driver has a label in both languages, a first-reading wait and its abilities`, () => {
      const names = table.map((l) => l.schema.shape.driver.value);
      expect(names.map((n) => `${family}:${n}`).sort()).toEqual(Object.keys(SECTIONS).filter((k) => k.startsWith(`${family}:`)).sort());
      for (const name of names) {
        const facts = parse(SECTIONS[`${family}:${name}`]);
        expect(facts.label.id.length * facts.label.en.length, `${family}.${name} label`).toBeGreaterThan(0);
        expect(facts.label.id).not.toBe(facts.label.en);
        expect(facts.firstReadingMs).toBeGreaterThanOrEqual(1000);
        expect(typeof facts.can).toBe('object');
      }
    });
  }

  for (const { family, table, parse } of families) {
    it(`${family}: every driver gives a section to write, which its family takes as written, and for which station`, () => {
      for (const line of table) {
        const section = parseYaml(line.example.section) as { driver?: unknown };
        expect(section.driver, line.example.section).toBe(line.schema.shape.driver.value);
        expect(() => parse(section), line.example.section).not.toThrow();
        expect(line.example.for.id).not.toBe(line.example.for.en);
        expect(line.example.for.id.length * line.example.for.en.length).toBeGreaterThan(0);
      }
    });
  }

  it('the print paths say whether they print; the UPS drivers whether there is a UPS', () => {
    const queue = Object.fromEntries(PRINTER_DRIVERS.map((l) => [l.schema.shape.driver.value, l.can.hasQueue]));
    expect(queue).toEqual({ sim: true, ipp: true, windows: true, none: false });
    const ups = Object.fromEntries(UPS_DRIVERS.map((l) => [l.schema.shape.driver.value, l.can.hasUps]));
    expect(ups).toEqual({ sim: true, nut: true, hid: true, none: false });
  });

  it("the Windows path waits longer for its first reading (PowerShell starting its helper)", () => {
    expect(printerFacts(printerSchema().parse(SECTIONS['printer:windows'])).firstReadingMs).toBeGreaterThan(printerFacts(printerSchema().parse(SECTIONS['printer:ipp'])).firstReadingMs);
  });

  it('the secret files come from the table lines, the monitors included, and the start-up warnings check them', () => {
    expect(upsFacts(upsSchema().parse(SECTIONS['ups:nut'])).secretFiles).toEqual([{ key: 'ups.passwordFile', file: '/etc/station-agent/ups.pass' }]);
    expect(recordsFacts(recordsSchema().parse(SECTIONS['records:http'])).secretFiles).toEqual([{ key: 'records.http.tokenFile', file: '/etc/station-agent/records.token' }]);
    const monitored = printerFacts(printerSchema().parse({ driver: 'sim', snmp: { host: '127.0.0.1', communityFile: '/x/community' } }));
    expect(monitored.secretFiles).toContainEqual({ key: 'printer.snmp.communityFile', file: '/x/community' });
  });

  it('a store PC: printer.driver none is a valid station, and its printer reads as not configured, printing nothing', async () => {
    const c = configSchema().parse({ station: { id: 'A-1', province: '53', regency: '5371' }, mqtt: { url: 'embedded' }, printer: { driver: 'none' }, ups: { driver: 'none' } });
    expect(printerFacts(c.printer).can.hasQueue).toBe(false);
    expect(setupWarnings(c, 'win32')).toEqual([]);
    const p = new NoPrinter();
    await p.start();
    await expect(p.read()).rejects.toMatchObject({ code: 'not-configured' });
    const refused = await p.print().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HalError);
    expect((refused as HalError).code).toBe('not-ready');
    expect((refused as HalError).text.message?.id).toMatch(/tidak ada printer/);
  });
});

/** The source files of the folders that must not know drivers by name. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('no driver is known by name outside its folder', () => {
  it('agent/, telemetry/, platform/ and dashboard/ never compare a driver with a name', () => {
    const names = [...PRINTER_DRIVERS, ...UPS_DRIVERS, ...RECORD_DRIVERS].map((l) => l.schema.shape.driver.value);
    // A comparison with a driver's name, or a switch on the driver (whose cases are names).
    const pattern = new RegExp(`driver\\s*[!=]==?\\s*['"](${[...new Set(names)].join('|')})['"]|switch\\s*\\([^)]*\\bdriver\\)`);
    const offenders: string[] = [];
    for (const folder of ['agent', 'telemetry', 'platform', 'dashboard']) {
      for (const file of sources(join(REPO, folder))) {
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (pattern.test(line)) offenders.push(`${relative(REPO, file).split(sep).join('/')}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(offenders).toEqual([]);
  });
});
