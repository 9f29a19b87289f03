/**
 * diagnose on a PC where the agent runs: the printer and the UPS as the agent last read them
 * (its last health in the store), never a second driver beside the agent's. A fresh simulator
 * would start full and on mains; the agent's has emptied its hopper and drained its battery, so
 * only the agent's own reading can say what these tests expect. A frozen agent's reading goes
 * stale and is said to be so, never judged as the state now.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

interface Report {
  checks: { id: string; status: string; title: string; facts: Record<string, unknown>; hint: string | null }[];
}

describe('diagnose where the agent runs', () => {
  let agent: AgentUnderTest | undefined;
  afterEach(async () => {
    agent?.proc.child.kill('SIGCONT');
    await agent?.proc.stop();
    agent = undefined;
  });

  it("reports the agent's own reading of the printer and the UPS, with its PID and age; a frozen agent's reading is stale", async () => {
    const dir = tempDir('diag-agent-');
    const config = testConfig('mqtt://127.0.0.1:1', {
      // A hopper of two cards: after two cards the agent's printer is stopped, empty of blanks.
      printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 0.2, capacity: { blanks: 2 } } },
      // Thirty seconds on a full battery: on battery, the agent's charge falls a few percent a second.
      ups: { driver: 'sim', sim: { stateFile: 'ups-state.json', runtimeAtFullMinutes: 0.5 } },
      records: { driver: 'sim', sim: { latencyMs: 10 } },
      intervals: { pollSeconds: 0.25, healthSeconds: 1 },
      log: { level: 'info' },
    });
    agent = startAgent(config, dir);
    const a = agent;
    await a.proc.waitForOutput(/station agent running/);
    const pid = a.proc.child.pid;
    const cli = async (...args: string[]) => runCli([...args, '--config', a.configFile]);
    const health = async () => (JSON.parse((await cli('status', '--json')).stdout) as { health: HealthPayload | null }).health;

    expect((await cli('jobs', 'add', 'DIAG-0001', 'DIAG-0002')).code).toBe(0);
    await waitUntil('the hopper empty in the agent\'s health', async () => (await health())?.printer.supplies.find((s) => s.kind === 'blanks')?.status === 'empty', 20_000, 200);
    // Mains off only now, so the print gate did not hold the two cards.
    writeFileSync(a.upsFile, JSON.stringify({ mains: false }));
    await waitUntil('the battery drained below 90 % in the agent\'s health', async () => ((await health())?.ups.chargePercent ?? 100) < 90, 20_000, 200);

    const diagnose = async (lang: 'en' | 'id') => {
      const r = await cli('diagnose', '--json', '--lang', lang);
      const report = JSON.parse(r.stdout) as Report;
      return { code: r.code, printer: report.checks.find((c) => c.id === 'printer'), ups: report.checks.find((c) => c.id === 'ups') };
    };
    const en = await diagnose('en');
    expect(en.code).toBe(2);
    expect(en.printer).toMatchObject({ status: 'fail', facts: { source: 'agent', agentPid: pid, state: 'stopped', blanks: 'empty 0 %' }, hint: expect.stringMatching(/^Empty: blanks\./) as string });
    expect(en.printer?.title).toMatch(new RegExp(`^Card printer: state and supplies — read from the running agent \\(PID ${pid}, \\d+ s ago\\)$`));
    expect(en.ups).toMatchObject({ facts: { source: 'agent', agentPid: pid, status: 'on_battery' } });
    expect(en.ups?.facts.chargePercent).toBeLessThan(90);
    expect(en.ups?.title).toMatch(new RegExp(`read from the running agent \\(PID ${pid}, \\d+ s ago\\)$`));
    const id = await diagnose('id');
    expect(id.printer?.title).toMatch(new RegExp(`^Printer kartu: keadaan dan persediaan — dibaca dari agen yang berjalan \\(PID ${pid}, \\d+ detik lalu\\)$`));
    expect(id.printer?.hint).toMatch(/^Habis: /);
    expect(id.ups?.title).toMatch(new RegExp(`dibaca dari agen yang berjalan \\(PID ${pid}, \\d+ detik lalu\\)$`));

    // Frozen: still running (its PID is alive), but it records nothing. Past three health periods its reading is stale.
    a.proc.child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 4500));
    const stale = await diagnose('en');
    for (const c of [stale.printer, stale.ups]) {
      expect(c).toMatchObject({ status: 'warn', facts: { source: 'agent', agentPid: pid, stale: true, staleAfterSeconds: 3 } });
      expect(c?.title).toMatch(new RegExp(`the running agent's last reading \\(PID ${pid}, \\d+ s ago\\): STALE$`));
      expect(c?.hint).toMatch(/last reading is \d+ s old, past 3 s: it is not the (printer|UPS)'s state now/);
      // Not judged as now: no state or charge passed off as current.
      expect(c?.facts.state ?? c?.facts.chargePercent).toBeUndefined();
    }
    expect((await diagnose('id')).printer?.title).toMatch(/: LAMA$/);
    a.proc.child.kill('SIGCONT');
  }, 60_000);
});
