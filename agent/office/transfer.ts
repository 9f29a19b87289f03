/**
 * Transfer ids: `<sender>-T<n>`, made by the PC that sends (the store's book for a stack or rolls
 * carried to a printer and for a loan, named after the office; a printing PC for a stack it sends
 * back, named after that station, so two PCs of one office never make the same id). The receiving
 * clerk types it from the hand-over slip; the dashboard matches the two ends by it.
 */
import { AgentError, EXIT } from '../../core/errors.js';
import { aboutField, type Field, type Text } from '../../core/i18n.js';
import type { Queryable } from '../../platform/db.js';
import { typed } from '../../core/typed-text.js';

const FORM = /^(.+)-T([1-9]\d{0,8})$/;

/** The next id under `sender`, counted in the caller's transaction. */
export async function nextTransfer(tx: Queryable, sender: string): Promise<string> {
  await tx.run("UPDATE counters SET value = value + 1 WHERE name = 'transfer'");
  const row = await tx.get<{ value: number }>("SELECT value FROM counters WHERE name = 'transfer'");
  return `${sender}-T${row?.value ?? 1}`;
}


/**
 * A transfer id as typed, checked to come from `sender` (the store's office, the station that
 * sent a stack back, the lending office): refused with what was given and what is expected.
 */
export function transferFrom(given: string, sender: string, field: Field, what: Text): string {
  const id = typed(given).toUpperCase();
  const m = FORM.exec(id);
  if (!m || m[1] !== sender.toUpperCase()) {
    throw new AgentError(
      'usage',
      aboutField(field, {
        id: `"${given}" bukan nomor transfer dari ${what.id}; yang diharapkan ${sender}-T diikuti angka, misalnya ${sender}-T12, seperti tertulis di surat serah terima`,
        en: `"${given}" is not a transfer number from ${what.en}; expected ${sender}-T and a number, e.g. ${sender}-T12, as written on the hand-over slip`,
      }),
      { exitCode: EXIT.usage, hint: { id: 'Salin nomor transfer dari surat serah terima yang menyertai barangnya. Tidak ada yang dicatat.', en: 'Copy the transfer number from the hand-over slip that came with the goods. Nothing was recorded.' } },
    );
  }
  // The sender's own spelling of its name, with the number as typed.
  return `${sender}-T${m[2]}`;
}
