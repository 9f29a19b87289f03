/**
 * PowerShell's grammar, for the tests that read the project's .ps1 files: the Windows printer
 * helper, the installer and the uninstaller run on station PCs nobody here can reach, and a
 * syntax error in one of them stops every Windows station's printing (or its install).
 *
 * The grammar is tree-sitter-powershell's, compiled to WebAssembly and run by web-tree-sitter:
 * both are plain npm packages, nothing is compiled on install (the grammar's own install script,
 * which would load or build a native binding, is denied in package.json's allowScripts), and the
 * grammar is maintained (Airbus CERT, current with tree-sitter 0.26). Its runtime and its .wasm are
 * pinned together in package.json: a .wasm needs the runtime of its tree-sitter line.
 *
 * A grammar is not PowerShell's own parser: it may accept a line PowerShell refuses (never seen
 * for the helper), so this is the check that can run here; the first run on a station is still
 * the proof.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

export const REPO = join(import.meta.dirname, '../..');
/** Folders that are not the project's own files: installed packages, build output, git. */
const NOT_OURS = new Set(['node_modules', '.git', 'build', 'dist', 'data', 'coverage', 'test-results']);

let parser: Promise<Parser> | undefined;

/** One parser for the whole test file: the grammar's .wasm is about 1 MB to load. */
export function powershellParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve('tree-sitter-powershell/tree-sitter-powershell.wasm');
    const p = new Parser();
    p.setLanguage(await Language.load(readFileSync(wasm)));
    return p;
  })();
  return parser;
}

export async function parsePowershell(source: string): Promise<Tree> {
  const tree = (await powershellParser()).parse(source);
  if (!tree) throw new Error('the PowerShell parser returned no tree');
  return tree;
}

/** Every .ps1 file under `root` (the project's by default), relative to it, with forward slashes. */
export function powershellFiles(root = REPO, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (NOT_OURS.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return powershellFiles(root, path);
    return name.toLowerCase().endsWith('.ps1') ? [relative(root, path).split(sep).join('/')] : [];
  });
}

export interface Place {
  line: number;
  column: number;
}

/** Where a node starts, counted from 1 as editors count. */
export function placeOf(node: Node): Place {
  return { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

function excerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 40)}...` : one;
}

const OPENERS: Record<string, string[]> = { '}': ['{', '@{', '${'], ')': ['(', '$(', '@('], ']': ['['] };

/** The bracket a missing closing one would have closed: the last opener before it in its block. */
function openerOf(missing: Node): Node | null {
  const kinds = OPENERS[missing.type];
  const parent = missing.parent;
  if (!kinds || !parent) return null;
  let found: Node | null = null;
  for (const child of parent.children) {
    if (!child || child.startIndex >= missing.startIndex) break;
    if (kinds.includes(child.type)) found = child;
  }
  return found;
}

/**
 * The syntax errors in `source`, each as "FILE:LINE:COLUMN: what": a token the grammar could
 * not place (the outermost such stretch, once) or one it had to assume missing.
 */
export async function syntaxErrors(file: string, source: string): Promise<string[]> {
  const tree = await parsePowershell(source);
  const errors: string[] = [];
  const walk = (node: Node): void => {
    const at = placeOf(node);
    if (node.isMissing) {
      const opened = openerOf(node);
      const where = opened ? ` (for the '${opened.type}' at ${placeOf(opened).line}:${placeOf(opened).column})` : '';
      errors.push(`${file}:${at.line}:${at.column}: syntax error: missing '${node.type}'${where}`);
      return;
    }
    if (node.isError) {
      errors.push(`${file}:${at.line}:${at.column}: syntax error: unexpected '${excerpt(node.text)}'`);
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) if (child) walk(child);
  };
  walk(tree.rootNode);
  tree.delete();
  return errors;
}
