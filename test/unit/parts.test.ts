import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from '../../agent/config/load.js';
import { AGENT_STATE_KEY, runAgent } from '../../agent/process/daemon.js';
import { Store } from '../../agent/store/store.js';
import { Parts } from '../../platform/parts.js';
import { quietLog, tempDir } from '../support/sim.js';

describe('a program is built from parts, stopped in reverse', () => {
  it('stops every part started, last first; one that fails to stop does not keep the rest open', async () => {
    const log: string[] = [];
    const { parts } = await Parts.build(quietLog, async (p) => {
      await p.start('a', () => log.push('start a'), () => void log.push('stop a'));
      await p.start('b', () => 'b-value', (v) => {
        log.push(`stop ${v}`);
        throw new Error('b is stuck');
      });
      await p.optional('c', { start: () => Promise.reject(new Error('c unplugged')), stop: () => (log.push('stop c'), Promise.resolve()) });
      log.push('built');
    });
    await parts.stop();
    await parts.stop(); // a second stop does nothing more
    expect(log).toEqual(['start a', 'built', 'stop c', 'stop b-value', 'stop a']);
  });

  it('a part that fails to start stops those already started, then the failure is passed on', async () => {
    const log: string[] = [];
    await expect(
      Parts.build(quietLog, async (p) => {
        await p.start('store', () => log.push('open store'), () => void log.push('close store'));
        await p.start('broker', () => log.push('broker up'), () => void log.push('broker down'));
        await p.start('server', () => Promise.reject(new Error('port in use')), () => void log.push('never started, never stopped'));
      }),
    ).rejects.toThrow('port in use');
    expect(log).toEqual(['open store', 'broker up', 'broker down', 'close store']);
  });

  it('the agent whose embedded broker cannot listen leaves nothing open: its store is closed and says stopped', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const dir = tempDir('parts-');
    const config = validate(
      {
        station: { id: 's1', province: 'p', regency: 'r' },
        dataDir: join(dir, 'data'),
        mqtt: { url: 'embedded', embedded: { host: '127.0.0.1', port } },
        printer: { driver: 'sim' },
        ups: { driver: 'sim' },
      },
      'test',
      dir,
    );
    try {
      await expect(runAgent(config, quietLog, { configSource: 'test' })).rejects.toThrow(/cannot listen/);
    } finally {
      taken.close();
    }
    // Closed, so it opens again at once, and the last word of the agent state is "stopped".
    const store = await Store.open(config.dataDir);
    try {
      expect((await store.getState<{ state: string }>(AGENT_STATE_KEY))?.value.state).toBe('stopped');
    } finally {
      await store.close();
    }
  });
});
