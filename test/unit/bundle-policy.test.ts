import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isExternalFor, isMqttConnect, MQTT_CONNECT_LEFT_OUT } from '../../scripts/bundle-policy.js';

describe('what the bundle holds and what stays an import from node_modules', () => {
  const root = '/srv/x/node_modules/station-agent';
  const external = isExternalFor(root);
  const ours = `${root}/build/agent/cli.js`;

  it('bundles our files, asked as written or as resolved, on Linux and on Windows', () => {
    expect(external('./cli/common.js', ours)).toBe(false);
    expect(external(`${root}/build/agent/cli/common.js`, ours)).toBe(false);
    expect(external('C:\\Program Files\\station-agent\\build\\agent\\cli\\common.js', 'C:\\Program Files\\station-agent\\build\\agent\\cli.js')).toBe(false);
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

describe("mqtt.js's connect() is left out of the bundle", () => {
  it("is found where npm puts it, on Linux and on Windows, and nothing else is taken for it", () => {
    expect(isMqttConnect('/srv/x/node_modules/mqtt/build/lib/connect/index.js')).toBe(true);
    expect(isMqttConnect('C:\\Program Files\\station-agent\\node_modules\\mqtt\\build\\lib\\connect\\index.js')).toBe(true);
    expect(isMqttConnect('/srv/x/node_modules/mqtt/build/lib/client.js')).toBe(false);
    expect(isMqttConnect('/srv/x/node_modules/mqtt/build/lib/connect/tcp.js')).toBe(false);
    expect(isMqttConnect('/srv/x/node_modules/other/build/lib/connect/index.js')).toBe(false);
  });

  it('in its place, a module that says what to use instead, should anything call it', async () => {
    const module = { exports: {} as { default: () => unknown; connectAsync: () => Promise<unknown> } };
    runInNewContext(MQTT_CONNECT_LEFT_OUT, { exports: module.exports, Error, Promise });
    expect(() => module.exports.default()).toThrow(/mqtt\.connect is not in station-agent's bundle: connect with connectMqtt \(telemetry\/mqtt-client\.ts\)/);
    await expect(module.exports.connectAsync()).rejects.toThrow(/connectMqtt/);
  });
});
