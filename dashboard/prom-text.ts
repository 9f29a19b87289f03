/**
 * Prometheus's text exposition format (version 0.0.4), written straight from the figures: each
 * family's HELP and TYPE, then its samples in the order they were added, families in the order
 * they were made, a blank line between them; the same text prom-client's registry gives for
 * gauges, without its label objects and hashing per sample. At 10,000 stations a scrape is a
 * quarter of a million samples: each line is written straight into bytes, so the scrape leaves
 * no string of megabytes to flatten, copy and collect. Every family is a gauge; a family
 * made and given no sample still says its HELP and TYPE.
 */

export const PROM_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The bytes of a family are written into pieces of this size... */
const CHUNK = 64 * 1024;
/** ...its lines a few kilobytes at a time. */
const PENDING = 4096;
const escapeText = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const PLAIN = /^[^\\\n"]*$/;

/** `name="value"`, the value escaped as the format asks (a station id or code from a topic may hold anything). */
export function labelPair(name: string, value: string): string {
  return `${name}="${PLAIN.test(value) ? value : escapeText(value).replace(/"/g, '\\"')}"`;
}

function valueText(v: number): string {
  if (Number.isNaN(v)) return 'Nan';
  if (!Number.isFinite(v)) return v < 0 ? '-Inf' : '+Inf';
  return `${v}`;
}

class Family {
  private buf = Buffer.allocUnsafe(CHUNK);
  private at = 0;
  private pending: string[] = [];
  private pendingLength = 0;
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly name: string,
    help: string,
  ) {
    this.pending.push(`# HELP ${name} ${escapeText(help)}\n# TYPE ${name} gauge\n`);
  }

  add(labels: string, value: number): void {
    const line = labels === '' ? `${this.name} ${valueText(value)}\n` : `${this.name}{${labels}} ${valueText(value)}\n`;
    this.pending.push(line);
    if ((this.pendingLength += line.length) >= PENDING) this.write();
  }

  bytes(): Buffer[] {
    this.write();
    return [...this.chunks, this.buf.subarray(0, this.at)];
  }

  /** A few kilobytes of lines at a time straight into bytes: no string of megabytes to flatten, copy and collect. */
  private write(): void {
    // Joined, not grown: a string grown line by line is a tree of pieces to flatten before it is encoded.
    const text = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    if (text.length * 3 > this.buf.length - this.at) {
      this.chunks.push(this.buf.subarray(0, this.at));
      this.buf = Buffer.allocUnsafe(Math.max(CHUNK, text.length * 3));
      this.at = 0;
    }
    this.at += this.buf.write(text, this.at);
  }
}

/** A sample of a family: its labels already written (`a="x",b="y"`, or '' for none) and its value. Each series once per scrape. */
export type AddSample = (labels: string, value: number) => void;

export class PromText {
  private readonly families: Family[] = [];

  family(name: string, help: string): AddSample {
    const f = new Family(name, help);
    this.families.push(f);
    return (labels, value) => f.add(labels, value);
  }

  bytes(): Buffer {
    const blank = Buffer.from('\n');
    return Buffer.concat(this.families.flatMap((f, i) => (i === 0 ? f.bytes() : [blank, ...f.bytes()])));
  }
}
