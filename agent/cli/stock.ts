import type { Command } from 'commander';
import { Ledger, type LedgerEntry, type LedgerKind } from '../ledger/blanks.js';
import type { Text } from '../../core/i18n.js';
import { configOption, iso, out, wholeNumber, withStore, subcommand } from './common.js';
import { tr } from './lang.js';
import { receiveBlanks, returnBlanks } from '../office/stack.js';

const KIND_WORDS: Record<LedgerKind, Text> = {
  receive: { id: 'terima', en: 'received' },
  print: { id: 'cetak', en: 'printed' },
  spoil: { id: 'rusak', en: 'spoiled' },
  adjust: { id: 'selisih hitung', en: 'count adjustment' },
  return: { id: 'kembali ke gudang', en: 'sent back to the store' },
};

const signed = (n: number) => `${n >= 0 ? '+' : ''}${n}`;
const onHandText = (n: number): Text => ({ id: `stok: ${n}`, en: `on hand: ${n}` });

function entryLine(e: LedgerEntry): string {
  const notes = [
    e.batch ? `batch ${e.batch}` : '',
    e.transfer ? `transfer ${e.transfer}` : '',
    e.recordId ?? '',
    e.reason ?? '',
    e.correctedBy !== null ? tr({ id: `dikoreksi oleh #${e.correctedBy}`, en: `corrected by #${e.correctedBy}` }) : '',
  ].filter(Boolean);
  return `#${String(e.id).padEnd(6)} ${iso(e.at).slice(0, 19).padEnd(20)} ${tr(KIND_WORDS[e.kind]).padEnd(16)} ${signed(e.qty).padStart(6)}  ${notes.join('; ')}`.trimEnd();
}

/** `station-agent stock ...`: the blank-card ledger, usable while the daemon runs (same file, WAL). */
export function addStockCommands(program: Command, version: string): void {
  const stock = subcommand(program, 'stock', tr({ id: 'buku kartu blangko: penerimaan, hitungan, koreksi, jumlah stok', en: 'the blank-card ledger: deliveries, counts, corrections, what is on hand' }), version);

  stock
    .command('receive')
    .description(
      tr({
        id: 'catat kartu blangko yang diterima: kiriman dari kementerian (--batch) atau tumpukan dari gudang kantor (--transfer, dari surat serah terimanya); yang sudah pernah diterima ditolak kecuali dengan --again',
        en: "record blank cards received: a delivery from the ministry (--batch) or a stack from the office's store (--transfer, from its hand-over slip); one already received is refused unless --again",
      }),
    )
    .argument('<n>', tr({ id: 'jumlah kartu yang diterima', en: 'number of cards received' }), wholeNumber)
    .option('--batch <b>', tr({ id: 'nomor batch atau berita acara serah terima pengiriman', en: 'the batch or handover reference of the delivery' }))
    .option('--transfer <id>', tr({ id: 'nomor transfer dari surat serah terima gudang kantor, misalnya 5371-DINAS-T12', en: "the transfer number on the office store's hand-over slip, e.g. 5371-DINAS-T12" }))
    .option('--again', tr({ id: 'nomor batch atau transfer ini memang diterima kedua kalinya', en: 'this batch or transfer number really is received a second time' }))
    .addOption(configOption())
    .action(async (n: number, opts: { batch?: string; transfer?: string; again?: boolean; config?: string }) => {
      const s = await withStore(opts.config, (st, config) => receiveBlanks(st, config, n, opts));
      const source = opts.transfer !== undefined ? `transfer ${opts.transfer.trim().toUpperCase()}` : `batch ${opts.batch?.trim() ?? ''}`;
      out(tr({ id: `diterima ${n} (${source}, entri #${s.entry}); stok: ${s.onHand}`, en: `received ${n} (${source}, entry #${s.entry}); on hand: ${s.onHand}` }));
    });

  stock
    .command('return')
    .description(tr({ id: 'kirim tumpukan blangko kembali ke gudang kantor; mencetak nomor transfer untuk surat serah terima, yang dikonfirmasi gudang', en: "send a stack of blank cards back to the office's store; prints the transfer number for the hand-over slip, which the store confirms" }))
    .argument('<n>', tr({ id: 'jumlah kartu yang dikembalikan', en: 'number of cards sent back' }), wholeNumber)
    .option('--force', tr({ id: 'catat walau buku di sini mencatat lebih sedikit (perlu --reason)', en: 'record it even though the ledger here holds fewer (needs --reason)' }))
    .option('--reason <r>', tr({ id: 'alasan untuk --force', en: 'the reason for --force' }))
    .option('--json', tr({ id: 'cetak {transfer, entry, onHand}', en: 'print {transfer, entry, onHand}' }))
    .addOption(configOption())
    .action(async (n: number, opts: { force?: boolean; reason?: string; json?: boolean; config?: string }) => {
      const r = await withStore(opts.config, (st, config) => returnBlanks(st, config, n, opts));
      if (opts.json) return out(JSON.stringify({ transfer: r.transfer, entry: r.entry, onHand: r.onHand }));
      out(`transfer ${r.transfer}`);
      out(tr({ id: `${n} kartu dikembalikan ke gudang (entri #${r.entry}); stok: ${r.onHand}. Tulis nomor transfer di surat serah terima.`, en: `${n} cards sent back to the store (entry #${r.entry}); on hand: ${r.onHand}. Write the transfer number on the hand-over slip.` }));
    });

  stock
    .command('count')
    .description(tr({ id: 'catat hitungan fisik; selisihnya dari buku dicatat sebagai penyesuaian bertanda', en: 'record a physical count; the difference from the ledger is kept as a signed adjustment' }))
    .argument('<n>', tr({ id: 'kartu stok yang dihitung', en: 'cards counted on hand' }), wholeNumber)
    .requiredOption('--reason <r>', tr({ id: 'mengapa dihitung, misalnya "hitung bulanan"', en: 'why the count was made, e.g. "monthly count"' }))
    .addOption(configOption())
    .action(async (n: number, opts: { reason: string; config?: string }) => {
      const r = await withStore(opts.config, (st) => new Ledger(st.db).count(n, opts.reason));
      out(tr({ id: `dihitung ${n}; penyesuaian ${signed(r.adjustment)}; stok: ${r.summary.onHand}`, en: `counted ${n}; adjustment ${signed(r.adjustment)}; on hand: ${r.summary.onHand}` }));
    });

  stock
    .command('correct')
    .description(tr({ id: 'batalkan penerimaan atau hitungan yang keliru dengan entri pembalik (buku tidak pernah diubah); nomor entri dari stock history', en: 'undo a mistaken delivery or count with a reversing entry (the ledger is never edited); entry numbers from stock history' }))
    .argument('<entry>', tr({ id: 'nomor entri, misalnya 12', en: 'entry number, e.g. 12' }), (v: string) => wholeNumber(v.replace(/^#/, '')))
    .requiredOption('--reason <r>', tr({ id: 'mengapa entri itu keliru, misalnya "tercatat dua kali"', en: 'why the entry was wrong, e.g. "recorded twice"' }))
    .addOption(configOption())
    .action(async (entry: number, opts: { reason: string; config?: string }) => {
      const r = await withStore(opts.config, (st) => new Ledger(st.db).correct(entry, opts.reason));
      out(
        tr({
          id: `entri #${entry} (${tr(KIND_WORDS[r.reversed.kind])} ${signed(r.reversed.qty)}) dibalik oleh entri #${r.entry}; ${onHandText(r.summary.onHand).id}`,
          en: `entry #${entry} (${tr(KIND_WORDS[r.reversed.kind])} ${signed(r.reversed.qty)}) reversed by entry #${r.entry}; ${onHandText(r.summary.onHand).en}`,
        }),
      );
    });

  stock
    .command('history')
    .description(tr({ id: 'entri terakhir buku kartu blangko, dengan nomornya (untuk stock correct)', en: 'the latest entries of the blank-card ledger, with their numbers (for stock correct)' }))
    .option('--limit <n>', tr({ id: 'berapa entri', en: 'how many entries' }), wholeNumber, 30)
    .option('--json', tr({ id: 'larik JSON berisi {id, at, kind, qty, batch, reason, recordId, corrects, correctedBy}', en: 'a JSON array of {id, at, kind, qty, batch, reason, recordId, corrects, correctedBy}' }))
    .addOption(configOption())
    .action(async (opts: { limit: number; json?: boolean; config?: string }) => {
      const entries = await withStore(opts.config, (st) => new Ledger(st.db).entries(opts.limit));
      if (opts.json) return out(JSON.stringify(entries.map((e) => ({ ...e, at: iso(e.at) })), null, 2));
      if (entries.length === 0) return out(tr({ id: 'buku masih kosong; catat penerimaan dengan: station-agent stock receive N --batch B', en: 'the ledger is empty; record a delivery with: station-agent stock receive N --batch B' }));
      out(`${tr({ id: 'ENTRI', en: 'ENTRY' }).padEnd(7)} ${tr({ id: 'WAKTU (UTC)', en: 'TIME (UTC)' }).padEnd(20)} ${tr({ id: 'JENIS', en: 'KIND' }).padEnd(16)} ${tr({ id: 'JUMLAH', en: 'QTY' }).padStart(6)}  ${tr({ id: 'CATATAN', en: 'NOTE' })}`);
      for (const e of entries) out(entryLine(e));
    });

  stock
    .command('show')
    .description(tr({ id: 'buku secara ringkas: diterima + disesuaikan = tercetak + rusak + kembali ke gudang + stok', en: 'the ledger in sum: received + adjusted = printed + spoiled + sent back + on hand' }))
    .addOption(configOption())
    .option('--json', tr({ id: 'cetak {received, printed, spoiled, adjusted, returned, onHand}', en: 'print {received, printed, spoiled, adjusted, returned, onHand}' }))
    .action(async (opts: { config?: string; json?: boolean }) => {
      const s = await withStore(opts.config, (st) => new Ledger(st.db).summary());
      const { kept: _kept, ...figures } = s;
      if (opts.json) return out(JSON.stringify(figures, null, 2));
      out(
        tr({
          id: `diterima ${s.received}, tercetak ${s.printed}, rusak ${s.spoiled}, disesuaikan ${signed(s.adjusted)}${s.returned ? `, kembali ke gudang ${s.returned}` : ''}, stok ${s.onHand}`,
          en: `received ${s.received}, printed ${s.printed}, spoiled ${s.spoiled}, adjusted ${signed(s.adjusted)}${s.returned ? `, sent back to the store ${s.returned}` : ''}, on hand ${s.onHand}`,
        }),
      );
    });
}
