/**
 * The second half of `npm run build`, after tsc (which compiles to build/, for the scripts and
 * benchmarks run from the checkout): the program every launcher runs, bundled into
 * dist/bin/station-agent.js (its commands' modules in dist/bin/chunks/, each loaded when its
 * command runs). dist/ holds that and nothing else: it is the one layout that ships. What the
 * program reads beside its code (the pages, the JSON Schemas, the Windows printer helper) ships
 * where it is in the source, found from the package's root (core/package-root.ts); package.json
 * "files" lists it all.
 *
 * Why a bundle: the agent idles on old office PCs for months, and what Node keeps for each module
 * it loaded stays for the life of the process: the module's source text, its scope, its exports.
 * One minified program in a few chunks instead of ~400 files is several MB less resident for the
 * idle daemon (`npm run bench:footprint` runs tsc's output of the same program beside it).
 *
 * What goes in: our own code, and the packages the daemon always loads, listed in BUNDLED, with
 * what they import (scripts/bundle-policy.ts). Everything else stays an ordinary import from node_modules, resolved at run
 * time as before: native addons (sqlite3, node-hid, @napi-rs/canvas) load their binaries by path;
 * pino-pretty and ajv-formats are loaded by name; the rest (aedes, ipp, net-snmp, ajv,
 * prom-client, systeminformation, ...) are loaded only by a command or driver that needs them, so
 * bundling them would save nothing at idle. A new dependency is outside the bundle until it is
 * listed here: nothing changes how it loads without someone deciding it.
 *
 * CommonJS, not an ES module: Node's ES module loader (resolution, linking, the CommonJS lexer it
 * runs on every package it imports) is ~0.9 MB that a program of `require`s never loads
 * (measured on the idle agent). The chunks are CommonJS files (dist/bin/package.json says so),
 * in strict mode as the ES modules they are built from were.
 *
 * readable-stream, which mqtt.js uses (the userland copy of Node's streams), is bundled as it is,
 * not swapped for `node:stream`: the tests run mqtt.js on readable-stream, and the program must
 * run the code they test. The swap saved nothing that measured apart from noise (three
 * bench:footprint runs of both bundles side by side, 2026-12-07: -0.8, +0.5 and +0.3 MB).
 *
 * mqtt.js's `connect()` is left out, and with it the transports it names (WebSocket, SOCKS): the
 * program connects through telemetry/mqtt-client.ts, and bundled they were ~0.6 MB resident on
 * the idle agent (scripts/bundle-policy.ts).
 */
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rolldown } from 'rolldown';
import { isExternalFor, isMqttConnect, MQTT_CONNECT_LEFT_OUT } from './bundle-policy.js';

const ROOT = join(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');
const BUNDLE_ENTRY = join(DIST, 'bin', 'station-agent.js');

async function bundle(): Promise<void> {
  const build = await rolldown({
    input: { 'station-agent': join(ROOT, 'build', 'agent', 'cli.js') },
    platform: 'node',
    external: isExternalFor(ROOT),
    // mqtt.js's connect() and the transports it names stay out (bundle-policy.ts says why).
    plugins: [{ name: 'mqtt-connect-left-out', load: (id) => (isMqttConnect(id) ? MQTT_CONNECT_LEFT_OUT : null) }],
    logLevel: 'warn',
  });
  try {
    await build.write({
      dir: join(DIST, 'bin'),
      format: 'cjs',
      // Our modules and the packages' ES sources were strict as ES modules; they stay so.
      strict: true,
      // V8 keeps each module's source text for the life of the process, one byte a character if
      // it is all Latin-1 and two otherwise: one "→" in a message doubled a whole chunk.
      charset: 'ascii',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      minify: true,
      // Class and function names stay as written: logs and error reports name them.
      keepNames: true,
      sourcemap: true,
    });
  } finally {
    await build.close();
  }
  // The project is "type": "module"; this folder's .js files are CommonJS.
  writeFileSync(join(DIST, 'bin', 'package.json'), '{ "type": "commonjs" }\n');
  chmodSync(BUNDLE_ENTRY, 0o755);
}

// Nothing of an earlier build stays in dist/ (a checkout built before it held tsc's output too).
rmSync(DIST, { recursive: true, force: true });
await bundle();
