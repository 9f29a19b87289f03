/**
 * Why the office's book refuses an entry, in both languages: the field, what was given, what is
 * expected and what to do. Usage errors exit 64; a duplicate or a store that would go below zero
 * exits 1, as `stock receive` does for a batch received twice. Nothing is written either way.
 */
import { AgentError, EXIT } from '../../core/errors.js';
import { aboutField, bySurface, mapSaid, type Field, type Said, type Text } from '../../core/i18n.js';
import { typed, typedOrNull } from '../../core/typed-text.js';

export const SUPPLIES = ['blanks', 'ribbon', 'film'] as const;
export type Supply = (typeof SUPPLIES)[number];

export const SUPPLY_WORDS: Record<Supply, Text> = {
  blanks: { id: 'blangko', en: 'blank cards' },
  ribbon: { id: 'gulungan pita', en: 'ribbon rolls' },
  film: { id: 'gulungan film', en: 'film rolls' },
};

/** The fields of the office's movements, as the command line (its flags) and the station page (its labels) name them. */
export const FIELDS = {
  to: { cli: '--to', page: { id: 'Kepada', en: 'To' } },
  from: { cli: '--from', page: { id: 'Dari stasiun', en: 'From station' } },
  toOffice: { cli: '--to-office', page: { id: 'Kantor peminjam', en: 'Borrowing office' } },
  fromOffice: { cli: '--from-office', page: { id: 'Kantor pemberi', en: 'Lending office' } },
  transfer: { cli: '--transfer', page: { id: 'Nomor transfer', en: 'Transfer no.' } },
  reason: { cli: '--reason', page: { id: 'Alasan', en: 'Reason' } },
  batch: { cli: '--batch', page: { id: 'Nomor batch', en: 'Batch no.' } },
} as const satisfies Record<string, Field>;

const NOTHING: Text = { id: 'Tidak ada yang dicatat.', en: 'Nothing was recorded.' };

export function usage(message: Said, hint?: Said): AgentError {
  return new AgentError('usage', message, { exitCode: EXIT.usage, hint: hint ? mapSaid(hint, (h) => ({ id: `${h.id} ${NOTHING.id}`, en: `${h.en} ${NOTHING.en}` })) : NOTHING });
}

/** A quantity: a whole number above 0 (a count may be 0). */
export function checkQuantity(n: number, field: string, supply: Supply, opts: { zero?: boolean } = {}): void {
  const least = opts.zero ? 0 : 1;
  if (Number.isSafeInteger(n) && n >= least) return;
  const w = SUPPLY_WORDS[supply];
  throw usage({
    id: `${field}: jumlah ${w.id} harus bilangan bulat ${opts.zero ? '0 atau lebih' : 'di atas 0'}, diberikan ${n}`,
    en: `${field}: the number of ${w.en} must be a whole number ${opts.zero ? 'of 0 or more' : 'above 0'}, got ${n}`,
  });
}

export function checkSupply(given: string): Supply {
  if ((SUPPLIES as readonly string[]).includes(given)) return given as Supply;
  throw usage({ id: `jenis "${given}" tidak dikenal; salah satu dari: \`ribbon\`, \`film\` (tanpa jenis: blangko)`, en: `unknown kind "${given}"; one of: ribbon, film (without a kind: blank cards)` });
}

/** A station named for a transfer inside the office must be in its register (office.stations). */
export function checkRegistered(station: string, register: readonly string[], field: Field): string {
  const s = typed(station);
  if (register.includes(s)) return s;
  const known = register.length > 0 ? register.join(', ') : '(kosong / empty)';
  throw usage(
    aboutField(field, { id: `stasiun "${station}" tidak ada dalam daftar stasiun kantor ini; yang terdaftar: ${known}`, en: `station "${station}" is not in this office's register; registered: ${known}` }),
    { id: 'Periksa id stasiun di layar stasiun tujuan, atau tambahkan stasiun itu ke office.stations.', en: "Check the station id on the receiving station's screen, or add the station to office.stations." },
  );
}

/** Another office: its id, never this office's own. */
export function checkOtherOffice(given: string, own: string, field: Field): string {
  const o = typed(given);
  if (!/^[A-Za-z0-9._-]{1,48}$/.test(o)) {
    throw usage(aboutField(field, { id: `"${given}" bukan id kantor; yang diharapkan misalnya 5372-DINAS (huruf, angka, ".", "_" atau "-")`, en: `"${given}" is not an office id; expected e.g. 5372-DINAS (letters, digits, ".", "_" or "-")` }));
  }
  if (o.toUpperCase() === own.toUpperCase()) throw usage(aboutField(field, { id: `${o} adalah kantor ini sendiri; pinjaman hanya antar kantor`, en: `${o} is this office itself; loans are between offices` }));
  return o;
}

export function checkReason(reason: string | undefined, field: Field, example: Text): string {
  const r = typedOrNull(reason) ?? '';
  if (r) return r;
  throw usage(aboutField(field, { id: `perlu alasan, misalnya "${example.id}"`, en: `a reason is needed, for example "${example.en}"` }));
}

/** The same number twice: the command line's --again, the page's checkbox; or the first entry reversed. */
export function duplicate(what: Text, earlier: { id: number; qty: number; day: string }): AgentError {
  return new AgentError(
    'office-duplicate',
    {
      id: `${what.id} sudah dicatat: entri #${earlier.id}, ${Math.abs(earlier.qty)} pada ${earlier.day}. Tidak ada yang dicatat.`,
      en: `${what.en} was already recorded: entry #${earlier.id}, ${Math.abs(earlier.qty)} on ${earlier.day}. Nothing was recorded.`,
    },
    {
      hint: bySurface(
        {
          id: `Bila ini memang kedua kalinya, tambahkan --again. Bila entri #${earlier.id} keliru: station-agent office correct ${earlier.id} --reason "..."`,
          en: `If this really is a second one, add --again. If entry #${earlier.id} was a mistake: station-agent office correct ${earlier.id} --reason "..."`,
        },
        {
          id: `Bila ini memang kedua kalinya, centang "Nomor ini memang kedua kalinya" lalu simpan lagi. Bila entri #${earlier.id} keliru, minta teknisi membaliknya (buku tidak pernah diubah).`,
          en: `If this really is a second one, tick "This number really is a second time" and save again. If entry #${earlier.id} was a mistake, ask the technician to reverse it (the book is never edited).`,
        },
      ),
      exitCode: EXIT.failure,
    },
  );
}

export function belowZero(supply: Supply, onHand: number, n: number): AgentError {
  const w = SUPPLY_WORDS[supply];
  return new AgentError(
    'office-below-zero',
    {
      id: `gudang hanya mencatat ${onHand} ${w.id}; mengeluarkan ${n} membuatnya di bawah nol. Tidak ada yang dicatat.`,
      en: `the store's book holds only ${onHand} ${w.en}; taking out ${n} would put it below zero. Nothing was recorded.`,
    },
    {
      hint: bySurface(
        {
          id: 'Hitung isi gudang dulu (station-agent office count N --reason R) atau catat penerimaan yang belum tercatat. Bila barangnya memang ada: ulangi dengan --force --reason "...".',
          en: 'Count the store room first (station-agent office count N --reason R) or record the delivery that was missed. If the goods really are there: repeat with --force --reason "...".',
        },
        { id: 'Hitung isi gudang dulu ("Hitung fisik gudang") atau catat penerimaan yang belum tercatat.', en: 'Count the store room first ("Physical count of the store") or record the delivery that was missed.' },
      ),
      exitCode: EXIT.failure,
    },
  );
}
