/**
 * "Rusak" in the verify box, through the station page's HTTP API against the real agent: a card
 * whose outcome was unknown (the agent stopped while it printed) is settled as spoiled only with
 * a reason, as the spoil form asks; the blank is posted to the ledger with the reason's code;
 * and the reprint, when asked, is queued and printed.
 */
import { note } from '../../agent/jobs/notes.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRepo } from '../../agent/jobs/repo.js';
import { Store } from '../../agent/store/store.js';
import { Db } from '../../platform/db.js';
import { startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { freePort, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

type Said = { id: string; en: string };
type View = { verify: { recordId: string }[]; recent: { recordId: string; state: string }[] };

describe('the verify box: a spoiled card asks why and offers the reprint', () => {
  const dir = tempDir('page-verify-');
  let agent: AgentUnderTest;
  let base: string;
  let cookie: string;
  let csrf: string;

  const post = async (action: string, body: unknown) => {
    const r = await fetch(new URL(`/api/${action}`, base), { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie, origin: new URL(base).origin }, body: JSON.stringify(body) });
    return { status: r.status, said: (await r.json()) as { ok: boolean; field?: string; message: Said } };
  };
  const view = async () => (await (await fetch(new URL('/api/view', base))).json()) as View;
  const state = async (id: string) => (await view()).recent.find((j) => j.recordId === id)?.state;
  const spoilLines = async (id: string) => {
    const db = await Db.open(join(dir, 'data', 'station.db'), { readOnly: true });
    try {
      return await db.all<{ kind: string; qty: number; reason: string | null; code: string | null }>("SELECT kind, qty, reason, reason_code AS code FROM ledger WHERE record_id = ? AND kind = 'spoil' ORDER BY id", [id]);
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    // Two cards left printing when the agent stopped: at its start, both wait for a person.
    const store = await Store.open(join(dir, 'data'));
    const repo = new JobRepo(store.db, () => 1);
    await repo.add(['SYN-V-1', 'SYN-V-2']);
    await store.db.transaction(async (tx) => {
      for (const id of ['SYN-V-1', 'SYN-V-2']) {
        await JobRepo.move(tx, id, ['queued'], 'fetching', 1, note('legacy', { text: 'test' }));
        await JobRepo.move(tx, id, ['fetching'], 'ready', 2, note('legacy', { text: 'test' }));
        await JobRepo.move(tx, id, ['ready'], 'printing', 3, note('legacy', { text: 'test' }));
      }
    });
    await store.close();
    const port = await freePort();
    base = `http://127.0.0.1:${port}/`;
    agent = startAgent(testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port: await freePort() } }, operator: { listen: `127.0.0.1:${port}` }, records: { driver: 'sim', sim: { latencyMs: 50 } } }), dir);
    // Started beside other tests on a small machine: a slow start is not a failure of the page.
    await agent.proc.waitForOutput(/station page ready/, 45_000);
    const page = await fetch(base);
    cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    csrf = /<meta name="csrf" content="([^"]+)">/.exec(await page.text())?.[1] ?? '';
    await waitUntil('both cards in the verify box', async () => (await view()).verify.length === 2, 10_000, 200);
  }, 60_000);
  afterAll(() => agent?.proc.stop());

  it('without a reason it is refused beside the reason field, in both languages, and nothing is written', async () => {
    const r = await post('jobs-verify', { recordId: 'SYN-V-1', outcome: 'spoiled', reprint: true });
    expect([r.status, r.said.field]).toEqual([400, 'reason']);
    expect(r.said.message.id).toMatch(/^Alasan: kartu rusak perlu alasan/);
    expect(r.said.message.en).toMatch(/^Reason: a spoiled card needs a reason/);
    const blank = await post('jobs-verify', { recordId: 'SYN-V-1', outcome: 'spoiled', reason: '   ' });
    expect([blank.status, blank.said.field]).toEqual([400, 'reason']);
    const code = await post('jobs-verify', { recordId: 'SYN-V-1', outcome: 'spoiled', reason: 'macet', code: 'toner' });
    expect([code.status, code.said.field]).toEqual([400, 'code']);
    expect((await view()).verify.map((v) => v.recordId).sort()).toEqual(['SYN-V-1', 'SYN-V-2']);
    expect(await spoilLines('SYN-V-1')).toEqual([]);
  });

  it('with a reason, its code and the reprint: the blank is spoiled in the ledger with the code, and the record prints again', async () => {
    const r = await post('jobs-verify', { recordId: 'SYN-V-1', outcome: 'spoiled', reason: 'kartu tersangkut di printer', code: 'jam', reprint: true });
    expect(r.status).toBe(200);
    expect(r.said.message).toEqual({ id: 'SYN-V-1: rusak, tercatat; dicetak ulang (masuk antrean)', en: 'SYN-V-1: spoiled and recorded; queued to print again' });
    expect(await spoilLines('SYN-V-1')).toEqual([{ kind: 'spoil', qty: -1, reason: 'kartu tersangkut di printer', code: 'jam' }]);
    await waitUntil('SYN-V-1 printed again', async () => (await state('SYN-V-1')) === 'printed', 20_000, 250);
    expect((await view()).verify.map((v) => v.recordId)).toEqual(['SYN-V-2']);
  }, 30_000);

  it('without the reprint it stays spoiled; the code is read from the words when none is chosen', async () => {
    const r = await post('jobs-verify', { recordId: 'SYN-V-2', outcome: 'spoiled', reason: 'tinta luntur', reprint: false });
    expect(r.status).toBe(200);
    expect(r.said.message.en).toBe('SYN-V-2: spoiled, posted to the blank-card ledger');
    expect(await state('SYN-V-2')).toBe('spoiled');
    expect(await spoilLines('SYN-V-2')).toEqual([{ kind: 'spoil', qty: -1, reason: 'tinta luntur', code: 'smudge' }]);
    expect((await view()).verify).toEqual([]);
  });
});
