/**
 * Node flags the agent runs with, set in its launcher (the shebang of agent/cli.ts, `npm start`,
 * the service unit). A heap ceiling makes V8 size its heap for a small daemon: replaying a
 * 100,000-message backlog peaks near 124 MB RSS with it and near 170 MB without (npm run bench),
 * while the live heap stays in the tens of MB. A test checks the launchers carry these flags.
 */
export const AGENT_NODE_FLAGS = ['--max-old-space-size=128'] as const;
