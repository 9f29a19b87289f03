/**
 * Net-SNMP's snmpd (Debian's, 5.9) as a card printer's SNMP agent on a loopback UDP port: MIB-II
 * is snmpd's own; the Host Resources printer tables and the Printer MIB come from a walk served by
 * a small pass_persist script, re-read whenever the test rewrites it. See PEERS.md.
 */
import { chmodSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import snmp from 'net-snmp';
import { parseWalkText } from '../../hal/printer/snmp/walk-text.js';
import type { SnmpVarbind } from '../../hal/printer/snmp/values.js';
import { freePort } from './peers.js';
import { Proc } from './process.js';
import { tempDir } from './sim.js';

export const SNMPD = '/usr/sbin/snmpd';

/**
 * The pass_persist side (RFC-less, snmpd's own protocol): PING → PONG; get/getnext + OID → OID,
 * type, value, or NONE. Values are read from a tab-separated file, sorted once per change.
 */
const PASS_SCRIPT = `import { readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
const file = process.argv[2];
const cmp = (a, b) => { const x = a.split('.'), y = b.split('.'); for (let i = 0; i < Math.min(x.length, y.length); i++) { const d = Number(x[i]) - Number(y[i]); if (d) return d; } return x.length - y.length; };
let cache = { mtime: -1, rows: [] };
const rows = () => {
  const m = statSync(file).mtimeMs;
  if (m !== cache.mtime) cache = { mtime: m, rows: readFileSync(file, 'utf8').split('\\n').filter(Boolean).map((l) => l.split('\\t')).sort((a, b) => cmp(a[0], b[0])) };
  return cache.rows;
};
let cmd = null;
createInterface({ input: process.stdin }).on('line', (raw) => {
  const line = raw.trim();
  if (cmd === null) {
    if (line === 'PING') process.stdout.write('PONG\\n');
    else if (line === 'get' || line === 'getnext' || line === 'set') cmd = line;
    return;
  }
  const c = cmd; cmd = null;
  if (c === 'set') { process.stdout.write('not-writable\\n'); return; }
  const oid = line.replace(/^\\./, '');
  const all = rows();
  const hit = c === 'get' ? all.find((r) => r[0] === oid) : all.find((r) => cmp(r[0], oid) > 0);
  process.stdout.write(hit ? '.' + hit[0] + '\\n' + hit[1] + '\\n' + (hit[2] ?? '') + '\\n' : 'NONE\\n');
});
`;

/** A value as pass_persist writes it: its type word and its text (octets always as hex). */
function passLine(vb: SnmpVarbind): string | null {
  const v = vb.value;
  switch (vb.type) {
    case 'integer':
    case 'timeticks':
    case 'gauge':
    case 'counter':
      return `${vb.oid}\t${vb.type === 'integer' ? 'integer' : vb.type}\t${String(v)}`;
    case 'octets':
      return v instanceof Uint8Array && v.length > 0 ? `${vb.oid}\toctet\t${[...v].map((b) => b.toString(16).padStart(2, '0')).join(' ')}` : `${vb.oid}\tstring\t`;
    case 'oid':
      return `${vb.oid}\tobjectid\t${String(v)}`;
    case 'ipaddress':
      return `${vb.oid}\tipaddress\t${String(v)}`;
    default:
      return null; // counter64 and the rest: pass_persist cannot say them
  }
}

export interface Snmpd {
  port: number;
  community: string;
  /** A file holding the community, as printer.snmp.communityFile names one. */
  communityFile: string;
  dir: string;
  /** Serve this walk (snmpwalk -On text) from now on. */
  serve(walk: string): void;
  /** Stop answering (SIGSTOP) and answer again (SIGCONT): a printer that hangs. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

export interface SnmpdOptions {
  walk?: string;
  /** Serve only the system group (sysDescr, sysUpTime...): a printer whose network option has MIB-II only. */
  mib2Only?: boolean;
  sysDescr?: string;
  /** Also accept this SNMPv3 user (SHA authentication, AES privacy). */
  v3?: { user: string; authKey: string; privKey: string };
}

export async function startSnmpd(opts: SnmpdOptions = {}): Promise<Snmpd> {
  const dir = tempDir('snmpd-');
  const port = await freePort();
  const community = 'card-station-ro';
  const communityFile = join(dir, 'community');
  writeFileSync(communityFile, `${community}\n`, { mode: 0o600 });
  const values = join(dir, 'values.tsv');
  const script = join(dir, 'pass.mjs');
  writeFileSync(script, PASS_SCRIPT);
  chmodSync(script, 0o755);
  let mtime = Math.floor(Date.now() / 1000);
  const serve = (walk: string) => {
    const lines = parseWalkText(walk)
      .map(passLine)
      .filter((l): l is string => l !== null);
    writeFileSync(values, `${lines.join('\n')}\n`);
    // The script re-reads on a new mtime: two writes in one millisecond must still differ.
    mtime += 1;
    utimesSync(values, mtime, mtime);
  };
  serve(opts.walk ?? '');
  const persistent = join(dir, 'persist');
  mkdirSync(persistent);
  const conf = [
    opts.mib2Only ? `view systemonly included .1.3.6.1.2.1.1` : '',
    `rocommunity ${community} 127.0.0.1${opts.mib2Only ? ' -V systemonly' : ''}`,
    `sysDescr ${opts.sysDescr ?? 'Card printer network option (fixture)'}`,
    opts.mib2Only ? '' : `pass_persist .1.3.6.1.2.1.43 ${process.execPath} ${script} ${values}`,
    opts.mib2Only ? '' : `pass_persist .1.3.6.1.2.1.25.3 ${process.execPath} ${script} ${values}`,
    opts.v3 ? `createUser ${opts.v3.user} SHA "${opts.v3.authKey}" AES "${opts.v3.privKey}"` : '',
    opts.v3 ? `rouser ${opts.v3.user} authpriv` : '',
  ].join('\n');
  const file = join(dir, 'snmpd.conf');
  writeFileSync(file, `${conf}\n`);
  // -I -a,b,c: the leading "-" excludes every module named (a "-" before each would name none).
  // snmpd's own Host Resources device tables would shadow the fixture's hrDeviceTable.
  const proc = new Proc(SNMPD, ['-f', '-Lo', '-C', '-c', file, '-I', '-hr_print,hr_device,hr_other,hr_proc,hr_network,hr_disk,hr_partition', `udp:127.0.0.1:${port}`], {
    env: { SNMP_PERSISTENT_DIR: persistent, MIBS: '' },
  });
  await waitForAnswer(port, community, proc);
  return {
    port,
    community,
    communityFile,
    dir,
    serve,
    freeze: () => proc.child.kill('SIGSTOP'),
    thaw: () => proc.child.kill('SIGCONT'),
    async stop() {
      proc.child.kill('SIGCONT');
      await proc.stop();
    },
  };
}

/**
 * Ready when sysUpTime answers (about a second after start), and the pass_persist scripts have
 * answered once: snmpd starts them on the first request in their subtree, and a node starting on
 * a busy machine must not eat a test's timeoutSeconds.
 */
async function waitForAnswer(port: number, community: string, proc: Proc): Promise<void> {
  const end = Date.now() + 8000;
  const ask = (oids: string[], timeout: number) =>
    new Promise<boolean>((resolve) => {
      const s = snmp.createSession('127.0.0.1', community, { port, timeout, retries: 0, version: snmp.Version2c });
      s.on('error', () => undefined);
      s.get(oids, (err) => {
        s.close();
        resolve(!err);
      });
    });
  for (;;) {
    const ok = await ask(['1.3.6.1.2.1.1.3.0'], 200);
    if (ok) {
      await ask(['1.3.6.1.2.1.43.5.1.1.1.1', '1.3.6.1.2.1.25.3.5.1.1.1'], 5000);
      return;
    }
    if (proc.child.exitCode !== null || Date.now() > end) {
      await proc.stop();
      throw new Error(`snmpd did not answer on udp 127.0.0.1:${port}:\n${proc.output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
