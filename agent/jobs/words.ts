/** The queue's states as people read them; the codes stay in JSON, telemetry and the database. */
import type { Text } from '../../core/i18n.js';
import type { JobState } from './job.js';

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
};
