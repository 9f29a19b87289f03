/** What the CLI's commands share: the config option, the store opened for one command, argument parsers. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Config } from '../config/schema.js';
import { Store } from '../store/store.js';
import { printLine } from '../../platform/terminal.js';
import { tr, VERSION_TEXT } from './lang.js';
import { loadStationFile } from './station-file.js';

/**
 * A command of `program` with its description and a --version said in the command line's language.
 * (--help and `help [command]` are set on every command at the end, by forEveryCommand in cli.ts.)
 */
export function subcommand(program: Command, name: string, description: string, version: string): Command {
  return program.command(name).description(description).version(version, '-V, --version', tr(VERSION_TEXT));
}

export function configOption(): Option {
  // The environment variable lets an installed wrapper point every command at the station's file.
  return new Option('-c, --config <file>', tr({ id: 'berkas konfigurasi (YAML atau JSON); tanpanya demo simulasi yang berjalan', en: 'configuration file (YAML or JSON); without it the simulated demo runs' })).env('STATION_AGENT_CONFIG');
}

/** The queue and the ledgers are used from the command line while the daemon runs: same file, WAL. */
export async function withStore<T>(configFile: string | undefined, fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadStationFile(configFile);
  const store = await Store.open(config.dataDir);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(tr({ id: 'harapkan bilangan bulat seperti 500', en: 'expected a whole number such as 500' }));
  return n;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** One line to standard output, through the writer that escapes control characters (platform/terminal.ts). */
export const out = (s: string): void => printLine(s);
