import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli, testConfig } from '../support/agent.js';
import { loadHidFixture } from '../support/hid-fixtures.js';
import { tempDir } from '../support/sim.js';

// The technician's and the clerk's other commands (supply, store, ups, dashboard) speak the
// language chosen: Indonesian by --lang id or an Indonesian locale, English by --lang en. Each
// assertion names a word only the translation has, so removing a translation fails it.

const NO_LOCALE = { LANG: '', LC_ALL: '', LC_MESSAGES: '' };

interface Way {
  name: string;
  lang: 'id' | 'en';
  /** Added to every command. */
  flag: string[];
  env: NodeJS.ProcessEnv;
}

const WAYS: Way[] = [
  // The flag wins over an English locale...
  { name: '--lang id', lang: 'id', flag: ['--lang', 'id'], env: { ...NO_LOCALE, LANG: 'en_US.UTF-8' } },
  { name: 'LANG=id_ID.UTF-8', lang: 'id', flag: [], env: { ...NO_LOCALE, LANG: 'id_ID.UTF-8' } },
  // ...and over an Indonesian one.
  { name: '--lang en', lang: 'en', flag: ['--lang', 'en'], env: { ...NO_LOCALE, LANG: 'id_ID.UTF-8' } },
];

/** What each command says, in each language: [Indonesian, English]. */
const SAYS = {
  storeMade: [/^dibuat .*station\.db$/m, /^made .*station\.db$/m],
  storeThere: [/sudah ada; tidak ada yang diubah\.\nYang perlu dilakukan: .*pindahkan berkas itu/, /is already there; nothing was changed\.\nWhat to do: .*move that file aside/],
  supplyReceived: [/^diterima 2 gulungan pita \(lot L-7\); di rak: 2$/m, /^received 2 ribbon rolls \(lot L-7\); on the shelf: 2$/m],
  supplyNoShelf: [/tidak ada gulungan film retransfer di rak untuk diambil[\s\S]*Yang perlu dilakukan: Berikan hasil cetak/, /no film roll is on the shelf to take[\s\S]*What to do: Give the yield from its box/],
  supplyReplaced: [/^film retransfer: gulungan baru terpasang di printer, bukan dari rak; diperkirakan mencetak 20 kartu \(angka di kotaknya\)$/m, /^film: new roll in the printer, not from the shelf; expected to give 20 cards \(the box's figure\)$/m],
  supplyShow: [/sisa sekitar 20 \(100 %\) menurut hitungan[\s\S]*di rak: 0 gulungan/, /about 20 left \(100 %\) by count[\s\S]*on the shelf: 0 rolls/],
  supplyHelp: [/catat gulungan yang diterima ke rak/, /record rolls delivered onto the shelf/],
  upsTable: [/^ {2}waktu cadangan +1464 detik \(24 menit\)$/m, /^ {2}runtime +1464 s \(24 min\)$/m],
  upsUnreadable: [/tidak bisa membaca --descriptor .*none\.hex: berkas itu tidak ada\nYang perlu dilakukan: Berikan berkas \.descriptor\.hex/, /cannot read --descriptor .*none\.hex: there is no such file\nWhat to do: Give the \.descriptor\.hex file/],
  upsHelp: [/Kode keluar: 0 selesai, 1 tidak ada UPS yang bisa dibaca/, /Exit codes: 0 done, 1 no UPS could be read/],
  dashboardHelp: [/dasbor provinsi/, /the provincial dashboard/],
} satisfies Record<string, [RegExp, RegExp]>;

describe('supply, store, ups and dashboard speak the language chosen', () => {
  it.each(WAYS)('$name', async (way) => {
    const dir = tempDir('cli-lang-');
    const cfg = join(dir, 'agent.yaml');
    writeFileSync(cfg, stringify(testConfig('embedded')));
    const run = (...args: string[]) => runCli([...args, ...way.flag], { env: way.env });
    const say = (what: keyof typeof SAYS) => SAYS[what][way.lang === 'id' ? 0 : 1];
    const other = (what: keyof typeof SAYS) => SAYS[what][way.lang === 'id' ? 1 : 0];
    const expectSaid = (text: string, what: keyof typeof SAYS) => {
      expect(text).toMatch(say(what));
      expect(text).not.toMatch(other(what));
    };

    const made = await run('store', 'init', '--config', cfg);
    expect(made.code, made.stderr).toBe(0);
    expectSaid(made.stdout, 'storeMade');
    const again = await run('store', 'init', '--config', cfg);
    expect(again.code).toBe(1);
    expectSaid(again.stderr, 'storeThere');

    const received = await run('supply', 'receive', 'ribbon', '2', '--lot', 'L-7', '--config', cfg);
    expect(received.code, received.stderr).toBe(0);
    expectSaid(received.stdout, 'supplyReceived');
    const noShelf = await run('supply', 'replace', 'film', '--config', cfg);
    expect(noShelf.code).toBe(64);
    expectSaid(noShelf.stderr, 'supplyNoShelf');
    const replaced = await run('supply', 'replace', 'film', '--yield', '20', '--config', cfg);
    expect(replaced.code, replaced.stderr).toBe(0);
    expectSaid(replaced.stdout, 'supplyReplaced');
    expectSaid((await run('supply', 'show', '--config', cfg)).stdout, 'supplyShow');

    const fx = loadHidFixture('apc-back-ups-xs-1400u');
    const [supplyHelp, table, unreadable, upsHelp, dashboardHelp] = await Promise.all([
      run('supply', '--help'),
      run('ups', 'decode', '--descriptor', fx.descriptorFile, '--reports', fx.reportsFile, '--vendor', '051d'),
      run('ups', 'decode', '--descriptor', join(dir, 'none.hex'), '--reports', fx.reportsFile),
      run('ups', 'decode', '--help'),
      run('dashboard', '--help'),
    ]);
    expectSaid(supplyHelp.stdout, 'supplyHelp');
    expect(table.code, table.stderr).toBe(0);
    expectSaid(table.stdout, 'upsTable');
    expect(unreadable.code).toBe(66);
    expectSaid(unreadable.stderr, 'upsUnreadable');
    expectSaid(upsHelp.stdout, 'upsHelp');
    expectSaid(dashboardHelp.stdout, 'dashboardHelp');
  }, 60_000);
});

describe('every command says its own --version and help lines in the language chosen', () => {
  const COMMANDS = ['run', 'status', 'diagnose', 'jobs', 'stock', 'supply', 'store', 'printer', 'ups', 'dashboard'];
  it.each(WAYS)('$name', async (way) => {
    const helps = await Promise.all(COMMANDS.map((c) => runCli([c, '--help', ...way.flag], { env: way.env })));
    helps.forEach((h, i) => {
      expect(h.code, `${COMMANDS[i]} --help: ${h.stderr}`).toBe(0);
      const [said, notSaid] = way.lang === 'id' ? [/-V, --version +tampilkan nomor versi/, /output the version number/] : [/-V, --version +output the version number/, /tampilkan nomor versi/];
      expect(h.stdout, `${COMMANDS[i]} --help`).toMatch(said);
      expect(h.stdout, `${COMMANDS[i]} --help`).not.toMatch(notSaid);
    });
  }, 60_000);
});
