/**
 * IPP over HTTP: requests built and answers parsed with the `ipp` package (the IPP binary
 * encoding of RFC 8010), sent with Node's own http client so that every call has a deadline and
 * an answer-size cap. The transport is a seam: tests feed the client garbage through it.
 */
import type { Clock } from '../../../core/clock.js';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import ipp from 'ipp';
import { HalError } from '../../errors.js';

export type Attrs = Record<string, unknown>;

/** Sends one encoded IPP request, resolves with the raw answer body. */
export interface IppTransport {
  send(body: Buffer, timeoutMs: number): Promise<Buffer>;
}

export interface IppAnswer {
  /** e.g. successful-ok, server-error-busy, client-error-not-found. */
  status: string;
  printer: Attrs;
  jobs: Attrs[];
}

/** Errors that mean the request never reached the printer: nothing was started. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL']);

const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export function httpTransport(url: URL, clock: Clock): IppTransport {
  const secure = url.protocol === 'ipps:' || url.protocol === 'https:';
  const port = url.port === '' ? 631 : Number(url.port);
  return {
    send(body, timeoutMs) {
      return new Promise<Buffer>((resolve, reject) => {
        const req = (secure ? httpsRequest : httpRequest)(
          {
            host: url.hostname.replace(/^\[|\]$/g, ''),
            port,
            path: `${url.pathname}${url.search}`,
            method: 'POST',
            headers: { 'Content-Type': 'application/ipp', 'Content-Length': body.length },
            timeout: timeoutMs,
          },
          (res) => {
            if (res.statusCode !== 200) {
              res.resume();
              reject(new HalError('protocol', `the printer answered HTTP ${res.statusCode ?? '?'} instead of an IPP answer`, { id: 'Periksa printer.url: jalur antrean CUPS adalah /printers/NAMA.', en: 'Check printer.url: the path of a CUPS queue is /printers/NAME.' }));
              return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (c: Buffer) => {
              size += c.length;
              if (size > MAX_ANSWER_BYTES) {
                req.destroy(new HalError('protocol', `the printer's answer is larger than ${MAX_ANSWER_BYTES} bytes`));
                return;
              }
              chunks.push(c);
            });
            res.on('end', () => resolve(Buffer.concat(chunks)));
            res.on('error', reject);
          },
        );
        // `timeout` is the socket's idle time: a printer that drips a byte now and then never
        // goes idle. The whole request, answer included, has this one deadline.
        const cancel = clock.setTimer(() => req.destroy(new HalError('timeout', `the printer did not answer within ${timeoutMs} ms`)), timeoutMs);
        req.on('close', cancel);
        req.on('timeout', () => req.destroy(new HalError('timeout', `the printer did not answer within ${timeoutMs} ms`)));
        req.on('error', (err: NodeJS.ErrnoException) => {
          if (err instanceof HalError) reject(err);
          else if (err.code !== undefined && NOT_SENT.has(err.code)) reject(new HalError('unreachable', `cannot reach the printer at ${url.host}: ${err.code}`, { id: 'Pastikan printer (atau CUPS) menyala, dan periksa printer.url.', en: 'Check that the printer (or CUPS) is running and printer.url.' }));
          else reject(new HalError('connection', `the connection to the printer failed: ${err.code ?? err.message}`));
        });
        req.end(body);
      });
    },
  };
}

let requestId = 0;

/** Encode one IPP request. Operation attributes go in order: charset, language, printer-uri, the rest. */
export function encodeRequest(operation: string, printerUri: string, attrs: Attrs, data?: Buffer): Buffer {
  const msg = {
    version: '2.0',
    operation,
    id: (requestId = (requestId % 0x7fffffff) + 1),
    'operation-attributes-tag': {
      'attributes-charset': 'utf-8',
      'attributes-natural-language': 'en',
      'printer-uri': printerUri,
      ...attrs,
    },
    ...(data ? { data } : {}),
  };
  try {
    return ipp.serialize(msg);
  } catch (err) {
    // The package throws strings for attributes it does not know: a programming error here.
    throw new Error(`cannot encode IPP ${operation}: ${String(err)}`);
  }
}

function group(v: unknown): Attrs[] {
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.filter((g): g is Attrs => typeof g === 'object' && g !== null && !Array.isArray(g));
}

/** Value lengths the package reads whatever the declared length says (RFC 8010 §3.9). */
const FIXED_LENGTH: Record<number, number> = { 0x21: 4, 0x23: 4, 0x22: 1, 0x33: 8, 0x32: 9, 0x31: 11 };

/**
 * Walk the RFC 8010 framing before the package parses it. The package reads lengths as signed
 * and fixed-size values by their type, not their declared length; on hostile bytes that sends
 * it backwards through the buffer without end (a garbage answer exhausted the heap in tests).
 * Here every length must be non-negative, fit the buffer and match its type, and collections
 * must be well nested, so the package's reads stay aligned with the framing.
 */
export function checkFraming(buf: Buffer): void {
  const bad = (why: string, at: number) => new HalError('protocol', `the printer's answer is not valid IPP (${why} at byte ${at})`);
  let pos = 8;
  // Per open collection: what may come next ('member' name, its 'value', or 'more' values).
  const open: ('member' | 'value' | 'more')[] = [];
  const u16 = (at: number) => {
    if (at + 2 > buf.length) throw bad('truncated length', at);
    const n = buf.readUInt16BE(at);
    if (n >= 0x8000) throw bad('length out of range', at);
    return n;
  };
  while (pos < buf.length) {
    const start = pos;
    let tag = buf[pos++] ?? 0;
    if (tag === 0x03) return; // end-of-attributes: what follows is document data
    if (tag < 0x10) {
      if (open.length > 0) throw bad('group inside a collection', start);
      continue; // a group starts
    }
    if (tag === 0x7f) {
      if (pos + 4 > buf.length) throw bad('truncated extension tag', start);
      tag = buf.readUInt32BE(pos);
      if (tag >= 0x80000000) throw bad('extension tag out of range', start);
      pos += 4;
    }
    const nameLength = u16(pos);
    pos += 2 + nameLength;
    const valueLength = u16(pos);
    pos += 2;
    if (pos + valueLength > buf.length) throw bad('value runs past the end', start);
    const fixed = FIXED_LENGTH[tag];
    if (fixed !== undefined && valueLength !== fixed) throw bad(`a value of type 0x${tag.toString(16)} must be ${fixed} bytes`, start);
    if (tag === 0x35 || tag === 0x36) {
      // text/nameWithLanguage: language length + language + text length + text, exactly.
      const lang = u16(pos);
      if (lang + 2 > valueLength) throw bad('language runs past its value', start);
      if (2 + lang + 2 + u16(pos + 2 + lang) !== valueLength) throw bad('text does not fill its value', start);
    }
    pos += valueLength;
    const top = open.length - 1;
    const state = open[top];
    if (tag === 0x37) {
      if (state === undefined || state === 'value') throw bad('collection end out of place', start);
      open.pop();
      if (open.length > 0) open[open.length - 1] = 'more';
      continue;
    }
    if (tag === 0x4a) {
      if (state === undefined || state === 'value') throw bad('member name out of place', start);
      if (nameLength !== 0) throw bad('member name with a name', start);
      open[top] = 'value';
      continue;
    }
    if (state === 'member') throw bad('collection value without a member name', start);
    if (state !== undefined) open[top] = 'more';
    if (tag === 0x34) open.push('member');
  }
  throw bad('no end-of-attributes tag', pos);
}

/**
 * Parse one IPP answer. The package's parser was written for well-formed input: it throws
 * RangeErrors on truncation and prints to stdout on odd tags. Both are contained here, and
 * anything that is not a recognisable answer becomes HalError('protocol').
 */
export function decodeAnswer(buf: Buffer): IppAnswer {
  if (buf.length < 8) throw new HalError('protocol', `the printer's answer is too short to be IPP (${buf.length} bytes)`);
  const major = buf[0] ?? 0;
  if (major < 1 || major > 2) throw new HalError('protocol', `the printer's answer is not IPP (version byte ${major})`);
  checkFraming(buf);
  let parsed: unknown;
  const log = console.log;
  console.log = () => undefined; // the parser's own chatter must not reach the agent's JSON log
  try {
    parsed = ipp.parse(buf);
  } catch (err) {
    throw new HalError('protocol', `the printer's answer is not valid IPP (${(err as Error).message ?? String(err)})`);
  } finally {
    console.log = log;
  }
  if (typeof parsed !== 'object' || parsed === null) throw new HalError('protocol', "the printer's answer is not valid IPP");
  const p = parsed as Attrs;
  const status = p.statusCode;
  if (typeof status !== 'string') {
    const code = buf.readUInt16BE(2);
    throw new HalError('protocol', `the printer's answer has an unknown IPP status 0x${code.toString(16).padStart(4, '0')}`);
  }
  const printers = group(p['printer-attributes-tag']);
  return { status, printer: Object.assign({}, ...printers) as Attrs, jobs: group(p['job-attributes-tag']) };
}

export class IppClient {
  constructor(
    readonly printerUri: string,
    private readonly transport: IppTransport,
    private readonly timeoutMs: number,
  ) {}

  async call(operation: string, attrs: Attrs = {}, data?: Buffer): Promise<IppAnswer> {
    const body = encodeRequest(operation, this.printerUri, attrs, data);
    return decodeAnswer(await this.transport.send(body, this.timeoutMs));
  }
}

/** The printer-uri to put in requests: ipp(s):// whatever scheme the URL was written with. */
export function printerUriOf(url: URL): string {
  const scheme = url.protocol === 'https:' || url.protocol === 'ipps:' ? 'ipps:' : 'ipp:';
  return `${scheme}//${url.host}${url.pathname}`;
}
