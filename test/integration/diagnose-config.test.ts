/**
 * diagnose with a section of the configuration missing or wrong: the configuration check says
 * what to write there, in the reader's language; the checks that need the section are reported
 * as not run, and every other check still runs. The exit code still says the file is wrong.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli, testConfig } from '../support/agent.js';
import { tempDir } from '../support/sim.js';

interface Report {
  status: string;
  checks: { id: string; status: string; title: string; facts: Record<string, unknown>; hint: string | null }[];
}

function stationFile(over: (c: Record<string, unknown>) => void): string {
  const dir = tempDir('diag-config-');
  mkdirSync(join(dir, 'data'));
  // Nothing listens on port 1: the broker check fails at once, as it would on a PC not yet connected.
  const config = testConfig('mqtt://127.0.0.1:1', { records: { driver: 'sim', sim: { latencyMs: 10 } } });
  over(config);
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

async function diagnose(file: string, lang: 'id' | 'en') {
  const r = await runCli(['diagnose', '--json', '--lang', lang, '--config', file]);
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

const check = (r: Report, id: string) => r.checks.find((c) => c.id === id);

describe('diagnose with a section of the configuration missing or wrong', () => {
  it('ups missing: the other checks run, the UPS check says it was not run and why, and the configuration check says to write ups: {driver: none}, in Indonesian and English', async () => {
    const file = stationFile((c) => delete c.ups);
    const en = await diagnose(file, 'en');
    expect(en.code).toBe(2);
    expect(en.report.checks.map((c) => c.id)).toEqual(['config', 'data-dir', 'secrets', 'store', 'clock', 'daemon', 'host', 'printer', 'ups', 'mqtt', 'records']);
    const config = check(en.report, 'config');
    expect(config).toMatchObject({ status: 'fail', facts: { problems: 'ups' } });
    expect(config?.hint).toMatch(/^ups: missing; expected object\. Write one of: .*ups: \{driver: none\} for a station without a UPS/);
    expect(config?.hint).toMatch(/ups: \{driver: nut, host: 127\.0\.0\.1, name: ups\}/);
    expect(check(en.report, 'ups')).toMatchObject({ status: 'warn', facts: { run: false, needs: 'ups' }, hint: expect.stringMatching(/^Not run: it needs ups in the configuration/) as string });
    // The others ran: the simulated printer was read (no agent runs here), the record source answered, the broker was tried.
    expect(check(en.report, 'printer')).toMatchObject({ status: 'pass', title: expect.stringMatching(/read by diagnose itself: the agent is not running/) as string });
    expect(check(en.report, 'printer')?.facts.run).toBeUndefined();
    expect(check(en.report, 'records')).toMatchObject({ status: 'pass', facts: { driver: 'sim' } });
    expect(check(en.report, 'mqtt')).toMatchObject({ status: 'fail', facts: { url: 'mqtt://127.0.0.1:1' } });
    expect(check(en.report, 'clock')?.status).toBe('pass');
    expect(check(en.report, 'secrets')).toMatchObject({ facts: { notChecked: 'ups' } });

    const id = await diagnose(file, 'id');
    expect(id.code).toBe(2);
    expect(check(id.report, 'config')?.hint).toMatch(/^ups: tidak ada; harus objek \(bagian berisi kunci\)\. Tulis salah satu: .*ups: \{driver: none\} untuk stasiun tanpa UPS/);
    expect(check(id.report, 'config')?.hint).not.toMatch(/missing|expected|Write|for a station/);
    expect(check(id.report, 'ups')?.hint).toMatch(/^Tidak dijalankan: pemeriksaan ini membutuhkan ups di konfigurasi/);
    expect(check(id.report, 'printer')?.title).toMatch(/dibaca langsung oleh diagnose: agen tidak berjalan/);

    // As a person reads it: the check left out is marked so, not as a warning.
    const text = await runCli(['diagnose', '--lang', 'id', '--config', file]);
    expect(text.stdout).toMatch(/\[DILEWATI\] +UPS dan listrik PLN/);
    expect(text.stdout).toContain('ups: {driver: none} untuk stasiun tanpa UPS');
    expect((await runCli(['diagnose', '--lang', 'en', '--config', file])).stdout).toMatch(/\[NOT RUN\] +UPS and mains power/);
  });

  it('an unknown printer driver: the choices of the printer family to write; the printer check is not run, the UPS check is', async () => {
    const file = stationFile((c) => (c.printer = { driver: 'fargo' }));
    const en = await diagnose(file, 'en');
    expect(en.code).toBe(2);
    expect(check(en.report, 'config')?.hint).toMatch(/^printer\.driver: expected one of "sim", "ipp", "windows", "none", given "fargo"\. Write one of: printer: \{driver: sim\} for the simulated printer.*printer: \{driver: none\} for the office's store PC/);
    expect(check(en.report, 'printer')).toMatchObject({ status: 'warn', facts: { run: false } });
    expect(check(en.report, 'ups')).toMatchObject({ status: 'pass', facts: { driver: 'sim' } });
  });

  it('the same file for the daemon: refused with exit 78, every word of it in Indonesian under --lang id', async () => {
    const file = stationFile((c) => delete c.ups);
    const r = await runCli(['run', '--lang', 'id', '--config', file]);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/^station-agent: Ada 1 masalah di konfigurasi .*agent\.yaml:\n {2}- ups: tidak ada; harus objek \(bagian berisi kunci\)\n {4}Tulis salah satu: /);
    expect(r.stderr).toContain('Yang perlu dilakukan: Perbaiki kunci yang disebut di atas');
    expect(r.stderr).not.toMatch(/problem|missing|expected|Write one|Fix the keys/);
    const en = await runCli(['run', '--lang', 'en', '--config', file]);
    expect(en.stderr).toMatch(/Configuration .*agent\.yaml has 1 problem:\n {2}- ups: missing; expected object\n {4}Write one of: /);
  });
});
