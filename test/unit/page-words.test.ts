/**
 * The station page is the clerk's whole tool: nothing it shows names a command line (the
 * `station-agent` program, a `--flag`). Its own files (the words, the scripts, the HTML), and every
 * answer of its server: the view in every hold and with cards to verify or held elsewhere, and each
 * action's result and refusals, both languages. Where the page's words name one of its controls
 * ("Cetak ulang"), that control's label is on the page.
 */
import { note } from '../../agent/jobs/notes.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../agent/config/schema.js';
import { Claims } from '../../agent/jobs/claims.js';
import { JobRepo } from '../../agent/jobs/repo.js';
import { officeOf } from '../../agent/office/config.js';
import { OperatorPage } from '../../agent/operator/server.js';
import { Store } from '../../agent/store/store.js';
import { systemClock } from '../../core/clock.js';
import { simRecordsSchema } from '../../hal/records/sim/config.js';
import { SimRecords } from '../../hal/records/sim/driver.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import { HOLD_CODES, type StationBody } from '../../telemetry/payloads.js';
import { healthyBody } from '../support/health.js';
import { quietLog, tempDir } from '../support/sim.js';

const WEB = join(import.meta.dirname, '../../agent/operator/web');
/** The program's name, or a flag as a command line spells it (`--again`, `(--reason`), never `a--b`. */
const COMMAND = /station-agent|(?:^|[^\w-])--[a-z]/;

/** Every string in an answer, with where it sits. */
function strings(v: unknown, at = ''): [string, string][] {
  if (typeof v === 'string') return [[at, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${at}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, `${at}.${k}`));
  return [];
}

/** The labels of the page's controls, in both languages, from its two word tables. */
function labels(): string[] {
  const out: string[] = [];
  for (const file of ['words.js', 'office.js']) {
    const text = readFileSync(join(WEB, file), 'utf8');
    for (const m of text.matchAll(/\{ id: '((?:[^'\\]|\\.)*)', en: (['"])((?:(?!\2)[^\\]|\\.)*)\2 \}/g)) out.push(m[1] ?? '', (m[3] ?? '').replace(/\\'/g, "'"));
  }
  return out;
}

const stores: Store[] = [];
const pages: OperatorPage[] = [];
afterAll(async () => {
  for (const p of pages) await p.stop();
  for (const s of stores) await s.close();
});

/** The page's server, in this process, on a store of its own; what it answers, as the page's script asks it. */
async function pageOf(over: Record<string, unknown>, claimsFile?: string) {
  const config = configSchema().parse({ station: { id: '5371-01', province: '53', regency: '5371' }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, ...over });
  const store = await Store.open(tempDir('page-words-'));
  stores.push(store);
  let claims: Claims | undefined;
  if (claimsFile) {
    const source = new SimRecords(simRecordsSchema().parse({ latencyMs: 0, shared: claimsFile }), { clock: systemClock, log: quietLog });
    await source.start();
    claims = new Claims({ source, db: store.db, station: config.station.id, installId: () => Promise.resolve('install-a'), clock: systemClock, log: quietLog });
  }
  let snapshot: StationBody = healthyBody();
  const printer = { printedFor: () => Promise.resolve([]) } as unknown as PrinterDriver;
  const page = new OperatorPage({
    host: '127.0.0.1',
    port: 0,
    token: null,
    deps: { store, printer, snapshot: () => snapshot, snapshotAt: () => systemClock.monotonic(), staleSeconds: 30, yields: { ribbon: 500, film: 1000 }, station: { id: config.station.id }, config, language: undefined, clock: systemClock, claims, kick: () => undefined, log: quietLog },
  });
  await page.start();
  pages.push(page);
  const base = page.address;
  const opened = await fetch(`${base}/`);
  const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /<meta name="csrf" content="([^"]+)">/.exec(await opened.text())?.[1] ?? '';
  const answers: { what: string; status: number; body: unknown }[] = [];
  return {
    store,
    office: officeOf(config.station).id,
    answers,
    setSnapshot: (h: StationBody) => (snapshot = h),
    async post(action: string, body: Record<string, unknown>): Promise<number> {
      const r = await fetch(`${base}/api/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie, origin: base }, body: JSON.stringify(body) });
      answers.push({ what: `${action} ${JSON.stringify(body)}`, status: r.status, body: await r.json() });
      return r.status;
    },
    async view(what: string): Promise<void> {
      const r = await fetch(`${base}/api/view`);
      answers.push({ what: `view: ${what}`, status: r.status, body: await r.json() });
    },
  };
}

/** Cards left printing by a crash, held for a person (as recovery leaves them). */
async function toVerify(store: Store, ids: string[]): Promise<void> {
  const repo = new JobRepo(store.db, () => systemClock.now());
  await repo.add(ids);
  await store.db.transaction(async (tx) => {
    for (const id of ids) {
      await JobRepo.move(tx, id, ['queued'], 'fetching', 1, note('legacy', { text: 'test' }));
      await JobRepo.move(tx, id, ['fetching'], 'ready', 2, note('legacy', { text: 'test' }));
      await JobRepo.move(tx, id, ['ready'], 'printing', 3, note('legacy', { text: 'test' }));
      await JobRepo.move(tx, id, ['printing'], 'needs_verification', 4, note('legacy', { text: 'the agent stopped while this card was printing' }));
    }
  });
}

describe('the station page names no command line', () => {
  it('in its own files: the words, the scripts and the HTML', () => {
    const files = readdirSync(WEB).filter((f) => /\.(js|html)$/.test(f));
    expect(files).toEqual(expect.arrayContaining(['index.html', 'words.js', 'station.js', 'office.js']));
    for (const f of files) {
      // Comments are for the people who keep the page; everything else may reach the screen.
      const lines = readFileSync(join(WEB, f), 'utf8').split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l));
      for (const l of lines) expect(l, `${f}: ${l.trim()}`).not.toMatch(COMMAND);
    }
  });

  it("in every answer of its server: the view in each hold, each action's result and refusal, in both languages", async () => {
    const claimsFile = join(tempDir('page-words-claims-'), 'claims.db');
    const other = new SimRecords(simRecordsSchema().parse({ latencyMs: 0, shared: claimsFile }), { clock: systemClock, log: quietLog });
    await other.start();
    expect((await other.claim('SYN-H-1', { station: '5371-02', installId: 'install-b' })).granted).toBe(true);

    // A store PC with a printer: every action of the page, the store's book's too, has its way in.
    const p = await pageOf({ office: { store: true, stations: ['5371-01', '5371-02'] } }, claimsFile);
    await toVerify(p.store, ['SYN-V-1', 'SYN-V-2', 'SYN-P-1']);
    await new JobRepo(p.store.db, () => systemClock.now()).verify('SYN-P-1', 'printed');
    const T = (n: number) => `${p.office}-T${n}`;
    const steps: [string, Record<string, unknown>][] = [
      ['stock-receive', { n: 10, batch: 'SYN-B-1' }],
      ['stock-receive', { n: 10, batch: 'SYN-B-1' }],
      ['stock-receive', { n: 5, transfer: T(7) }],
      ['stock-receive', { n: 5, transfer: T(7) }],
      ['stock-receive', { n: 5, batch: 'SYN-B-2', transfer: T(8) }],
      ['stock-receive', { n: 5, transfer: 'SYN-X' }],
      ['stock-return', { n: 9999 }],
      ['stock-count', { n: 3, reason: 'hitung bulanan' }],
      ['supply-receive', { kind: 'film', n: 1, transfer: T(9) }],
      ['supply-receive', { kind: 'film', n: 1, transfer: T(9) }],
      ['supply-replace', { kind: 'ribbon' }],
      ['jobs-add', { ids: 'SYN-P-1\nSYN-H-1\nSYN-Q-1\nSYN-V-1\n3201234567890123' }],
      ['jobs-spoil', { recordId: 'SYN-V-1', reason: 'tinta luntur' }],
      ['jobs-spoil', { recordId: 'SYN-Q-1', reason: 'tinta luntur' }],
      ['jobs-spoil', { recordId: 'SYN-404', reason: 'tinta luntur' }],
      ['jobs-spoil', { recordId: 'SYN-P-1' }],
      ['jobs-verify', { recordId: 'SYN-V-2', outcome: 'spoiled' }],
      ['jobs-verify', { recordId: 'SYN-V-2', outcome: 'spoiled', reason: 'x', code: 'toner' }],
      ['jobs-verify', { recordId: 'SYN-404', outcome: 'printed' }],
      ['jobs-verify', { recordId: 'SYN-P-1', outcome: 'not-printed' }],
      ['jobs-cancel', { recordId: 'SYN-P-1' }],
      ['jobs-cancel', { recordId: 'SYN-404' }],
      ['office-receive', { n: 100 }],
      ['office-receive', { n: 100, batch: 'SYN-KMD-1' }],
      ['office-receive', { n: 100, batch: 'SYN-KMD-1' }],
      ['office-send', { n: 5, to: '5371-09' }],
      ['office-send', { n: 5000, to: '5371-02' }],
      ['office-return', { n: 5, from: '5371-09', transfer: '5371-09-T1' }],
      ['office-return', { n: 5, from: '5371-02', transfer: 'SYN-X' }],
      ['office-return', { n: 5, from: '5371-02', transfer: '5371-02-T1' }],
      ['office-return', { n: 5, from: '5371-02', transfer: '5371-02-T1' }],
      ['office-lend', { n: 5, office: p.office }],
      ['office-lend', { n: 5, office: 'bukan kantor!' }],
      ['office-lend', { n: 5000, office: '5372-DINAS' }],
      ['office-borrow', { n: 5, office: '5372-DINAS', transfer: 'SYN-X' }],
      ['office-count', { n: 3, reason: 'hitung bulanan' }],
      ['office-correct', { entry: 9999, reason: 'tercatat dua kali' }],
    ];
    for (const [action, body] of steps) await p.post(action, body);
    // The control a refusal names for a record held elsewhere ("Batalkan") takes a queued record out.
    expect(await p.post('jobs-cancel', { recordId: 'SYN-Q-1' })).toBe(200);
    await p.post('jobs-spoil', { recordId: 'SYN-P-1', reason: 'tinta luntur', reprint: true });
    await p.post('jobs-add', { ids: 'SYN-P-1' });
    await p.view('cards to verify, refused, queued');
    for (const code of HOLD_CODES) {
      const h = healthyBody();
      p.setSnapshot({ ...h, jobs: { ...h.jobs, queued: 1, held: `held: ${code}`, heldCode: code } });
      await p.view(`held: ${code}`);
    }

    // A printer of an office whose store keeps the book: blanks and rolls come by transfer only.
    const q = await pageOf({ office: { keptAtStore: true } });
    await q.post('stock-receive', { n: 5, batch: 'SYN-B-3' });
    await q.post('supply-receive', { kind: 'ribbon', n: 1 });
    await q.view('a printer taking its stacks from the store');

    const answers = [...p.answers, ...q.answers];
    // Each kind of refusal the page can meet was met (so the check below saw its words).
    const refusals = answers.filter((a) => a.status === 409).map((a) => a.what);
    expect(refusals.length).toBeGreaterThanOrEqual(25);
    const said = answers.flatMap((a) => strings(a.body).map(([at, s]) => ({ what: `${a.what} ${at}`, s })));
    for (const lang of ['id', 'en']) expect(said.filter((x) => x.what.endsWith(`.${lang}`)).length).toBeGreaterThan(100);
    const commands = said.filter((x) => COMMAND.test(x.s)).map((x) => `${x.what}: ${x.s}`);
    expect(commands).toEqual([]);

    // What to do, on the page, names its controls by their labels.
    const known = labels();
    const named = said.filter((x) => /\.hint\.(id|en)$|\.why\.(id|en)$|\.todo\.(id|en)$/.test(x.what)).flatMap((x) => [...x.s.matchAll(/"([^"]+)"/g)].map((m) => ({ what: x.what, label: m[1] ?? '' })));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !known.some((k) => k.startsWith(n.label)))).toEqual([]);
  }, 30_000);
});
