/** pino-roll ships no types; this is the part the agent uses (see node_modules/pino-roll/pino-roll.js). */
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';

  interface PinoRollOptions {
    file: string;
    /** Roll at this size: a number of MB, or a string with k, m or g. */
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    dateFormat?: string;
    extension?: string;
    mkdir?: boolean;
    sync?: boolean;
    /** Passed on to sonic-boom: the mode of each file it creates, less the umask. */
    mode?: number;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
  }
  interface RollingStream extends DestinationStream {
    readonly file: string;
    flushSync(): void;
    end(): void;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
  export default function pinoRoll(options: PinoRollOptions): Promise<RollingStream>;
}
