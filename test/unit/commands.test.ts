import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { CommandHandler, MAX_COMMAND_BYTES } from '../../telemetry/commands.js';
import { stationTopics } from '../../telemetry/topics.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { quietLog } from '../support/sim.js';

const topics = stationTopics('ektp/v1', { id: 's1', province: 'p', regency: 'r' });

function setup(snapshot: () => Promise<{ seq?: number }> = () => Promise.resolve({ seq: 42 })) {
  let runs = 0;
  const handler = new CommandHandler(topics, 's1', { snapshot: () => (runs++, snapshot()) }, new ManualClock(), quietLog);
  const replies: { topic: string; body: Record<string, unknown> }[] = [];
  const transport = { publish: (topic: string, payload: string) => (replies.push({ topic, body: JSON.parse(payload) as Record<string, unknown> }), Promise.resolve()) };
  const send = (name: string, body: string, retained = false) => handler.handle(topics.cmd(name), Buffer.from(body), retained, transport);
  return { send, replies, runs: () => runs };
}

describe('commands', () => {
  it('runs a valid snapshot request and answers on its reply topic with the id', async () => {
    const t = setup();
    await t.send('snapshot', '{"id":"r-1"}');
    expect(t.runs()).toBe(1);
    expect(t.replies).toEqual([{ topic: topics.cmdReply('snapshot'), body: expect.objectContaining({ status: 'ok', id: 'r-1', seq: 42, command: 'snapshot' }) as object }]);
  });

  it('an empty body is a request without an id', async () => {
    const t = setup();
    await t.send('snapshot', '');
    expect(t.replies[0]?.body).toMatchObject({ status: 'ok', id: null });
  });

  for (const [what, name, body, retained, error] of [
    ['an unknown command', 'reboot', '{}', false, /unknown command "reboot"/],
    ['a body that is not JSON', 'snapshot', '{id: 1', false, /not JSON/],
    ['an unknown key', 'snapshot', '{"rm": "-rf"}', false, /invalid request.*rm/],
    ['a bad id', 'snapshot', '{"id": "a b/c"}', false, /invalid request.*id/],
    ['a retained request', 'snapshot', '{}', true, /retained commands are refused/],
    ['a request too large', 'snapshot', JSON.stringify({ id: 'x'.repeat(MAX_COMMAND_BYTES) }), false, /too large/],
  ] as const) {
    it(`${what} is answered with an error and never run`, async () => {
      const t = setup();
      await t.send(name, body, retained);
      expect(t.runs()).toBe(0);
      expect(t.replies).toHaveLength(1);
      expect(t.replies[0]?.topic).toBe(topics.cmdReply(name));
      expect(t.replies[0]?.body).toMatchObject({ status: 'error', error: expect.stringMatching(error) as string });
    });
  }

  it('a command that fails is answered with its error', async () => {
    const t = setup(() => Promise.reject(new Error('store is read-only')));
    await t.send('snapshot', '{"id":"r-2"}');
    expect(t.replies[0]?.body).toMatchObject({ status: 'error', id: 'r-2', error: 'failed: store is read-only' });
  });

  it('ignores topics that are not its own commands', async () => {
    const t = setup();
    const transport = { publish: () => Promise.resolve() };
    const other = new CommandHandler(topics, 's1', { snapshot: () => Promise.resolve({}) }, new ManualClock(), quietLog);
    expect(await other.handle('ektp/v1/p/r/s2/cmd/snapshot', Buffer.from('{}'), false, transport)).toBeUndefined();
    expect(await other.handle(`${topics.base}/cmd/snapshot/reply`, Buffer.from('{}'), false, transport)).toBeUndefined();
    expect(t.replies).toEqual([]);
  });
});

describe('commands under a flood', () => {
  it('takes a burst, then a steady rate; the rest is dropped unanswered, counted, and reported once a minute', async () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const log = { ...quietLog, warn: (o: unknown, msg?: string) => void lines.push(msg ?? String(o)) } as unknown as typeof quietLog;
    let runs = 0;
    const handler = new CommandHandler(topics, 's1', { snapshot: () => (runs++, Promise.resolve({ seq: 1 })) }, clock, log, { perSecond: 2, burst: 10 });
    let replies = 0;
    const transport = { publish: () => (replies++, Promise.resolve()) };
    // 7,500 a second for ten seconds, as the probe sent.
    for (let s = 0; s < 10; s++) {
      const batch: Promise<unknown>[] = [];
      for (let i = 0; i < 7500; i++) batch.push(handler.handle(topics.cmd(i % 2 ? 'snapshot' : 'nosuch'), Buffer.from('{"id":"f"}'), false, transport));
      await Promise.all(batch);
      clock.advance(1000);
    }
    // The burst, then 2 a second: at most 10 + 2 × 10 answered.
    expect(replies).toBeLessThanOrEqual(30);
    expect(replies).toBeGreaterThanOrEqual(20);
    expect(runs).toBeLessThanOrEqual(replies);
    expect(handler.dropped).toBe(75_000 - replies);
    // One line when the flood starts, then at most one a minute.
    expect(lines.filter((l) => /dropped|faster than/.test(l))).toHaveLength(1);
    clock.advance(60_000);
    await handler.handle(topics.cmd('snapshot'), Buffer.from('{}'), false, transport);
    for (let i = 0; i < 100; i++) await handler.handle(topics.cmd('snapshot'), Buffer.from('{}'), false, transport);
    expect(lines.filter((l) => /dropped in the last minute/.test(l))).toHaveLength(1);
  });

  it('a 60 KB command name is neither run, answered, nor logged whole', async () => {
    const lines: string[] = [];
    const log = { ...quietLog, warn: (o: unknown, msg?: string) => void lines.push(JSON.stringify(o) + (msg ?? '')) } as unknown as typeof quietLog;
    let replies = 0;
    const handler = new CommandHandler(topics, 's1', { snapshot: () => Promise.resolve({}) }, new ManualClock(), log);
    await handler.handle(topics.cmd('x'.repeat(60_000)), Buffer.from('{}'), false, { publish: () => (replies++, Promise.resolve()) });
    expect(replies).toBe(0);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(200);
  });
});

describe('commands from anyone with the topic (property)', () => {
  const validators = schemaValidators();
  it('any name, body and retain flag: never throws, runs only a valid snapshot, every reply fits the contract, every log line is short', async () => {
    const name = fc.oneof(fc.constantFrom('snapshot', 'reboot', ''), fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 200 }));
    const body = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.constant(1), { maxKeys: 400, size: 'max' }).map((o) => JSON.stringify(o)),
      fc.record({ id: fc.string({ maxLength: 80 }) }).map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(name, body, fc.boolean(), async (n, b, retained) => {
        const lines: string[] = [];
        const record = (o: unknown, msg?: string) => void lines.push(JSON.stringify(o) + (msg ?? ''));
        const log = { ...quietLog, warn: record, info: record } as unknown as typeof quietLog;
        let runs = 0;
        const handler = new CommandHandler(topics, 's1', { snapshot: () => (runs++, Promise.resolve({ seq: 7 })) }, new ManualClock(), log);
        const sent: string[] = [];
        const reply = await handler.handle(`${topics.base}/cmd/${n}`, Buffer.from(b), retained, { publish: (_t, p) => (sent.push(p), Promise.resolve()) });
        for (const p of sent) expect(payloadErrors(validators, JSON.parse(p))).toEqual([]);
        if (runs > 0) expect([n, retained, reply?.status]).toEqual(['snapshot', false, 'ok']);
        for (const l of lines) expect(l.length).toBeLessThan(600);
      }),
      { numRuns: 400 },
    );
  });

  it('a request with hundreds of unknown keys is answered with a short error that fits the contract', async () => {
    const t = setup();
    await t.send('snapshot', JSON.stringify(Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${i}`, 1]))));
    const body = t.replies[0]?.body ?? {};
    expect(body).toMatchObject({ status: 'error', error: expect.stringMatching(/^invalid request: .*k0/) as string });
    expect(String(body.error).length).toBeLessThanOrEqual(301);
    expect(payloadErrors(validators, body)).toEqual([]);
  });
});
