import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AGENT_NODE_FLAGS } from '../../agent/process/runtime-flags.js';
import { CLI } from './agent.js';
import { freePort } from './peers.js';
import { childrenOf, Proc } from './process.js';
import { tempDir } from './sim.js';

export interface DashboardUnderTest {
  url: string;
  dir: string;
  proc: Proc;
  /** The process that serves: the launcher's child once the dashboard ran itself with its heap. */
  servingPid(): number;
  api<T>(path: string, init?: RequestInit): Promise<T>;
  stop(): Promise<void>;
}

/** The real dashboard (the built CLI) on a free loopback port, with a config written for it. */
export async function startDashboard(mqttUrl: string, dashboard: Record<string, unknown> = {}, dir = tempDir('dash-it-')): Promise<DashboardUnderTest> {
  const configFile = join(dir, 'dashboard.yaml');
  const port = await freePort();
  writeFileSync(configFile, stringify({ dataDir: './data', mqtt: { url: mqttUrl }, log: { level: 'debug' }, dashboard: { listen: `127.0.0.1:${port}`, ...dashboard } }));
  return reopenDashboard(dir, true);
}

/** Start the dashboard again on the folder of an earlier one (its config and database). */
export async function reopenDashboard(dir: string, waitForBroker: boolean): Promise<DashboardUnderTest> {
  // As the station-agent launcher starts it: under the agent's heap flags, which the dashboard
  // replaces with its own by running itself again.
  const proc = new Proc(process.execPath, [...AGENT_NODE_FLAGS, CLI, 'dashboard', '--config', join(dir, 'dashboard.yaml')], { cwd: dir });
  await proc.waitForOutput(waitForBroker ? /subscribed: receiving the stations/ : /dashboard at http/, 15_000);
  const url = /dashboard at (http:\/\/[\d.:]+)/.exec(proc.output)?.[1] ?? '';
  return {
    url,
    dir,
    proc,
    servingPid: () => childrenOf(proc.child.pid ?? 0)[0] ?? proc.child.pid ?? 0,
    async api<T>(path: string, init?: RequestInit): Promise<T> {
      const res = await fetch(`${url}${path}`, init);
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    stop: () => proc.stop(),
  };
}

