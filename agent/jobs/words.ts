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

/**
 * Why a record was refused because another station holds it: who, since when, and what to do.
 * `self`: the service names this very station (printed here before, by an earlier database).
 */
export function heldWords(by: string, at: string | null, self = false): Text {
  const since = at ? { id: ` sejak ${at}`, en: ` since ${at}` } : { id: '', en: '' };
  if (self) {
    return {
      id: `server pusat mencatat rekaman ini pada stasiun ini (${by})${since.id}, oleh basis data sebelumnya: sudah tercetak atau sedang dipegang; periksa sebelum mencetak lagi`,
      en: `the central server records this record at this station (${by})${since.en}, by an earlier database: printed or held already; check before printing it again`,
    };
  }
  return {
    id: `dipegang stasiun ${by}${since.id}; satu rekaman dicetak di satu stasiun saja. Bila stasiun itu tidak akan mencetaknya, batalkan di sana (station-agent jobs cancel ID), lalu tambahkan lagi di sini`,
    en: `held by station ${by}${since.en}; a record is printed at one station only. If that station will not print it, cancel it there (station-agent jobs cancel ID), then add it here again`,
  };
}

/** A job's state as people read it: for a refused one, also who holds the record. */
export function jobWords(j: Pick<Job, 'state' | 'claimedBy'>): Text {
  const w = STATE_WORDS[j.state];
  return j.state === 'refused' && j.claimedBy ? { id: `${w.id} (dipegang ${j.claimedBy})`, en: `${w.en} (held by ${j.claimedBy})` } : w;
}
