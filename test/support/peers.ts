import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real peers (Mosquitto, NUT, ippeveprinter, CUPS) are started by the tests themselves.
 * Where one is not installed the suite says so and skips, unless REQUIRE_PEERS=1 (set in CI),
 * where a missing peer fails the run instead of passing unseen.
 */
export function peerAvailable(name: string, binary: string): boolean {
  const found = binary.startsWith('/') ? existsSync(binary) : spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
  if (!found) {
    if (process.env.REQUIRE_PEERS === '1') {
      throw new Error(`REQUIRE_PEERS=1 but ${name} (${binary}) is not installed; .ci/run installs every peer the tests start (apt-get)`);
    }
    console.warn(`[skipped] ${name} (${binary}) is not installed: these tests do not run here`);
  }
  return found;
}

/**
 * Whether this machine lets the tests mount a small tmpfs (root, and mounts allowed): the only
 * honest way to fill a disk here. Under REQUIRE_PEERS=1 it must (CI runs as root).
 */
export function canMountTmpfs(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  if (!ok) {
    if (process.env.REQUIRE_PEERS === '1') throw new Error('REQUIRE_PEERS=1 but a tmpfs cannot be mounted here (the full-disk tests need root): run the tests as root');
    console.warn('[skipped] cannot mount a tmpfs (not root): the full-disk tests do not run here');
  }
  return ok;
}

/** A free TCP port on loopback (the OS picks one; it is released before the peer binds it). */
export { freePort } from '../../scripts/bench-support.js';

/**
 * Polls `check` until it holds, or fails after `timeoutMs`. The first look again comes after
 * 1 ms, each next one twice as late up to `stepMs`: what holds within a few event-loop turns
 * costs no full step, and a long wait on a real peer does not spin.
 */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000, stepMs = 25): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let step = Math.min(1, stepMs); ; step = Math.min(step * 2, stepMs)) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, step));
  }
}
