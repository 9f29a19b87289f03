/**
 * The configuration reference (docs/configuration.md), rendered from the zod schema through its
 * JSON Schema, so the document cannot drift from what the agent accepts: the station file as
 * the CLI reads it (the agent's sections, each driver's own, and the dashboard's). `npm run docs` writes
 * it; a test fails while the committed file differs, and another while a key has no description.
 */
import { z } from 'zod';
import { stationFileSchema } from '../agent/cli/station-file.js';

/** The part of JSON Schema that z.toJSONSchema emits for this configuration. */
interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, Node>;
  required?: string[];
  oneOf?: Node[];
  anyOf?: Node[];
  enum?: unknown[];
  const?: unknown;
  items?: Node;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  pattern?: string;
}

/** One documented key. `variant` names the driver the key belongs to, inside a driver union. */
export interface KeyDoc {
  path: string;
  variant?: string;
  type: string;
  required: boolean;
  default?: unknown;
  allowed: string[];
  description?: string;
  /** A section (an object of keys) rather than a value. */
  section: boolean;
}

export function configJsonSchema(schema: z.ZodType = stationFileSchema()): Node {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Node;
}

/** A union whose every member is an object told apart by a `driver` constant. */
function driverUnion(node: Node): Node[] | undefined {
  const members = node.oneOf ?? node.anyOf;
  if (!members || members.length === 0) return undefined;
  return members.every((m) => m.properties?.driver?.const !== undefined) ? members : undefined;
}

function typeOf(node: Node): string {
  if (node.type === 'array') return `array of ${node.items ? typeOf(node.items) : 'any'}`;
  if (node.type) return node.type;
  const members = node.anyOf ?? node.oneOf;
  if (members) return [...new Set(members.map(typeOf))].join(' or ');
  return 'any';
}

function allowedOf(node: Node): string[] {
  const out: string[] = [];
  if (node.enum) out.push(...node.enum.map((v) => `\`${JSON.stringify(v)}\``));
  if (node.const !== undefined) out.push(`\`${JSON.stringify(node.const)}\``);
  const members = node.anyOf ?? node.oneOf;
  if (members && members.every((m) => m.const !== undefined)) out.push(...members.map((m) => `\`${JSON.stringify(m.const)}\``));
  // z.int() bounds itself by the safe integers: no limit a person would set.
  const bound = (n: number | undefined) => (n === undefined || Math.abs(n) >= Number.MAX_SAFE_INTEGER ? undefined : n);
  const lo = bound(node.minimum ?? node.exclusiveMinimum);
  const hi = bound(node.maximum ?? node.exclusiveMaximum);
  if (lo !== undefined && hi !== undefined) out.push(`${lo} to ${hi}`);
  else if (lo !== undefined) out.push(`${node.exclusiveMinimum !== undefined ? 'over' : 'at least'} ${lo}`);
  else if (hi !== undefined) out.push(`${node.exclusiveMaximum !== undefined ? 'under' : 'at most'} ${hi}`);
  if (node.pattern) out.push(`matches \`${node.pattern}\``);
  else if (node.minLength !== undefined && node.minLength > 0 && node.type === 'string') out.push('not empty');
  return out;
}

/** Keys (besides `driver`) that every member of a driver union has, each the same in all of them. */
function commonKeys(members: Node[]): string[] {
  if (members.length < 2) return [];
  const [first, ...rest] = members;
  return Object.keys(first?.properties ?? {}).filter(
    (k) => k !== 'driver' && rest.every((m) => m.properties?.[k] !== undefined && JSON.stringify(m.properties[k]) === JSON.stringify(first?.properties?.[k])),
  );
}

/** Every key of the configuration, depth first, in schema order. */
export function configKeys(schema: z.ZodType = stationFileSchema()): KeyDoc[] {
  const out: KeyDoc[] = [];
  const walk = (node: Node, prefix: string, variant: string | undefined) => {
    const required = new Set(node.required ?? []);
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      const union = driverUnion(child);
      const isSection = union !== undefined || (child.type === 'object' && child.properties !== undefined);
      out.push({
        path,
        variant,
        type: isSection ? 'section' : typeOf(child),
        required: required.has(name) && child.default === undefined,
        default: isSection ? undefined : child.default,
        allowed: isSection ? [] : allowedOf(child),
        description: child.description,
        section: isSection,
      });
      if (union) {
        // Keys every driver takes alike (a monitor beside any print path) are listed once, after them.
        const common = commonKeys(union);
        for (const member of union) {
          const driver = String(member.properties?.driver?.const);
          const own = Object.fromEntries(Object.entries(member.properties ?? {}).filter(([k]) => !common.includes(k)));
          // The driver key is listed once per driver, so each driver's meaning has a place.
          walk({ ...member, properties: own }, path, `driver: ${driver}`);
        }
        const first = union[0] ?? {};
        if (common.length > 0) walk({ properties: Object.fromEntries(common.map((k) => [k, first.properties?.[k] ?? {}])), required: first.required?.filter((k) => common.includes(k)) }, path, variant);
      } else if (isSection) {
        walk(child, path, variant);
      }
    }
  };
  walk(configJsonSchema(schema), '', undefined);
  return out;
}

/** Keys without a description, named as in the reference (with their driver where it matters). */
export function undescribedKeys(schema: z.ZodType = stationFileSchema()): string[] {
  return configKeys(schema)
    .filter((k) => !k.description?.trim())
    .map((k) => (k.variant ? `${k.path} (${k.variant})` : k.path));
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

function defaultCell(k: KeyDoc): string {
  if (k.section) return k.required ? '**required**' : '';
  if (k.default !== undefined) return `\`${JSON.stringify(k.default)}\``;
  return k.required ? '**required**' : '—';
}

/** docs/configuration.md, as `npm run docs` writes it. */
export function renderConfigReference(schema: z.ZodType = stationFileSchema()): string {
  const root = configJsonSchema(schema);
  const keys = configKeys(schema);
  const lines: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated from agent/config/schema.ts by `npm run docs`; do not edit by hand. -->',
    '',
    `${root.description ?? ''} Relative paths are taken from the configuration file's own folder. A key`,
    'left out takes its default; an unknown key is refused with its path, so a misspelling is never silently ignored.',
    'Keys marked **required** must be given; "—" means optional with no default.',
    'Where a section is chosen by `driver`, the keys that belong to one driver are marked with it.',
    'A commented example for a real station: [station.example.yaml](station.example.yaml).',
    '',
  ];
  const sections = new Map<string, KeyDoc[]>();
  for (const k of keys) {
    const top = k.path.split('.')[0] ?? k.path;
    sections.set(top, [...(sections.get(top) ?? []), k]);
  }
  lines.push('Sections: ' + [...sections.keys()].map((s) => `[\`${s}\`](#${s.toLowerCase()})`).join(', '), '');
  for (const [top, rows] of sections) {
    const head = rows[0];
    lines.push(`## ${top}`, '');
    if (head?.section && head.description) lines.push(cell(head.description), '');
    if (head?.section && head.required) lines.push('Required.', '');
    const table = head?.section ? rows.slice(1) : rows;
    if (table.length === 0) continue;
    lines.push('| key | type | default | allowed | meaning |', '|---|---|---|---|---|');
    for (const k of table) {
      const key = `\`${k.path}\`${k.variant ? ` (${k.variant})` : ''}`;
      lines.push(`| ${key} | ${k.type} | ${defaultCell(k)} | ${cell(k.allowed.join(', '))} | ${cell(k.description ?? '')} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
