/** What goes into the bundle and what stays an import from node_modules (scripts/build-dist.ts says why). */
import { isBuiltin } from 'node:module';
import { relative, sep, win32 } from 'node:path';

/**
 * Packages bundled with our code: what `station-agent run` loads on every station. (pino's
 * transports, `pino.transport()`, start a worker from a file beside pino's own and would not work
 * bundled; the agent does not use them: pino-pretty and pino-roll are streams in this process.)
 */
export const BUNDLED = ['zod', 'mqtt', 'commander', 'yaml', 'pino'] as const;

/** The package a bare import names: `@scope/name/x` → `@scope/name`, `name/x` → `name`. */
function packageOf(id: string): string {
  const parts = id.split('/');
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? id);
}

/**
 * Whether an import stays outside the bundle, for the project at `root`. rolldown asks twice:
 * with the import as written, then with the file it resolved to (absolute: /… here, C:\… on Windows).
 */
export function isExternalFor(root: string): (id: string, importer: string | undefined) => boolean {
  // Inside node_modules of this project, not merely under some folder of that name.
  const inPackages = (file: string) => relative(root, file).split(sep)[0] === 'node_modules';
  return (id, importer) => {
    if (isBuiltin(id)) return true;
    // A file: ours, or one of a bundled package (an external package's imports are never followed).
    if (id.startsWith('.') || win32.isAbsolute(id) || id.startsWith('\0')) return false;
    // A bare import from inside a bundled package (mqtt's mqtt-packet, pino's sonic-boom) follows
    // its importer; one from our code is bundled only if listed.
    if (importer !== undefined && inPackages(importer)) return false;
    return !(BUNDLED as readonly string[]).includes(packageOf(id));
  };
}

/**
 * The module of mqtt.js's `connect()`, in the form the bundle holds it. `connect()` picks a
 * transport by URL and so names them all: WebSocket (the `ws` package), SOCKS (`socks`,
 * `ip-address`), TLS. Nothing in the program calls it (the agent, the dashboard and diagnose
 * connect through telemetry/mqtt-client.ts, on a socket of their own), yet bundled it would bring
 * all of them into the chunk every command loads: ~140 KB of code that is parsed and kept, about
 * 0.6 MB resident on the idle agent. The bundle holds this in its place: it says so when called.
 */
export const MQTT_CONNECT_LEFT_OUT = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const leftOut = () => new Error("mqtt.connect is not in station-agent's bundle: connect with connectMqtt (telemetry/mqtt-client.ts)");
exports.default = function connect() { throw leftOut(); };
exports.connectAsync = function connectAsync() { return Promise.reject(leftOut()); };
`;

/** Whether `file` (as rolldown resolved it) is mqtt.js's connect module, on Linux or Windows. */
export function isMqttConnect(file: string): boolean {
  return /[\\/]node_modules[\\/]mqtt[\\/]build[\\/]lib[\\/]connect[\\/]index\.js$/.test(file);
}
