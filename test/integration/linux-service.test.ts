import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { AGENT_NODE_FLAGS } from '../../agent/process/runtime-flags.js';
import { CLI } from '../support/agent.js';
import { NotifySocket } from '../support/notify-socket.js';
import { freePort, peerAvailable } from '../support/peers.js';
import { Proc } from '../support/process.js';
import { tempDir } from '../support/sim.js';

const REPO = join(import.meta.dirname, '../..');
const UNIT = 'etc/systemd/system/station-agent.service';
const hasSystemd = peerAvailable('systemd (systemd-analyze, systemd-sysusers, systemctl)', 'systemd-analyze');
const isRoot = process.getuid?.() === 0;

function sh(cmd: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: REPO });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function install(root: string, script = 'install-linux.sh', extra: string[] = []) {
  const r = sh('bash', [join(REPO, 'scripts', script), '--root', root, ...extra]);
  expect(r.code, r.out).toBe(0);
  return r.out;
}

/** A unit file's value for `key` (the last one given wins, as in systemd). */
function unitValue(text: string, key: string): string | undefined {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1))
    .at(-1);
}

/** Present, even as a symlink whose target exists only on the real system. */
function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A built checkout as a person has it, made from an installed program (dist, docs, deploy, the
 * production packages) plus the scripts; and the root folder that program was installed into.
 */
function checkout(prefix: string): { src: string; root: string } {
  const root = tempDir(`${prefix}root-`);
  install(root);
  const src = tempDir(`${prefix}src-`);
  cpSync(join(root, 'opt/station-agent'), src, { recursive: true, verbatimSymlinks: true });
  cpSync(join(REPO, 'scripts'), join(src, 'scripts'), { recursive: true });
  return { src, root };
}

/** Every path under `dir` (itself included) whose owner is not uid 0 / gid 0. */
function notRootOwned(dir: string): string[] {
  const { uid, gid } = lstatSync(dir);
  const here = uid === 0 && gid === 0 ? [] : [`${dir} (${uid}:${gid})`];
  if (!lstatSync(dir).isDirectory()) return here;
  return [...here, ...readdirSync(dir).flatMap((name) => notRootOwned(join(dir, name)))];
}

function systemdVersion(): number {
  return Number(/systemd (\d+)/.exec(sh('systemctl', ['--version']).out)?.[1] ?? 0);
}

describe.runIf(hasSystemd)('the Linux service (deploy/linux, scripts/install-linux.sh)', () => {
  it('installs into a root folder; systemd-analyze verify finds nothing to say about the unit', () => {
    const root = tempDir('install-root-');
    const out = install(root);
    expect(out).toMatch(/systemd is not running here|nothing was started|next: edit/);
    const unitFile = join(root, UNIT);
    // verify exits 0 even on unknown keys or bad values, which it only prints: any output fails.
    const v = sh('systemd-analyze', ['verify', unitFile]);
    expect(v.out.trim()).toBe('');
    expect(v.code).toBe(0);
    const unit = readFileSync(unitFile, 'utf8');
    for (const [key, value] of Object.entries({
      Type: 'notify',
      // systemd-notify, a child of the agent, sends its messages.
      NotifyAccess: 'all',
      WatchdogSec: '2min',
      User: 'station-agent',
      Restart: 'on-failure',
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      ReadWritePaths: '/var/lib/station-agent /var/log/station-agent',
      StateDirectory: 'station-agent',
      LogsDirectory: 'station-agent',
      ConfigurationDirectory: 'station-agent',
      RestartPreventExitStatus: '64 65 78',
      // Before systemd 254 restarts cannot back off: a fixed wait, and no start limit to stay failed at.
      RestartSec: '15s',
      StartLimitIntervalSec: '0',
    })) {
      expect(unitValue(unit, key), key).toBe(value);
    }
    expect(unit).toMatch(/^DeviceAllow=char-hidraw rw$/m);
    // The restart back-off drop-in only where systemd knows its keys (254 and newer).
    const dropIn = join(root, 'etc/systemd/system/station-agent.service.d/restart-backoff.conf');
    expect(existsSync(dropIn)).toBe(systemdVersion() >= 254);
    // The drop-in itself: systemd before 254 knows every key in it but those two.
    const withDropIn = tempDir('unit-dropin-');
    cpSync(join(REPO, 'deploy/linux/station-agent.service'), join(withDropIn, 'station-agent.service'));
    cpSync(join(REPO, 'deploy/linux/station-agent.service.d'), join(withDropIn, 'station-agent.service.d'), { recursive: true });
    const said = sh('systemd-analyze', ['verify', join(withDropIn, 'station-agent.service')]).out.trim().split('\n').filter(Boolean);
    const unknown = said.map((l) => /Unknown key '(\w+)' in section \[Service\]/.exec(l)?.[1] ?? l);
    expect(unknown).toEqual(systemdVersion() >= 254 ? [] : ['RestartSteps', 'RestartMaxDelaySec']);
    // With the drop-in too it keeps trying: no start limit comes back with the back-off.
    const dropInText = readFileSync(join(REPO, 'deploy/linux/station-agent.service.d/restart-backoff.conf'), 'utf8');
    expect(unitValue(`${unit}\n${dropInText}`, 'StartLimitIntervalSec')).toBe('0');
    expect(unitValue(`${unit}\n${dropInText}`, 'RestartMaxDelaySec')).toBe('5min');
    expect(out).toMatch(systemdVersion() >= 254 ? /restarts back off from 5 s to 5 minutes/ : /restarts every 15 s for as long as it takes/);
    // Enabled for boot, the user made in the root's own user list, the udev rule in place.
    expect(readlinkSync(join(root, 'etc/systemd/system/multi-user.target.wants/station-agent.service'))).toBe('/etc/systemd/system/station-agent.service');
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toMatch(/^station-agent:x:\d+:\d+:.*:\/var\/lib\/station-agent:/m);
    expect(readFileSync(join(root, 'etc/udev/rules.d/60-station-agent-ups.rules'), 'utf8')).toMatch(/SUBSYSTEM=="hidraw".*GROUP="station-agent"/);
    // A starter configuration, and only the production packages.
    expect(existsSync(join(root, 'etc/station-agent/agent.yaml'))).toBe(true);
    expect(existsSync(join(root, 'opt/station-agent/node_modules/sqlite3'))).toBe(true);
    expect(existsSync(join(root, 'opt/station-agent/node_modules/vitest'))).toBe(false);
    // The technicians' command runs this machine's node, as the service's user.
    const wrapper = readFileSync(join(root, 'usr/local/bin/station-agent'), 'utf8');
    expect(wrapper).toContain(`NODE=${unitValue(readFileSync(unitFile, 'utf8'), 'ExecStart')?.split(' ')[0]}`);
    expect(wrapper).toMatch(/runuser -u station-agent/);
  }, 60_000);

  it("runs the unit's ExecStart by hand: the agent says READY=1 and pings the watchdog, reloads its log level on ExecReload, stops on SIGTERM", async () => {
    const root = tempDir('install-run-');
    install(root);
    const unit = readFileSync(join(root, UNIT), 'utf8');
    const execStart = unitValue(unit, 'ExecStart') ?? '';
    for (const flag of AGENT_NODE_FLAGS) expect(execStart).toContain(flag);
    // The unit's own command line, pointed at the root folder and a test configuration.
    const config = join(root, 'etc/station-agent/agent.yaml');
    const port = await freePort();
    const dataDir = join(root, 'var/lib/station-agent');
    writeFileSync(
      config,
      stringify({
        station: { id: 'svc-01', province: '99', regency: '9901' },
        dataDir,
        mqtt: { url: 'embedded', embedded: { port } },
        printer: { driver: 'sim' },
        ups: { driver: 'sim' },
        intervals: { pollSeconds: 0.5, healthSeconds: 1 },
      }),
    );
    const argv = execStart
      .split(/\s+/)
      .map((a) => (a.startsWith('/opt/') ? join(root, a) : a === '/etc/station-agent/agent.yaml' ? config : a));
    const [node, ...args] = argv;
    expect(node && existsSync(node)).toBe(true);
    expect(args.at(-3)).toBe('run');
    // As the service's user would: an unprivileged uid owning only the data folder.
    const passwd = /^station-agent:x:(\d+):(\d+):/m.exec(readFileSync(join(root, 'etc/passwd'), 'utf8'));
    const [uid, gid] = [Number(passwd?.[1]), Number(passwd?.[2])];
    // What systemd gives a Type=notify unit with WatchdogSec=2min: a socket to notify, the timeout.
    expect(unitValue(unit, 'WatchdogSec')).toBe('2min');
    const notify = await NotifySocket.start();
    const env = { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: String(120 * 1_000_000) };
    let proc: Proc;
    if (isRoot) {
      chmodSync(root, 0o755); // a temporary folder is root's alone; the service's folders are not
      chownSync(dataDir, uid, gid);
      chownSync(config, 0, gid);
      proc = new Proc('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', node ?? 'node', ...args], { cwd: dataDir, env });
    } else {
      proc = new Proc(node ?? 'node', args, { cwd: dataDir, env });
    }
    try {
      await proc.waitForOutput(/station agent running/, 15_000);
      expect(existsSync(join(dataDir, 'station.db'))).toBe(true);
      // Ready, with the watchdog's first ping, from the agent's systemd-notify child.
      await notify.waitFor('READY=1', (m) => m.split('\n').includes('READY=1'));
      expect(notify.messages).toEqual(['READY=1\nWATCHDOG=1']);
      expect(proc.output).toMatch(/systemd watchdog: the station loop pings it/);
      // ExecReload, by hand.
      const reload = (unitValue(unit, 'ExecReload') ?? '').replace('$MAINPID', String(proc.child.pid));
      const [kill, ...killArgs] = reload.split(/\s+/);
      writeFileSync(config, readFileSync(config, 'utf8') + 'log: { level: debug }\n');
      expect(sh(kill ?? 'kill', killArgs).code).toBe(0);
      await proc.waitForOutput(/log level changed/);
      expect(proc.child.exitCode).toBeNull();
      proc.child.kill('SIGTERM');
      const { code } = await proc.exited;
      expect(code, proc.output.slice(-2000)).toBe(0);
      expect(proc.output).toMatch(/stopped cleanly/);
      expect(notify.messages.at(-1)).toBe('STOPPING=1');
      expect(proc.output).not.toMatch(/systemd notification not sent/);
    } finally {
      await proc.stop();
      await notify.stop();
    }
  }, 60_000);

  it('install is idempotent; uninstall keeps configuration and data unless --purge', () => {
    const root = tempDir('install-again-');
    install(root);
    const config = join(root, 'etc/station-agent/agent.yaml');
    writeFileSync(config, '# this station\'s own configuration\n');
    writeFileSync(join(root, 'var/lib/station-agent/station.db'), 'data');
    const again = install(root);
    expect(again).toMatch(/kept the existing configuration/);
    expect(readFileSync(config, 'utf8')).toBe('# this station\'s own configuration\n');
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8').match(/^station-agent:/gm)).toHaveLength(1);
    expect(sh('systemd-analyze', ['verify', join(root, UNIT)]).out.trim()).toBe('');

    // Removal needs no checkout: the uninstall script is installed with the program.
    const installed = join(root, 'opt/station-agent/scripts/uninstall-linux.sh');
    expect(lstatSync(installed).mode & 0o777).toBe(0o755);
    const removed = sh('bash', [installed, '--root', root]);
    expect(removed.code, removed.out).toBe(0);
    // The script just removed itself: the way to purge is said in full.
    expect(removed.out).toContain(`remove them too with: rm -rf ${root}/etc/station-agent ${root}/var/lib/station-agent`);
    for (const gone of [
      UNIT,
      'opt/station-agent',
      'usr/local/bin/station-agent',
      'etc/udev/rules.d/60-station-agent-ups.rules',
      'etc/systemd/system/multi-user.target.wants/station-agent.service',
      // Compared with the installed copy before the program folder went.
      'etc/systemd/journald.conf.d/station-agent.conf',
    ]) {
      expect(present(join(root, gone)), gone).toBe(false);
    }
    expect(readFileSync(config, 'utf8')).toBe('# this station\'s own configuration\n');
    expect(readFileSync(join(root, 'var/lib/station-agent/station.db'), 'utf8')).toBe('data');
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toMatch(/^station-agent:/m);

    install(root, 'uninstall-linux.sh', ['--purge']);
    for (const gone of ['etc/station-agent', 'var/lib/station-agent', 'var/log/station-agent', 'etc/sysusers.d/station-agent.conf']) {
      expect(present(join(root, gone)), gone).toBe(false);
    }
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).not.toMatch(/^station-agent:/m);
  }, 60_000);

  // Only root can give a checkout to another user, and only root's install changes owners.
  it.runIf(isRoot)("the installed program is root's even when the checkout belongs to another user", () => {
    const { src } = checkout('owned-');
    expect(sh('chown', ['-R', 'nobody:', src]).code).toBe(0);
    expect(lstatSync(join(src, 'dist/agent/cli.js')).uid).not.toBe(0);
    const root = tempDir('owned-install-');
    const r = sh('bash', [join(src, 'scripts/install-linux.sh'), '--root', root]);
    expect(r.code, r.out).toBe(0);
    // Anything the checkout's owner could still write would be code the service (and root, through
    // the station-agent command) runs.
    expect(notRootOwned(join(root, 'opt/station-agent'))).toEqual([]);
    expect(lstatSync(join(root, 'usr/local/bin/station-agent')).uid).toBe(0);
    expect(lstatSync(join(root, UNIT)).uid).toBe(0);
  }, 60_000);

  it('refuses a checkout missing a production package, naming it and what to do, and keeps the installed program', () => {
    // ipp is imported only when the configuration names the ipp printer driver: `--version` never loads it.
    const { src, root } = checkout('missing-');
    rmSync(join(src, 'node_modules/ipp'), { recursive: true });
    const r = sh('bash', [join(src, 'scripts/install-linux.sh'), '--root', root]);
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toMatch(/cannot be loaded from the copy: ipp \(ERR_MODULE_NOT_FOUND\)/);
    expect(r.out).toMatch(/npm ci/);
    expect(r.out).toMatch(/installed one is unchanged/);
    expect(existsSync(join(root, 'opt/station-agent/node_modules/ipp/package.json'))).toBe(true);
  }, 60_000);

  // Only root may write under /root, where a Node.js from nvm would be.
  it.runIf(isRoot)('refuses a Node.js under /root or /home, which the service cannot see (ProtectHome=yes)', () => {
    const bin = mkdtempSync('/root/station-agent-test-node-');
    try {
      // A working node, as nvm would put it, first on the PATH.
      writeFileSync(join(bin, 'node'), `#!/bin/sh\nexec ${process.execPath} "$@"\n`, { mode: 0o755 });
      const root = tempDir('home-node-');
      const r = spawnSync('bash', [join(REPO, 'scripts/install-linux.sh'), '--root', root], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
      expect(r.status, r.stdout + r.stderr).not.toBe(0);
      expect(r.stderr).toContain(`Node.js at ${join(bin, 'node')} is under /root or /home, which the service cannot see (ProtectHome=yes)`);
      expect(r.stderr).toMatch(/install Node\.js 20 for the whole PC/);
      expect(existsSync(join(root, 'opt/station-agent'))).toBe(false);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('--help prints the comment at the top of each script, and no code', () => {
    for (const script of ['install-linux.sh', 'uninstall-linux.sh']) {
      const path = join(REPO, 'scripts', script);
      const r = sh('bash', [path, '--help']);
      expect(r.code, r.out).toBe(0);
      const comment = readFileSync(path, 'utf8')
        .split('\n')
        .slice(1)
        .filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('#')))
        .map((l) => l.replace(/^# ?/, ''));
      expect(r.out.trimEnd().split('\n'), script).toEqual(comment);
      expect(r.out).not.toMatch(/set -euo pipefail/);
    }
  });

  it('STATION_AGENT_CONFIG stands for --config (the installed command sets it)', async () => {
    const dir = tempDir('env-config-');
    const config = join(dir, 'agent.yaml');
    writeFileSync(config, stringify({ station: { id: 'env-01', province: '99', regency: '9901' }, dataDir: join(dir, 'data'), mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'none' } }));
    const p = new Proc(process.execPath, [CLI, 'status', '--json'], { env: { STATION_AGENT_CONFIG: config } });
    const { code } = await p.exited;
    expect(code, p.output).toBe(0);
    expect((JSON.parse(p.stdout) as { dataDir: string }).dataDir).toBe(join(dir, 'data'));
  });
});
