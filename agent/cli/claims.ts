import { pino } from 'pino';
import { systemClock } from '../../core/clock.js';
import { createRecordSource } from '../../hal/records/index.js';
import type { Config } from '../config/schema.js';
import { Claims } from '../jobs/claims.js';
import type { Store } from '../store/store.js';

/**
 * The record source's claims for one command (`jobs add`), or undefined where there is no
 * source. A source that cannot be started here (a token file this user cannot read, a shared
 * file it cannot open) is asked all the same: its claims fail, and the records are said to be
 * queued unclaimed, to be claimed before their cards by the daemon.
 */
export async function withClaims<T>(store: Store, config: Config, fn: (claims: Claims | undefined) => Promise<T>): Promise<T> {
  if (!config.records) return fn(undefined);
  const log = pino({ level: 'silent' });
  const source = await createRecordSource(config.records, { clock: systemClock, log });
  await source.start().catch(() => undefined);
  try {
    return await fn(new Claims({ source, db: store.db, station: config.station.id, installId: () => store.installId(), clock: systemClock, log }));
  } finally {
    await source.stop().catch(() => undefined);
  }
}
