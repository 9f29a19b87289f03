import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../agent/station/status.js';
import { rng, SimStation } from '../../scripts/fleet-model.js';

const report = (patch: (u: ReturnType<SimStation['health']>['ups']) => void) => {
  const health = new SimStation(0, rng(1)).health('2026-11-20T02:00:00.000Z', 1);
  patch(health.ups);
  return { dataDir: '/tmp/x', health, ageSeconds: 3, stale: false, agent: { state: 'running' as const, pid: 1, version: '0.1.0', startedAt: '2026-11-20T01:00:00.000Z' } };
};

describe('station-agent status', () => {
  it('shows the power state where the agent judges it apart from what the UPS says', () => {
    const onBatteryButLow = formatStatus(report((u) => Object.assign(u, { status: 'on_battery', onBattery: true, chargePercent: 15, powerState: 'low_battery' })));
    expect(onBatteryButLow).toMatch(/UPS: on_battery \(power: low battery\), charge 15 %/);
    const plain = formatStatus(report((u) => Object.assign(u, { status: 'online', powerState: 'online' })));
    expect(plain).toMatch(/UPS: online, charge/);
    expect(formatStatus(report((u) => Object.assign(u, { status: 'unknown', powerState: 'comm_lost', error: 'upsd unreachable' })))).toMatch(/UPS: unknown \(power: comm lost\).*\(upsd unreachable\)/);
  });
});
