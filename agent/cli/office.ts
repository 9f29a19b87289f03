/**
 * `station-agent office ...`: the office's store-room book, at the PC that keeps it
 * (office.store: true). A command that makes a movement prints `transfer <ID>` as its first line
 * in either language (`--json`: `{transfer, ...}`): the id goes on the hand-over slip, and the
 * receiving clerk types it.
 */
import type { Command } from 'commander';
import type { Text } from '../../core/i18n.js';
import type { Config } from '../config/schema.js';
import { OfficeBook, type BookEntry, type Posted } from '../office/book.js';
import { officeOf } from '../office/config.js';
import { zoneOf } from '../office/days.js';
import { checkSupply, SUPPLY_WORDS, usage, type Supply } from '../office/refusals.js';
import { slipText } from '../office/slip.js';
import { systemClock } from '../../core/clock.js';
import type { Store } from '../store/store.js';
import { configOption, iso, out, subcommand, wholeNumber, withStore } from './common.js';
import { cliLang, tr } from './lang.js';

/** The store's book, at the PC that keeps it; anywhere else, what to do instead. */
export function bookOf(store: Store, config: Pick<Config, 'station' | 'office'>): OfficeBook {
  if (!config.office.store) {
    throw usage(
      { id: 'office.store: PC ini tidak mencatat buku gudang kantor; perintah `office` dijalankan di PC gudang', en: "office.store: this PC does not keep the office's store book; office commands run at the store PC" },
      { id: 'Jalankan di PC gudang, atau setel office.store: true di sini bila PC ini yang mencatat gudang.', en: 'Run it at the store PC, or set office.store: true here if this PC keeps the store.' },
    );
  }
  return new OfficeBook(store.db, { officeId: officeOf(config.station).id, register: config.office.stations, timeZone: zoneOf(config.station), now: () => systemClock.now() });
}

/** `[kind] N`: blanks when no kind is given. */
function kindAndCount(args: string[]): { supply: Supply; n: number } {
  if (args.length === 1) return { supply: 'blanks', n: wholeNumber(args[0] ?? '') };
  if (args.length === 2) return { supply: checkSupply(args[0] ?? ''), n: wholeNumber(args[1] ?? '') };
  throw usage({ id: `argumen: yang diharapkan [ribbon|film] N, diberikan "${args.join(' ')}"`, en: `arguments: expected [ribbon|film] N, got "${args.join(' ')}"` });
}

const onHandLine = (o: Posted['onHand']): Text => ({
  id: `di gudang: ${o.blanks} blangko, ${o.ribbon} gulungan pita, ${o.film} gulungan film`,
  en: `in the store: ${o.blanks} blank cards, ${o.ribbon} ribbon rolls, ${o.film} film rolls`,
});

function report(p: Posted, said: Text, json: boolean | undefined): void {
  if (json) return out(JSON.stringify({ ...(p.transfer ? { transfer: p.transfer } : {}), entry: p.entry, onHand: p.onHand }));
  if (p.transfer) out(`transfer ${p.transfer}`);
  out(`${tr(said)} (${tr({ id: 'entri', en: 'entry' })} #${p.entry}); ${tr(onHandLine(p.onHand))}`);
}

const amount = (n: number, s: Supply): Text => ({ id: `${n} ${SUPPLY_WORDS[s].id}`, en: `${n} ${SUPPLY_WORDS[s].en}` });
const KIND_WORDS: Record<BookEntry['kind'], Text> = {
  delivery: { id: 'kiriman kementerian', en: 'ministry delivery' },
  transfer_out: { id: 'ke printer', en: 'to a printer' },
  transfer_in: { id: 'kembali dari printer', en: 'back from a printer' },
  loan_out: { id: 'dipinjamkan', en: 'lent' },
  loan_in: { id: 'dipinjam', en: 'borrowed' },
  count: { id: 'hitungan', en: 'count' },
  correction: { id: 'koreksi', en: 'correction' },
};

function entryLine(e: BookEntry): string {
  const notes = [e.batch && `batch ${e.batch}`, e.document && `doc ${e.document}`, e.lot && `lot ${e.lot}`, e.transfer, e.other, e.reason, e.correctedBy !== null ? tr({ id: `dikoreksi oleh #${e.correctedBy}`, en: `corrected by #${e.correctedBy}` }) : null].filter(Boolean);
  return `#${String(e.id).padEnd(5)} ${e.day} ${tr(KIND_WORDS[e.kind]).padEnd(20)} ${e.supply.padEnd(6)} ${`${e.qty > 0 ? '+' : ''}${e.qty}`.padStart(7)}  ${notes.join('; ')}`.trimEnd();
}

export function addOfficeCommands(program: Command, version: string): void {
  const office = subcommand(program, 'office', tr({ id: 'buku gudang kantor (di PC gudang): kiriman kementerian, tumpukan ke printer, pinjaman antar kantor, hitungan', en: "the office's store-room book (at the store PC): ministry deliveries, stacks to the printers, loans between offices, counts" }), version);
  const kindArgs = tr({ id: '[ribbon|film] N: jenis (tanpa jenis: blangko) dan jumlahnya', en: '[ribbon|film] N: the kind (none: blank cards) and how many' });
  const force = tr({ id: 'catat walau buku gudang mencatat lebih sedikit (perlu --reason)', en: "record it even though the store's book holds fewer (needs --reason)" });
  const run = <T>(config: string | undefined, fn: (book: OfficeBook, cfg: Config) => Promise<T>) => withStore(config, (s, cfg) => fn(bookOf(s, cfg), cfg));

  office
    .command('receive')
    .description(tr({ id: 'catat kiriman dari kementerian ke gudang: blangko dengan nomor batch (dan berita acara), gulungan dengan lot', en: 'record a delivery from the ministry into the store: blanks with their batch (and hand-over document), rolls with their lot' }))
    .argument('<args...>', kindArgs)
    .option('--batch <b>', tr({ id: 'nomor batch kiriman (wajib untuk blangko)', en: 'the batch of the delivery (needed for blanks)' }))
    .option('--document <d>', tr({ id: 'nomor berita acara serah terima', en: 'the number of the hand-over record' }))
    .option('--lot <l>', tr({ id: 'lot gulungan', en: 'the rolls\' lot' }))
    .option('--again', tr({ id: 'nomor batch atau dokumen ini memang diterima kedua kalinya', en: 'this batch or document number really is received a second time' }))
    .option('--json', tr({ id: 'cetak {entry, onHand}', en: 'print {entry, onHand}' }))
    .addOption(configOption())
    .action(async (args: string[], o: { batch?: string; document?: string; lot?: string; again?: boolean; json?: boolean; config?: string }) => {
      const { supply, n } = kindAndCount(args);
      const p = await run(o.config, (b) => b.receive(supply, n, o));
      report(p, { id: `diterima ${amount(n, supply).id}`, en: `received ${amount(n, supply).en}` }, o.json);
    });

  office
    .command('send')
    .description(tr({ id: 'catat tumpukan atau gulungan yang dibawa ke printer kantor; mencetak nomor transfer untuk surat serah terima', en: 'record a stack or rolls carried to a printer of the office; prints the transfer number for the hand-over slip' }))
    .argument('<args...>', kindArgs)
    .requiredOption('--to <station>', tr({ id: 'stasiun tujuan (dari office.stations)', en: 'the receiving station (from office.stations)' }))
    .option('--force', force)
    .option('--reason <r>', tr({ id: 'alasan untuk --force', en: 'the reason for --force' }))
    .option('--json', tr({ id: 'cetak {transfer, entry, onHand}', en: 'print {transfer, entry, onHand}' }))
    .addOption(configOption())
    .action(async (args: string[], o: { to: string; force?: boolean; reason?: string; json?: boolean; config?: string }) => {
      const { supply, n } = kindAndCount(args);
      const p = await run(o.config, (b) => b.send(supply, n, o.to, o));
      report(p, { id: `${amount(n, supply).id} dikirim ke ${o.to.trim()}`, en: `${amount(n, supply).en} sent to ${o.to.trim()}` }, o.json);
    });

  office
    .command('return')
    .description(tr({ id: 'konfirmasi tumpukan yang dikembalikan printer (station-agent stock return di sana memberi nomornya)', en: 'confirm a stack a printer sent back (station-agent stock return there gave its number)' }))
    .argument('<args...>', kindArgs)
    .requiredOption('--from <station>', tr({ id: 'stasiun yang mengembalikan', en: 'the station that sent it back' }))
    .requiredOption('--transfer <id>', tr({ id: 'nomor transfer dari surat serah terima stasiun itu', en: "the transfer number on that station's hand-over slip" }))
    .option('--again', tr({ id: 'transfer ini memang dikonfirmasi kedua kalinya', en: 'this transfer really is confirmed a second time' }))
    .option('--json', tr({ id: 'cetak {entry, onHand}', en: 'print {entry, onHand}' }))
    .addOption(configOption())
    .action(async (args: string[], o: { from: string; transfer: string; again?: boolean; json?: boolean; config?: string }) => {
      const { supply, n } = kindAndCount(args);
      const p = await run(o.config, (b) => b.returned(supply, n, o.from, o.transfer, o));
      report(p, { id: `${amount(n, supply).id} kembali dari ${o.from.trim()}`, en: `${amount(n, supply).en} back from ${o.from.trim()}` }, o.json);
    });

  office
    .command('lend')
    .description(tr({ id: 'pinjamkan ke kantor lain; mencetak nomor transfer yang dipakai peminjam untuk konfirmasi', en: 'lend to another office; prints the transfer number the borrower confirms with' }))
    .argument('<args...>', kindArgs)
    .requiredOption('--to-office <office>', tr({ id: 'id kantor peminjam, misalnya 5372-DINAS', en: "the borrowing office's id, e.g. 5372-DINAS" }))
    .option('--force', force)
    .option('--reason <r>', tr({ id: 'alasan untuk --force', en: 'the reason for --force' }))
    .option('--json', tr({ id: 'cetak {transfer, entry, onHand}', en: 'print {transfer, entry, onHand}' }))
    .addOption(configOption())
    .action(async (args: string[], o: { toOffice: string; force?: boolean; reason?: string; json?: boolean; config?: string }) => {
      const { supply, n } = kindAndCount(args);
      const p = await run(o.config, (b) => b.lend(supply, n, o.toOffice, o));
      report(p, { id: `${amount(n, supply).id} dipinjamkan ke ${o.toOffice.trim()}`, en: `${amount(n, supply).en} lent to ${o.toOffice.trim()}` }, o.json);
    });

  office
    .command('borrow')
    .description(tr({ id: 'konfirmasi pinjaman dari kantor lain dengan nomor transfer pemberi pinjaman', en: "confirm a loan from another office with the lender's transfer number" }))
    .argument('<args...>', kindArgs)
    .requiredOption('--from-office <office>', tr({ id: 'id kantor pemberi pinjaman', en: "the lending office's id" }))
    .requiredOption('--transfer <id>', tr({ id: 'nomor transfer dari pemberi pinjaman, misalnya 5372-DINAS-T4', en: 'the lender\'s transfer number, e.g. 5372-DINAS-T4' }))
    .option('--again', tr({ id: 'transfer ini memang dikonfirmasi kedua kalinya', en: 'this transfer really is confirmed a second time' }))
    .option('--json', tr({ id: 'cetak {entry, onHand}', en: 'print {entry, onHand}' }))
    .addOption(configOption())
    .action(async (args: string[], o: { fromOffice: string; transfer: string; again?: boolean; json?: boolean; config?: string }) => {
      const { supply, n } = kindAndCount(args);
      const p = await run(o.config, (b) => b.borrow(supply, n, o.fromOffice, o.transfer, o));
      report(p, { id: `${amount(n, supply).id} dipinjam dari ${o.fromOffice.trim()}`, en: `${amount(n, supply).en} borrowed from ${o.fromOffice.trim()}` }, o.json);
    });

  office
    .command('count')
    .description(tr({ id: 'catat hitungan fisik gudang; selisihnya dari buku dicatat bertanda', en: "record a physical count of the store; the difference from the book is kept, signed" }))
    .argument('<args...>', kindArgs)
    .requiredOption('--reason <r>', tr({ id: 'mengapa dihitung, misalnya "hitung bulanan"', en: 'why it was counted, e.g. "monthly count"' }))
    .option('--json', tr({ id: 'cetak {entry, difference, onHand}', en: 'print {entry, difference, onHand}' }))
    .addOption(configOption())
    .action(async (args: string[], o: { reason: string; json?: boolean; config?: string }) => {
      const { supply, n } = kindAndCount(args);
      const p = await run(o.config, (b) => b.count(supply, n, o.reason));
      if (o.json) return out(JSON.stringify({ entry: p.entry, difference: p.difference, onHand: p.onHand }));
      report(p, { id: `dihitung ${amount(n, supply).id}; selisih ${p.difference >= 0 ? '+' : ''}${p.difference}`, en: `counted ${amount(n, supply).en}; difference ${p.difference >= 0 ? '+' : ''}${p.difference}` }, false);
    });

  office
    .command('correct')
    .description(tr({ id: 'batalkan entri gudang yang keliru dengan entri pembalik (buku tidak pernah diubah)', en: "undo a mistaken entry of the store's book with a reversing entry (the book is never edited)" }))
    .argument('<entry>', tr({ id: 'nomor entri, dari `office show`', en: 'entry number, from office show' }), (v: string) => wholeNumber(v.replace(/^#/, '')))
    .requiredOption('--reason <r>', tr({ id: 'mengapa entri itu keliru', en: 'why the entry was wrong' }))
    .option('--json', tr({ id: 'cetak {entry, corrects, onHand}', en: 'print {entry, corrects, onHand}' }))
    .addOption(configOption())
    .action(async (entry: number, o: { reason: string; json?: boolean; config?: string }) => {
      const p = await run(o.config, (b) => b.correct(entry, o.reason));
      if (o.json) return out(JSON.stringify({ entry: p.entry, corrects: entry, onHand: p.onHand }));
      report(p, { id: `entri #${entry} dibalik`, en: `entry #${entry} reversed` }, false);
    });

  office
    .command('slip')
    .description(tr({ id: 'cetak surat serah terima sebuah transfer, untuk menyertai barangnya', en: 'print the hand-over slip of a transfer, to go with the goods' }))
    .argument('<transfer>', tr({ id: 'nomor transfer, misalnya 5371-DINAS-T12', en: 'the transfer number, e.g. 5371-DINAS-T12' }))
    .addOption(configOption())
    .action(async (transfer: string, o: { config?: string }) => {
      const text = await withStore(o.config, async (s, cfg) => slipText(await bookOf(s, cfg).entries(100_000), transfer, { office: officeOf(cfg.station), lang: cliLang() }));
      out(text);
    });

  office
    .command('show')
    .description(tr({ id: 'isi gudang, transfer yang dikirim dan menunggu konfirmasi di penerima, daftar stasiun, entri terakhir', en: 'the store room, transfers sent and awaiting confirmation at the receiver, the register, the latest entries' }))
    .option('--json', tr({ id: 'cetak {office, onHand, sent, register, entries}', en: 'print {office, onHand, sent, register, entries}' }))
    .addOption(configOption())
    .action(async (o: { json?: boolean; config?: string }) => {
      const r = await run(o.config, async (b, cfg) => ({ office: officeOf(cfg.station), onHand: await b.onHand(), sent: await b.sentWithin(cfg.office.transitDays + 14), register: cfg.office.stations, entries: await b.entries(20) }));
      if (o.json) return out(JSON.stringify({ ...r, sent: r.sent.map((e) => ({ ...e, at: iso(e.at) })), entries: r.entries.map((e) => ({ ...e, at: iso(e.at) })) }, null, 2));
      out(`${r.office.id}${r.office.name ? ` (${r.office.name})` : ''}: ${tr(onHandLine(r.onHand))}`);
      out(`${tr({ id: 'Daftar stasiun', en: 'Register' })}: ${r.register.join(', ') || tr({ id: '(kosong: setel office.stations)', en: '(empty: set office.stations)' })}`);
      out(tr({ id: 'Dikirim, dikonfirmasi di penerima (dasbor mencocokkan kedua ujungnya):', en: 'Sent, confirmed at the receiver (the dashboard matches the two ends):' }));
      for (const e of r.sent) out(`  ${e.transfer ?? ''}  ${e.day}  ${amount(-e.qty, e.supply)[cliLang()]} → ${e.other ?? ''}`);
      if (r.sent.length === 0) out(tr({ id: '  (tidak ada)', en: '  (none)' }));
      out(tr({ id: 'Entri terakhir:', en: 'Latest entries:' }));
      for (const e of r.entries) out(`  ${entryLine(e)}`);
    });
}
