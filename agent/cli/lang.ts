/**
 * The language the command line speaks, chosen once per run: `--lang`, else the locale, else
 * the station's `language` (known once its file is read), else Indonesian. Help texts are
 * built in it, so it is read from the arguments before they are parsed.
 */
import { Option } from 'commander';
import { chooseLang, langInArgv, langOfEnv, LANGS, type Lang, type Text } from '../../core/i18n.js';

let flag: Lang | undefined;
let lang: Lang = chooseLang({ env: process.env });

/** Called by main with the arguments, before the program is built. */
export function initLang(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Lang {
  flag = langInArgv(argv);
  lang = chooseLang({ flag, env });
  return lang;
}

/** The station's `language`, once its file is read: it decides only where neither --lang nor the locale did. */
export function useConfiguredLang(configured: Lang | undefined): void {
  if (flag === undefined && langOfEnv(process.env) === undefined && configured !== undefined) lang = configured;
}

export const cliLang = (): Lang => lang;

/** A text in the command line's language. */
export const tr = (text: Text): string => text[lang];

export function langOption(): Option {
  return new Option('--lang <lang>', tr({ id: 'bahasa pesan: id (Bahasa Indonesia) atau en (English)', en: 'language of the messages: id (Bahasa Indonesia) or en (English)' })).choices(LANGS);
}

export const VERSION_TEXT: Text = { id: 'tampilkan nomor versi', en: 'output the version number' };
export const HELP_TEXT: Text = { id: 'tampilkan bantuan perintah ini', en: 'display help for command' };

const TITLES: Record<string, Text> = {
  'Usage:': { id: 'Cara pakai:', en: 'Usage:' },
  'Options:': { id: 'Opsi:', en: 'Options:' },
  'Commands:': { id: 'Perintah:', en: 'Commands:' },
  'Arguments:': { id: 'Argumen:', en: 'Arguments:' },
  'Global Options:': { id: 'Opsi umum:', en: 'Global Options:' },
};

/** Commander's own headings, in the command line's language. */
export const helpTitle = (title: string): string => (TITLES[title] ? tr(TITLES[title]) : title);

/** Commander's usage errors, said in Indonesian where the command line speaks it. */
export function commanderMessage(text: string): string {
  if (lang === 'en') return text;
  const rules: [RegExp, (...m: string[]) => string][] = [
    [/error: missing required argument '([^']+)'/, (a) => `galat: argumen wajib '${a}' tidak diberikan`],
    [/error: required option '([^']+)' not specified/, (o) => `galat: opsi wajib '${o}' tidak diberikan`],
    [/error: unknown option '([^']+)'(?:\s*\(Did you mean ([^)]+)\?\))?/, (o, d) => `galat: opsi '${o}' tidak dikenal${d ? ` (maksudnya ${d}?)` : ''}`],
    [/error: unknown command '([^']+)'(?:\s*\(Did you mean ([^)]+)\?\))?/, (c, d) => `galat: perintah '${c}' tidak dikenal${d ? ` (maksudnya ${d}?)` : ''}`],
    [/error: too many arguments(?: for '([^']+)')?\. Expected (\d+) arguments? but got (\d+)\./, (c, e, g) => `galat: terlalu banyak argumen${c ? ` untuk '${c}'` : ''}: diharapkan ${e}, diberikan ${g}.`],
    [/error: option '([^']+)' argument '([^']*)' is invalid\. Allowed choices are ([^.]+)\./, (o, v, c) => `galat: nilai '${v}' untuk opsi '${o}' tidak sah. Pilihan: ${c}.`],
    [/error: option '([^']+)' argument '([^']*)' is invalid\. (.*)/, (o, v, why) => `galat: nilai '${v}' untuk opsi '${o}' tidak sah. ${why}`],
    [/error: command-argument value '([^']*)' is invalid for argument '([^']+)'\. (.*)/, (v, a, why) => `galat: nilai '${v}' untuk argumen '${a}' tidak sah. ${why}`],
    [/error: option '([^']+)' argument missing/, (o) => `galat: opsi '${o}' perlu nilai`],
    [/\(run with --help for usage\)/, () => '(jalankan dengan --help untuk cara pakai)'],
    [/Allowed choices are ([^.]+)\./, (c) => `Pilihan: ${c}.`],
  ];
  let said = text;
  for (const [re, say] of rules) said = said.replace(re, (_all, ...groups: unknown[]) => say(...groups.filter((g): g is string => typeof g === 'string' || g === undefined).map((g) => g ?? '')));
  return said;
}
