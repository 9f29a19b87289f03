import { pino } from 'pino';
import { systemClock } from '../../core/clock.js';
import { createRecordSource } from '../../hal/records/index.js';
import type { Config } from '../config/schema.js';
import { Claims } from '../jobs/claims.js';
import type { Store } from '../store/store.js';

/**
 * The record source's claims for one command (`jobs add`), or undefined where there is no
 * source or it cannot be started here (a token file this user cannot read): the records are then
 * queued as they are, and claimed before their cards by the daemon.
 */
export async function withClaims<T>(store: Store, config: Config, fn: (claims: Claims | undefined) => Promise<T>): Promise<T> {
  if (!config.records) return fn(undefined);
  const log = pino({ level: 'silent' });
  const source = await createRecordSource(config.records, { clock: systemClock, log });
  const started = await source.start().then(
    () => true,
    () => false,
  );
  try {
    return await fn(started ? new Claims({ source, db: store.db, station: config.station.id, installId: () => store.installId(), clock: systemClock, log }) : undefined);
  } finally {
    await source.stop().catch(() => undefined);
  }
}
