import type { HealthPayload } from '../../telemetry/payloads.js';
import { LAST_HEALTH_KEY } from '../../telemetry/telemetry.js';
import type { Config } from '../config/schema.js';
import { AGENT_STATE_KEY } from '../process/daemon.js';
import { Store } from '../store/store.js';

export interface AgentState {
  /** gone: recorded as running, but no such process (it crashed or the PC lost power). */
  state: 'running' | 'stopped' | 'gone';
  pid: number;
  version: string;
  startedAt: string;
  stoppedAt?: string;
}

export interface StatusReport {
  dataDir: string;
  /** null when the agent has never written a health snapshot in this dataDir. */
  health: HealthPayload | null;
  ageSeconds: number | null;
  /** True when the snapshot is older than three health periods: do not trust it as current. */
  stale: boolean;
  agent: AgentState | null;
}

/** The station's state as the daemon last recorded it, read without disturbing the daemon. */
export async function readStatus(config: Config, now = Date.now()): Promise<StatusReport> {
  const store = await Store.openReadOnly(config.dataDir);
  if (!store) return { dataDir: config.dataDir, health: null, ageSeconds: null, stale: true, agent: null };
  try {
    const health = await store.getState<HealthPayload>(LAST_HEALTH_KEY);
    const agent = await store.getState<AgentState>(AGENT_STATE_KEY);
    const ageSeconds = health ? Math.round((now - Date.parse(health.value.ts)) / 1000) : null;
    // A snapshot from the future means the clock moved (a PC whose clock reset): not current either.
    const stale = ageSeconds === null || ageSeconds < -5 || ageSeconds > 3 * config.intervals.healthSeconds;
    const recorded = agent?.value ?? null;
    // "running" is only what the agent wrote at start; after a crash or power cut it stays behind.
    const state = recorded && recorded.state === 'running' && !processAlive(recorded.pid) ? { ...recorded, state: 'gone' as const } : recorded;
    return { dataDir: config.dataDir, health: health?.value ?? null, ageSeconds, stale, agent: state };
  } finally {
    await store.close();
  }
}

/** Whether a process with this pid exists (EPERM: it exists, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const n = (v: number | null, unit = '') => (v === null ? 'unknown' : `${v}${unit}`);

export function formatStatus(r: StatusReport): string {
  if (!r.health) {
    return `No state recorded in ${r.dataDir} yet: the agent has not run with this data folder.\nStart it with: station-agent run --config FILE`;
  }
  const h = r.health;
  const lines: string[] = [];
  const running =
    r.agent?.state === 'stopped'
      ? `agent stopped at ${r.agent.stoppedAt ?? '?'}`
      : r.agent?.state === 'gone'
        ? `agent NOT running (it did not stop cleanly; started ${r.agent.startedAt})`
        : `agent ${r.agent?.state ?? 'state unknown'}`;
  lines.push(`Station ${h.station} (province ${h.province}, regency ${h.regency}), ${running}, version ${h.agent.version}`);
  lines.push(`As of ${h.ts} (${r.ageSeconds} s ago)${r.stale ? ': STALE, this is not the current state' : ''}`);
  lines.push(`Printer: ${h.printer.state}${h.printer.reasons.length ? ` (${h.printer.reasons.join(', ')})` : ''}${h.printer.error ? `, ${h.printer.error}` : ''}`);
  for (const s of h.printer.supplies) {
    lines.push(`  ${s.kind.padEnd(7)} ${s.status.padEnd(7)} ${n(s.levelPercent, ' %').padStart(8)}  ${s.remaining ?? '?'} / ${s.capacity ?? '?'}  ${s.name}`);
  }
  const u = h.ups;
  lines.push(
    `UPS: ${u.status}${u.powerState && u.powerState !== u.status ? ` (power: ${u.powerState.replaceAll('_', ' ')})` : ''}, charge ${n(u.chargePercent, ' %')}, runtime ${u.runtimeSeconds === null ? 'unknown' : `${Math.round(u.runtimeSeconds / 60)} min`}, input ${n(u.inputVoltage, ' V')}, load ${n(u.loadPercent, ' %')}${u.error ? ` (${u.error})` : ''}`,
  );
  lines.push(`Alerts: ${h.alerts.length ? h.alerts.join(', ') : 'none'}`);
  return lines.join('\n');
}
