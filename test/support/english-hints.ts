import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/**
 * Finds driver errors whose hint is written in English only: `new HalError(code, message, hint)`,
 * `new HidError(code, message, hint, at)` and `withTimeout(clock, p, ms, what, hint)` where the hint
 * is a string literal or template, a string concatenation, a fallback or branch to one, or a
 * const (or a property of a const object) that is one, in the same file or imported from
 * another. Read from the syntax, not the types: a hint passed on from another error
 * (`err.hintWords`) is left alone.
 */

const HINT_ARG: Record<string, number> = { HalError: 2, HidError: 2, withTimeout: 4 };

function unwrap(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isSatisfiesExpression(x) || ts.isTypeAssertionExpression(x)) x = x.expression;
  return x;
}

/** A file's consts (initializers by name) and its relative imports (local name → file and exported name). */
interface Scope {
  consts: Map<string, ts.Expression>;
  imports: Map<string, { path: string; name: string }>;
  /** The scope of another file, by its path; undefined where it cannot be read. */
  open: (path: string) => Scope | undefined;
}

/** Reads a source file into its scope; the innermost block is not told apart (names repeat rarely in a driver). */
function scopeOf(file: ts.SourceFile, open: Scope['open']): Scope {
  const consts = new Map<string, ts.Expression>();
  const imports = new Map<string, { path: string; name: string }>();
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && ts.isVariableDeclarationList(n.parent) && n.parent.flags & ts.NodeFlags.Const) {
      consts.set(n.name.text, n.initializer);
    }
    const spec = ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) ? n.moduleSpecifier.text : undefined;
    const bindings = ts.isImportDeclaration(n) ? n.importClause?.namedBindings : undefined;
    if (spec?.startsWith('.') && bindings && ts.isNamedImports(bindings)) {
      const path = join(dirname(file.fileName), spec.replace(/\.js$/, '.ts'));
      for (const el of bindings.elements) imports.set(el.name.text, { path, name: (el.propertyName ?? el.name).text });
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return { consts, imports, open };
}

/** Where a name's value is written: its const in this file, or the const it is imported as. */
function definition(scope: Scope, name: string): { init: ts.Expression; scope: Scope } | undefined {
  const init = scope.consts.get(name);
  if (init) return { init, scope };
  const imported = scope.imports.get(name);
  const there = imported ? scope.open(imported.path) : undefined;
  const init2 = imported ? there?.consts.get(imported.name) : undefined;
  return there && init2 ? { init: init2, scope: there } : undefined;
}

function propertyOf(obj: ts.Expression, name: string): ts.Expression | undefined {
  const o = unwrap(obj);
  if (!ts.isObjectLiteralExpression(o)) return undefined;
  for (const p of o.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
  }
  return undefined;
}

function englishOnly(expr: ts.Expression, scope: Scope, depth = 0): boolean {
  if (depth > 20) return false; // a const defined through itself: not a hint anyone wrote
  const e = unwrap(expr);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateExpression(e)) return true;
  if (ts.isConditionalExpression(e)) return englishOnly(e.whenTrue, scope, depth + 1) || englishOnly(e.whenFalse, scope, depth + 1);
  if (ts.isBinaryExpression(e)) return englishOnly(e.left, scope, depth + 1) || englishOnly(e.right, scope, depth + 1);
  if (ts.isIdentifier(e)) {
    const d = definition(scope, e.text);
    return d ? englishOnly(d.init, d.scope, depth + 1) : false;
  }
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
    const d = definition(scope, e.expression.text);
    const prop = d ? propertyOf(d.init, e.name.text) : undefined;
    return d && prop ? englishOnly(prop, d.scope, depth + 1) : false;
  }
  return false;
}

const parse = (fileName: string, text: string) => ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

/**
 * `file:line` of each English-only hint in one source text. `read` gives the text of another
 * file by its path (as `fileName` is given), so a hint imported from a table is read where it
 * is written.
 */
export function englishHintsIn(fileName: string, text: string, read: (path: string) => string | undefined = () => undefined): string[] {
  const opened = new Map<string, Scope | undefined>();
  const open = (path: string): Scope | undefined => {
    if (!opened.has(path)) {
      const t = read(path);
      opened.set(path, t === undefined ? undefined : scopeOf(parse(path, t), open));
    }
    return opened.get(path);
  };
  const file = parse(fileName, text);
  const scope = scopeOf(file, open);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    const called = ts.isNewExpression(n) || ts.isCallExpression(n) ? unwrap(n.expression) : undefined;
    const at = called && ts.isIdentifier(called) ? HINT_ARG[called.text] : undefined;
    const hint = at === undefined ? undefined : (n as ts.NewExpression | ts.CallExpression).arguments?.[at];
    if (hint && englishOnly(hint, scope)) found.push(`${fileName}:${file.getLineAndCharacterOfPosition(hint.getStart(file)).line + 1}`);
    ts.forEachChild(n, visit);
  };
  visit(file);
  return found;
}

/** Every English-only hint under `dir` (its .ts files, recursively), as paths relative to `root`. */
export function englishHintsUnder(root: string, dir: string): string[] {
  const files = readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const read = (path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined);
  return files.sort().flatMap((f) => {
    const path = join(dir, f);
    return englishHintsIn(path, readFileSync(join(root, path), 'utf8'), read);
  });
}
