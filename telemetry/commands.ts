import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { CommandReplyPayload } from './payloads.js';
import type { StationTopics } from './topics.js';

/** Requests are small; anything larger is refused unread. */
export const MAX_COMMAND_BYTES = 4096;
/** A command name is a word; a longer one is refused, and shown cut to this length. */
export const MAX_COMMAND_NAME = 32;
/** The longest error a reply carries (and the log repeats). */
const MAX_ERROR = 300;

/**
 * Commands taken per station: a burst, then a steady rate. A province sends one now and then; a
 * flood (a broken script, or an attacker with the station's ACL) is dropped unanswered and
 * counted, so it cannot queue work, replies or log lines without end.
 */
export const COMMAND_RATE = { perSecond: 2, burst: 10 } as const;
/** How often a flood is reported: one log line per period, not one per message. */
const DROP_REPORT_MS = 60_000;

const requestId = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, ".", "_", ":" or "-"');

/** Each known command and the request body it accepts. Unknown keys are refused. */
export const COMMAND_SCHEMAS = {
  snapshot: z.strictObject({ id: requestId.optional() }),
} as const;
export type CommandName = keyof typeof COMMAND_SCHEMAS;

/** What running a command returns into its reply (besides status). */
export type CommandResult = Partial<Pick<CommandReplyPayload, 'seq'>>;
export type CommandHandlers = { [K in CommandName]: (req: z.infer<(typeof COMMAND_SCHEMAS)[K]>) => Promise<CommandResult> };

export interface ReplyTransport {
  publish(topic: string, payload: string, retain: boolean): Promise<void>;
}

/**
 * Requests from the province on `cmd/<name>`. Only known commands with a valid body run;
 * anything else is answered with an error on `cmd/<name>/reply` and logged, never executed.
 * Retained requests are refused: they would run again on every reconnect.
 */
export class CommandHandler {
  private tokens: number = COMMAND_RATE.burst;
  private refilledAt: number;
  /** Commands dropped by the rate limit since the start, and since the last report. */
  dropped = 0;
  private droppedSinceReport = 0;
  private reportAt: number | undefined;

  constructor(
    private readonly topics: StationTopics,
    private readonly stationId: string,
    private readonly handlers: CommandHandlers,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly rate: { perSecond: number; burst: number } = COMMAND_RATE,
  ) {
    this.tokens = rate.burst;
    this.refilledAt = clock.monotonic();
  }

  /** A token bucket: true when this message may be handled now. */
  private admit(): boolean {
    const now = this.clock.monotonic();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rate.perSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.dropped += 1;
    this.droppedSinceReport += 1;
    if (this.reportAt === undefined) {
      this.log.warn({ perSecond: this.rate.perSecond, burst: this.rate.burst }, 'commands arrive faster than they are taken: the excess is dropped unanswered (reported once a minute)');
      this.reportAt = now + DROP_REPORT_MS;
    } else if (now >= this.reportAt) {
      this.log.warn({ dropped: this.droppedSinceReport, total: this.dropped }, 'commands dropped in the last minute: too many, too fast');
      this.droppedSinceReport = 0;
      this.reportAt = now + DROP_REPORT_MS;
    }
    return false;
  }

  /** Handle one message from the `cmd/+` subscription; resolves once the reply is sent. */
  async handle(topic: string, payload: Buffer, retained: boolean, transport: ReplyTransport): Promise<CommandReplyPayload | undefined> {
    const prefix = `${this.topics.base}/cmd/`;
    if (!topic.startsWith(prefix)) return undefined;
    const name = topic.slice(prefix.length);
    if (name.length === 0 || name.includes('/')) return undefined;
    if (!this.admit()) return undefined;
    if (name.length > MAX_COMMAND_NAME) {
      // Neither run nor repeated whole: a name this long is no command of ours.
      const shown = `${name.slice(0, MAX_COMMAND_NAME)}…`;
      this.log.warn({ command: shown, length: name.length }, 'command refused: name too long');
      return undefined;
    }
    const reply = await this.run(name, payload, retained);
    if (reply.status === 'error') this.log.warn({ command: name, error: reply.error }, 'command refused');
    else this.log.info({ command: name, id: reply.id }, 'command done');
    await transport.publish(this.topics.cmdReply(name), JSON.stringify(reply), false).catch((err: Error) =>
      this.log.warn({ command: name, err: err.message }, 'command reply not delivered'),
    );
    return reply;
  }

  private async run(name: string, payload: Buffer, retained: boolean): Promise<CommandReplyPayload> {
    const base = { schema: 'station.cmd-reply/1' as const, station: this.stationId, ts: new Date(this.clock.now()).toISOString(), command: name, id: null };
    // A request's own words come back in the error (unknown keys...): kept short whatever was sent.
    const fail = (error: string, id: string | null = null): CommandReplyPayload => ({ ...base, id, status: 'error', error: error.length > MAX_ERROR ? `${error.slice(0, MAX_ERROR)}…` : error });
    if (!Object.hasOwn(COMMAND_SCHEMAS, name)) return fail(`unknown command "${name}"; known: ${Object.keys(COMMAND_SCHEMAS).join(', ')}`);
    if (retained) return fail('retained commands are refused (they would run again on every reconnect); publish with retain off');
    if (payload.length > MAX_COMMAND_BYTES) return fail(`request too large (${payload.length} bytes, at most ${MAX_COMMAND_BYTES})`);
    let json: unknown = {};
    const text = payload.toString('utf8').trim();
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        return fail('request is not JSON; send {} or {"id": "..."}');
      }
    }
    const command = name as CommandName;
    const parsed = COMMAND_SCHEMAS[command].safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
      return fail(`invalid request: ${problems}`);
    }
    const id = parsed.data.id ?? null;
    try {
      const result = await this.handlers[command](parsed.data);
      return { ...base, id, status: 'ok', ...result };
    } catch (err) {
      return fail(`failed: ${(err as Error).message}`, id);
    }
  }
}
