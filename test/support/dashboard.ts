import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DASHBOARD_HEAP_DEFAULT_MB } from '../../dashboard/section.js';
import { CLI } from './agent.js';
import { freePort } from './peers.js';
import { Proc } from './process.js';
import { tempDir } from './sim.js';

export interface DashboardUnderTest {
  url: string;
  dir: string;
  proc: Proc;
  api<T>(path: string, init?: RequestInit): Promise<T>;
  stop(): Promise<void>;
}

/** The real dashboard (the built CLI) on a free loopback port, with a config written for it. */
export async function startDashboard(mqttUrl: string, dashboard: Record<string, unknown> = {}, dir = tempDir('dash-it-'), nodeFlags?: readonly string[]): Promise<DashboardUnderTest> {
  const configFile = join(dir, 'dashboard.yaml');
  const port = await freePort();
  writeFileSync(configFile, stringify({ dataDir: './data', mqtt: { url: mqttUrl }, log: { level: 'debug' }, dashboard: { listen: `127.0.0.1:${port}`, ...dashboard } }));
  return reopenDashboard(dir, true, nodeFlags);
}

/**
 * Start the dashboard again on the folder of an earlier one (its config and database), as the
 * station-agent command starts it: with the heap ceiling of its configuration
 * (deploy/linux/station-agent.sh). `nodeFlags` starts it with others instead.
 */
export async function reopenDashboard(dir: string, waitForBroker: boolean, nodeFlags?: readonly string[]): Promise<DashboardUnderTest> {
  const configFile = join(dir, 'dashboard.yaml');
  const heap = (parse(readFileSync(configFile, 'utf8')) as { dashboard?: { heapMegabytes?: number } }).dashboard?.heapMegabytes ?? DASHBOARD_HEAP_DEFAULT_MB;
  const proc = new Proc(process.execPath, [...(nodeFlags ?? [`--max-old-space-size=${heap}`]), CLI, 'dashboard', '--config', configFile], { cwd: dir });
  await proc.waitForOutput(waitForBroker ? /subscribed: receiving the stations/ : /dashboard at http/, 15_000);
  const url = /dashboard at (http:\/\/[\d.:]+)/.exec(proc.output)?.[1] ?? '';
  return {
    url,
    dir,
    proc,
    async api<T>(path: string, init?: RequestInit): Promise<T> {
      const res = await fetch(`${url}${path}`, init);
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    stop: () => proc.stop(),
  };
}

