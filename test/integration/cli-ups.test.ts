import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/agent.js';
import { HID_FIXTURES, loadHidFixture } from '../support/hid-fixtures.js';
import { tempDir } from '../support/sim.js';

// `station-agent ups decode` through the built CLI, on the captured UPSes: what a technician
// runs on a bug report, and what the hid driver would read from that UPS.

describe('station-agent ups decode', () => {
  it.each(HID_FIXTURES)('%s --json gives the reading NUT gave', async (name) => {
    const fx = loadHidFixture(name);
    const r = await runCli(['ups', 'decode', '--descriptor', fx.descriptorFile, '--reports', fx.reportsFile, '--vendor', fx.oracle.usb.split(':')[0] ?? '', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const reading = JSON.parse(r.stdout) as Record<string, unknown>;
    const upsc = fx.oracle.upsc;
    expect(reading).toMatchObject({
      status: 'online',
      onBattery: false,
      chargePercent: upsc['battery.charge'],
      runtimeSeconds: upsc['battery.runtime'],
      inputVoltage: upsc['input.voltage'] ?? null,
      loadPercent: upsc['ups.load'],
      model: null,
    });
    expect(Array.isArray(reading.quirks)).toBe(true);
  });

  it('without --json, a table a person reads; unknown says unknown', async () => {
    const fx = loadHidFixture('apc-back-ups-xs-1400u');
    const r = await runCli(['ups', 'decode', '--descriptor', fx.descriptorFile, '--reports', fx.reportsFile, '--vendor', '0x051d', '--product', '0002']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}status +online$/m);
    expect(r.stdout).toMatch(/^ {2}runtime +1464 s \(24 min\)$/m);
    expect(r.stdout).toMatch(/^ {2}input voltage +unknown \(not reported\)$/m);
    expect(r.stdout).toMatch(/vendor fix: APC: input voltage \(report 0x31\) range widened to 0\.\.560/);
  });

  it('usage errors exit 64: a missing option, an id that is not hex', async () => {
    const fx = loadHidFixture('eaton-5sc-750');
    const missing = await runCli(['ups', 'decode', '--descriptor', fx.descriptorFile]);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toMatch(/required option '--reports <file>'/);
    const badId = await runCli(['ups', 'decode', '--descriptor', fx.descriptorFile, '--reports', fx.reportsFile, '--vendor', 'APC']);
    expect(badId.code).toBe(64);
    expect(badId.stderr).toMatch(/expected a USB vendor id in hex/);
  });

  it('an unreadable file exits 66, naming the option, the file and what to give instead', async () => {
    const fx = loadHidFixture('eaton-5sc-750');
    const r = await runCli(['ups', 'decode', '--descriptor', join(tempDir(), 'none.hex'), '--reports', fx.reportsFile]);
    expect(r.code).toBe(66);
    expect(r.stderr).toMatch(/cannot read --descriptor .*none\.hex: there is no such file/);
    expect(r.stderr).toMatch(/What to do: Give the \.descriptor\.hex file that station-agent ups dump wrote/);
  });

  it('a malformed capture exits 65, naming the file and the line or byte', async () => {
    const dir = tempDir();
    const fx = loadHidFixture('cyberpower-cp1500pfclcd');
    const reports = join(dir, 'r.hex');
    writeFileSync(reports, '08 64 dc 23 2c 01\n0b 1\n');
    const odd = await runCli(['ups', 'decode', '--descriptor', fx.descriptorFile, '--reports', reports]);
    expect(odd.code).toBe(65);
    expect(odd.stderr).toMatch(/r\.hex: line 2: an odd number of hex digits/);
    expect(odd.stderr).toMatch(/What to do: Expected hex bytes such as "05 84 09 04 a1 01"/);
    writeFileSync(reports, '08 64 dc 23 2c 01\n0b 11 00\n');
    const long = await runCli(['ups', 'decode', '--descriptor', fx.descriptorFile, '--reports', reports]);
    expect(long.code).toBe(65);
    expect(long.stderr).toMatch(/reports line 2: report 0x0b is 3 bytes long; the descriptor gives it 2 bytes as input report or 2 bytes as feature report/);
    expect(long.stderr).toMatch(/What to do: Check that the reports and the descriptor come from the same UPS\. Capture the UPS again/);
    const cut = join(dir, 'd.hex');
    writeFileSync(cut, '05 84 09 04 a1 01 09 24 a1 00 85 01 09');
    const truncated = await runCli(['ups', 'decode', '--descriptor', cut, '--reports', reports]);
    expect(truncated.code).toBe(65);
    expect(truncated.stderr).toMatch(/d\.hex: item 0x09 needs 1 data byte\(s\) but the descriptor ends \(at byte 12/);
    expect(truncated.stderr).toMatch(/What to do: Capture the UPS again with `station-agent ups dump`/);
  });

  it("a malformed capture in Indonesian: the parser's own hint, as the driver writes it in both languages", async () => {
    const dir = tempDir();
    const fx = loadHidFixture('cyberpower-cp1500pfclcd');
    const reports = join(dir, 'r.hex');
    writeFileSync(reports, '08 64 dc 23 2c 01\n0b 1\n');
    const odd = await runCli(['ups', 'decode', '--descriptor', fx.descriptorFile, '--reports', reports, '--lang', 'id']);
    expect(odd.code).toBe(65);
    expect(odd.stderr).toMatch(/r\.hex: tangkapan tidak sah: line 2: an odd number of hex digits/);
    expect(odd.stderr).toMatch(/Yang perlu dilakukan: Isinya harus bita hex seperti "05 84 09 04 a1 01"; baris yang diawali # adalah komentar\./);
    expect(odd.stderr).not.toMatch(/Expected hex bytes/);
    const cut = join(dir, 'd.hex');
    writeFileSync(cut, '05 84 09 04 a1 01 09 24 a1 00 85 01 09');
    writeFileSync(reports, '08 64 dc 23 2c 01\n');
    const truncated = await runCli(['ups', 'decode', '--descriptor', cut, '--reports', reports, '--lang', 'id']);
    expect(truncated.code).toBe(65);
    expect(truncated.stderr).toMatch(/Yang perlu dilakukan: Tangkap ulang UPS dengan `station-agent ups dump`/);
    expect(truncated.stderr).not.toMatch(/Capture the UPS again/);
  });

  it('a reports file that holds no reports exits 65 and says so, rather than a reading of unknowns', async () => {
    const fx = loadHidFixture('eaton-5sc-750');
    const reports = join(tempDir(), 'empty.reports.hex');
    writeFileSync(reports, '# reports of 0463:ffff, 2027-01-05T08:00:00.000Z: one a line, report id first\n\n');
    const r = await runCli(['ups', 'decode', '--descriptor', fx.descriptorFile, '--reports', reports]);
    expect(r.code).toBe(65);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/empty\.reports\.hex: the file holds no reports/);
    expect(r.stderr).toMatch(/What to do: Give the \.reports\.hex file that station-agent ups dump wrote/);
    const help = await runCli(['ups', 'decode', '--help']);
    expect(help.stdout).toMatch(/65 the capture is malformed or the\s+reports file holds no reports/);
  });
});

describe('station-agent ups dump', () => {
  it('with no UPS attached: exit 1, and what to check', async () => {
    const r = await runCli(['ups', 'dump', '--out-dir', tempDir(), '--vendor', '051d', '--seconds', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no USB HID device matching vendor 051d is attached/);
    expect(r.stderr).toMatch(/What to do: Check the UPS USB cable/);
    const id = await runCli(['ups', 'dump', '--out-dir', tempDir(), '--vendor', '051d', '--seconds', '0', '--lang', 'id']);
    expect(id.code).toBe(1);
    expect(id.stderr).toMatch(/UPS tidak bisa dibaca: no USB HID device matching vendor 051d is attached/);
    expect(id.stderr).toMatch(/Yang perlu dilakukan: Periksa kabel USB UPS dan pastikan UPS menyala/);
  });
});
