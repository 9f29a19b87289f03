/**
 * Node flags the agent runs with, set in its launcher (the shebang of agent/cli.ts, `npm start`,
 * the service unit). A heap ceiling makes V8 size its heap for a small daemon: replaying a
 * 100,000-message backlog peaks near 124 MB RSS with it and near 170 MB without (npm run bench),
 * while the live heap stays in the tens of MB. `--expose-gc` gives the daemon's collection a
 * minute (platform/heap.ts) V8's `gc` in the program's own context; without it there is no such
 * collection, and the idle heap holds several MB of garbage until V8 collects it.
 * A test checks the launchers carry these flags.
 */
export const AGENT_NODE_FLAGS = ['--max-old-space-size=128', '--expose-gc'] as const;

/**
 * Environment the Linux service gives the agent (deploy/linux/station-agent.service).
 * glibc's malloc gives each thread that allocates an arena of its own, up to eight a core; the
 * agent's threads (libuv's pool, V8's helpers) allocate little, and each arena keeps its pages.
 * With two, the idle agent measured 1.6 MB less RSS, and the outbox replays as fast
 * (`npm run bench:footprint -- --env ""` and `bench:outbox` compare). Windows' allocator has no
 * such setting; `npm start` (the demo) runs without it.
 */
export const AGENT_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
