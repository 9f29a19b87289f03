import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { freePort } from './peers.js';
import { Proc } from './process.js';

export const IPPEVEPRINTER = '/usr/sbin/ippeveprinter';

export interface IppEve {
  url: string;
  port: number;
  /** Lines for the print command to report on stderr with the next card (ATTR: / STATE:). */
  report(lines: string[]): void;
  /** Seconds the next cards take; a failing print command aborts the job. */
  setCard(opts: { seconds?: number; fail?: boolean }): void;
  /** Cards the print command received. */
  printed(): string[];
  /** The main tray's level through the printer's web form, as a person sets it (the form needs every source: the by-pass tray stays unknown). */
  setTrayLevel(level: number): Promise<void>;
  stop(): Promise<void>;
}

/** ippeveprinter: a private D-Bus (it needs one even with `-r off`), `-n localhost` (127.0.0.1 fails on IPv6), a print command that counts cards. */
export async function startIppEve(): Promise<IppEve> {
  const dir = mkdtempSync(join(tmpdir(), 'ippeve-'));
  mkdirSync(join(dir, 'spool'));
  const port = await freePort();
  const bus = spawnSync('dbus-daemon', ['--session', `--address=unix:path=${dir}/bus.sock`, '--fork', '--print-pid'], { encoding: 'utf8' });
  if (bus.status !== 0) throw new Error(`dbus-daemon: ${bus.stderr}`);
  const busPid = Number(bus.stdout.trim());
  const cmd = join(dir, 'print.sh');
  writeFileSync(
    cmd,
    `#!/bin/sh\nS=${dir}\nsleep $(cat $S/seconds)\nif [ -f $S/report ]; then cat $S/report >&2; rm -f $S/report; fi\nif [ -f $S/fail ]; then exit 1; fi\necho "$1" >> $S/printed\nexit 0\n`,
  );
  chmodSync(cmd, 0o755);
  writeFileSync(join(dir, 'seconds'), '0.2\n');
  writeFileSync(join(dir, 'printed'), '');
  const proc = new Proc(IPPEVEPRINTER, ['-p', String(port), '-n', 'localhost', '-r', 'off', '-d', join(dir, 'spool'), '-f', 'application/pdf', '-c', cmd, '-v', 'Card'], {
    env: { DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${dir}/bus.sock` },
  });
  await proc.waitForOutput(/Listening on|Accepting connections|localhost/i, 5000).catch(() => undefined);
  const url = `ipp://localhost:${port}/ipp/print`;
  // Ready when it answers over HTTP.
  const end = Date.now() + 5000;
  for (;;) {
    const ok = await fetch(`http://localhost:${port}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > end) throw new Error(`ippeveprinter did not answer:\n${proc.output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url,
    port,
    report(lines) {
      writeFileSync(join(dir, 'report'), lines.map((l) => `${l}\n`).join(''));
    },
    setCard({ seconds, fail }) {
      if (seconds !== undefined) writeFileSync(join(dir, 'seconds'), `${seconds}\n`);
      if (fail === true) writeFileSync(join(dir, 'fail'), '');
      if (fail === false && existsSync(join(dir, 'fail'))) rmSync(join(dir, 'fail'));
    },
    printed() {
      return readFileSync(join(dir, 'printed'), 'utf8').split('\n').filter((l) => l !== '');
    },
    async setTrayLevel(level) {
      const r = await fetch(`http://localhost:${port}/media?size1=na_letter_8.5x11in&type1=stationery&level1=${level}&size3=na_number-10_4.125x9.5in&type3=envelope&level3=-2`);
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`ippeveprinter /media answered ${r.status}`);
    },
    async stop() {
      await proc.stop();
      try {
        process.kill(busPid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}
