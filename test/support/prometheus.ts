/**
 * The province's monitoring as real peers: Debian's Prometheus 2.42 and Alertmanager 0.25, each
 * on a free loopback port with its config and storage in a temporary folder (removed on stop),
 * as PEERS.md describes. Both are ready when `/-/ready` answers 200.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, waitUntil } from './peers.js';
import { Proc } from './process.js';
import { tempDir } from './sim.js';

export interface MonitoringPeer {
  url: string;
  dir: string;
  proc: Proc;
  stop(): Promise<void>;
}

async function ready(url: string, proc: Proc, what: string): Promise<void> {
  await waitUntil(
    `${what} at ${url}/-/ready`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`${what} exited (${proc.child.exitCode}):\n${proc.output.slice(-2000)}`);
      return fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
    },
    15_000,
    100,
  );
}

function peer(url: string, dir: string, proc: Proc): MonitoringPeer {
  return {
    url,
    dir,
    proc,
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Prometheus scraping `targets` (host:port) every second as job "ektp-dashboard", with the
 * bearer token from `tokenFile` when given.
 */
export async function startPrometheus(o: { targets: string[]; tokenFile?: string; ruleFiles?: string[] }): Promise<MonitoringPeer> {
  return startPrometheusWith({
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: o.ruleFiles ?? [],
    scrape_configs: [
      {
        job_name: 'ektp-dashboard',
        static_configs: [{ targets: o.targets }],
        ...(o.tokenFile ? { authorization: { type: 'Bearer', credentials_file: o.tokenFile } } : {}),
      },
    ],
  });
}

/** Prometheus with this configuration (a shipped sample rendered for the test: its ports, 1 s intervals), and these flags besides. */
export async function startPrometheusWith(config: Record<string, unknown>, flags: readonly string[] = []): Promise<MonitoringPeer> {
  const dir = tempDir('prom-');
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const proc = new Proc('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...flags]);
  const url = `http://127.0.0.1:${port}`;
  await ready(url, proc, 'Prometheus');
  return peer(url, dir, proc);
}

/** Alertmanager with one route to a receiver that sends nothing (the test reads its API), no cluster port. */
export async function startAlertmanager(): Promise<MonitoringPeer & { port: number }> {
  const dir = tempDir('alertmanager-');
  const port = await freePort();
  writeFileSync(join(dir, 'alertmanager.yml'), stringify({ route: { receiver: 'none' }, receivers: [{ name: 'none' }] }));
  const proc = new Proc('prometheus-alertmanager', [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=']);
  const url = `http://127.0.0.1:${port}`;
  await ready(url, proc, 'Alertmanager');
  return { ...peer(url, dir, proc), port };
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query through Prometheus's HTTP API. */
export async function promQuery(url: string, query: string): Promise<PromSample[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: PromSample[] } };
  if (body.status !== 'success') throw new Error(`query ${query}: ${body.error ?? res.status}`);
  return body.data?.result ?? [];
}

export interface AmAlertView {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

/** Alertmanager's alerts (only those not yet resolved, as its v2 API lists them). */
export async function amAlerts(url: string): Promise<AmAlertView[]> {
  const res = await fetch(`${url}/api/v2/alerts`);
  if (!res.ok) throw new Error(`GET /api/v2/alerts: HTTP ${res.status}`);
  return (await res.json()) as AmAlertView[];
}

/** promtool or amtool: exit code and output. */
export function runTool(tool: 'promtool' | 'amtool', args: string[]): { code: number | null; output: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}
