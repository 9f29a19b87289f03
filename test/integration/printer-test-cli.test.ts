import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../support/agent.js';
import { tempDir } from '../support/sim.js';
import { healthyState, PRINTER_NAME, STANDIN, windowsPrinterHarness } from '../support/windows-printer.js';

/** `station-agent printer test`, as a technician runs it, for each kind of printer driver. */

function configWith(printer: Record<string, unknown>): { dir: string; file: string } {
  const dir = tempDir('printer-test-');
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, stringify({ station: { id: 's1', province: '53', regency: '5371', name: 'Uji' }, dataDir: join(dir, 'data'), mqtt: { url: 'embedded' }, ups: { driver: 'sim' }, printer }));
  return { dir, file };
}

function windowsConfig(state: Record<string, unknown> = {}): { dir: string; file: string; stateFile: string } {
  const dir = tempDir('printer-test-win-');
  const stateFile = join(dir, 'standin.json');
  writeFileSync(stateFile, JSON.stringify({ ...healthyState(), ...state }));
  const c = configWith({ driver: 'windows', windows: { name: PRINTER_NAME, jobPollSeconds: 0.05, helperCommand: [process.execPath, STANDIN, stateFile] } });
  return { ...c, stateFile };
}

describe('station-agent printer test', () => {
  it('sim: reads, prints nothing; with --print one test card that says what it is', async () => {
    const { dir, file } = configWith({ driver: 'sim', sim: { secondsPerCard: 0.05, outputDir: 'cards' } });
    const read = await runCli(['printer', 'test', '--config', file]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toMatch(/^printer: simulated printer \(driver sim\)\nstate: idle\n/);
    expect(read.stdout).toMatch(/ribbon +ok: 100 % \(500 cards\)/);
    const printed = await runCli(['printer', 'test', '--print', '--config', file]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/test card printed: printer job sim-1/);
    expect(printed.stdout).toMatch(/stock count/);
    const cards = readdirSync(join(dir, 'cards'));
    expect(cards).toHaveLength(1);
    const pdf = readFileSync(join(dir, 'cards', cards[0] ?? '')).toString('latin1');
    expect(pdf).toContain('KARTU UJI - BUKAN KTP');
  });

  it('windows over the stand-in helper, a real child process: state and vendor supplies, in Indonesian', async () => {
    const { file } = windowsConfig();
    const r = await runCli(['printer', 'test', '--config', file, '--lang', 'id']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`printer: printer Windows "${PRINTER_NAME}", 300 dpi (driver windows)`);
    expect(r.stdout).toMatch(/keadaan: siap\nmodel: FARGO HDP5000 Card Printer/);
    expect(r.stdout).toMatch(/ribbon +baik: 43 %/);
    expect(r.stdout).toMatch(/film +baik: 71 %/);
  });

  it('windows --print: the card goes to the helper as a PNG of 1012 x 638 and comes back printed', async () => {
    const { file, stateFile } = windowsConfig();
    const r = await runCli(['printer', 'test', '--print', '--json', '--config', file]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { printed: { printerJobId: string } | null; reading: { state: string } };
    expect(report).toMatchObject({ driver: 'windows', printed: { printerJobId: '40' }, error: null, printError: null });
    const mem = JSON.parse(readFileSync(`${stateFile}.spooler.json`, 'utf8')) as { log: { document: string }[]; cards: { width: number; height: number }[] };
    expect(mem.log.map((e) => e.document)).toEqual([expect.stringMatching(/^printer-test@\d+$/)]);
    expect(mem.cards).toEqual([{ document: mem.log[0]?.document, width: 1012, height: 638 }]);
  });

  it('windows with vendor software missing: the levels are unknown and the agent says it counts them', async () => {
    const { file } = windowsConfig({ vendor: { bidi: {}, fargo: null } });
    const r = await runCli(['printer', 'test', '--config', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ribbon +unknown: the printer reports no level/);
    expect(r.stdout).toContain('counted by the agent: station-agent supply show');
  });

  it('a jammed printer reads (exit 1) and --print prints nothing', async () => {
    const state = healthyState();
    const { file, stateFile } = windowsConfig({ printer: { found: true, printer: { ...state.printer.printer, DetectedErrorState: 8 } } });
    const r = await runCli(['printer', 'test', '--print', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/state: stopped \(media-jam\)/);
    expect(r.stdout).toContain('no test card printed');
    expect(() => readFileSync(`${stateFile}.spooler.json`, 'utf8')).toThrow(); // the spooler never saw a card
  });

  it('a helper that cannot start, and a printer name Windows does not know: exit 2 with the reason and what to check', async () => {
    const missing = configWith({ driver: 'windows', windows: { name: PRINTER_NAME, helperCommand: ['/nonexistent/powershell.exe'] } });
    const a = await runCli(['printer', 'test', '--config', missing.file]);
    expect(a.code).toBe(2);
    expect(a.stdout).toMatch(/the printer cannot be read: cannot start the printer helper \(\/nonexistent\/powershell\.exe\): ENOENT/);
    expect(a.stdout).toMatch(/check: .*Get-Printer/);
    const { file } = windowsConfig({ printer: { found: false, printer: null } });
    const b = await runCli(['printer', 'test', '--config', file]);
    expect(b.code).toBe(2);
    expect(b.stdout).toContain(`Windows has no printer named "${PRINTER_NAME}"`);
  });
});

describe('the windows driver over the stand-in as a real child process', () => {
  it('a helper process that hangs is killed at the deadline and a new one answers', async () => {
    const h = windowsPrinterHarness({ helperTimeoutSeconds: 1 }, undefined, true);
    await h.driver.start();
    try {
      await h.driver.read();
      h.write({ hang: ['printer'] });
      await expect(h.driver.read()).rejects.toMatchObject({ code: 'timeout' });
      h.write({ hang: [] });
      await new Promise((r) => setTimeout(r, 1100));
      await expect(h.driver.read()).resolves.toMatchObject({ state: 'idle' });
      expect(h.driver.helperStarts).toBe(2);
    } finally {
      await h.driver.stop();
    }
  });
});
