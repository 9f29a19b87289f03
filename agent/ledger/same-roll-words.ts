import type { Text } from '../../core/i18n.js';
import { ROLL_WORDS, type Replaced, type RollKind } from './supplies.js';

/**
 * What a person is told when their `supply replace` named the roll the printer had already
 * recorded: one roll, nothing more from the shelf. The time is UTC, as the ledger keeps it.
 */
export function sameRollWords(kind: RollKind, c: Replaced): Text {
  const w = ROLL_WORDS[kind];
  const at = c.sameRoll?.installedAt.slice(11, 16) ?? '?';
  const lot = c.rolls.at(-1)?.lot;
  return {
    id: `gulungan ${w.id} ini sudah dicatat printer pukul ${at} UTC: dicatat sebagai gulungan yang sama${lot ? `, lot ${lot}` : ''}, diperkirakan ${c.yield} kartu; tidak ada lagi yang diambil dari rak (di rak: ${c.onShelf ?? 0})`,
    en: `the printer recorded this ${w.en} roll at ${at} UTC: recorded as that same roll${lot ? `, lot ${lot}` : ''}, expected to give ${c.yield} cards; nothing more taken from the shelf (on the shelf: ${c.onShelf ?? 0})`,
  };
}
