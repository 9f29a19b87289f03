import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './peers.js';
import { Proc } from './process.js';

export interface Mosquitto {
  port: number;
  url: string;
  dir: string;
  proc: Proc;
  stop(): Promise<void>;
}

/**
 * A private Mosquitto on a free loopback port (or `port`, to restart one on the same port), configured in a temporary folder.
 * `extra` lines are appended to the config (auth, ACL, TLS). Runs as root (`user root`) so it
 * can read the files the test writes.
 */
export async function startMosquitto(extra: string[] = [], opts: { anonymous?: boolean; port?: number; dir?: string; persistence?: boolean } = {}): Promise<Mosquitto> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'mosq-'));
  const port = opts.port ?? (await freePort());
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      'user root',
      'per_listener_settings false',
      `listener ${port} 127.0.0.1`,
      `allow_anonymous ${opts.anonymous ?? true}`,
      ...(opts.persistence ? ['persistence true', `persistence_location ${dir}/`, 'autosave_interval 1'] : ['persistence false']),
      'log_dest stderr',
      'log_type all',
      ...extra,
      '',
    ].join('\n'),
  );
  const proc = new Proc('mosquitto', ['-c', conf]);
  await proc.waitForOutput(/mosquitto version [\d.]+ running/, 5000);
  return { port, url: `mqtt://127.0.0.1:${port}`, dir, proc, stop: () => proc.stop() };
}
