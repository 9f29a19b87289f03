/**
 * Prometheus's text exposition format (version 0.0.4), written straight from the figures: each
 * family's HELP and TYPE, then its samples in the order they were added, families in the order
 * they were made, a blank line between them; the same text prom-client's registry gives for
 * gauges, without its label objects and hashing per sample. At 10,000 stations a scrape is a
 * quarter of a million samples: each family's text is turned into bytes every 64 kB, so the
 * scrape leaves no string of megabytes to copy and collect. Every family is a gauge; a family
 * made and given no sample still says its HELP and TYPE.
 */

export const PROM_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const CHUNK = 64 * 1024;
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
  private text: string;
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly name: string,
    help: string,
  ) {
    this.text = `# HELP ${name} ${escapeText(help)}\n# TYPE ${name} gauge\n`;
  }

  add(labels: string, value: number): void {
    this.text += labels === '' ? `${this.name} ${valueText(value)}\n` : `${this.name}{${labels}} ${valueText(value)}\n`;
    if (this.text.length >= CHUNK) {
      this.chunks.push(Buffer.from(this.text));
      this.text = '';
    }
  }

  bytes(): Buffer[] {
    return [...this.chunks, Buffer.from(this.text)];
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
