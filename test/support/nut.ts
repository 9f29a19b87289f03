import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { freePort, waitUntil } from './peers.js';
import { Proc } from './process.js';
import type { TestPki } from './tls.js';

export const UPSD = '/lib/nut/upsd';
export const DUMMY_UPS = '/lib/nut/dummy-ups';

export interface Nut {
  port: number;
  dir: string;
  /** Rewrite the dummy UPS's variables (dummy-ups re-reads ups.dev when its mtime moves on). */
  setVars(vars: Record<string, string | number>): void;
  killDriver(): Promise<void>;
  startDriver(): Promise<void>;
  stopUpsd(): Promise<void>;
  startUpsd(): Promise<void>;
  stop(): Promise<void>;
}

export const CERTUTIL = 'certutil';
export const PK12UTIL = 'pk12util';

/**
 * Debian builds upsd with NSS, not OpenSSL: its certificate lives in an NSS database
 * (upsd.conf CERTPATH, CERTIDENT), made here from the test PKI with certutil and pk12util
 * (package libnss3-tools).
 */
function nssDatabase(pki: TestPki, dir: string): string {
  mkdirSync(dir);
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: pki.dir, stdio: 'pipe' });
  run('openssl', ['pkcs12', '-export', '-in', pki.serverCert, '-inkey', pki.serverKey, '-certfile', pki.ca, '-name', 'upsd', '-out', 'upsd.p12', '-passout', 'pass:']);
  run(CERTUTIL, ['-N', '-d', `sql:${dir}`, '--empty-password']);
  run(PK12UTIL, ['-i', 'upsd.p12', '-d', `sql:${dir}`, '-W', '']);
  return dir;
}

const BASE = { 'ups.status': 'OL', 'battery.charge': 100, 'battery.runtime': 3600, 'input.voltage': 220, 'ups.load': 30, 'device.mfr': 'Dummy', 'device.model': 'Test UPS' };

/** NUT 2.8: dummy-ups and upsd run directly (the Debian wrappers exit when nut.conf says MODE=none), on a free loopback port. */
export async function startNut(vars: Record<string, string | number> = {}, opts: { tls?: TestPki } = {}): Promise<Nut> {
  const dir = mkdtempSync(join(tmpdir(), 'nut-'));
  const port = await freePort();
  const env = { NUT_CONFPATH: dir, NUT_STATEPATH: dir, NUT_ALTPIDPATH: dir };
  writeFileSync(join(dir, 'ups.conf'), '[ups]\n  driver = dummy-ups\n  port = ups.dev\n  pollinterval = 1\n');
  const tls = opts.tls ? `CERTPATH ${nssDatabase(opts.tls, join(dir, 'nss'))}\nCERTIDENT "upsd" ""\n` : '';
  writeFileSync(join(dir, 'upsd.conf'), `LISTEN 127.0.0.1 ${port}\nMAXAGE 15\n${tls}`);
  writeFileSync(join(dir, 'upsd.users'), '[admin]\n  password = adminpass\n  actions = SET FSD\n  instcmds = ALL\n');
  let mtime = Math.floor(Date.now() / 1000);
  let current: Record<string, string | number> = { ...BASE, ...vars };
  const write = () => {
    writeFileSync(join(dir, 'ups.dev'), `${Object.entries(current).map(([k, v]) => `${k}: ${v}`).join('\n')}\n`);
    // Edits within one wall-clock second are missed by dummy-ups: move the mtime on explicitly.
    mtime += 2;
    utimesSync(join(dir, 'ups.dev'), mtime, mtime);
  };
  write();
  let driver: Proc | undefined;
  const startDriver = async () => {
    driver = new Proc(DUMMY_UPS, ['-a', 'ups', '-u', 'root', '-F'], { env });
    await waitUntil('dummy-ups to create its socket', () => spawnSync('sh', ['-c', `ls ${dir}/dummy-ups-ups* >/dev/null 2>&1`]).status === 0, 5000);
  };
  await startDriver();
  let upsd: Proc | undefined;
  const startUpsd = async () => {
    upsd = new Proc(UPSD, ['-u', 'root', '-F'], { env });
    await upsd.waitForOutput(new RegExp(`listening on 127.0.0.1 port ${port}`), 5000);
  };
  await startUpsd();
  return {
    port,
    dir,
    setVars(v) {
      current = { ...current, ...v };
      write();
    },
    async killDriver() {
      await driver?.stop();
    },
    startDriver,
    startUpsd,
    async stopUpsd() {
      await upsd?.stop();
    },
    async stop() {
      await upsd?.stop();
      await driver?.stop();
    },
  };
}
