export type Lang = 'en' | 'id';
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** A text a technician reads, in both languages the offices use. */
export interface Text {
  en: string;
  id: string;
}

export type Facts = Record<string, string | number | boolean | null>;

export interface Verdict {
  status: CheckStatus;
  facts: Facts;
  /** What to do next; null when the check passed. */
  hint: Text | null;
  /** Where the reading came from, when that matters to the reader (the running agent, or diagnose itself). */
  via?: Text;
}

export interface Check {
  id: string;
  title: Text;
  timeoutMs: number;
  /** The configuration's top-level keys it reads: with one of them wrong, it is reported as not run. */
  needs: readonly string[];
  run(): Promise<Verdict>;
}

export interface CheckResult extends Verdict {
  id: string;
  title: Text;
  ms: number;
}

export const pass = (facts: Facts): Verdict => ({ status: 'pass', facts, hint: null });
export const warn = (facts: Facts, hint: Text): Verdict => ({ status: 'warn', facts, hint });
export const fail = (facts: Facts, hint: Text): Verdict => ({ status: 'fail', facts, hint });
