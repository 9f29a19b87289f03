/**
 * Setups that work but are weak, said at start (a warning in the log) and by diagnose (a WARN
 * with the fix): a secret file that any user of the PC, or its group, can read, and a password
 * sent over the network in plain text.
 */
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { printerFacts } from '../../hal/printer/index.js';
import { recordsFacts } from '../../hal/records/index.js';
import { upsFacts } from '../../hal/ups/index.js';
import type { Config } from './schema.js';

export interface SetupWarning {
  key: string;
  en: string;
  id: string;
}

/** Whether a host can only be this PC. */
function loopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

export function setupWarnings(config: Config, platform: NodeJS.Platform = process.platform): SetupWarning[] {
  const out: SetupWarning[] = [];
  // The drivers' own secret files come from their table lines: this file names none of them.
  const secrets: [string, string | undefined][] = [
    ['mqtt.passwordFile', config.mqtt.passwordFile],
    ['mqtt.key', config.mqtt.key],
    ['operator.tokenFile', config.operator.tokenFile],
    ...[printerFacts(config.printer), upsFacts(config.ups), ...(config.records ? [recordsFacts(config.records)] : [])].flatMap((f) => f.secretFiles.map((s): [string, string | undefined] => [s.key, s.file])),
  ];
  // File modes mean nothing on Windows; there the folder's ACL guards them.
  if (platform !== 'win32') {
    for (const [key, file] of secrets) {
      if (!file) continue;
      let mode: number;
      try {
        mode = statSync(file).mode;
      } catch {
        continue; // unreadable or missing: the reader says so with its own error
      }
      // The group too: on a station it is station-agent, which the clerks' accounts join to run
      // their commands without sudo; they need agent.yaml, never a secret.
      const fix = `sudo chown station-agent ${file} && sudo chmod 600 ${file}`;
      if ((mode & 0o004) !== 0) {
        out.push({
          key,
          en: `${key}: ${file} can be read by every user of this PC: make it the agent's user's alone: ${fix}.`,
          id: `${key}: ${file} bisa dibaca semua pengguna PC ini: jadikan hanya milik user agen: ${fix}.`,
        });
      } else if ((mode & 0o040) !== 0) {
        out.push({
          key,
          en: `${key}: ${file} can be read by its group (on a station, station-agent: the clerks' accounts): make it the agent's user's alone: ${fix}.`,
          id: `${key}: ${file} bisa dibaca grupnya (di stasiun, station-agent: akun para petugas): jadikan hanya milik user agen: ${fix}.`,
        });
      }
    }
  }
  const url = config.mqtt.url;
  if (config.mqtt.passwordFile && url.startsWith('mqtt://')) {
    const host = new URL(url).hostname;
    if (!loopback(host)) {
      out.push({
        key: 'mqtt.url',
        en: `mqtt.url: the MQTT password goes to ${host} in plain text (mqtt://): use mqtts://${host}:8883 with mqtt.ca, so nobody on the way can read it.`,
        id: `mqtt.url: kata sandi MQTT dikirim ke ${host} tanpa enkripsi (mqtt://): gunakan mqtts://${host}:8883 dengan mqtt.ca, agar tidak bisa dibaca di jalan.`,
      });
    }
  }
  return out;
}
