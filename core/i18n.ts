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
