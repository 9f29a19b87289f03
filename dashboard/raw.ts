/** An answer the server sends as it is (a CSV, a printable page), not as JSON. */
export class Raw {
  constructor(
    readonly contentType: string,
    readonly body: string,
  ) {}
}

const cell = (v: string | number | null | undefined) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Lines of cells as CSV (RFC 4180 quoting; null and undefined are empty cells). */
export function csv(lines: readonly (readonly (string | number | null | undefined)[])[]): string {
  return `${lines.map((l) => l.map(cell).join(',')).join('\n')}\n`;
}
