/**
 * The public stock list provinces were asked to post every day: per regency and office, blanks on
 * hand, days left, cards printed yesterday and when it was last updated; a silent office is shown
 * as silent. Nothing else: no station ids, alerts or personal data. Off unless
 * dashboard.public.enabled; it skips the token and the Host check and nothing else does. Made at
 * most every 5 minutes, and each client address may ask a few times a minute.
 */
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../core/clock.js';
import type { Lang } from '../core/i18n.js';
import { HttpError } from '../platform/http.js';
import type { OfficeStock } from './office-api.js';
import { Raw } from './raw.js';

const FRESH_MS = 5 * 60_000;
/** Requests a client address may make a minute (a person reloads; a scraper is slowed). */
const PER_MINUTE = 30;
const MAX_CLIENTS = 10_000;

/** An office's line; its figures null while its books hold implausible ones (being checked), as the nation's sums leave them out. */
export interface PublicOffice {
  office: string;
  name: string | null;
  blanksOnHand: number | null;
  daysLeft: number | null;
  printedYesterday: number | null;
  updatedAt: string | null;
  silent: boolean;
  implausible: boolean;
}
export interface PublicList {
  updatedAt: string;
  regencies: { regency: string; name: string | null; offices: PublicOffice[] }[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class PublicStock {
  private made: { at: number; list: PublicList } | undefined;
  private readonly asked = new Map<string, { minute: number; n: number }>();

  constructor(
    private readonly o: { stocks: () => Promise<OfficeStock[]>; regencyName: (code: string) => string | undefined; trustProxy: boolean; clock: Clock },
  ) {}

  isPublic(path: string): boolean {
    return path === '/public/stock' || path === '/public/stock.json';
  }

  async answer(req: IncomingMessage, url: URL): Promise<Raw> {
    this.admit(this.client(req));
    const list = await this.list();
    if (url.pathname === '/public/stock.json') return new Raw('application/json; charset=utf-8', JSON.stringify(list));
    const lang: Lang = url.searchParams.get('lang') === 'en' ? 'en' : 'id';
    return new Raw('text/html; charset=utf-8', page(list, lang));
  }

  /** The client's address: the connection's, or the proxy's word for it where the province runs one (trustProxy). */
  private client(req: IncomingMessage): string {
    const forwarded = this.o.trustProxy ? req.headers['x-forwarded-for'] : undefined;
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    return (first || req.socket.remoteAddress) ?? 'unknown';
  }

  private admit(client: string): void {
    const minute = Math.floor(this.o.clock.monotonic() / 60_000);
    const a = this.asked.get(client);
    if (!a || a.minute !== minute) {
      if (this.asked.size >= MAX_CLIENTS) this.asked.clear();
      this.asked.set(client, { minute, n: 1 });
      return;
    }
    a.n += 1;
    if (a.n > PER_MINUTE) throw new HttpError(429, { id: 'terlalu banyak permintaan dari alamat ini; coba lagi dalam satu menit', en: 'too many requests from this address; try again in a minute' });
  }

  private async list(): Promise<PublicList> {
    const mono = this.o.clock.monotonic();
    if (this.made && mono - this.made.at < FRESH_MS) return this.made.list;
    const byRegency = new Map<string, PublicOffice[]>();
    for (const s of await this.o.stocks()) {
      const offices = byRegency.get(s.regency) ?? [];
      const doubtful = (s.implausible?.length ?? 0) > 0;
      const figures = doubtful ? { blanksOnHand: null, daysLeft: null, printedYesterday: null } : { blanksOnHand: s.onHand + s.inTransit, daysLeft: s.daysLeft, printedYesterday: s.printedYesterday };
      offices.push({ office: s.office, name: s.name, ...figures, updatedAt: s.updatedAt, silent: s.silent.length > 0, implausible: doubtful });
      byRegency.set(s.regency, offices);
    }
    const list: PublicList = {
      updatedAt: new Date(this.o.clock.now()).toISOString(),
      regencies: [...byRegency].sort(([a], [b]) => a.localeCompare(b)).map(([regency, offices]) => ({ regency, name: this.o.regencyName(regency) ?? null, offices: offices.sort((a, b) => a.office.localeCompare(b.office)) })),
    };
    this.made = { at: mono, list };
    return list;
  }
}

const WORDS = {
  title: { id: 'Stok blangko KTP-el', en: 'e-KTP blank card stock' },
  office: { id: 'Kantor', en: 'Office' },
  onHand: { id: 'Blangko', en: 'Blanks' },
  daysLeft: { id: 'Cukup untuk (hari)', en: 'Lasts (days)' },
  yesterday: { id: 'Dicetak kemarin', en: 'Printed yesterday' },
  updated: { id: 'Diperbarui', en: 'Updated' },
  silent: { id: 'tidak melapor', en: 'not reporting' },
  checking: { id: 'angka sedang diperiksa', en: 'figures being checked' },
  other: { id: 'English', en: 'Bahasa Indonesia' },
  asOf: { id: 'Keadaan per', en: 'As of' },
};

function page(list: PublicList, lang: Lang): string {
  const w = (k: keyof typeof WORDS) => esc(WORDS[k][lang]);
  const rows = list.regencies
    .map((r) => {
      const head = `<tr><th colspan="5">${esc(r.name ? `${r.name} (${r.regency})` : r.regency)}</th></tr>`;
      const n = (v: number | null) => (v === null ? '–' : v.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB'));
      const state = (o: PublicOffice) => (o.silent ? w('silent') : o.implausible ? w('checking') : esc(o.updatedAt ?? '–'));
      const offices = r.offices.map((o) => `<tr${o.silent ? ' class="silent"' : ''}><td>${esc(o.name ?? o.office)}</td><td>${n(o.blanksOnHand)}</td><td>${n(o.daysLeft)}</td><td>${n(o.printedYesterday)}</td><td>${state(o)}</td></tr>`);
      return [head, ...offices].join('\n');
    })
    .join('\n');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${w('title')}</title><link rel="stylesheet" href="/app.css"></head>
<body class="public"><header><h1>${w('title')}</h1><a href="?lang=${lang === 'id' ? 'en' : 'id'}">${w('other')}</a></header>
<main><p>${w('asOf')} ${esc(list.updatedAt.slice(0, 16).replace('T', ' '))} UTC</p>
<table class="public-stock"><thead><tr><th>${w('office')}</th><th>${w('onHand')}</th><th>${w('daysLeft')}</th><th>${w('yesterday')}</th><th>${w('updated')}</th></tr></thead><tbody>
${rows}
</tbody></table></main></body></html>`;
}
