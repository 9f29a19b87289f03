import { HalError } from '../../errors.js';
import type { UpsDriver, UpsReading } from '../types.js';

/** For a station without a UPS: every read says so, and the station reports status unknown. */
export class NoUps implements UpsDriver {
  readonly driver = 'none';
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  read(): Promise<UpsReading> {
    return Promise.reject(new HalError('not-configured', { id: 'tidak ada UPS yang diatur (ups.driver: none)', en: 'no UPS is configured (ups.driver: none)' }));
  }
}
