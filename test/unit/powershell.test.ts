/**
 * Every .ps1 of the project is parsed with PowerShell's grammar, and kept to what Windows
 * PowerShell 5.1 has: the printer helper and the installer run on station PCs that nobody here
 * can reach, and a syntax error there stops a station's printing or its install (see
 * test/support/powershell.ts for the parser and its limits).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { powershellFiles, REPO, syntaxErrors } from '../support/powershell.js';
import { describeFinding, powershell7Only, RULES } from '../support/powershell-51.js';
import { tempDir } from '../support/sim.js';

/** What the suite says about every .ps1 under `root`: syntax errors, then what 5.1 lacks. */
async function check(root: string): Promise<{ files: string[]; syntax: string[]; ps7: string[] }> {
  const files = powershellFiles(root);
  const syntax: string[] = [];
  const ps7: string[] = [];
  for (const file of files) {
    const source = readFileSync(join(root, file), 'utf8');
    syntax.push(...(await syntaxErrors(file, source)));
    ps7.push(...(await powershell7Only(file, source)).map(describeFinding));
  }
  return { files, syntax, ps7 };
}

const HELPER = 'deploy/windows/printer-helper.ps1';

describe('every .ps1 of the project parses as PowerShell', () => {
  it('finds the PowerShell files, and none of the installed packages', async () => {
    const { files } = await check(REPO);
    expect(files).toContain(HELPER);
    expect(files.filter((f) => f.startsWith('node_modules/'))).toEqual([]);
  });

  it('each one parses without a syntax error', async () => {
    const { syntax } = await check(REPO);
    expect(syntax).toEqual([]);
  });

  it('a copy of the helper with a closing brace taken out fails, naming the file, the line and the column', async () => {
    const lines = readFileSync(join(REPO, HELPER), 'utf8').split('\n');
    const opens = lines.findIndex((l) => l === 'function Invoke-Hello {');
    expect(lines[opens + 2]).toBe('}');
    lines.splice(opens + 2, 1);
    const root = tempDir();
    mkdirSync(join(root, 'deploy/windows'), { recursive: true });
    writeFileSync(join(root, HELPER), lines.join('\n'));
    const { syntax } = await check(root);
    // The end of the file (after its last '}') is where the grammar finds the brace missing; the
    // message also points at the brace left open.
    expect(lines.at(-1)).toBe('');
    const last = lines.length - 1;
    expect(syntax).toEqual([`${HELPER}:${last}:${lines[last - 1]!.length + 1}: syntax error: missing '}' (for the '{' at ${opens + 1}:${'function Invoke-Hello {'.length})`]);
  });

  it('an unclosed parenthesis and an unclosed string fail at the statement they break', async () => {
    expect(await syntaxErrors('a.ps1', "$x = 1\nif ($x -eq 1 {\n  'one'\n}\n")).toEqual(["a.ps1:2:1: syntax error: unexpected 'if ($x -eq 1 { 'one' }'"]);
    expect(await syntaxErrors('b.ps1', "$x = 1\nWrite-Output 'ready\nWrite-Output 'done'\n")).toEqual(["b.ps1:2:1: syntax error: unexpected 'Write-Output 'ready Write-Output 'done''"]);
  });
});

/** One sample a rule must find, for each rule: the rule is shown to fail. */
const SEVEN_ONLY: Record<string, string> = {
  'null-coalescing ?? and ??=': "$name = $given ?? 'station'\n",
  'null-conditional ?. and ?[]': '$n = ${printer}?.Name\n',
  'ternary a ? b : c': "$word = $ok ? 'ya' : 'tidak'\n",
  'pipeline chain && and ||': 'Stop-Service station-agent && Start-Service station-agent\n',
  'ForEach-Object -Parallel': '1..3 | ForEach-Object -Parallel { $_ }\n',
  'ConvertTo-Json -AsArray, -EnumsAsStrings, -EscapeHandling': '$j = ConvertTo-Json -InputObject $a -AsArray -Depth 3\n',
  'ConvertTo-Json without -Depth': '$j = $answer | ConvertTo-Json -Compress\n',
  'ConvertFrom-Json -AsHashtable, -Depth, -NoEnumerate': '$h = ConvertFrom-Json -InputObject $text -AsHashtable\n',
  'ConvertFrom-Json piped on': '$text | ConvertFrom-Json | ForEach-Object { $_.id }\n',
  '$PSStyle, $IsWindows and the like': "if ($IsWindows) { 'windows' }\n",
  'clean { } block': 'function Step {\n  process { $_ }\n  clean { Remove-Item $tmp }\n}\n',
  '`u{...} escape': 'Write-Output "cetak `u{2192} selesai"\n',
  '#Requires PowerShell 6 or newer, or Core': '#Requires -Version 7.2\nWrite-Output 1\n',
  'a cmdlet 5.1 does not have': 'Get-Error -Newest 1\n',
  'a parameter 5.1 does not have': '$b = Get-Content -Path a.bin -AsByteStream\n$n = Split-Path -LeafBase $f\n',
  '-Encoding utf8NoBOM, utf8BOM or ansi': 'Set-Content -Path a.txt -Value $v -Encoding utf8NoBOM\n',
  'not ASCII, and no UTF-8 BOM': "Write-Output 'cetak \u2192 selesai'\n",
};

/** 5.1 code that looks like 7's to a careless scan: none of it may be flagged. */
const FIVE_ONE = `#Requires -Version 5.1
# A comment may say ?? and && and ConvertTo-Json -AsArray: comments are not code.
$ok = $?
$items = @(Get-ChildItem a?.txt | ? { $_.Length -gt 0 } | Where-Object { $_.Name })
$text = "is it $($items.Count) ? yes : no"
$cs = @'
return data == IntPtr.Zero ? "" : "x";
'@
$json = ConvertTo-Json -InputObject @($items) -Depth 4 -Compress
$short = $items | ConvertTo-Json -Dep 2
$cfg = Get-Content -Raw -Path 'a.json' | ConvertFrom-Json
$name = Split-Path -Leaf $cfg.path
foreach ($c in $cfg) { $c.id }
Set-Content -Path a.txt -Value $json -Encoding UTF8
1..3 | ForEach-Object { $_ }
if ($env:OS -eq 'Windows_NT') { 'clean' }
`;

describe('only what Windows PowerShell 5.1 has', () => {
  it('no .ps1 of the project uses what 5.1 lacks', async () => {
    const { ps7 } = await check(REPO);
    expect(ps7).toEqual([]);
  });

  it('every rule has a sample here, and no sample is for a rule that is gone', () => {
    expect(Object.keys(SEVEN_ONLY).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it.each(Object.entries(SEVEN_ONLY))('finds %s, in a .ps1 written to disk', async (rule, sample) => {
    const root = tempDir();
    writeFileSync(join(root, 'seven.ps1'), sample);
    const { ps7 } = await check(root);
    expect(ps7.length).toBeGreaterThan(0);
    for (const line of ps7) expect(line).toMatch(new RegExp(`^seven\\.ps1:\\d+:\\d+: not in Windows PowerShell 5\\.1: ${rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(PowerShell `));
  });

  it('points at the construct: line and column', async () => {
    const found = await powershell7Only('c.ps1', "$a = 1\n$name = $given ?? 'station'\n");
    expect(found.map((f) => [f.line, f.column])).toEqual([[2, 16]]);
    // After text that is not ASCII (in a file with a BOM), the place is still counted in characters.
    const after = await powershell7Only('d.ps1', "\uFEFF# cetak \u2192 selesai\n$name = $given ?? 'station'\n");
    expect(after.map((f) => [f.line, f.column])).toEqual([[2, 16]]);
  });

  it('flags nothing in 5.1 code that only looks like 7 (Where-Object as ?, $?, strings, comments, C# in a here-string)', async () => {
    expect((await powershell7Only('five.ps1', FIVE_ONE)).map(describeFinding)).toEqual([]);
    expect(await syntaxErrors('five.ps1', FIVE_ONE)).toEqual([]);
  });
});
