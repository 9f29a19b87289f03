import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { AGENT_ENV, AGENT_NODE_FLAGS } from '../../agent/process/runtime-flags.js';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_HEAP_DEFAULT_MB, DASHBOARD_HEAP_VARIABLE, dashboardSectionSchema } from '../../dashboard/section.js';
import { createLogger } from '../../platform/log.js';
import { known, SystemHost } from '../../hal/host/system.js';
import { waitUntil } from '../support/peers.js';
import { quietLog, tempDir } from '../support/sim.js';
import { systemClock } from '../../core/clock.js';

describe('host readings', () => {
  it('reads this machine: numbers in range, disk free of the data folder', async () => {
    const host = new SystemHost(tempDir(), { clock: systemClock, log: quietLog });
    const ticks = () => cpus().reduce((n, c) => n + Object.values(c.times).reduce((a, b) => a + b, 0), 0);
    await host.start();
    const atStart = ticks();
    // A busy share needs the kernel's counters to have moved since start (they tick every 10 ms).
    await waitUntil("the kernel's CPU counters to tick", () => ticks() > atStart);
    const r = await host.read();
    expect(r.cpuPercent).not.toBeNull();
    expect(r.cpuPercent ?? -1).toBeGreaterThanOrEqual(0);
    expect(r.cpuPercent ?? 101).toBeLessThanOrEqual(100);
    expect(r.memUsedPercent ?? -1).toBeGreaterThan(0);
    expect(r.diskFreeBytes ?? 0).toBeGreaterThan(0);
    expect(r.diskTotalBytes ?? 0).toBeGreaterThanOrEqual(r.diskFreeBytes ?? Infinity);
    expect(r.uptimeSeconds ?? 0).toBeGreaterThan(0);
    await host.stop();
  });

  it('a data folder that does not exist gives null disk figures, not 0', async () => {
    const host = new SystemHost('/nonexistent/agent-data', { clock: systemClock, log: quietLog });
    const r = await host.read();
    expect(r.diskFreeBytes).toBeNull();
    expect(r.diskTotalBytes).toBeNull();
  });

  it('what systeminformation cannot tell (NaN, negative, a 0 total) is null', () => {
    expect(known(Number.NaN)).toBeNull();
    expect(known(-1)).toBeNull();
    expect(known('')).toBeNull();
    expect(known(0, { zeroIsUnknown: true })).toBeNull();
    expect(known(0)).toBe(0);
  });
});

describe('logging', () => {
  it('writes JSON lines and blanks out secrets wherever they are logged', () => {
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    const log = createLogger({ destination: sink, pretty: false });
    log.info({ mqtt: { username: 'station-1', password: 'hunter2' }, key: 'PRIVATE KEY' }, 'connecting');
    const line = JSON.parse(out.trim()) as { msg: string; mqtt: { username: string; password: string } };
    expect(line.msg).toBe('connecting');
    expect(line.mqtt.username).toBe('station-1');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('PRIVATE KEY');
  });
});

describe('launch flags', () => {
  it("the installed commands give the dashboard a heap of its own, dashboard.heapMegabytes' default unless STATION_DASHBOARD_HEAP_MB says, and npm run dashboard the same", () => {
    const root = join(import.meta.dirname, '../..');
    const wrapper = readFileSync(join(root, 'deploy/linux/station-agent.sh'), 'utf8');
    const cmd = readFileSync(join(root, 'deploy/windows/station-agent.cmd'), 'utf8');
    const dashboard = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { dashboard: string } }).scripts.dashboard;
    // (Linux's is run in test/integration/linux-service.test.ts.)
    expect(wrapper).toContain(`FLAGS="--max-old-space-size=\${${DASHBOARD_HEAP_VARIABLE}:-${DASHBOARD_HEAP_DEFAULT_MB}}"`);
    expect(cmd).toContain(`if not defined ${DASHBOARD_HEAP_VARIABLE} set ${DASHBOARD_HEAP_VARIABLE}=${DASHBOARD_HEAP_DEFAULT_MB}\n`);
    expect(cmd).toContain(`if /i "%~1"=="dashboard" set FLAGS=--max-old-space-size=%${DASHBOARD_HEAP_VARIABLE}%\n`);
    expect(dashboard).toBe(`node --max-old-space-size=${DASHBOARD_HEAP_DEFAULT_MB} dist/bin/station-agent.js dashboard`);
    expect(dashboardSectionSchema().parse({}).heapMegabytes).toBe(DASHBOARD_HEAP_DEFAULT_MB);
  });

  it('the CLI shebang and npm start run node with the agent flags the benchmark measured', () => {
    const root = join(import.meta.dirname, '../..');
    const shebang = readFileSync(join(root, 'agent/cli.ts'), 'utf8').split('\n')[0] ?? '';
    const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    for (const flag of AGENT_NODE_FLAGS) {
      expect(shebang).toContain(flag);
      expect(start).toContain(flag);
    }
    expect(shebang).toMatch(/^#!\/usr\/bin\/env -S node /);
  });

  it('the service launchers run node with the same flags: the systemd unit, the WinSW service, the installed commands', () => {
    const root = join(import.meta.dirname, '../..');
    const unit = readFileSync(join(root, 'deploy/linux/station-agent.service'), 'utf8');
    const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
    const wrapper = readFileSync(join(root, 'deploy/linux/station-agent.sh'), 'utf8');
    const flags = /^FLAGS="?(.*?)"?$/m.exec(wrapper)?.[1] ?? '';
    const winsw = /<arguments>(.*)<\/arguments>/.exec(readFileSync(join(root, 'deploy/windows/station-agent-service.xml'), 'utf8'))?.[1] ?? '';
    const cmd = /^set FLAGS=(.*?)\r?$/m.exec(readFileSync(join(root, 'deploy/windows/station-agent.cmd'), 'utf8'))?.[1] ?? '';
    // The bundle (scripts/build-dist.ts), which the suite's CLI tests run too (test/support/agent.ts).
    expect(execStart).toMatch(/^\/usr\/bin\/node .*dist\/bin\/station-agent\.js run --config /);
    expect(winsw).toMatch(/dist\\bin\\station-agent\.js" run --config /);
    expect(wrapper).toMatch(/^CLI=\/opt\/station-agent\/dist\/bin\/station-agent\.js$/m);
    expect(readFileSync(join(root, 'deploy/windows/station-agent.cmd'), 'utf8')).toContain('"%~dp0dist\\bin\\station-agent.js" %*');
    const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(start).toMatch(/ dist\/bin\/station-agent\.js run$/);
    // The Linux service's environment, as the benchmarks measure it.
    const environment = [...unit.matchAll(/^Environment=(.*)$/gm)].flatMap((m) => (m[1] ?? '').split(' '));
    for (const [name, value] of Object.entries(AGENT_ENV)) expect(environment).toContain(`${name}=${value}`);
    for (const flag of AGENT_NODE_FLAGS) {
      // Flags go before the script: after it they would be the agent's arguments, not Node's.
      expect(execStart.slice(0, execStart.indexOf('station-agent.js'))).toContain(flag);
      expect(flags.split(' ')).toContain(flag);
      expect(cmd.split(' ')).toContain(flag);
      expect(winsw.slice(0, winsw.indexOf('station-agent.js'))).toContain(flag);
    }
  });
});
