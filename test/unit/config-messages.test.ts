import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { validate } from '../../agent/config/load.js';
import { ConfigError, problemLines } from '../../core/errors.js';
import { schemaMessageId } from '../../platform/config-messages.js';
import { foreignWords } from '../support/language.js';

const ROOT = join(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** A literal's text, each `${...}` as X. */
function literal(n: ts.Node | undefined): string | undefined {
  if (!n) return undefined;
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  if (ts.isTemplateExpression(n)) return n.head.text + n.templateSpans.map((s) => `X${s.literal.text}`).join('');
  return undefined;
}

/** Every message a schema writes itself: .regex(re, m), .refine(f, m | {message}), addIssue({message}), need(key, m). */
function schemaMessages(): { where: string; message: string }[] {
  const out: { where: string; message: string }[] = [];
  for (const dir of ['agent', 'hal', 'telemetry', 'dashboard', 'platform']) {
    for (const file of files(join(ROOT, dir))) {
      const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n)) {
          const callee = ts.isPropertyAccessExpression(n.expression) ? n.expression.name.text : ts.isIdentifier(n.expression) ? n.expression.text : '';
          const second = n.arguments[1];
          const first = n.arguments[0];
          const fromObject = (o: ts.Node | undefined) =>
            o && ts.isObjectLiteralExpression(o) ? literal(o.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'message')?.initializer) : undefined;
          const m = callee === 'regex' || callee === 'refine' || callee === 'need' ? (literal(second) ?? fromObject(second)) : callee === 'addIssue' ? fromObject(first) : undefined;
          if (m) out.push({ where: `${relative(ROOT, file)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`, message: m });
        }
        ts.forEachChild(n, visit);
      };
      visit(src);
    }
  }
  return out;
}

describe("the schemas' own messages in Indonesian", () => {
  it('every message a schema writes itself has its Indonesian, with no English left in it', () => {
    const found = schemaMessages();
    expect(found.length).toBeGreaterThan(25);
    expect(found.filter((f) => schemaMessageId(f.message) === undefined).map((f) => `${f.where}: ${f.message}`)).toEqual([]);
    expect(found.map((f) => ({ ...f, id: schemaMessageId(f.message) ?? '' })).filter((f) => foreignWords(f.id, 'id').length > 0).map((f) => `${f.where}: ${f.id}`)).toEqual([]);
  });

  it('a configuration error read in Indonesian is Indonesian, a schema message included', () => {
    const raw = { station: { id: 'bad id', province: '53', regency: '5371' }, office: { store: true, keptAtStore: true }, ups: { driver: 'none' }, printer: { driver: 'sim' } };
    let err: unknown;
    try {
      validate(raw, 'station.yaml', '/tmp');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const id = problemLines((err as ConfigError).problems, 'id');
    expect(id).toMatch(/station\.id: id stasiun harus aman untuk topik/);
    expect(id).toMatch(/office\.keptAtStore: satu PC mencatat buku gudang/);
    expect(foreignWords(id, 'id'), id).toEqual([]);
    expect(problemLines((err as ConfigError).problems, 'en')).toMatch(/station\.id: station id must be topic-safe/);
  });
});
