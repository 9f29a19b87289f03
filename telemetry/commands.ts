import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../hal/clock.js';
import type { CommandReplyPayload } from './payloads.js';
import type { StationTopics } from './topics.js';

/** Requests are small; anything larger is refused unread. */
export const MAX_COMMAND_BYTES = 4096;

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
  constructor(
    private readonly topics: StationTopics,
    private readonly stationId: string,
    private readonly handlers: CommandHandlers,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Handle one message from the `cmd/+` subscription; resolves once the reply is sent. */
  async handle(topic: string, payload: Buffer, retained: boolean, transport: ReplyTransport): Promise<CommandReplyPayload | undefined> {
    const prefix = `${this.topics.base}/cmd/`;
    if (!topic.startsWith(prefix)) return undefined;
    const name = topic.slice(prefix.length);
    if (name.length === 0 || name.includes('/')) return undefined;
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
    const fail = (error: string, id: string | null = null): CommandReplyPayload => ({ ...base, id, status: 'error', error });
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
