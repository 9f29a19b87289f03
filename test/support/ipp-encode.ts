/**
 * IPP attributes encoded as a printer sends them (RFC 8010 §3.1.4), for answers the ipp package
 * cannot encode (marker-*) and for hostile ones.
 */
export type Value = { tag: number; v: string | number };
export const kw = (v: string): Value => ({ tag: 0x44, v });
export const text = (v: string): Value => ({ tag: 0x41, v });
export const nm = (v: string): Value => ({ tag: 0x42, v });
export const int = (v: number): Value => ({ tag: 0x21, v });

/** One attribute: the first value carries the name, the rest an empty one. */
export function attr(name: string, values: Value[]): Buffer {
  return Buffer.concat(
    values.map((val, i) => {
      const n = Buffer.from(i === 0 ? name : '');
      const body = typeof val.v === 'number' ? Buffer.alloc(4) : Buffer.from(val.v);
      if (typeof val.v === 'number') body.writeInt32BE(val.v);
      const head = Buffer.alloc(3);
      head[0] = val.tag;
      head.writeUInt16BE(n.length, 1);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(body.length);
      return Buffer.concat([head, n, len, body]);
    }),
  );
}
