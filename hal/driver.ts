import type { Logger } from 'pino';
import type { Clock } from './clock.js';

/** What every driver is given: the world it may touch, passed in rather than imported. */
export interface DriverContext {
  clock: Clock;
  log: Logger;
}

/** Constructors only assign; start() acquires (sockets, devices, files); stop() releases. */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}
