import { describe, expect, it } from 'vitest';
import { isExternalFor } from '../../scripts/bundle-policy.js';

describe('what the bundle holds and what stays an import from node_modules', () => {
  const root = '/srv/x/node_modules/station-agent';
  const external = isExternalFor(root);
  const ours = `${root}/dist/agent/cli.js`;

  it('bundles our files, asked as written or as resolved, on Linux and on Windows', () => {
    expect(external('./cli/common.js', ours)).toBe(false);
    expect(external(`${root}/dist/agent/cli/common.js`, ours)).toBe(false);
    expect(external('C:\\Program Files\\station-agent\\dist\\agent\\cli\\common.js', 'C:\\Program Files\\station-agent\\dist\\agent\\cli.js')).toBe(false);
    expect(external('\0rolldown/runtime.js', ours)).toBe(false);
  });

  it('bundles the listed packages and what they import; keeps Node built-ins and every other package outside', () => {
    expect(external('zod', ours)).toBe(false);
    expect(external('mqtt', ours)).toBe(false);
    expect(external('mqtt-packet', `${root}/node_modules/mqtt/build/lib/client.js`)).toBe(false);
    expect(external('node:fs', ours)).toBe(true);
    expect(external('events', `${root}/node_modules/mqtt/build/lib/client.js`)).toBe(true);
    expect(external('sqlite3', ours)).toBe(true);
    expect(external('@napi-rs/canvas', ours)).toBe(true);
    // The checkout itself sits under a folder named node_modules: our imports are still ours.
    expect(external('node-hid', ours)).toBe(true);
  });
});
