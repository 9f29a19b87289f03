import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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

/** A free TCP port on loopback (the OS picks one; it is released before the peer binds it). */
export { freePort } from '../../scripts/bench-support.js';

export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000, stepMs = 25): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
