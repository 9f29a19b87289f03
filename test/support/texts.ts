/**
 * Every text a person reads, as written in the source: each `{ id, en }` object literal, with the
 * fixed words of both sides (a template's parts between its `${...}`, the strings of a choice).
 * The language test reads them all, so a text added anywhere is checked without being listed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface SourceText {
  file: string;
  line: number;
  id: string;
  en: string;
}

const ROOTS = ['agent', 'hal', 'telemetry', 'dashboard', 'core', 'platform', 'scripts'];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The fixed words of an expression: string literals and the literal parts of templates, joined by a space. */
function words(node: ts.Node): string {
  const parts: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) parts.push(n.text);
    else if (ts.isTemplateExpression(n)) {
      parts.push(n.head.text);
      for (const s of n.templateSpans) {
        visit(s.expression);
        parts.push(s.literal.text);
      }
    } else if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
      // x.id, w['en']: another text's side, read where it is written.
    } else ts.forEachChild(n, visit);
  };
  visit(node);
  return parts.join(' ');
}

export function sourceTexts(root: string): SourceText[] {
  const out: SourceText[] = [];
  for (const dir of ROOTS) {
    for (const file of files(join(root, dir))) {
      const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (n: ts.Node): void => {
        if (ts.isObjectLiteralExpression(n)) {
          const prop = (name: string) => n.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name);
          const id = prop('id');
          const en = prop('en');
          if (id && en && n.properties.length === 2) {
            out.push({ file: relative(root, file), line: src.getLineAndCharacterOfPosition(n.getStart()).line + 1, id: words(id.initializer), en: words(en.initializer) });
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(src);
    }
  }
  return out;
}
