/**
 * Errors that reach a person carry a code, what went wrong, and the next step to take.
 * The CLI maps them to sysexits-style exit codes: 64 usage, 65 malformed input (EX_DATAERR: a
 * database from a newer agent, a malformed capture), 66 an input file that cannot be read, 73 an
 * output that cannot be written, 75 try again later (EX_TEMPFAIL: another agent holds the data
 * folder), 78 configuration. The systemd unit does not restart on 64, 65 and 78: a restart cannot
 * fix them, and a loop of them fills the journal and hides the message. It does restart on 75:
 * once the other agent stops, the service's own starts.
 */
import type { Lang, Text } from './i18n.js';

export const EXIT = { ok: 0, failure: 1, usage: 64, dataError: 65, noInput: 66, cantCreate: 73, tempFail: 75, config: 78 } as const;

/** A text in both languages, or English only (a message that names what was found: a device, a byte). */
export type Words = string | Text;

/** The base error of the project: a code for machines, what went wrong and what to do for people. */
export class AgentError extends Error {
  readonly code: string;
  /** What to do, in English (the log's language); `text.hint` has both where it is written so. */
  readonly hint: string | undefined;
  readonly exitCode: number;
  /** The message and hint in both languages, where they are written so; `message` and `hint` are the English. */
  readonly text: { message?: Text; hint?: Text };

  constructor(code: string, message: Words, opts: { hint?: Words; exitCode?: number; cause?: unknown } = {}) {
    super(english(message), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AgentError';
    this.code = code;
    this.hint = opts.hint === undefined ? undefined : english(opts.hint);
    this.exitCode = opts.exitCode ?? EXIT.failure;
    this.text = { message: typeof message === 'string' ? undefined : message, hint: typeof opts.hint === 'object' ? opts.hint : undefined };
  }

  /** The hint as given (both languages where written so), to pass on to an error that wraps this one. */
  get hintWords(): Words | undefined {
    return this.text.hint ?? this.hint;
  }
}

const english = (w: Words): string => (typeof w === 'string' ? w : w.en);

/** Words in the reader's language: a bilingual text in theirs, English-only words as they are. */
export function inLang(w: Words, lang: Lang): string {
  return typeof w === 'string' ? w : w[lang];
}

/** What an error says to a person in `lang`: its message and, if it has one, what to do. */
export function errorWords(err: unknown, lang: Lang): { message: string; hint: string | undefined } {
  if (err instanceof AgentError) return { message: err.text.message?.[lang] ?? err.message, hint: err.text.hint?.[lang] ?? err.hint };
  if (err instanceof Error) {
    const hint = (err as { hint?: unknown }).hint;
    return { message: err.message, hint: typeof hint === 'string' && hint ? hint : undefined };
  }
  return { message: String(err), hint: undefined };
}

/** For the default branch of an exhaustive switch: the compiler proves it is never reached. */
export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}

/** One problem in a configuration file, named by its dotted path. */
export interface ConfigProblem {
  path: string;
  /** What is wrong, in English (the log's language). */
  message: string;
  /** What is wrong in both languages, where the reader's words are known; else `message` is said. */
  text?: Text;
  /** What to write there instead, when the problem is a whole section (missing, or no driver of its family). */
  write?: Text;
}

/** The problems as a list for a person, in `lang`: each key, what is wrong, and what to write. */
export function problemLines(problems: readonly ConfigProblem[], lang: Lang): string {
  const top: Text = { id: '(seluruh berkas)', en: '(top level)' };
  return problems.map((p) => `  - ${p.path || top[lang]}: ${p.text?.[lang] ?? p.message}${p.write ? `\n    ${p.write[lang]}` : ''}`).join('\n');
}

export class ConfigError extends AgentError {
  readonly problems: ConfigProblem[];
  readonly source: string;

  constructor(source: string, problems: ConfigProblem[]) {
    const n = problems.length;
    super(
      'config-invalid',
      {
        id: `Ada ${n} masalah di konfigurasi ${source}:\n${problemLines(problems, 'id')}`,
        en: `Configuration ${source} has ${n} problem${n === 1 ? '' : 's'}:\n${problemLines(problems, 'en')}`,
      },
      {
        hint: {
          id: 'Perbaiki kunci yang disebut di atas; panduan: README.md "Configuration". Tanpa --config, demo simulasi yang berjalan.',
          en: 'Fix the keys listed above; docs: README.md "Configuration". Run with no --config for the simulated demo.',
        },
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
  const { message, hint } = errorWords(err, lang);
  return hint ? `${message}\n${WHAT_TO_DO[lang]}: ${hint}` : message;
}
