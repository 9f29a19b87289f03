
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AgentError, EXIT } from '../../core/errors.js';
import { configOption, out, subcommand } from './common.js';
import { tr } from './lang.js';
import { loadStationFile } from './station-file.js';

/** `station-agent store ...`: the station's database itself. */
export function addStoreCommands(program: Command, version: string): void {
  const store = subcommand(program, 'store', tr({ id: 'basis data stasiun: buat yang baru bila belum ada', en: "the station's database: start a new one where it is missing" }), version);

  store
    .command('init')
    .description(tr({ id: 'buat basis data baru yang kosong bila belum ada; bila sebelumnya pernah ada, hanya dengan --fresh', en: 'make a new, empty database where none is; where one was kept before, only with --fresh' }))
    .option(
      '--fresh',
      tr({
        id: 'mulai dari awal bila basis data pernah ada dan kini hilang: riwayat cetak, antrean, dan buku persediaannya terlupakan',
        en: 'start afresh where a database was kept before and is now missing: its print history, queue and ledgers are forgotten',
      }),
    )
    .addOption(configOption())
    .addHelpText(
      'after',
      tr({
        id: `
Basis data yang hilang padahal pernah ada (folder data berisi seq.hwm) tidak dibuat ulang oleh
perintah lain: basis data baru yang kosong tidak tahu rekaman mana yang sudah dicetak, sehingga
rekaman itu bisa tercetak dua kali. Pulihkan station.db dari cadangan bila ada; pakai --fresh
hanya bila tidak ada cadangan. Kode keluar: 0 dibuat, 1 basis data sudah ada, 64 perlu --fresh.`,
        en: `
A database that is missing where one was kept (the data folder has seq.hwm) is not made again by
any other command: a new, empty one forgets which records were printed, and they could be
printed again. Restore station.db from a backup if there is one; use --fresh only if there is
none. Exit codes: 0 made, 1 a database is already there, 64 --fresh needed.`,
      }),
    )
    .action(async (opts: { fresh?: boolean; config?: string }) => {
      const config = loadStationFile(opts.config);
      const file = join(config.dataDir, 'station.db');
      if (existsSync(file)) {
        throw new AgentError('store-exists', { id: `${file} sudah ada; tidak ada yang diubah.`, en: `${file} is already there; nothing was changed.` }, {
          hint: {
            id: 'Untuk mulai dari awal, hentikan agen dan pindahkan berkas itu lebih dulu (simpan: berkas itu berisi riwayat cetak).',
            en: 'To start afresh, stop the agent and move that file aside first (keep it: it holds the print history).',
          },
        });
      }
      const { SeqGuard } = await import('../store/seq-guard.js');
      const { Store } = await import('../store/store.js');
      const { CLOCK_FLOOR_MS, systemClock } = await import('../../core/clock.js');
      const kept = SeqGuard.exists(config.dataDir);
      if (kept && !opts.fresh) {
        throw new AgentError('usage', { id: `Basis data pernah disimpan di ${config.dataDir} dan kini hilang.`, en: `A database was kept in ${config.dataDir} before and is missing now.` }, {
          hint: {
            id: 'Pulihkan station.db dari cadangan; bila tidak ada cadangan, jalankan lagi dengan --fresh, dengan sadar bahwa rekaman yang sudah dicetak bisa tercetak lagi.',
            en: 'Restore station.db from a backup; if there is none, run this again with --fresh, knowing that records printed before could be printed again.',
          },
          exitCode: EXIT.usage,
        });
      }
      const s = await Store.open(config.dataDir, () => systemClock.now(), CLOCK_FLOOR_MS, { fresh: true });
      await s.close();
      if (!kept) return out(tr({ id: `dibuat ${file}`, en: `made ${file}` }));
      out(
        tr({
          id: `dibuat ${file}: mulai dari awal. Terlupakan: rekaman mana yang sudah dicetak, antrean, buku kartu blangko, serta buku pita dan film. Periksa kartu tercetak yang ada sebelum mengantrekan rekaman lagi, lalu catat kartu blangko dan gulungan (\`stock count\`, \`supply replace\`).`,
          en: `made ${file}: a fresh start. Forgotten: which records were printed, the queue, the blank-card and ribbon/film ledgers. Check the printed cards on hand before queueing records again, and record the blanks and the rolls (stock count, supply replace).`,
        }),
      );
    });
}
