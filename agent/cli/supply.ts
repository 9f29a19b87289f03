import { Argument, type Command } from 'commander';
import type { Text } from '../../core/i18n.js';
import type { HealthPayload, SupplyPayload } from '../../telemetry/payloads.js';
import { LAST_HEALTH_KEY } from '../../telemetry/telemetry.js';
import { ROLL_KINDS, ROLL_WORDS, SupplyLedger, type RollKind, type SupplyCount, type YieldFrom } from '../ledger/supplies.js';
import type { Store } from '../store/store.js';
import { configOption, out, wholeNumber, withStore, subcommand } from './common.js';
import { tr } from './lang.js';
import { receiveRolls } from '../office/stack.js';
import { sameRollWords } from '../ledger/same-roll-words.js';

const kindArgument = () =>
  new Argument('<kind>', tr({ id: '`ribbon` (pita) atau `film` (film retransfer); kartu blangko: station-agent stock', en: 'ribbon or film (blank cards: station-agent stock)' })).choices(ROLL_KINDS);
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
/** n rolls (Indonesian counts without a plural). */
const rolls = (n: number, kind?: RollKind): Text => ({ id: `${n} gulungan${kind ? ` ${ROLL_WORDS[kind].id}` : ''}`, en: plural(n, kind ? `${kind} roll` : 'roll') });
const cards = (n: number): Text => ({ id: `${n} kartu`, en: plural(n, 'card') });

/** Where a roll's yield came from, as `supply replace` and `supply show` say it. */
const YIELD_FROM: Record<YieldFrom, Text> = {
  box: { id: 'angka di kotaknya', en: "the box's figure" },
  learned: { id: 'dipelajari dari gulungan kantor ini', en: "this office's rolls" },
  default: { id: 'angka bawaan', en: 'the default' },
};

/** One kind as `supply show` gives it: the count, and what health uses (the printer's level where it gives one). */
export interface SupplyView extends Omit<SupplyCount, 'source'> {
  /** By count: remaining ÷ yield. */
  levelPercent: number | null;
  /** What health reports: the printer's level where it gives one (the count is then kept beside it), else the count. */
  source: 'printer' | 'counted';
  /** The printer's last reported level, when it reports one. */
  printer: { levelPercent: number | null; remaining: number | null; at: string } | null;
}

async function view(store: Store, ledger: SupplyLedger, kind: RollKind): Promise<SupplyView> {
  const c = await ledger.count(kind);
  const last = (await store.getState<HealthPayload>(LAST_HEALTH_KEY))?.value;
  const reported: SupplyPayload | undefined = last?.printer.supplies.find((s) => s.kind === kind && s.source !== 'counted' && (s.levelPercent !== null || s.remaining !== null));
  return {
    ...c,
    levelPercent: c.remaining !== null && c.yield ? Math.round((c.remaining / c.yield) * 100) : null,
    printer: reported && last ? { levelPercent: reported.levelPercent, remaining: reported.remaining, at: last.ts } : null,
    source: reported ? 'printer' : 'counted',
  };
}

function describe(v: SupplyView): string {
  // The kind's word, then the lines under it indented as far: as wide as the longest word.
  const width = Math.max(...ROLL_KINDS.map((k) => tr(ROLL_WORDS[k]).length)) + 1;
  const under = ' '.repeat(width + 1);
  const lines: string[] = [];
  const roll: Text =
    v.installedAt === null
      ? { id: 'belum ada gulungan yang dicatat di printer', en: 'no roll recorded in the printer' }
      : {
          id: `gulungan terpasang sejak ${v.installedAt}: ${v.cardsSince} kartu dari ${v.yield} (${v.yieldFrom ? YIELD_FROM[v.yieldFrom].id : '?'}), sisa sekitar ${v.remaining} (${v.levelPercent} %) menurut hitungan`,
          en: `roll in since ${v.installedAt}: ${v.cardsSince} cards of ${v.yield} (${v.yieldFrom ? YIELD_FROM[v.yieldFrom].en : '?'}), about ${v.remaining} left (${v.levelPercent} %) by count`,
        };
  lines.push(`${tr(ROLL_WORDS[v.kind]).padEnd(width)} ${tr(roll)}`);
  if (v.printer) {
    const p = v.printer;
    lines.push(
      under +
        tr({
          id: `kata printer ${p.levelPercent ?? '?'} %${p.remaining !== null ? ` (sisa ${p.remaining})` : ''} pada ${p.at}: laporan kesehatan stasiun memakai angka printer`,
          en: `the printer says ${p.levelPercent ?? '?'} %${p.remaining !== null ? ` (${p.remaining} left)` : ''} at ${p.at}: health uses the printer's level`,
        }),
    );
  }
  const shelf: Text = v.onShelf === null ? { id: 'belum dicatat', en: 'not recorded yet' } : rolls(v.onShelf);
  const expected: Text =
    v.expectedFrom === 'learned'
      ? { id: `dipelajari dari ${v.learnedFrom} gulungan yang habis terpakai`, en: `learned from ${plural(v.learnedFrom, 'used-up roll')}` }
      : { id: 'angka bawaan, sampai ada gulungan yang habis terpakai', en: 'the default, until a roll is used up' };
  lines.push(
    under +
      tr({
        id: `di rak: ${shelf.id}; gulungan baru diperkirakan mencetak ${v.expectedYield} kartu (${expected.id})`,
        en: `on the shelf: ${shelf.en}; a new roll is expected to give ${v.expectedYield} cards (${expected.en})`,
      }),
  );
  return lines.join('\n');
}

/** `station-agent supply ...`: the ribbon and film ledger, usable while the daemon runs (same file, WAL). */
export function addSupplyCommands(program: Command, version: string): void {
  const supply = subcommand(program, 'supply', tr({ id: 'pita dan film retransfer: gulungan di rak, gulungan di printer, kartu yang dihitung terhadapnya', en: 'ribbon and film: rolls on the shelf, the roll in the printer, the cards counted against it' }), version)
    .addHelpText(
      'after',
      tr({
        id: `
Saat gulungan datang:            station-agent supply receive film 3 --lot L-2026-11
Saat memasang gulungan baru:     station-agent supply replace film        (mengambil satu dari rak)
  gulungan yang tidak tercatat di rak: station-agent supply replace film --yield 1500   (angka di kotaknya)
Setiap kartu yang dicetak atau rusak dihitung terhadap gulungan yang terpasang di printer.`,
        en: `
When rolls arrive:             station-agent supply receive film 3 --lot L-2026-11
When you put in a new roll:    station-agent supply replace film        (takes one from the shelf)
  a roll not recorded on the shelf: station-agent supply replace film --yield 1500   (the box's figure)
Every card printed or spoiled is counted against the roll in the printer.`,
      }),
    );

  const lotOption = tr({ id: 'nomor lot atau nomor komponen yang tertulis di kotak', en: 'the lot or part number printed on the box' });

  supply
    .command('receive')
    .description(tr({ id: 'catat gulungan yang diterima ke rak', en: 'record rolls delivered onto the shelf' }))
    .addArgument(kindArgument())
    .argument('<n>', tr({ id: 'jumlah gulungan yang diterima', en: 'number of rolls received' }), wholeNumber)
    .option('--lot <lot>', lotOption)
    .option('--transfer <id>', tr({ id: 'nomor transfer dari surat serah terima gudang kantor (gulungan dari gudang)', en: "the transfer number on the office store's hand-over slip (rolls from the store)" }))
    .option('--again', tr({ id: 'transfer ini memang diterima kedua kalinya', en: 'this transfer really is received a second time' }))
    .addOption(configOption())
    .action(async (kind: RollKind, n: number, opts: { lot?: string; transfer?: string; again?: boolean; config?: string }) => {
      const c = await withStore(opts.config, (s, config) => receiveRolls(s, config, kind, n, { lot: opts.lot, transfer: opts.transfer, again: opts.again }));
      const lot = opts.lot ? ` (lot ${opts.lot.trim()})` : '';
      const via = opts.transfer ? ` (transfer ${opts.transfer.trim().toUpperCase()})` : '';
      out(tr({ id: `diterima ${rolls(n, kind).id}${lot}${via}; di rak: ${c.onShelf ?? 0}`, en: `received ${rolls(n, kind).en}${lot}${via}; on the shelf: ${c.onShelf ?? 0}` }));
    });

  supply
    .command('replace')
    .description(tr({ id: 'catat gulungan baru yang dipasang di printer: gulungan yang dikeluarkan dicatat dengan jumlah kartu yang dicetaknya', en: 'record a new roll put in the printer: the one taken out is recorded with the cards it gave' }))
    .addArgument(kindArgument())
    .option('--yield <n>', tr({ id: 'jumlah kartu yang dicetak gulungan baru, menurut kotaknya (wajib bila tidak ada gulungan di rak)', en: 'cards the new roll prints, as its box says (needed when no roll is on the shelf)' }), wholeNumber)
    .option('--lot <lot>', lotOption)
    .option('--early', tr({ id: 'gulungan yang dikeluarkan belum habis terpakai (perkiraan tidak belajar darinya)', en: 'the roll taken out was not used up (it is then not learned from)' }))
    .addOption(configOption())
    .action(async (kind: RollKind, opts: { yield?: number; lot?: string; early?: boolean; config?: string }) => {
      const { before, after } = await withStore(opts.config, async (s, config) => {
        const ledger = new SupplyLedger(s.db, config.forecast.cardsPerSupply);
        const before = await ledger.count(kind);
        return { before, after: await ledger.replace(kind, { yield: opts.yield, lot: opts.lot, early: opts.early }) };
      });
      if (after.sameRoll) return out(tr(sameRollWords(kind, after)));
      const word = tr(ROLL_WORDS[kind]);
      if (before.installedAt !== null) {
        const gave = cards(before.cardsSince ?? 0);
        out(tr({ id: `${word}: gulungan yang dikeluarkan mencetak ${gave.id}${opts.early ? ' (dikeluarkan sebelum habis)' : ''}`, en: `${word}: the roll taken out gave ${gave.en}${opts.early ? ' (taken out early)' : ''}` }));
      }
      const shelf: Text = (before.onShelf ?? 0) > 0 ? { id: `dari rak (sisa ${after.onShelf ?? 0} di sana)`, en: `from the shelf (${after.onShelf ?? 0} left there)` } : { id: 'bukan dari rak', en: 'not from the shelf' };
      const from: Text = after.yieldFrom === 'learned' ? { id: YIELD_FROM.learned.id, en: "learned from this office's rolls" } : YIELD_FROM[after.yieldFrom ?? 'default'];
      out(
        tr({
          id: `${word}: gulungan baru terpasang di printer, ${shelf.id}; diperkirakan mencetak ${after.yield} kartu (${from.id})`,
          en: `${word}: new roll in the printer, ${shelf.en}; expected to give ${after.yield} cards (${from.en})`,
        }),
      );
    });

  supply
    .command('show')
    .description(tr({ id: 'pita dan film retransfer: gulungan di printer, kartu yang dihitung, gulungan di rak, hasil tiap gulungan', en: 'ribbon and film: the roll in the printer, cards counted, rolls on the shelf, what each roll gave' }))
    .option(
      '--json',
      tr({
        id: 'cetak [{kind, installedAt, yield, yieldFrom, cardsSince, remaining, levelPercent, source, onShelf, expectedYield, expectedFrom, learnedFrom, printer, rolls: [{installedAt, removedAt, cards, yield, yieldFrom, lot, removed, recordedBy}]}]',
        en: 'print [{kind, installedAt, yield, yieldFrom, cardsSince, remaining, levelPercent, source, onShelf, expectedYield, expectedFrom, learnedFrom, printer, rolls: [{installedAt, removedAt, cards, yield, yieldFrom, lot, removed, recordedBy}]}]',
      }),
    )
    .addOption(configOption())
    .action(async (opts: { json?: boolean; config?: string }) => {
      const views = await withStore(opts.config, async (s, config) => {
        const ledger = new SupplyLedger(s.db, config.forecast.cardsPerSupply);
        return [await view(s, ledger, 'ribbon'), await view(s, ledger, 'film')];
      });
      out(opts.json ? JSON.stringify(views, null, 2) : views.map(describe).join('\n'));
    });
}
