import type { HealthPayload } from '../telemetry/payloads.js';
import { LAST_HEALTH_KEY } from '../telemetry/telemetry.js';
import type { Config } from './config/schema.js';
import { AGENT_STATE_KEY } from './daemon.js';
import { Store } from './store/store.js';

export interface AgentState {
  state: 'running' | 'stopped';
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
    const ageSeconds = health ? Math.max(0, Math.round((now - Date.parse(health.value.ts)) / 1000)) : null;
    const stale = ageSeconds === null || ageSeconds > 3 * config.intervals.healthSeconds;
    return { dataDir: config.dataDir, health: health?.value ?? null, ageSeconds, stale, agent: agent?.value ?? null };
  } finally {
    await store.close();
  }
}

const n = (v: number | null, unit = '') => (v === null ? 'unknown' : `${v}${unit}`);

export function formatStatus(r: StatusReport): string {
  if (!r.health) {
    return `No state recorded in ${r.dataDir} yet: the agent has not run with this data folder.\nStart it with: station-agent run --config FILE`;
  }
  const h = r.health;
  const lines: string[] = [];
  const running = r.agent?.state === 'stopped' ? `agent stopped at ${r.agent.stoppedAt ?? '?'}` : `agent ${r.agent?.state ?? 'state unknown'}`;
  lines.push(`Station ${h.station} (province ${h.province}, regency ${h.regency}), ${running}, version ${h.agent.version}`);
  lines.push(`As of ${h.ts} (${r.ageSeconds} s ago)${r.stale ? ': STALE, this is not the current state' : ''}`);
  lines.push(`Printer: ${h.printer.state}${h.printer.reasons.length ? ` (${h.printer.reasons.join(', ')})` : ''}${h.printer.error ? `, ${h.printer.error}` : ''}`);
  for (const s of h.printer.supplies) {
    lines.push(`  ${s.kind.padEnd(7)} ${s.status.padEnd(7)} ${n(s.levelPercent, ' %').padStart(8)}  ${s.remaining ?? '?'} / ${s.capacity ?? '?'}  ${s.name}`);
  }
  const u = h.ups;
  lines.push(
    `UPS: ${u.status}, charge ${n(u.chargePercent, ' %')}, runtime ${u.runtimeSeconds === null ? 'unknown' : `${Math.round(u.runtimeSeconds / 60)} min`}, input ${n(u.inputVoltage, ' V')}, load ${n(u.loadPercent, ' %')}${u.error ? ` (${u.error})` : ''}`,
  );
  lines.push(`Alerts: ${h.alerts.length ? h.alerts.join(', ') : 'none'}`);
  return lines.join('\n');
}
