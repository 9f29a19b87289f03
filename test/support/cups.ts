import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { freePort, waitUntil } from './peers.js';
import { Proc } from './process.js';

export const CUPSD = '/usr/sbin/cupsd';

/**
 * A card printer's test backend, as a CUPS backend reports to CUPS: it keeps the printer's levels in a
 * file, reports them (and any fault the test sets) on stderr the way a card-printer driver
 * does, counts every real card, and spends one percent of ribbon, film and hopper per card.
 * A document that starts with CONTROL is the test talking to the "printer", not a card.
 */
const BACKEND = `#!/bin/sh
if [ $# -eq 0 ]; then echo 'direct testbe "Unknown" "Card printer test backend"'; exit 0; fi
S=__STATE__
doc="\${6:-/dev/stdin}"
read R F H < $S/levels
emit() {
  echo "ATTR: marker-names=Ribbon,Film,Hopper marker-types=ink-ribbon,transfer-unit,other marker-levels=$R,$F,$H marker-low-levels=10,10,10" >&2
  if [ -f $S/ctl ]; then cat $S/ctl >&2; rm -f $S/ctl; fi
}
first=$(head -c 7 "$doc")
if [ "$first" = "CONTROL" ]; then
  emit
  sed -n 's/^CONTROL //p' "$doc" > $S/ack
  exit 0
fi
sleep $(cat $S/seconds)
if [ -f $S/fail ]; then echo "ERROR: card jammed in the flipper" >&2; emit; exit 1; fi
R=$((R>0?R-1:0)); F=$((F>0?F-1:0)); H=$((H>0?H-1:0))
echo "$R $F $H" > $S/levels
echo "$1 $3" >> $S/printed
emit
exit 0
`;

export interface Cups {
  port: number;
  url: string;
  /** Levels (percent; the hopper holds 100 cards) as the backend holds them. */
  setLevels(levels: Partial<Record<'ribbon' | 'film' | 'hopper', number>>): Promise<void>;
  /** Raise (+) or lower (-) printer-state-reasons through the backend, e.g. ['+media-jam-error']. */
  setReasons(changes: string[]): Promise<void>;
  /** The next real cards fail at the printer (the job is aborted). */
  failCards(on: boolean): void;
  /** Seconds one card takes. */
  setCardSeconds(s: number): void;
  /** Real cards the backend printed: "<cups job id> <job name>" per card. */
  printed(): string[];
  lpadmin(args: string[]): void;
  stop(): Promise<void>;
}

function link(from: string, to: string): void {
  if (!existsSync(to)) symlinkSync(from, to);
}

/** A private CUPS 2.4 scheduler on a free loopback port with one raw queue "card" on the test backend. */
export async function startCups(): Promise<Cups> {
  const dir = mkdtempSync(join(tmpdir(), 'cups-'));
  const port = await freePort();
  const state = join(dir, 'printer');
  mkdirSync(state);
  chmodSync(state, 0o777); // the backend runs as the unprivileged lp user
  const bin = join(dir, 'bin');
  mkdirSync(join(bin, 'backend'), { recursive: true });
  for (const name of readdirSync('/usr/lib/cups')) if (name !== 'backend') link(join('/usr/lib/cups', name), join(bin, name));
  for (const name of readdirSync('/usr/lib/cups/backend')) link(join('/usr/lib/cups/backend', name), join(bin, 'backend', name));
  writeFileSync(join(bin, 'backend', 'testbe'), BACKEND.replaceAll('__STATE__', state), { mode: 0o755 });
  for (const d of ['spool', 'tmp', 'cache', 'state', 'log']) mkdirSync(join(dir, d));
  writeFileSync(
    join(dir, 'cupsd.conf'),
    `Listen 127.0.0.1:${port}\nBrowsing Off\nLogLevel info\nPreserveJobHistory Yes\n<Policy default>\n  <Limit All>\n    Order allow,deny\n    Allow all\n  </Limit>\n</Policy>\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n`,
  );
  writeFileSync(
    join(dir, 'cups-files.conf'),
    [`ServerRoot ${dir}`, `RequestRoot ${dir}/spool`, `TempDir ${dir}/tmp`, `CacheDir ${dir}/cache`, `StateDir ${dir}/state`, `ServerBin ${bin}`, `AccessLog ${dir}/log/access_log`, `ErrorLog ${dir}/log/error_log`, `PageLog ${dir}/log/page_log`, ''].join('\n'),
  );
  let levels = { ribbon: 80, film: 80, hopper: 100 };
  // Files the backend (user lp) rewrites: world-writable whatever the umask.
  const shared = (name: string, text: string) => {
    writeFileSync(join(state, name), text);
    chmodSync(join(state, name), 0o666);
  };
  const writeLevels = () => shared('levels', `${levels.ribbon} ${levels.film} ${levels.hopper}\n`);
  writeLevels();
  shared('seconds', '0.2\n');
  shared('printed', '');
  const env = { CUPS_SERVER: `localhost:${port}` };
  const cupsd = new Proc(CUPSD, ['-f', '-c', join(dir, 'cupsd.conf'), '-s', join(dir, 'cups-files.conf')]);
  await waitUntil('cupsd to answer', () => spawnSync('lpstat', ['-r'], { env: { ...process.env, ...env } }).stdout.toString().includes('is running'), 5000);
  const lpadmin = (args: string[]) => {
    const r = spawnSync('lpadmin', args, { env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`lpadmin ${args.join(' ')}: ${r.stderr.toString()}`);
  };
  lpadmin(['-p', 'card', '-E', '-v', 'testbe:/card', '-o', 'printer-error-policy=abort-job']);
  let generation = 0;
  /** Send a control document and wait until the backend has reported it. */
  const control = async () => {
    const gen = String(++generation);
    const file = join(dir, `control-${gen}`);
    writeFileSync(file, `CONTROL ${gen}\n`);
    const r = spawnSync('lp', ['-d', 'card', '-o', 'raw', '-t', `control-${gen}`, file], { env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`lp: ${r.stderr.toString()}`);
    await waitUntil(`the test backend to take control job ${gen}`, () => existsSync(join(state, 'ack')) && readFileSync(join(state, 'ack'), 'utf8').trim() === gen, 10_000);
    // The scheduler files the backend's ATTR/STATE lines as the job ends: wait for it to be idle.
    await waitUntil('the control job to finish', () => spawnSync('lpstat', ['-o', 'card'], { env: { ...process.env, ...env } }).stdout.toString().trim() === '', 10_000);
  };
  return {
    port,
    url: `ipp://localhost:${port}/printers/card`,
    async setLevels(l) {
      levels = { ...levels, ...l };
      writeLevels();
      await control();
    },
    async setReasons(changes) {
      shared('ctl', changes.map((c) => `STATE: ${c}\n`).join(''));
      await control();
    },
    failCards(on) {
      if (on) shared('fail', '');
      else spawnSync('rm', ['-f', join(state, 'fail')]);
    },
    setCardSeconds(s) {
      shared('seconds', `${s}\n`);
    },
    printed() {
      return readFileSync(join(state, 'printed'), 'utf8').split('\n').filter((l) => l !== '');
    },
    lpadmin,
    async stop() {
      await cupsd.stop();
    },
  };
}
