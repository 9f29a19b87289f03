import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { AGENT_NODE_FLAGS } from '../../agent/process/runtime-flags.js';
import { DASHBOARD_HEAP_DEFAULT_MB } from '../../dashboard/section.js';
import { CLI, ENGLISH_LOCALE } from '../support/agent.js';
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

/** A file's permission bits, setgid included, in octal as chmod writes them. */
const modeOf = (path: string) => (lstatSync(path).mode & 0o7777).toString(8);

/** The station-agent user's uid and gid in a root folder's own user list. */
function agentIds(root: string): { uid: number; gid: number } {
  const m = /^station-agent:x:(\d+):(\d+):/m.exec(readFileSync(join(root, 'etc/passwd'), 'utf8'));
  return { uid: Number(m?.[1]), gid: Number(m?.[2]) };
}

/** Someone on the PC: their uid and gid, the groups they are in, their umask. */
interface Account {
  uid: number;
  gid: number;
  groups: number[];
  umask: string;
}

/** `cmd` started as `who` (setpriv, as root): no entry in any user list is needed. */
function startAs(who: Account, cmd: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Proc {
  const groups = who.groups.length > 0 ? [`--groups=${who.groups.join(',')}`] : ['--clear-groups'];
  return new Proc('setpriv', [`--reuid=${who.uid}`, `--regid=${who.gid}`, ...groups, '--', 'sh', '-c', `umask ${who.umask}; exec "$@"`, 'sh', ...cmd], opts);
}

async function runAs(who: Account, cmd: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startAs(who, cmd, { env: { ...ENGLISH_LOCALE, ...env } });
  const { code } = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderr };
}

/** Every path under `dir` (itself excluded) with its owner, group and mode. */
function listing(dir: string): { path: string; uid: number; gid: number; mode: number; dir: boolean }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const st = lstatSync(path);
    const here = { path, uid: st.uid, gid: st.gid, mode: st.mode & 0o7777, dir: st.isDirectory() };
    return st.isDirectory() ? [here, ...listing(path)] : [here];
  });
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
    // The clerks' accounts share the data folder through the group: what the agent makes is the
    // group's to write, nothing is anyone else's, and systemd keeps the folder setgid.
    expect(unitValue(unit, 'UMask')).toBe('0007');
    expect(unitValue(unit, 'StateDirectoryMode')).toBe('2770');
    expect(unitValue(unit, 'Group')).toBe('station-agent');
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
    // The group, named in sysusers.conf itself, and the user's primary group.
    const sysusers = readFileSync(join(root, 'etc/sysusers.d/station-agent.conf'), 'utf8');
    expect(sysusers).toMatch(/^g station-agent -$/m);
    expect(sysusers).toMatch(/^u station-agent -:station-agent /m);
    const group = /^station-agent:x:(\d+):/m.exec(readFileSync(join(root, 'etc/group'), 'utf8'));
    expect(Number(group?.[1])).toBe(agentIds(root).gid);
    // The data folder: the agent's and its group's, setgid; the configuration: the group may read it.
    expect(modeOf(join(root, 'var/lib/station-agent'))).toBe('2770');
    expect(modeOf(join(root, 'etc/station-agent'))).toBe('750');
    expect(modeOf(join(root, 'etc/station-agent/agent.yaml'))).toBe('640');
    expect(modeOf(join(root, 'var/log/station-agent'))).toBe('750');
    if (isRoot) {
      const { uid, gid } = agentIds(root);
      expect(lstatSync(join(root, 'var/lib/station-agent'))).toMatchObject({ uid, gid });
      expect(lstatSync(join(root, 'etc/station-agent/agent.yaml'))).toMatchObject({ uid: 0, gid });
    }
    expect(readFileSync(join(root, 'etc/udev/rules.d/60-station-agent-ups.rules'), 'utf8')).toMatch(/SUBSYSTEM=="hidraw".*GROUP="station-agent"/);
    // A starter configuration, and only the production packages.
    expect(existsSync(join(root, 'etc/station-agent/agent.yaml'))).toBe(true);
    expect(existsSync(join(root, 'opt/station-agent/node_modules/sqlite3'))).toBe(true);
    expect(existsSync(join(root, 'opt/station-agent/node_modules/vitest'))).toBe(false);
    // The technicians' command runs this machine's node, as the service's user.
    const wrapper = readFileSync(join(root, 'usr/local/bin/station-agent'), 'utf8');
    expect(wrapper).toContain(`NODE=${unitValue(readFileSync(unitFile, 'utf8'), 'ExecStart')?.split(' ')[0]}`);
    expect(wrapper).toMatch(/runuser -u station-agent/);
    // Anyone else runs it as themselves, and is told how to get in when the group is missing.
    expect(wrapper).toMatch(/usermod -aG station-agent/);
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
    // As an earlier version left them, under the unit's UMask=0027 (and a file made 0644 by hand).
    const data = join(root, 'var/lib/station-agent');
    chmodSync(data, 0o750);
    writeFileSync(join(data, 'station.db'), 'data', { mode: 0o640 });
    writeFileSync(join(data, 'station.db-wal'), 'wal', { mode: 0o640 });
    writeFileSync(join(data, 'seq.hwm'), '42', { mode: 0o644 });
    chmodSync(join(data, 'seq.hwm'), 0o644);
    writeFileSync(join(root, 'etc/station-agent/mqtt.pass'), 'secret\n', { mode: 0o600 });
    if (isRoot) for (const name of ['station.db', 'station.db-wal', 'seq.hwm']) chownSync(join(data, name), agentIds(root).uid, 0);
    const again = install(root);
    expect(again).toMatch(/kept the existing configuration/);
    expect(readFileSync(config, 'utf8')).toBe('# this station\'s own configuration\n');
    // The upgrade gives the data to the group: the folder setgid, the files group-writable, no
    // file's content changed; the secret is left alone.
    expect(modeOf(data)).toBe('2770');
    const before: [string, string][] = [['station.db', 'data'], ['station.db-wal', 'wal'], ['seq.hwm', '42']];
    for (const [name, content] of before) {
      expect(modeOf(join(data, name)), name).toBe('660');
      expect(readFileSync(join(data, name), 'utf8')).toBe(content);
      if (isRoot) expect(lstatSync(join(data, name)), name).toMatchObject(agentIds(root));
    }
    expect(modeOf(join(root, 'etc/station-agent/mqtt.pass'))).toBe('600');
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
    expect(lstatSync(join(src, 'dist/bin/station-agent.js')).uid).not.toBe(0);
    const root = tempDir('owned-install-');
    const r = sh('bash', [join(src, 'scripts/install-linux.sh'), '--root', root]);
    expect(r.code, r.out).toBe(0);
    // Anything the checkout's owner could still write would be code the service (and root, through
    // the station-agent command) runs.
    expect(notRootOwned(join(root, 'opt/station-agent'))).toEqual([]);
    expect(lstatSync(join(root, 'usr/local/bin/station-agent')).uid).toBe(0);
    expect(lstatSync(join(root, UNIT)).uid).toBe(0);
  }, 60_000);

  // Only root can start programs as other users (setpriv). The accounts are uids no user list
  // names: nothing is added to this PC's own, and nothing is left to clean up.
  it.runIf(isRoot)("a clerk's account in the station-agent group runs the clerk's commands without sudo, with the agent running and not; each writes what the other made", async () => {
    const root = tempDir('clerk-');
    install(root);
    chmodSync(root, 0o755); // a temporary folder is root's alone; the service's folders are not
    const ids = agentIds(root);
    const agent: Account = { ...ids, groups: [], umask: unitValue(readFileSync(join(root, UNIT), 'utf8'), 'UMask') ?? '' };
    // A clerk logged in on the PC, in the group, with a login shell's usual umask; and an account outside it.
    const clerk: Account = { uid: 61_001, gid: 61_001, groups: [ids.gid], umask: '022' };
    const outsider: Account = { uid: 61_002, gid: 61_002, groups: [], umask: '022' };
    // The installed command, pointed at the program in this root, and the station's file.
    const program = join(root, 'opt/station-agent/dist/bin/station-agent.js');
    const command = join(root, 'usr/local/bin/station-agent');
    writeFileSync(command, readFileSync(command, 'utf8').replace(/^CLI=.*$/m, `CLI=${program}`));
    const config = join(root, 'etc/station-agent/agent.yaml');
    const dataDir = join(root, 'var/lib/station-agent');
    const station = (dir: string, port: number) =>
      stringify({ station: { id: 'clerk-01', province: '99', regency: '9901' }, dataDir: dir, mqtt: { url: 'embedded', embedded: { port } }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, operator: { listen: false }, intervals: { pollSeconds: 0.5, healthSeconds: 1 } });
    writeFileSync(config, station(dataDir, await freePort()));
    const asClerk = (...args: string[]) => runAs(clerk, [command, ...args], { STATION_AGENT_CONFIG: config });
    const asAgent = (...args: string[]) => runAs(agent, [process.execPath, ...AGENT_NODE_FLAGS, program, ...args, '--config', config]);
    const queued = async () => (JSON.parse((await asClerk('jobs', 'list', '--json')).stdout) as { recordId: string }[]).map((j) => j.recordId).sort();

    // The service makes the database, then a clerk queues a record while it runs (its -wal and -shm open).
    const daemon = startAs(agent, [process.execPath, ...AGENT_NODE_FLAGS, program, 'run', '--config', config], { cwd: dataDir, env: ENGLISH_LOCALE });
    try {
      await daemon.waitForOutput(/station agent running/, 15_000);
      expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['station.db', 'station.db-wal', 'station.db-shm']));
      const added = await asClerk('jobs', 'add', 'SYN-0001');
      expect(added.code, added.stdout + added.stderr).toBe(0);
      expect(await queued()).toEqual(['SYN-0001']);
      const status = await asClerk('status', '--json');
      expect(status.code, status.stderr).toBe(0);
      // Nobody else reads or writes any of it, and is told how to get in.
      const refused = await runAs(outsider, [command, 'jobs', 'list'], { STATION_AGENT_CONFIG: config });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(`may not use the agent yet (it cannot read ${config}). Ask the technician to run 'sudo usermod -aG station-agent 61002'`);
      expect(refused.stderr).toMatch(/belum boleh memakai agen/);
      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code, daemon.output.slice(-2000)).toBe(0);
    } finally {
      await daemon.stop();
    }
    // The agent writes after the clerk, and the clerk after the agent, with nothing running.
    expect((await asAgent('jobs', 'add', 'SYN-0002')).code).toBe(0);
    expect((await asClerk('jobs', 'add', 'SYN-0003')).code).toBe(0);
    expect(await queued()).toEqual(['SYN-0001', 'SYN-0002', 'SYN-0003']);

    // A clerk first, on a station whose database is not made yet: the agent still writes it.
    const fresh = join(root, 'var/lib/station-agent/fresh');
    expect((await runAs(agent, ['mkdir', fresh])).code).toBe(0);
    writeFileSync(config, station(fresh, await freePort()));
    const first = await asClerk('jobs', 'add', 'SYN-0004');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(lstatSync(join(fresh, 'station.db')).uid).toBe(clerk.uid);
    const after = await asAgent('jobs', 'add', 'SYN-0005');
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(await queued()).toEqual(['SYN-0004', 'SYN-0005']);

    // Everything in the data folder: the group's, group-writable, nothing for anyone else.
    const wrong = listing(dataDir).filter((f) => f.gid !== ids.gid || (f.mode & 0o007) !== 0 || (f.mode & 0o060) !== 0o060 || (f.dir && (f.mode & 0o2010) !== 0o2010));
    expect(wrong.map((f) => `${f.path} ${f.uid}:${f.gid} ${f.mode.toString(8)}`)).toEqual([]);
    expect(listing(dataDir).map((f) => f.path.slice(dataDir.length + 1))).toEqual(expect.arrayContaining(['station.db', 'seq.hwm', 'fresh/station.db', 'fresh/seq.hwm']));
  }, 90_000);

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

  it("the installed command starts the dashboard with a heap of its own (dashboard.heapMegabytes' default, or STATION_DASHBOARD_HEAP_MB), and the agent's commands with the agent's flags", async () => {
    const root = tempDir('heap-flags-');
    install(root);
    chmodSync(root, 0o755); // a temporary folder is root's alone; the account below must read it
    // Node stood in for by a script that prints the arguments it was given, one a line.
    const stub = join(root, 'node-args');
    writeFileSync(stub, '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
    const command = join(root, 'usr/local/bin/station-agent');
    writeFileSync(command, readFileSync(command, 'utf8').replace(/^NODE=.*$/m, `NODE=${stub}`));
    const config = join(root, 'readable.yaml');
    writeFileSync(config, '', { mode: 0o644 });
    // As root the command runs as the service's user, which only this root folder's user list has:
    // an ordinary account instead, as a provincial IT officer runs the dashboard.
    const argsOf = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const all = { STATION_AGENT_CONFIG: config, ...env };
      const p = isRoot ? startAs({ uid: 61_003, gid: 61_003, groups: [], umask: '022' }, [command, ...args], { env: { ...ENGLISH_LOCALE, ...all } }) : new Proc('sh', [command, ...args], { env: all });
      const { code } = await p.exited;
      expect(code, p.output).toBe(0);
      return p.stdout.trim().split('\n');
    };
    const program = '/opt/station-agent/dist/bin/station-agent.js';
    expect(await argsOf(['dashboard', '--config', 'd.yaml'])).toEqual([`--max-old-space-size=${DASHBOARD_HEAP_DEFAULT_MB}`, program, 'dashboard', '--config', 'd.yaml']);
    expect(await argsOf(['dashboard'], { STATION_DASHBOARD_HEAP_MB: '2048' })).toEqual(['--max-old-space-size=2048', program, 'dashboard']);
    expect(await argsOf(['run', '--config', 'a.yaml'], { STATION_DASHBOARD_HEAP_MB: '2048' })).toEqual([...AGENT_NODE_FLAGS, program, 'run', '--config', 'a.yaml']);
    expect(await argsOf(['diagnose'])).toEqual([...AGENT_NODE_FLAGS, program, 'diagnose']);
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
