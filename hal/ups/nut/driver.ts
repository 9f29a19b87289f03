import { createConnection, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { NutOptions } from './config.js';
import { Backoff } from '../../../core/backoff.js';
import type { DriverContext } from '../../driver.js';
import { HalError } from '../../errors.js';
import { readKeyFile, readSecretFile } from '../../secret-file.js';
import { OneAtATime } from '../../../core/one-at-a-time.js';
import type { UpsDriver, UpsReading } from '../types.js';
import { errorCode, parseListVar, toReading } from './codec.js';
import { NUT_HINT, NUT_SAYS } from './hints.js';

/** A word for the NUT protocol: quoted, with backslash and double quote escaped. */
function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A LIST VAR answer has a few dozen lines of a few dozen characters; far beyond is not upsd. */
const MAX_ANSWER_LINES = 2000;
const MAX_LINE_CHARS = 4096;

/** After a failure, the next connection waits 1 s, then 2 s, ... up to 30 s. */
const RECONNECT = { initialMs: 1000, maxMs: 30_000, jitter: false };

/** What each of upsd's errors means for a technician. */
function nutError(code: string, o: NutOptions): HalError {
  switch (code) {
    case 'DRIVER-NOT-CONNECTED':
      return new HalError('comm-lost', NUT_SAYS.driverDown, NUT_HINT.driverDown);
    case 'DATA-STALE':
      return new HalError('comm-lost', NUT_SAYS.stale, NUT_HINT.stale);
    case 'FEATURE-NOT-CONFIGURED':
    case 'FEATURE-NOT-SUPPORTED':
      return new HalError('comm-lost', `upsd cannot do TLS (ERR ${code}); the agent does not fall back to plain text`, NUT_HINT.noTls);
    case 'UNKNOWN-UPS':
      return new HalError('comm-lost', `upsd knows no UPS named "${o.name}"`, NUT_HINT.unknownUps);
    case 'ACCESS-DENIED':
    case 'USERNAME-REQUIRED':
    case 'PASSWORD-REQUIRED':
    case 'INVALID-PASSWORD':
      return new HalError('comm-lost', `upsd refused the login (${code})`, NUT_HINT.login);
    default:
      return new HalError('comm-lost', `upsd answered ERR ${code}`, NUT_HINT.services);
  }
}

/**
 * A client of upsd (NUT's network protocol, TCP 3493): one connection, kept open and reused;
 * each read is `LIST VAR <ups>`. A refused or dropped connection, a timeout, or an ERR answer
 * makes the read fail with the reason (the station reports the UPS unknown and raises
 * ups.comm_lost); the next read connects again, no sooner than the backoff allows.
 */
export class NutUps implements UpsDriver {
  readonly driver = 'nut';
  private socket: Socket | undefined;
  private buffer = '';
  private waiting: ((line: string | Error) => void) | undefined;
  private lines: string[] = [];
  private readonly serial = new OneAtATime();
  private readonly backoff: Backoff;
  private lastFailure: HalError | undefined;

  constructor(
    private readonly o: NutOptions,
    private readonly ctx: DriverContext,
  ) {
    this.backoff = new Backoff(RECONNECT, ctx.clock);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.drop();
    return Promise.resolve();
  }

  read(): Promise<UpsReading> {
    return this.serial.run(() => this.readOnce());
  }

  private async readOnce(): Promise<UpsReading> {
    // Waiting out the backoff is not a new failure: it must not push the next try further away.
    if (!this.socket && this.backoff.waiting) {
      // The last failure said what is wrong; waiting does not change it.
      const last = this.lastFailure;
      throw new HalError(last?.code ?? 'comm-lost', `${last?.message ?? 'upsd could not be read'} (waiting before trying again)`, last?.hintWords ?? NUT_HINT.waiting);
    }
    const deadline = this.ctx.clock.monotonic() + this.o.timeoutSeconds * 1000;
    try {
      if (!this.socket) await this.connect(deadline);
      const answer = await this.request(`LIST VAR ${this.o.name}`, deadline, `END LIST VAR ${this.o.name}`);
      // upsd answered: a status without OL or OB (WAIT, OFF, TRIM alone) is an unknown line status
      // with its reason, not a lost link; the numbers the UPS gives still count.
      const { statusTokens: _tokens, ...r } = toReading(parseListVar(answer, this.o.name));
      this.backoff.succeeded();
      return r;
    } catch (err) {
      if (!(err instanceof HalError && err.code === 'comm-lost' && this.socket)) this.drop();
      this.backoff.failed();
      if (err instanceof HalError) this.lastFailure = err;
      throw err;
    }
  }

  /** Take lines from this socket (the plain one, then the TLS one over it). */
  private attach(socket: Socket): void {
    socket.setEncoding('utf8');
    this.socket = socket;
    // Each handler acts only for the socket it was set on: a dropped socket closing later must
    // not end the one that replaced it.
    socket.on('data', (chunk: string) => this.socket === socket && this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.socket === socket && this.fail(err));
    socket.on('close', () => this.socket === socket && this.fail(Object.assign(new Error('connection closed by upsd'), { code: 'ECONNRESET' })));
  }

  /**
   * STARTTLS, as upsmon does: upsd answers OK STARTTLS on the plain connection and the TLS
   * handshake follows on the same socket. The certificate is checked against ups.tls.ca (or the
   * system's CAs) and the host name; anything short of that is an error, never plain text.
   */
  private async startTls(plain: Socket, deadline: number): Promise<void> {
    const tls = this.o.tls;
    if (!tls) return;
    let ca: Buffer | undefined;
    try {
      ca = tls.ca ? readKeyFile(tls.ca) : undefined;
    } catch (err) {
      throw new HalError('comm-lost', `ups.tls.ca: ${(err as Error).message}`, NUT_HINT.caFile);
    }
    await this.request('STARTTLS', deadline);
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tlsConnect({ socket: plain, ca, host: this.o.host, servername: isIP(this.o.host) ? undefined : this.o.host });
    this.attach(secure);
    await new Promise<void>((resolve, reject) => {
      const cancel = this.ctx.clock.setTimer(() => reject(new HalError('timeout', NUT_SAYS.tlsSlow, NUT_HINT.tlsSlow)), Math.max(1, deadline - this.ctx.clock.monotonic()));
      secure.once('secureConnect', () => {
        cancel();
        resolve();
      });
      secure.once('error', (err: Error) => {
        cancel();
        reject(new HalError('comm-lost', `TLS with upsd failed: ${err.message}`, NUT_HINT.tlsFailed));
      });
    });
  }

  private async connect(deadline: number): Promise<void> {
    const socket = createConnection({ host: this.o.host, port: this.o.port });
    this.attach(socket);
    await new Promise<void>((resolve, reject) => {
      const cancel = this.ctx.clock.setTimer(() => reject(new HalError('timeout', `no answer from upsd at ${this.o.host}:${this.o.port}`, NUT_HINT.address)), Math.max(1, deadline - this.ctx.clock.monotonic()));
      socket.once('connect', () => {
        cancel();
        resolve();
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        cancel();
        reject(
          err.code === 'ECONNREFUSED'
            ? new HalError('comm-lost', `upsd refuses connections at ${this.o.host}:${this.o.port}`, NUT_HINT.refused)
            : new HalError('comm-lost', `cannot reach upsd: ${err.code ?? err.message}`, NUT_HINT.address),
        );
      });
    });
    try {
      await this.startTls(socket, deadline);
    } catch (err) {
      this.drop();
      throw err;
    }
    if (this.o.username) {
      let password = '';
      try {
        password = this.o.passwordFile ? readSecretFile(this.o.passwordFile).toString('utf8') : '';
      } catch (err) {
        this.drop();
        throw new HalError('comm-lost', `ups.passwordFile: ${(err as Error).message}`, NUT_HINT.passwordFile);
      }
      try {
        await this.request(`USERNAME ${quote(this.o.username)}`, deadline);
        await this.request(`PASSWORD ${quote(password)}`, deadline);
      } catch (err) {
        this.drop(); // never go on unauthenticated on this connection
        throw err;
      }
    }
  }

  /** Send one command; resolve with its answer lines (up to `end`, or the single OK line). */
  private async request(cmd: string, deadline: number, end?: string): Promise<string[]> {
    const socket = this.socket;
    if (!socket) throw new HalError('comm-lost', NUT_SAYS.notConnected, NUT_HINT.ended);
    this.lines = [];
    socket.write(`${cmd}\n`);
    const out: string[] = [];
    for (;;) {
      // The deadline holds however the lines come: a server that streams lines without END
      // never makes the wait for the next line time out, so it is checked at every line.
      if (this.ctx.clock.monotonic() >= deadline) throw new HalError('timeout', `upsd did not finish its answer to ${cmd.split(' ')[0]} in time`, NUT_HINT.misbehaving);
      const line = await this.nextLine(deadline - this.ctx.clock.monotonic());
      const code = errorCode(line);
      if (code) throw nutError(code, this.o);
      if (end && out.length === 0 && !line.startsWith('BEGIN ')) {
        const shown = line.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
        throw new HalError('protocol', `upsd answered "${shown}" to ${cmd.split(' ')[0]}: not the NUT protocol`, NUT_HINT.notNut);
      }
      out.push(line);
      if (!end || line === end) return out;
      if (out.length > MAX_ANSWER_LINES) {
        throw new HalError('protocol', `upsd sent more than ${MAX_ANSWER_LINES} lines without "${end}": not a NUT answer`, NUT_HINT.notNutRestart);
      }
    }
  }

  private nextLine(ms: number): Promise<string> {
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const cancel = this.ctx.clock.setTimer(() => {
        this.waiting = undefined;
        reject(new HalError('timeout', NUT_SAYS.silent, NUT_HINT.hung));
      }, Math.max(1, ms));
      this.waiting = (v) => {
        cancel();
        this.waiting = undefined;
        if (v instanceof Error) reject(v);
        else resolve(v);
      };
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_LINE_CHARS && !this.buffer.slice(0, MAX_LINE_CHARS).includes('\n')) {
      // A line this long is not NUT: stop reading it rather than hold it in memory.
      const e = new HalError('protocol', `upsd sent a line longer than ${MAX_LINE_CHARS} characters: not a NUT answer`, NUT_HINT.notUpsd);
      this.drop();
      this.waiting?.(e);
      return;
    }
    let i: number;
    while ((i = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, i).replace(/\r$/, '');
      this.buffer = this.buffer.slice(i + 1);
      if (this.waiting) this.waiting(line);
      else this.lines.push(line);
    }
  }

  private fail(err: NodeJS.ErrnoException): void {
    const e = new HalError('comm-lost', `the connection to upsd ended (${err.code ?? err.message})`, NUT_HINT.ended);
    this.drop();
    this.waiting?.(e);
  }

  private drop(): void {
    const s = this.socket;
    this.socket = undefined;
    this.buffer = '';
    this.lines = [];
    if (s) {
      s.removeAllListeners('data');
      s.on('error', () => undefined);
      s.destroy();
    }
  }
}
