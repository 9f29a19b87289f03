/**
 * Two languages for every message a person reads: Indonesian first, English beside it, from the
 * same key. A text is `{ id, en }`; codes stay for machines. Which language a command speaks:
 * `--lang`, else the locale (LC_ALL, LC_MESSAGES, LANG) when it names Indonesian or English,
 * else the station's `language`, else Indonesian.
 */
export const LANGS = ['id', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export interface Text {
  id: string;
  en: string;
}

/** The language a locale string names (`id_ID.UTF-8` → id, `en_US` → en); undefined for C, POSIX and others. */
export function langOfLocale(locale: string | undefined): Lang | undefined {
  const m = /^([a-z]{2})(?:[_.@-]|$)/i.exec(locale ?? '');
  const code = m?.[1]?.toLowerCase();
  return code === 'id' || code === 'in' ? 'id' : code === 'en' ? 'en' : undefined;
}

/** The locale's language, by POSIX precedence (LC_ALL, then LC_MESSAGES, then LANG). */
export function langOfEnv(env: NodeJS.ProcessEnv = process.env): Lang | undefined {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const v = env[name];
    if (v) return langOfLocale(v); // the first one set decides, as for any program
  }
  return undefined;
}

export function chooseLang(o: { flag?: Lang; env?: NodeJS.ProcessEnv; configured?: Lang }): Lang {
  return o.flag ?? langOfEnv(o.env) ?? o.configured ?? 'id';
}

/** `--lang id` or `--lang=en` in an argument list, before the parser runs (help texts need it). */
export function langInArgv(argv: readonly string[]): Lang | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const v = a === '--lang' ? argv[i + 1] : a.startsWith('--lang=') ? a.slice(7) : undefined;
    if (v === 'id' || v === 'en') return v;
  }
  return undefined;
}

/**
 * Where a person reads words. The command line names its commands and their --flags; the station
 * page is the clerk's whole tool, so its words point at the control beside them, never at a
 * command (a clerk does not type one).
 */
export type Surface = 'cli' | 'page';

/** Words that name a command or a flag, with what the station page says instead (`page`). */
export interface Said extends Text {
  page?: Text;
}

/** The command line's words, and the station page's. */
export function bySurface(cli: Text, page: Text): Said {
  return { id: cli.id, en: cli.en, page };
}

/** Words as `surface` shows them. */
export function wordsOn(s: Said, surface: Surface): Text {
  return surface === 'page' && s.page ? s.page : { id: s.id, en: s.en };
}

/** The same change made to the words of both surfaces (a sentence added, say). */
export function mapSaid(s: Said, f: (t: Text) => Text): Said {
  const cli = f({ id: s.id, en: s.en });
  return s.page ? bySurface(cli, f(s.page)) : cli;
}

/** A field as each surface names it: the command line's flag (`--to`), the page's label. */
export interface Field {
  cli: string;
  page: Text;
}

/** Words about one field, opened by its name as each surface calls it. */
export function aboutField(f: Field, words: Text): Said {
  return bySurface({ id: `${f.cli}: ${words.id}`, en: `${f.cli}: ${words.en}` }, { id: `${f.page.id}: ${words.id}`, en: `${f.page.en}: ${words.en}` });
}

const isText = (v: unknown): v is Text => typeof v === 'object' && v !== null && typeof (v as Text).id === 'string' && typeof (v as Text).en === 'string';

/**
 * A value on its way to the station page (an answer, the view), with every Said in it in its
 * page words. The page's server sends nothing that has not been through here.
 */
export function forPage<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => forPage(x)) as T;
  if (typeof v !== 'object' || v === null) return v;
  if (isText(v) && isText((v as Said).page)) return wordsOn(v, 'page') as T;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, forPage(x)])) as T;
}
