import { AgentError, EXIT } from '../../core/errors.js';
import type { JobState } from './job.js';
import { STATE_WORDS } from './words.js';

/**
 * A job found in another state than the move expected: someone else moved it first (a person's
 * `jobs verify`, a clerk's cancel, another program on the same database). Not a failed write:
 * the database works, and the job stays as the other writer left it. A person who asked for the
 * move is told so (exit 64); the print queue logs it and goes on.
 */
export class JobStateConflict extends AgentError {
  constructor(
    readonly recordId: string,
    readonly found: JobState,
    readonly expected: readonly JobState[],
  ) {
    const words = (states: readonly JobState[], lang: 'id' | 'en') => states.map((x) => STATE_WORDS[x][lang]).join(lang === 'id' ? ' atau ' : ' or ');
    super('job-state', { id: `rekaman ${recordId} berstatus ${words([found], 'id')}, bukan ${words(expected, 'id')}`, en: `record ${recordId} is ${found}, not ${expected.join(' or ')}` }, { exitCode: EXIT.usage });
    this.name = 'JobStateConflict';
  }
}
