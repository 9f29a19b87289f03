/**
 * The SNMP transport: one reading's GET and bounded walks over net-snmp (pure JavaScript, UDP),
 * on a session of its own that is closed when the reading ends, so a late or hostile answer can
 * reach nothing. Everything it returns is raw values for the codec; every failure is a HalError.
 */
import snmp from 'net-snmp';
import { isIP } from 'node:net';
import type { Clock } from '../../../core/clock.js';
import type { Text } from '../../../core/i18n.js';
import { HalError, withTimeout } from '../../errors.js';
import type { SnmpMonitorOptions } from './config.js';
import { OID, WALK_ROOTS } from './mib.js';
import type { SnmpType, SnmpVarbind } from './values.js';

/** One reading's raw values, and the subtrees that had more rows than a reading takes. */
export interface Collected {
  varbinds: SnmpVarbind[];
  truncated: string[];
}

/** Collects one reading; the monitor calls it once per read. Tests pass their own. */
export type Collect = () => Promise<Collected>;

/** What the files named in the configuration hold (read once, at start). */
export type SnmpSecrets = { community: string } | { authKey?: string; privKey?: string };

/** Rows one subtree may give: a card printer has a handful, a table of thousands is an agent gone wrong. */
export const MAX_PER_WALK = 512;

export const SNMP_HINT: Text = {
  id: 'Periksa printer.snmp: alamat dan port printer, apakah SNMP sudah dinyalakan di pengaturan jaringannya, dan community-nya (community yang salah tidak mendapat jawaban sama sekali) atau pengguna v3 beserta frasa sandinya.',
  en: "Check printer.snmp: the printer's address and port, that SNMP is switched on in its network settings, and the community (a wrong community gets no answer at all) or the v3 user and passphrases.",
};

const TYPES: Partial<Record<number, SnmpType>> = {
  [snmp.ObjectType.Integer]: 'integer',
  [snmp.ObjectType.OctetString]: 'octets',
  [snmp.ObjectType.OID]: 'oid',
  [snmp.ObjectType.TimeTicks]: 'timeticks',
  [snmp.ObjectType.Counter]: 'counter',
  [snmp.ObjectType.Gauge]: 'gauge',
  [snmp.ObjectType.Counter64]: 'counter64',
  [snmp.ObjectType.IpAddress]: 'ipaddress',
  [snmp.ObjectType.Opaque]: 'opaque',
  [snmp.ObjectType.Null]: 'null',
};

/** A net-snmp varbind → the codec's; exceptions (noSuchObject, endOfMibView) and unknown types are dropped. */
function toVarbind(vb: snmp.Varbind): SnmpVarbind | null {
  if (snmp.isVarbindError(vb) || vb.type === undefined) return null;
  const type = TYPES[vb.type];
  if (!type) return null;
  let value: unknown = vb.value;
  // Counter64 arrives as its big-endian bytes.
  if (type === 'counter64' && Buffer.isBuffer(value)) value = value.length === 0 ? 0n : BigInt(`0x${value.toString('hex')}`);
  return { oid: vb.oid, type, value };
}

const AUTH: Record<NonNullable<SnmpMonitorOptions['authProtocol']>, snmp.AuthProtocols> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
};
const PRIV: Record<NonNullable<SnmpMonitorOptions['privProtocol']>, snmp.PrivProtocols> = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b,
  aes256r: snmp.PrivProtocols.aes256r,
};

function openSession(o: SnmpMonitorOptions, secrets: SnmpSecrets): snmp.Session {
  // Half the reading's time per request with one retry: one lost datagram still fits.
  const common = { port: o.port, timeout: Math.max(50, (o.timeoutSeconds * 1000) / 2), retries: 1, backoff: 1, transport: isIP(o.host) === 6 ? ('udp6' as const) : ('udp4' as const) };
  if ('community' in secrets) return snmp.createSession(o.host, secrets.community, { ...common, version: snmp.Version2c });
  const level = o.privProtocol ? snmp.SecurityLevel.authPriv : o.authProtocol ? snmp.SecurityLevel.authNoPriv : snmp.SecurityLevel.noAuthNoPriv;
  const user: snmp.User = { name: o.user ?? '', level };
  if (o.authProtocol) Object.assign(user, { authProtocol: AUTH[o.authProtocol], authKey: secrets.authKey });
  if (o.privProtocol) Object.assign(user, { privProtocol: PRIV[o.privProtocol], privKey: secrets.privKey });
  return snmp.createV3Session(o.host, user, { ...common, version: snmp.Version3 });
}

/** A net-snmp error → the printer family's codes, in words a technician acts on. */
function halErrorOf(err: unknown, where: string): HalError {
  const e = err as { name?: string; message?: string; code?: string };
  const msg = (e.message ?? String(err)).slice(0, 200);
  if (err instanceof HalError) return err;
  if (e.name === 'RequestTimedOutError') return new HalError('timeout', `the printer's SNMP agent at ${where} did not answer (wrong community, SNMP off, or the printer is off)`, SNMP_HINT);
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return new HalError('unreachable', `the printer's address ${where} cannot be resolved (${e.code})`, SNMP_HINT);
  if (e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') return new HalError('unreachable', `nothing answers SNMP at ${where} (${e.code})`, SNMP_HINT);
  if (e.name === 'RequestFailedError') return new HalError('protocol', `the printer's SNMP agent refused the request: ${msg}`, SNMP_HINT);
  return new HalError('protocol', `the printer's SNMP agent at ${where} answered with something unusable: ${msg}`, SNMP_HINT);
}

function get(session: snmp.Session, oids: string[]): Promise<SnmpVarbind[]> {
  return new Promise((resolve, reject) => {
    session.get(oids, (err, vbs) => (err ? reject(err) : resolve((vbs ?? []).map(toVarbind).filter((v): v is SnmpVarbind => v !== null))));
  });
}

function walk(session: snmp.Session, root: string, limit: number): Promise<{ varbinds: SnmpVarbind[]; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const varbinds: SnmpVarbind[] = [];
    let truncated = false;
    session.subtree(
      root,
      25,
      (vbs: snmp.Varbind[]) => {
        for (const vb of vbs) {
          const v = toVarbind(vb);
          if (v) varbinds.push(v);
          if (varbinds.length >= limit) {
            truncated = true;
            return true; // stop the walk: the rest is not read
          }
        }
      },
      (err: Error | null) => (err ? reject(err) : resolve({ varbinds, truncated })),
    );
  });
}

/**
 * The production transport: net-snmp, a session per reading, the whole reading within
 * timeoutSeconds on `clock` (net-snmp's own per-request timeout and retry run inside it).
 */
export function netSnmpCollect(o: SnmpMonitorOptions, secrets: SnmpSecrets, clock: Clock, limit = MAX_PER_WALK): Collect {
  const where = `${o.host}:${o.port}`;
  return async () => {
    const session = openSession(o, secrets);
    // A datagram that is not SNMP must not become an unhandled 'error' event (it would end the process).
    let garbage: Error | undefined;
    session.on('error', (err: Error) => (garbage = err));
    try {
      const all = Promise.all([get(session, [OID.sysDescr, OID.sysUpTime]), ...WALK_ROOTS.map((r) => walk(session, r, limit))]);
      const [scalars, ...walks] = await withTimeout(clock, all, o.timeoutSeconds * 1000, `the printer's SNMP agent at ${where}`, SNMP_HINT);
      return {
        varbinds: [...scalars, ...walks.flatMap((w) => w.varbinds)],
        truncated: WALK_ROOTS.filter((_, i) => walks[i]?.truncated),
      };
    } catch (err) {
      if (garbage && err instanceof HalError && err.code === 'timeout') throw new HalError('protocol', `the printer's SNMP agent at ${where} sent something that is not SNMP: ${garbage.message.slice(0, 120)}`, SNMP_HINT);
      throw halErrorOf(err, where);
    } finally {
      session.close();
    }
  };
}
