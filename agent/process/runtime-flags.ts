/**
 * Node flags the agent runs with, set in its launcher (the shebang of agent/cli.ts, `npm start`,
 * the service unit). A heap ceiling makes V8 size its heap for a small daemon: replaying a
 * 100,000-message backlog peaks near 124 MB RSS with it and near 170 MB without (npm run bench),
 * while the live heap stays in the tens of MB. `--expose-gc` gives the daemon's collection a
 * minute (platform/heap.ts) V8's `gc` in the program's own context; without it the collector
 * takes `gc` from a second context, which stays alive for it: 1.1 MB more heap, all the time.
 * A test checks the launchers carry these flags.
 */
export const AGENT_NODE_FLAGS = ['--max-old-space-size=128', '--expose-gc'] as const;
