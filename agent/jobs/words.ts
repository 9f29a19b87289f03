/** The queue's states as people read them; the codes stay in JSON, telemetry and the database. */
import type { Text } from '../../core/i18n.js';
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
export function heldWords(by: string, at: string | null, self = false): Text {
  const held = heldBy(by, at);
  if (self) {
    return {
      id: `${held.id} (stasiun ini, menurut basis data sebelumnya): sudah tercetak atau sedang dipegang di sini; periksa kartunya sebelum mencetak lagi`,
      en: `${held.en} (this station, by an earlier database): printed or held here already; check for its card before printing it again`,
    };
  }
  return {
    id: `${held.id}; satu rekaman dicetak di satu stasiun saja. Bila stasiun itu tidak akan mencetaknya, batalkan di sana (station-agent jobs cancel ID), lalu tambahkan lagi di sini`,
    en: `${held.en}; a record is printed at one station only. If that station will not print it, cancel it there (station-agent jobs cancel ID), then add it here again`,
  };
}

/** A job's state as people read it: for a refused one, also who holds the record. */
export function jobWords(j: Pick<Job, 'state' | 'claimedBy'>): Text {
  const w = STATE_WORDS[j.state];
  return j.state === 'refused' && j.claimedBy ? { id: `${w.id} (dipegang ${j.claimedBy})`, en: `${w.en} (held by ${j.claimedBy})` } : w;
}
