/**
 * The heap: the ceiling this process runs under, which its launcher chose with Node's
 * --max-old-space-size (the station agent's 128 MB, agent/process/runtime-flags.ts; the
 * dashboard's own, dashboard.heapMegabytes), and the full collection the idle daemon asks for.
 */
import { getHeapStatistics } from 'node:v8';
import type { Clock } from '../core/clock.js';

/** The heap this process may grow to, in MB, as V8 sized it. */
export function heapCeilingMegabytes(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 1_048_576);
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
