/**
 * The agent checks its own messages: every payload is checked against the contract's zod schema
 * (payloads.ts) before it enters the outbox, as the dashboard will check it. One that would fail
 * is not dropped and not sent as it is (the dashboard would refuse it whole, and the station would
 * look fine while it is stopped): it is published in a reduced form that passes, and what was cut
 * is said in words (Telemetry raises agent.payload_invalid with them).
 *
 * The reduced form: a text over its limit is cut with a mark, a list cut to its limit, any other
 * field that fails made null; where null is not allowed either, the entry of a list that holds it
 * is left out, or its whole section of health is replaced by the section's unknown form
 * (safe-forms.ts). What is checked is the JSON the broker will carry (NaN is null there).
 *
 * The zod schemas are imported on the first check, not with this module: whatever loads the
 * telemetry without sending (a CLI command) never builds them. ajv is never loaded here: it reads
 * the JSON Schema files, for the dashboard and the tests, and the idle agent must not carry it.
 */
import type { z } from 'zod';
import type { Text } from '../core/i18n.js';
import { cutText, PAYLOAD_BYTES_MAX, TEXT_MAX } from '../hal/bounds.js';
import { SAFE_FORMS } from './safe-forms.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly PropertyKey[];
type Schemas = (typeof import('./payloads.js'))['PAYLOAD_SCHEMAS'];

/** A payload and what was cut from it: [] when it passed as it was. */
export interface Checked<T> {
  payload: T;
  cuts: Text[];
}

/** Rounds of fixes before the section's unknown form is taken: each round fixes every field the last check named. */
const ROUNDS = 16;

const where = (path: Path): string => `\`${path.map(String).join('.') || '(root)'}\``;

function at(root: Json, path: Path): Json | undefined {
  let v: Json | undefined = root;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string, Json>)[k as string] : undefined;
  return v;
}

function setAt(root: Json, path: Path, value: Json | undefined): void {
  const parent = at(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent === null || typeof parent !== 'object' || key === undefined) return;
  if (Array.isArray(parent) && value === undefined) parent.splice(Number(key), 1);
  else (parent as Record<string, Json>)[key as string] = value as Json;
}

interface Fix {
  words: Text;
  /** An entry of a list was left out: the paths the check named after it no longer hold. */
  removed?: true;
}

/**
 * One fix for one issue, applied to `root`; null when this issue cannot be fixed field by field
 * (the path runs up to a section of the payload, or the payload itself).
 */
function fix(root: Json, issue: z.core.$ZodIssue, path: Path = issue.path): Fix | null {
  // A whole section (printer, ups, ...) is not made null: its unknown form replaces it (safe-forms.ts).
  if (path.length === 0 || (path.length === 1 && path !== issue.path)) return null;
  const value = at(root, path);
  const max = issue.code === 'too_big' && path === issue.path ? Number(issue.maximum) : undefined;
  if (max !== undefined && typeof value === 'string') {
    setAt(root, path, cutText(value, max));
    return { words: { id: `${where(path)} dipotong menjadi ${max} karakter`, en: `${where(path)} cut to ${max} characters` } };
  }
  if (max !== undefined && Array.isArray(value)) {
    setAt(root, path, value.slice(0, max));
    return { words: { id: `${where(path)} dipotong menjadi ${max} isi`, en: `${where(path)} cut to ${max} entries` } };
  }
  if (value !== null) {
    setAt(root, path, null);
    return { words: { id: `${where(path)} dikosongkan (null, \`${issue.code}\`)`, en: `${where(path)} made null (${issue.code})` } };
  }
  // Null is not allowed here either: the entry of a list is left out, else the field above it goes.
  const parent = path.slice(0, -1);
  if (Array.isArray(at(root, parent))) {
    setAt(root, path, undefined);
    return { words: { id: `satu isi ${where(parent)} dibuang`, en: `an entry of ${where(parent)} left out` }, removed: true };
  }
  return fix(root, issue, parent);
}

/** Texts are not cut shorter than this to fit the size: ids, codes and times stay whole. */
const SHORTEST_CUT = 80;

function longestText(v: Json, path: PropertyKey[] = []): { path: PropertyKey[]; text: string } | null {
  if (typeof v === 'string') return { path, text: v };
  if (v === null || typeof v !== 'object') return null;
  let best: { path: PropertyKey[]; text: string } | null = null;
  for (const [k, child] of Array.isArray(v) ? v.entries() : Object.entries(v)) {
    const found = longestText(child, [...path, k]);
    if (found && (!best || found.text.length > best.text.length)) best = found;
  }
  return best;
}

/**
 * Within the schema a message can still be larger than a consumer takes (sixty-four reasons of
 * two thousand characters): its longest texts are halved, each with the mark, until it fits.
 */
function fitSize(json: Json, cuts: Text[]): boolean {
  const shortened = new Map<string, number>();
  while (Buffer.byteLength(JSON.stringify(json)) > PAYLOAD_BYTES_MAX) {
    const longest = longestText(json);
    if (!longest || longest.text.length <= SHORTEST_CUT) break;
    const to = Math.max(SHORTEST_CUT, Math.floor(longest.text.length / 2));
    setAt(json, longest.path, cutText(longest.text, to));
    shortened.set(where(longest.path), to);
  }
  for (const [path, to] of shortened) {
    cuts.push({ id: `${path} dipotong menjadi ${to} karakter agar pesan muat dalam ${PAYLOAD_BYTES_MAX} bita`, en: `${path} cut to ${to} characters for the message to fit ${PAYLOAD_BYTES_MAX} bytes` });
  }
  return shortened.size > 0;
}

/** The checker of one agent: its schemas built on the first `ready()`. */
export class PayloadCheck {
  private schemas: Schemas | undefined;

  /** Build the schemas, once; every `checked` comes after it. */
  async ready(): Promise<void> {
    this.schemas ??= (await import('./payloads.js')).PAYLOAD_SCHEMAS;
  }

  /** `payload` if it passes its schema (by its `schema` field) and fits a consumer, else its reduced form and what was cut. */
  checked<T extends { schema: string }>(payload: T): Checked<T> {
    if (!this.schemas) throw new Error('PayloadCheck.ready() was not awaited before the first check');
    const schema = (this.schemas as Record<string, z.ZodType>)[payload.schema];
    if (!schema) return { payload, cuts: [{ id: `tidak ada skema \`${payload.schema}\``, en: `no schema ${payload.schema}` }] };
    const text = JSON.stringify(payload);
    const json = JSON.parse(text) as Json;
    let result = schema.safeParse(json);
    if (result.success && Buffer.byteLength(text) <= PAYLOAD_BYTES_MAX) return { payload, cuts: [] };
    const cuts: Text[] = [];
    for (let round = 0; round < ROUNDS && !result.success; round++) {
      let fixed = false;
      // One entry left out per round at most: the paths of the others would shift under it.
      for (const issue of result.error.issues) {
        const done = fix(json, issue);
        if (done === null) continue;
        fixed = true;
        cuts.push(done.words);
        if (done.removed) break;
      }
      result = schema.safeParse(json);
      if (!fixed) break;
    }
    if (!result.success) {
      const safe = SAFE_FORMS[payload.schema] ?? {};
      const sections = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? '')))].filter((k) => Object.hasOwn(safe, k));
      const obj = json as Record<string, Json>;
      for (const k of sections) obj[k] = (safe[k] as (was: unknown) => Json)(obj[k]);
      if (sections.length > 0) cuts.push({ id: `${sections.map((k) => `\`${k}\``).join(', ')} diganti bentuk "tidak diketahui"`, en: `${sections.map((k) => `\`${k}\``).join(', ')} replaced by the unknown form` });
      result = schema.safeParse(json);
    }
    if (fitSize(json, cuts)) result = schema.safeParse(json);
    if (!result.success || Buffer.byteLength(JSON.stringify(json)) > PAYLOAD_BYTES_MAX) {
      // Nothing field by field makes it pass: sent as made, never dropped, and said so.
      cuts.push({ id: 'tidak dapat dikecilkan: dikirim apa adanya', en: 'could not be reduced: sent as made' });
      return { payload, cuts };
    }
    return { payload: json as unknown as T, cuts };
  }
}

/**
 * What agent.payload_invalid says: for each kind of message whose last one had to be reduced,
 * what was cut (each cut once); null when none had to be.
 */
export function invalidWords(invalid: ReadonlyMap<string, readonly Text[]>): Text | null {
  if (invalid.size === 0) return null;
  const parts = [...invalid].map(([schema, cuts]) => {
    const once = cuts.filter((c, i) => cuts.findIndex((d) => d.en === c.en) === i);
    return { id: `\`${schema}\`: ${once.map((c) => c.id).join('; ')}`, en: `${schema}: ${once.map((c) => c.en).join('; ')}` };
  });
  return {
    id: cutText(`pesan agen ini tidak lolos kontrak dan dikirim dalam bentuk dipangkas. ${parts.map((p) => p.id).join(' | ')}`, TEXT_MAX),
    en: cutText(`messages of this agent did not pass the contract and were sent reduced. ${parts.map((p) => p.en).join(' | ')}`, TEXT_MAX),
  };
}
