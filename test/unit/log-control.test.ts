import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { createLogger, openLogFile, reloadLevelOn } from '../../platform/log.js';
import { ioSettled } from '../support/settle.js';
import { tempDir } from '../support/sim.js';

function sink(): { stream: Writable; lines: () => { level: number; msg: string; part?: string }[] } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  return { stream, lines: () => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; part?: string }) };
}

// A signal nothing else in the test process listens to; process.emit calls the handlers as a real one would.
const SIGNAL = 'SIGUSR2';

describe('log level at run time', () => {
  it('the signal re-reads the level; child loggers follow; a level going down is said before it applies', () => {
    const out = sink();
    const log = createLogger({ level: 'info', destination: out.stream, pretty: false });
    const child = log.child({ part: 'printer' });
    let level: 'info' | 'debug' | 'warn' = 'debug';
    const stop = reloadLevelOn(SIGNAL, log, () => level);
    try {
      child.debug('hidden');
      process.emit(SIGNAL);
      child.debug('shown');
      level = 'warn';
      process.emit(SIGNAL);
      child.info('hidden again');
      child.warn('warned');
    } finally {
      stop();
    }
    const msgs = out.lines().map((l) => l.msg);
    expect(msgs.filter((m) => !m.startsWith('log level'))).toEqual(['shown', 'warned']);
    expect(msgs.filter((m) => m.startsWith('log level changed'))).toHaveLength(2);
    expect(log.level).toBe('warn');
  });

  it('a configuration that cannot be read keeps the level and says why', () => {
    const out = sink();
    const log = createLogger({ level: 'info', destination: out.stream, pretty: false });
    const stop = reloadLevelOn(SIGNAL, log, () => {
      throw new Error('Configuration agent.yaml has 1 problem');
    });
    try {
      process.emit(SIGNAL);
    } finally {
      stop();
    }
    expect(log.level).toBe('info');
    const last = out.lines().at(-1);
    expect(last?.msg).toMatch(/log level not changed/);
    expect(last?.level).toBe(50);
  });

  it('after stop, the signal no longer changes anything, and is still caught (Node would die of an uncaught SIGHUP)', () => {
    const log = createLogger({ level: 'info', destination: sink().stream, pretty: false });
    const was = process.listenerCount(SIGNAL);
    const stop = reloadLevelOn(SIGNAL, log, () => 'debug');
    stop();
    process.emit(SIGNAL);
    expect(log.level).toBe('info');
    expect(process.listenerCount(SIGNAL)).toBe(was + 1);
  });
});

describe('log files (log.file)', () => {
  it('rolls at maxMegabytes and keeps keepFiles files, those of earlier runs included', async () => {
    const dir = tempDir('logfiles-');
    // Files an earlier run left behind, older than today's.
    for (const day of ['2020-01-01', '2020-01-02', '2020-01-03']) writeFileSync(join(dir, `agent.${day}.1.log`), 'old\n');
    const stream = await openLogFile({ path: join(dir, 'agent.log'), maxMegabytes: 0.01, keepFiles: 3 });
    const log = createLogger({ level: 'info', destination: stream, pretty: false });
    for (let i = 0; i < 400; i++) {
      log.info({ i }, 'x'.repeat(60));
      // Every 10 lines, the roll that is due and the clean-up after it are let done (their file I/O).
      if (i % 10 === 0) await ioSettled();
    }
    await ioSettled();
    await new Promise((r) => {
      stream.on('close', r);
      stream.end();
    });
    const files = readdirSync(dir).sort();
    expect(files.length).toBeLessThanOrEqual(3);
    expect(files.some((f) => f.startsWith('agent.2020-'))).toBe(false);
    for (const f of files) {
      expect(f).toMatch(/^agent\.\d{4}-\d{2}-\d{2}\.\d+\.log$/);
      // A file is closed once past the size, about 10 KB here; the roll waits for the write in
      // progress to drain, so lines logged in the same tick (up to 10 here) still go in.
      expect(statSync(join(dir, f)).size).toBeLessThan(10_240 + 1500);
    }
    const newest = files.at(-2) ?? files[0] ?? '';
    const text = readFileSync(join(dir, newest), 'utf8').trim().split('\n');
    expect((JSON.parse(text[0] ?? '{}') as { msg: string }).msg).toBe('x'.repeat(60));
  });

  it('a folder that cannot be made is a configuration error naming log.file.path', async () => {
    const dir = tempDir('logfiles-bad-');
    writeFileSync(join(dir, 'not-a-folder'), '');
    const err = await openLogFile({ path: join(dir, 'not-a-folder', 'agent.log'), maxMegabytes: 1, keepFiles: 2 }, 'agent.yaml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]?.path).toBe('log.file.path');
    expect((err as ConfigError).exitCode).toBe(78);
  });
});
