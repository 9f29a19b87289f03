/**
 * What Windows PowerShell 5.1 lacks. The printer helper and the installer run under 5.1, the
 * PowerShell every Windows 10 and 11 has; a line written for PowerShell 7 (what a technician
 * reading today's docs is likely to write) fails there, often only when it runs. Each rule names
 * the version that brought the construct and what to write instead.
 *
 * Rules read the syntax tree where the construct parses (commands, their parameters,
 * variables), and the code with comments, strings, variable names and bare words blanked out
 * where it does not (7's operators are syntax errors to the grammar, so the parse test fails on
 * them too; this one says why).
 */
import type { Node, Tree } from 'web-tree-sitter';
import { parsePowershell, placeOf, type Place } from './powershell.js';

export interface Script {
  file: string;
  source: string;
  tree: Tree;
  /** The source with comments, strings (not their $(...) parts), variables, command names and bare words blanked. */
  code: string;
}

interface Rule {
  id: string;
  /** The PowerShell that brought it. */
  since: string;
  /** What to write for 5.1 instead. */
  instead: string;
  find: (s: Script) => Place[];
}

export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
}

function nodes(root: Node, type: string): Node[] {
  return root.descendantsOfType(type).filter((n): n is Node => n !== null);
}

function blank(text: string, from: number, to: number, into: string[]): void {
  for (let i = from; i < to; i++) if (text[i] !== '\n') into[i] = ' ';
}

const BLANKED = ['comment', 'variable', 'braced_variable', 'command_name', 'generic_token', 'verbatim_command_argument'];

function codeOf(source: string, tree: Tree): string {
  const out = source.split('');
  for (const type of BLANKED) for (const n of nodes(tree.rootNode, type)) blank(source, n.startIndex, n.endIndex, out);
  for (const s of nodes(tree.rootNode, 'string_literal')) {
    const kept = nodes(s, 'sub_expression').map((e) => [e.startIndex, e.endIndex] as const);
    for (let i = s.startIndex; i < s.endIndex; i++) if (source[i] !== '\n' && !kept.some(([a, b]) => i >= a && i < b)) out[i] = ' ';
  }
  return out.join('');
}

export async function readScript(file: string, source: string): Promise<Script> {
  const tree = await parsePowershell(source);
  return { file, source, tree, code: codeOf(source, tree) };
}

function placeAt(text: string, index: number): Place {
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function matches(pattern: RegExp): (s: Script) => Place[] {
  return (s) => [...s.code.matchAll(pattern)].map((m) => placeAt(s.code, m.index));
}

/** Commands by name (any case; an alias listed with its name), with their parameters as typed. */
function commands(s: Script, names: string[]): { node: Node; params: Node[] }[] {
  const wanted = names.map((n) => n.toLowerCase());
  return nodes(s.tree.rootNode, 'command')
    .filter((c) => wanted.includes(c.children.find((n) => n?.type === 'command_name')?.text.toLowerCase() ?? ''))
    .map((node) => ({ node, params: nodes(node, 'command_parameter').filter((p) => p.parent?.parent?.id === node.id) }));
}

/**
 * Whether a parameter as typed names `full`: PowerShell takes any unambiguous start of a name
 * (-Dep for -Depth); four characters with the dash are taken as enough, as none of the names
 * here shares that much with another of its command's.
 */
function names(typed: Node, full: string): boolean {
  const t = typed.text.replace(/:.*$/s, '').toLowerCase();
  return t.length >= 4 && full.toLowerCase().startsWith(t);
}

/** A command given one of `params`; `kept` are its 5.1 parameters that start the same (-Leaf, -LeafBase). */
function withParameter(command: string[], params: string[], kept: string[] = []): (s: Script) => Place[] {
  return (s) => commands(s, command).flatMap((c) => c.params.filter((p) => params.some((full) => names(p, full)) && !kept.some((full) => names(p, full))).map(placeOf));
}

/** The value given to a parameter: after a colon (-Encoding:X) or as the next element. */
function valueOf(param: Node): string {
  const colon = /^[^:]*:(.+)$/s.exec(param.text);
  if (colon?.[1]) return colon[1];
  let next = param.nextNamedSibling;
  while (next?.type === 'command_argument_sep') next = next.nextNamedSibling;
  return next?.text ?? '';
}

function variables(list: string[]): (s: Script) => Place[] {
  const wanted = list.map((v) => v.toLowerCase());
  return (s) => nodes(s.tree.rootNode, 'variable').filter((v) => wanted.includes(v.text.toLowerCase())).map(placeOf);
}

function inStrings(pattern: RegExp): (s: Script) => Place[] {
  return (s) =>
    [...nodes(s.tree.rootNode, 'expandable_string_literal'), ...nodes(s.tree.rootNode, 'expandable_here_string_literal')].flatMap((n) =>
      [...n.text.matchAll(pattern)].map((m) => placeAt(s.source, n.startIndex + m.index)),
    );
}

const WEB = ['Invoke-WebRequest', 'iwr', 'Invoke-RestMethod', 'irm'];
const CONTENT = ['Get-Content', 'gc', 'cat', 'type', 'Set-Content', 'sc', 'Add-Content', 'ac'];

export const RULES: Rule[] = [
  { id: 'null-coalescing ?? and ??=', since: '7.0', instead: 'if ($null -eq $a) { ... } else { ... }', find: matches(/\?\?=?/g) },
  { id: 'null-conditional ?. and ?[]', since: '7.1', instead: 'test for $null first', find: matches(/(?<!\?)\?(?=[.[])/g) },
  { id: 'ternary a ? b : c', since: '7.0', instead: 'if (a) { b } else { c }', find: matches(/(?<!\?)\?(?![?.[])/g) },
  { id: 'pipeline chain && and ||', since: '7.0', instead: 'if ($?) { ... } or try/catch', find: matches(/&&|\|\|/g) },
  { id: 'ForEach-Object -Parallel', since: '7.0', instead: 'a plain loop, or Start-Job', find: withParameter(['ForEach-Object', '%', 'foreach'], ['-Parallel', '-ThrottleLimit', '-AsJob', '-UseNewRunspace', '-TimeoutSeconds']) },
  { id: 'ConvertTo-Json -AsArray, -EnumsAsStrings, -EscapeHandling', since: '6.2', instead: 'wrap with @() and pass -InputObject; cast enums with [string]', find: withParameter(['ConvertTo-Json'], ['-AsArray', '-EnumsAsStrings', '-EscapeHandling']) },
  {
    id: 'ConvertTo-Json without -Depth',
    since: '5.1 behaviour',
    instead: 'always give -Depth: 5.1 cuts anything deeper than 2 levels to its type name, without a word (7.1 warns)',
    find: (s) => commands(s, ['ConvertTo-Json']).filter((c) => !c.params.some((p) => names(p, '-Depth'))).map((c) => placeOf(c.node)),
  },
  { id: 'ConvertFrom-Json -AsHashtable, -Depth, -NoEnumerate', since: '6.0', instead: 'read the PSCustomObject, or System.Web.Script.Serialization.JavaScriptSerializer', find: withParameter(['ConvertFrom-Json'], ['-AsHashtable', '-Depth', '-NoEnumerate']) },
  {
    id: 'ConvertFrom-Json piped on',
    since: '5.1 behaviour',
    instead: 'assign it first ($x = ... | ConvertFrom-Json) and loop over $x: 5.1 sends a JSON array down the pipe as one object, 7 item by item',
    find: (s) => commands(s, ['ConvertFrom-Json']).filter((c) => c.node.nextSibling?.type === '|').map((c) => placeOf(c.node)),
  },
  { id: '$PSStyle, $IsWindows and the like', since: '6.0 to 7.3', instead: 'nothing: 5.1 runs only on Windows, and writes plain text', find: variables(['$PSStyle', '$IsWindows', '$IsLinux', '$IsMacOS', '$IsCoreCLR', '$PSNativeCommandArgumentPassing', '$PSNativeCommandUseErrorActionPreference']) },
  { id: 'clean { } block', since: '7.3', instead: 'a try/finally in end { }', find: matches(/(?<![\w-])clean\s*\{/gi) },
  { id: '`u{...} escape', since: '6.0', instead: '[char]0x2192, or keep the script ASCII', find: inStrings(/`u\{/g) },
  { id: '#Requires PowerShell 6 or newer, or Core', since: '6.0', instead: '#Requires -Version 5.1', find: (s) => nodes(s.tree.rootNode, 'comment').filter((c) => /^#requires\b.*(-version\s+([6-9]|\d\d)|-psedition\s+core)/i.test(c.text)).map(placeOf) },
  {
    id: 'a cmdlet 5.1 does not have',
    since: '6.0 to 7.0',
    instead: 'the .NET call it wraps',
    find: (s) => commands(s, ['Get-Error', 'Join-String', 'Test-Json', 'Get-Uptime', 'Remove-Alias', 'Remove-Service', 'ConvertFrom-Markdown', 'Show-Markdown']).map((c) => placeOf(c.node)),
  },
  {
    id: 'a parameter 5.1 does not have',
    since: '6.0 to 7.4',
    instead: "5.1's own (-Encoding Byte, -ComputerName, [IO.Path]::GetFileNameWithoutExtension, ...)",
    find: (s) => [
      ...withParameter(CONTENT, ['-AsByteStream'])(s),
      ...withParameter(WEB, ['-SkipCertificateCheck', '-SkipHttpErrorCheck', '-StatusCodeVariable', '-ResponseHeadersVariable', '-Authentication', '-Form', '-Resume', '-SslProtocol', '-NoProxy', '-MaximumRetryCount', '-RetryIntervalSec'])(s),
      ...withParameter(['Get-Date'], ['-AsUTC', '-UnixTimeSeconds'])(s),
      ...withParameter(['Split-Path'], ['-LeafBase', '-Extension'], ['-Leaf'])(s),
      ...withParameter(['Select-String', 'sls'], ['-Raw', '-NoEmphasis'])(s),
      ...withParameter(['Test-Connection'], ['-TargetName', '-TcpPort'])(s),
      ...withParameter(['Start-Process', 'start', 'saps'], ['-Environment'])(s),
      ...withParameter(['Export-Csv', 'epcsv', 'ConvertTo-Csv'], ['-UseQuotes', '-QuoteFields'])(s),
    ],
  },
  { id: '-Encoding utf8NoBOM, utf8BOM or ansi', since: '6.0', instead: '-Encoding UTF8 (with a BOM in 5.1), or [IO.File]::WriteAllText with UTF8Encoding($false)', find: (s) => nodes(s.tree.rootNode, 'command_parameter').filter((p) => names(p, '-Encoding') && /^['"]?(utf8nobom|utf8bom|ansi)['"]?$/i.test(valueOf(p))).map(placeOf) },
  {
    id: 'not ASCII, and no UTF-8 BOM',
    since: '5.1 behaviour',
    instead: 'keep the script ASCII, or save it as UTF-8 with a BOM: 5.1 reads a file without one in the PC\'s ANSI code page',
    find: (s) => (s.source.startsWith('\uFEFF') ? [] : matches(/[^\x00-\x7F]/g)({ ...s, code: s.source }).slice(0, 1)),
  },
];

/** Every place in `source` that Windows PowerShell 5.1 would not run as written. */
export async function powershell7Only(file: string, source: string): Promise<Finding[]> {
  const script = await readScript(file, source);
  try {
    return RULES.flatMap((r) => r.find(script).map((at) => ({ file, ...at, rule: `${r.id} (PowerShell ${r.since}; instead: ${r.instead})` })));
  } finally {
    script.tree.delete();
  }
}

export function describeFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: not in Windows PowerShell 5.1: ${f.rule}`;
}
