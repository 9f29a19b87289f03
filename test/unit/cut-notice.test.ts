/**
 * What a device's readings had cut is said in the log once each time it changes (hal/bounds.ts
 * CutNotice, used by the bounded printer and UPS): a printer that keeps saying too much at every
 * poll is one line, not one a poll.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CutNotice } from '../../hal/bounds.js';

function capture() {
  const lines: { level: number; msg: string; cuts: string[] }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string; cuts: string[] });
      done();
    },
  });
  return { lines, log: pino({ level: 'info' }, stream) };
}

describe('what a reading had cut, in the log', () => {
  it('is said once while it stays the same, again when it changes or comes back, and not for a reading with nothing cut', async () => {
    const { lines, log } = capture();
    const notice = new CutNotice(log, 'the printer');
    notice.note(['the model cut to 2000 characters']);
    notice.note(['the model cut to 2000 characters']);
    notice.note(['the model cut to 2000 characters', '80 reasons cut to 64']);
    notice.note([]);
    notice.note([]);
    notice.note(['the model cut to 2000 characters']);
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'the printer says more than the contract carries, cut: the model cut to 2000 characters'],
      [40, 'the printer says more than the contract carries, cut: the model cut to 2000 characters; 80 reasons cut to 64'],
      [40, 'the printer says more than the contract carries, cut: the model cut to 2000 characters'],
    ]);
    expect(lines[1]?.cuts).toEqual(['the model cut to 2000 characters', '80 reasons cut to 64']);
  });
});
