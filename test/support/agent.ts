import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AGENT_NODE_FLAGS } from '../../agent/process/runtime-flags.js';
import { Proc } from './process.js';
import { tempDir } from './sim.js';

export const CLI = join(import.meta.dirname, '../../dist/bin/station-agent.js');

function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
}

/**
 * The CLI speaks Indonesian unless told otherwise; tests read its English unless they set a
 * language themselves (a locale naming English, the others cleared so it decides).
 */
export const ENGLISH_LOCALE: NodeJS.ProcessEnv = { LC_ALL: '', LC_MESSAGES: '', LANG: 'en_US.UTF-8' };

/** Run the built CLI to completion. */
export async function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  requireBuild();
  const p = new Proc(process.execPath, [...AGENT_NODE_FLAGS, CLI, ...args], { cwd: opts.cwd, env: { ...ENGLISH_LOCALE, ...opts.env }, input: opts.input });
  const { code } = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderr };
}

export interface AgentUnderTest {
  dir: string;
  configFile: string;
  printerFile: string;
  upsFile: string;
  proc: Proc;
}

/**
 * Start the real agent (the built CLI, as a user runs it) with a configuration written to a
 * temporary folder. Simulator state files live beside it for fault injection.
 */
export function startAgent(config: Record<string, unknown>, dir = tempDir('agent-it-'), opts: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): AgentUnderTest {
  requireBuild();
  const configFile = join(dir, 'agent.yaml');
  const printerFile = join(dir, 'printer-state.json');
  const upsFile = join(dir, 'ups-state.json');
  writeFileSync(configFile, stringify(config));
  // As the service runs it: under the agent's heap ceiling.
  const proc = new Proc(process.execPath, [...AGENT_NODE_FLAGS, ...(opts.nodeArgs ?? []), CLI, 'run', '--config', configFile], { cwd: dir, env: { ...ENGLISH_LOCALE, ...opts.env } });
  return { dir, configFile, printerFile, upsFile, proc };
}

/** A station config for tests: simulated hardware with state files, fast polling. */
export function testConfig(mqttUrl: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    station: { id: 'it-01', province: '99', regency: '9901', name: 'Integration test station' },
    dataDir: './data',
    mqtt: { url: mqttUrl },
    printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 1 } },
    ups: { driver: 'sim', sim: { stateFile: 'ups-state.json' } },
    intervals: { pollSeconds: 0.5, healthSeconds: 2 },
    log: { level: 'debug' },
    // The station page only where a test asks for it: parallel agents would all want port 8088.
    operator: { listen: false },
    ...over,
  };
}
