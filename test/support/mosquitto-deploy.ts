import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Proc } from './process.js';

/** The Mosquitto configurations the provinces and the ministry install (deploy/mosquitto). */
export const MOSQUITTO_DEPLOY = join(import.meta.dirname, '../../deploy/mosquitto');

/**
 * A shipped configuration with its placeholders (host names, files, the province) replaced by
 * the test's. Each placeholder must be in the file: a test that silently substituted nothing
 * would run a configuration other than the one it names.
 */
export function renderDeployed(file: string, replace: Record<string, string>): string[] {
  let text = readFileSync(join(MOSQUITTO_DEPLOY, file), 'utf8');
  for (const [from, to] of Object.entries(replace)) {
    if (!text.includes(from)) throw new Error(`${file} no longer contains "${from}": the test's rendering needs updating`);
    text = text.replaceAll(from, to);
  }
  return text.split('\n');
}

export interface DeployedBroker {
  port: number;
  dir: string;
  proc: Proc;
  stop(): Promise<void>;
}

/**
 * Mosquitto on `port` with a rendered configuration in a folder of its own, where its persistence
 * file is kept: starting it again with the same `port` and `dir` is a restart of the same broker. Only
 * what Debian's main mosquitto.conf would give (persistence_location) and what a test needs
 * (root, the log on stderr) is added to the shipped lines.
 */
export async function startDeployedBroker(port: number, lines: string[], dir = mkdtempSync(join(tmpdir(), 'mosq-deploy-'))): Promise<DeployedBroker> {
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, ['user root', 'log_dest stderr', 'log_type all', `persistence_location ${dir}/`, ...lines, ''].join('\n'));
  const proc = new Proc('mosquitto', ['-c', conf]);
  await proc.waitForOutput(/mosquitto version [\d.]+ running/, 5000);
  return { port, dir, proc, stop: () => proc.stop() };
}
