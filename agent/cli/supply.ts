import { Argument, type Command } from 'commander';
import type { HealthPayload, SupplyPayload } from '../../telemetry/payloads.js';
import { LAST_HEALTH_KEY } from '../../telemetry/telemetry.js';
import { ROLL_KINDS, SupplyLedger, type RollKind, type SupplyCount } from '../ledger/supplies.js';
import type { Store } from '../store/store.js';
import { configOption, out, wholeNumber, withStore } from './common.js';

const kindArgument = () => new Argument('<kind>', 'ribbon or film (blank cards: station-agent stock)').choices(ROLL_KINDS);
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

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
  const lines: string[] = [];
  const roll = v.installedAt === null ? 'no roll recorded in the printer' : `roll in since ${v.installedAt}: ${v.cardsSince} cards of ${v.yield} (${v.yieldFrom === 'box' ? "the box's figure" : v.yieldFrom === 'learned' ? "this office's rolls" : 'the default'}), about ${v.remaining} left (${v.levelPercent} %) by count`;
  lines.push(`${v.kind.padEnd(7)} ${roll}`);
  if (v.printer) lines.push(`        the printer says ${v.printer.levelPercent ?? '?'} %${v.printer.remaining !== null ? ` (${v.printer.remaining} left)` : ''} at ${v.printer.at}: health uses the printer's level`);
  lines.push(`        on the shelf: ${v.onShelf === null ? 'not recorded yet' : plural(v.onShelf, 'roll')}; a new roll is expected to give ${v.expectedYield} cards (${v.expectedFrom === 'learned' ? `learned from ${plural(v.learnedFrom, 'used-up roll')}` : 'the default, until a roll is used up'})`);
  return lines.join('\n');
}

/** `station-agent supply ...`: the ribbon and film ledger, usable while the daemon runs (same file, WAL). */
export function addSupplyCommands(program: Command, version: string): void {
  const supply = program
    .command('supply')
    .description('ribbon and film: rolls on the shelf, the roll in the printer, the cards counted against it')
    .version(version, '-V, --version')
    .addHelpText(
      'after',
      `
When rolls arrive:             station-agent supply receive film 3 --lot L-2026-11
When you put in a new roll:    station-agent supply replace film        (takes one from the shelf)
  a roll not recorded on the shelf: station-agent supply replace film --yield 1500   (the box's figure)
Every card printed or spoiled is counted against the roll in the printer.`,
    );

  supply
    .command('receive')
    .description('record rolls delivered onto the shelf')
    .addArgument(kindArgument())
    .argument('<n>', 'number of rolls received', wholeNumber)
    .option('--lot <lot>', "the lot or part number printed on the box")
    .addOption(configOption())
    .action(async (kind: RollKind, n: number, opts: { lot?: string; config?: string }) => {
      const c = await withStore(opts.config, (s, config) => new SupplyLedger(s.db, config.forecast.cardsPerSupply).receive(kind, n, { lot: opts.lot }));
      out(`received ${plural(n, `${kind} roll`)}${opts.lot ? ` (lot ${opts.lot.trim()})` : ''}; on the shelf: ${c.onShelf ?? 0}`);
    });

  supply
    .command('replace')
    .description('record a new roll put in the printer: the one taken out is recorded with the cards it gave')
    .addArgument(kindArgument())
    .option('--yield <n>', "cards the new roll prints, as its box says (needed when no roll is on the shelf)", wholeNumber)
    .option('--lot <lot>', 'the lot or part number printed on the box')
    .option('--early', 'the roll taken out was not used up (it is then not learned from)')
    .addOption(configOption())
    .action(async (kind: RollKind, opts: { yield?: number; lot?: string; early?: boolean; config?: string }) => {
      const { before, after } = await withStore(opts.config, async (s, config) => {
        const ledger = new SupplyLedger(s.db, config.forecast.cardsPerSupply);
        const before = await ledger.count(kind);
        return { before, after: await ledger.replace(kind, { yield: opts.yield, lot: opts.lot, early: opts.early }) };
      });
      if (before.installedAt !== null) out(`${kind}: the roll taken out gave ${plural(before.cardsSince ?? 0, 'card')}${opts.early ? ' (taken out early)' : ''}`);
      const shelf = (before.onShelf ?? 0) > 0 ? `from the shelf (${after.onShelf ?? 0} left there)` : 'not from the shelf';
      out(`${kind}: new roll in the printer, ${shelf}; expected to give ${after.yield} cards (${after.yieldFrom === 'box' ? "the box's figure" : after.yieldFrom === 'learned' ? "learned from this office's rolls" : 'the default'})`);
    });

  supply
    .command('show')
    .description('ribbon and film: the roll in the printer, cards counted, rolls on the shelf, what each roll gave')
    .option('--json', 'print [{kind, installedAt, yield, yieldFrom, cardsSince, remaining, levelPercent, source, onShelf, expectedYield, expectedFrom, learnedFrom, printer, rolls: [{installedAt, removedAt, cards, yield, yieldFrom, lot, removed, recordedBy}]}]')
    .addOption(configOption())
    .action(async (opts: { json?: boolean; config?: string }) => {
      const views = await withStore(opts.config, async (s, config) => {
        const ledger = new SupplyLedger(s.db, config.forecast.cardsPerSupply);
        return [await view(s, ledger, 'ribbon'), await view(s, ledger, 'film')];
      });
      out(opts.json ? JSON.stringify(views, null, 2) : views.map(describe).join('\n'));
    });
}
