/**
 * A heap ceiling per command. The station-agent launcher gives every command the agent's small
 * ceiling (128 MB, see agent/process/runtime-flags.ts); a command that needs more (the
 * provincial dashboard holds a whole province) runs itself again, once, in a child process with
 * its own ceiling, passing signals on and exiting as the child did.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { Clock } from '../core/clock.js';

/** Set in the child, so a ceiling V8 sizes a little differently never loops. */
const RERUN_MARK = 'STATION_AGENT_HEAP_MB';

/** The heap this process may grow to, in MB, as V8 sized it. */
export function heapCeilingMegabytes(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 1_048_576);
}

/**
 * Null when this process already has at least `megabytes` of heap (go on here); otherwise the
 * exit code of the same command run again with `--max-old-space-size=megabytes`.
 */
export async function rerunWithHeap(megabytes: number): Promise<number | null> {
  if (process.env[RERUN_MARK] !== undefined) {
    // The child: when the parent goes (killed outright, so it could pass nothing on), stop
    // cleanly too rather than live on holding the port.
    if (process.channel) {
      process.channel.unref();
      process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    }
    return null;
  }
  if (heapCeilingMegabytes() >= megabytes) return null;
  const flags = process.execArgv.filter((a) => !a.startsWith('--max-old-space-size'));
  const child = spawn(process.execPath, [...flags, `--max-old-space-size=${megabytes}`, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RERUN_MARK]: String(megabytes) },
  });
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const s of signals) process.on(s, forward);
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    return code ?? 128 + (signal ? constants.signals[signal] : 0);
  } finally {
    for (const s of signals) process.off(s, forward);
  }
}

/**
 * V8's full collection, to call from the program, or null if this Node will not give it. The
 * launchers pass --expose-gc (agent/process/runtime-flags.ts), which puts `gc` in this context.
 * Started without it there is none: the heap then grows and shrinks as V8 decides (the daemon
 * says so once in its log), rather than the flag being set late and `gc` taken from a second
 * context, which would stay alive beside this one (1.1 MB of heap, measured).
 */
export function fullCollector(): (() => void) | null {
  const own = (globalThis as { gc?: () => void }).gc;
  return typeof own === 'function' ? () => own() : null;
}

/**
 * A full collection every `everyMs`, for a daemon that idles for months. V8 lets the old
 * generation grow by several MB of garbage before it collects it (the idle agent, measured: live
 * heap ~12 MB, the heap climbing to ~21 MB over half an hour and RSS from 64 to 72 MB, then
 * again after each collection). A collection a minute keeps it at the live size, for a few
 * milliseconds of CPU (npm run bench:footprint). The first comes `firstMs` after the start, to
 * return what starting took (reading the configuration, opening everything: the heap near
 * 27 MB against ~11 MB live) rather than hold it until V8 decides. Returns the stop.
 */
export function collectEvery(everyMs: number, clock: Clock, collect: () => void, firstMs = everyMs): () => void {
  let cancel = (): void => undefined;
  const next = (ms: number) => {
    cancel = clock.setTimer(() => {
      collect();
      next(everyMs);
    }, ms);
  };
  next(firstMs);
  return () => cancel();
}
