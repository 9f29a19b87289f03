/**
 * Errors that reach a person carry a code, what went wrong, and the next step to take.
 * The CLI maps them to sysexits-style exit codes: 64 usage, 65 malformed input (EX_DATAERR: a
 * database from a newer agent, a malformed capture), 66 an input file that cannot be read, 73 an
 * output that cannot be written, 78 configuration. The systemd unit does not restart on 64, 65
 * and 78: a restart cannot fix them, and a loop of them fills the journal and hides the message.
 */
import type { Lang, Text } from './i18n.js';

export const EXIT = { ok: 0, failure: 1, usage: 64, dataError: 65, noInput: 66, cantCreate: 73, config: 78 } as const;

export class AgentError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;
  /** The message and hint in both languages, where they are written so; message and hint are the English. */
  readonly text: { message: Text; hint?: Text } | undefined;

  constructor(code: string, message: string | Text, opts: { hint?: string | Text; exitCode?: number; cause?: unknown } = {}) {
    const bilingual = typeof message !== 'string';
    super(bilingual ? message.en : message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AgentError';
    this.code = code;
    this.hint = typeof opts.hint === 'string' || opts.hint === undefined ? opts.hint : opts.hint.en;
    this.exitCode = opts.exitCode ?? EXIT.failure;
    this.text = bilingual ? { message, hint: typeof opts.hint === 'object' ? opts.hint : undefined } : undefined;
  }
}

/** One problem in a configuration file, named by its dotted path. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export class ConfigError extends AgentError {
  readonly problems: ConfigProblem[];
  readonly source: string;

  constructor(source: string, problems: ConfigProblem[]) {
    const lines = problems.map((p) => `  - ${p.path || '(top level)'}: ${p.message}`);
    super(
      'config-invalid',
      `Configuration ${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
      {
        hint: 'Fix the keys listed above; docs: README.md "Configuration". Run with no --config for the simulated demo.',
        exitCode: EXIT.config,
      },
    );
    this.name = 'ConfigError';
    this.problems = problems;
    this.source = source;
  }
}

const WHAT_TO_DO: Text = { id: 'Yang perlu dilakukan', en: 'What to do' };

/** A message for a person: the error text, then what to do (any error that carries a hint says it). */
export function describeError(err: unknown, lang: Lang = 'en'): string {
  if (err instanceof Error) {
    const text = err instanceof AgentError ? err.text : undefined;
    const message = text ? text.message[lang] : err.message;
    const hint = text?.hint ? text.hint[lang] : (err as { hint?: unknown }).hint;
    return typeof hint === 'string' && hint ? `${message}\n${WHAT_TO_DO[lang]}: ${hint}` : message;
  }
  return String(err);
}
