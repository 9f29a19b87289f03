/** The queue's states as people read them; the codes stay in JSON, telemetry and the database. */
import { bySurface, type Said, type Text } from '../../core/i18n.js';
import type { Job, JobState } from './job.js';

export const STATE_WORDS: Record<JobState, Text> = {
  queued: { id: 'antre', en: 'queued' },
  fetching: { id: 'mengambil data', en: 'fetching' },
  ready: { id: 'siap cetak', en: 'ready' },
  printing: { id: 'sedang dicetak', en: 'printing' },
  printed: { id: 'tercetak', en: 'printed' },
  failed: { id: 'gagal', en: 'failed' },
  spoiled: { id: 'rusak', en: 'spoiled' },
  needs_verification: { id: 'perlu diperiksa', en: 'to verify' },
  cancelled: { id: 'dibatalkan', en: 'cancelled' },
  refused: { id: 'ditolak', en: 'refused' },
};

/** Who holds a record another station holds, and since when (RFC 3339) where the service said. */
export function heldBy(by: string, at: string | null): Text {
  return { id: `dipegang stasiun ${by}${at ? ` sejak ${at}` : ''}`, en: `held by station ${by}${at ? ` since ${at}` : ''}` };
}

/**
 * Why a record was refused because a station holds it, and what to do. `self`: the service names
 * this very station (printed or held here before, by an earlier database of this PC).
 */
export function heldWords(by: string, at: string | null, self = false): Said {
  const held = heldBy(by, at);
  if (self) {
    return {
      id: `${held.id} (stasiun ini, menurut basis data sebelumnya): sudah tercetak atau sedang dipegang di sini; periksa kartunya sebelum mencetak lagi`,
      en: `${held.en} (this station, by an earlier database): printed or held here already; check for its card before printing it again`,
    };
  }
  return bySurface(
    {
      id: `${held.id}; satu rekaman dicetak di satu stasiun saja. Bila stasiun itu tidak akan mencetaknya, batalkan di sana (station-agent jobs cancel ID), lalu tambahkan lagi di sini`,
      en: `${held.en}; a record is printed at one station only. If that station will not print it, cancel it there (station-agent jobs cancel ID), then add it here again`,
    },
    {
      id: `${held.id}; satu rekaman dicetak di satu stasiun saja. Bila stasiun itu tidak akan mencetaknya, batalkan di sana (tombol "Batalkan" di halaman stasiun itu), lalu tambahkan lagi di sini`,
      en: `${held.en}; a record is printed at one station only. If that station will not print it, cancel it there (the "Cancel" button on that station's page), then add it here again`,
    },
  );
}

/** Why a record already printed is not added again, and how its card is spoiled to print it again. */
export function printedWords(recordId: string, when: string): Said {
  const why: Text = { id: `sudah tercetak (${when}); satu rekaman dicetak paling banyak sekali`, en: `already printed (${when}); a record is printed at most once` };
  return bySurface(
    { id: `${why.id}. Bila kartunya rusak: station-agent jobs spoil ${recordId} --reason R, lalu tambahkan lagi`, en: `${why.en}. If its card is unusable: station-agent jobs spoil ${recordId} --reason R, then add it again` },
    { id: `${why.id}. Bila kartunya rusak: "Tandai kartu rusak…" di bawah daftar kartu, dengan "Cetak ulang" dicentang`, en: `${why.en}. If its card is unusable: "Mark a card spoiled…" below the list of cards, with "Print again" ticked` },
  );
}

/** What to do when a card is marked spoiled but is not printed: settle it first, or look at its state. */
export function spoilStateHint(recordId: string, state: JobState): Said {
  if (state === 'needs_verification') {
    return bySurface(
      { id: `Kartu yang belum pasti: station-agent jobs verify ${recordId} --spoiled`, en: `A card not yet settled: station-agent jobs verify ${recordId} --spoiled` },
      { id: `Kartu yang belum pasti: pilih "Rusak" untuk ${recordId} di "Kartu yang perlu diperiksa"`, en: `A card not yet settled: choose "Spoiled" for ${recordId} under "Cards to verify"` },
    );
  }
  return bySurface({ id: 'Lihat statusnya dengan: station-agent jobs show ID', en: 'See its state with: station-agent jobs show ID' }, { id: 'Statusnya tertulis di "Kartu 24 jam terakhir".', en: 'Its state is in "Cards in the last 24 hours".' });
}

/** What to do about a record the queue does not know. */
export const UNKNOWN_JOB_HINT: Said = bySurface(
  { id: 'Lihat daftarnya dengan: station-agent jobs list', en: 'See station-agent jobs list.' },
  { id: 'Periksa ID rekamannya di "Kartu 24 jam terakhir".', en: 'Check the record id against "Cards in the last 24 hours".' },
);

/** A job's state as people read it: for a refused one, also who holds the record. */
export function jobWords(j: Pick<Job, 'state' | 'claimedBy'>): Text {
  const w = STATE_WORDS[j.state];
  return j.state === 'refused' && j.claimedBy ? { id: `${w.id} (dipegang ${j.claimedBy})`, en: `${w.en} (held by ${j.claimedBy})` } : w;
}
