/**
 * The command line's half of the typed-text rule (core/typed-text.ts; the station page's half is
 * agent/operator/fields.ts): before any command acts, every text given to it, each option's value
 * and each argument, is checked, so a batch, a reason, a lot, a station or a record id with a
 * control, invisible or direction character is refused by its flag or argument and its place,
 * with exit 64, and nothing is written. One hook on the program covers every command, those
 * added later too. The ledgers keep what they are given NFC and trimmed.
 */
import type { Command } from 'commander';
import { AgentError, EXIT } from '../../core/errors.js';
import type { Text } from '../../core/i18n.js';
import { findUnseen, unseenWords } from '../../core/typed-text.js';

function refuse(field: Text, value: string): void {
  const unseen = findUnseen(value);
  if (!unseen) return;
  const w = unseenWords(field, unseen);
  throw new AgentError('text-refused', w.message, { hint: w.hint, exitCode: EXIT.usage });
}

const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Every text `cmd` was given (its options, its parents' such as `dashboard --config`, its arguments), checked; the first refused character throws. */
export function checkTypedArgs(cmd: Command): void {
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const o of c.options) {
      const flag = o.long ?? o.short ?? o.flags;
      for (const v of strings(c.getOptionValue(o.attributeName()))) refuse({ id: flag, en: flag }, v);
    }
  }
  let n = 0;
  cmd.registeredArguments.forEach((a, i) => {
    const name = `<${a.name()}${a.variadic ? '...' : ''}>`;
    for (const v of strings(cmd.processedArgs[i])) {
      n += 1;
      refuse({ id: `argumen ${n} ${name}`, en: `argument ${n} ${name}` }, v);
    }
  });
}
