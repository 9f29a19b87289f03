import { describe, expect, it } from 'vitest';
import { explainMqttError } from '../../telemetry/mqtt-client.js';

const URL = 'mqtts://broker.example:8883';
const err = (code: unknown, message = 'connect failed') => Object.assign(new Error(message), { code });

/** Every way a connection fails that the explainer tells apart, with a key only its advice names. */
const CASES: [string, Error & { code?: unknown }, RegExp][] = [
  ['bad login (MQTT 3.1.1)', err(4), /mqtt\.passwordFile/],
  ['bad login (MQTT 5)', err(134), /mqtt\.passwordFile/],
  ['not authorised (MQTT 3.1.1)', err(5), /ACL/],
  ['not authorised (MQTT 5)', err(135), /ACL/],
  ['refused', err('ECONNREFUSED'), /broker\.example:8883/],
  ['unknown host', err('ENOTFOUND'), /DNS/],
  ['DNS not ready', err('EAI_AGAIN'), /DNS/],
  ['client certificate refused', err('ECONNRESET'), /mqtt\.cert/],
  ['server certificate refused', err('DEPTH_ZERO_SELF_SIGNED_CERT'), /mqtt\.ca/],
  ['plain listener', err(undefined, 'wrong version number'), /mqtts:\/\//],
  ['anything else', err('EPIPE', 'write EPIPE'), /write EPIPE/],
];

describe('one explainer of MQTT connection errors, in both languages', () => {
  it.each(CASES)('%s: the same advice in Indonesian and English', (_name, e, names) => {
    const said = explainMqttError(e, URL);
    expect(said.en).toMatch(names);
    expect(said.id).toMatch(names);
    expect(said.id).not.toBe(said.en);
    expect(said.id).toMatch(/\b(periksa|pastikan|tidak|ke|dan)\b/);
    // The keys a technician is sent to are the same in both languages.
    const keys = (s: string) => [...s.matchAll(/mqtt\.\w+/g)].map((m) => m[0]).sort();
    expect(keys(said.id)).toEqual(keys(said.en));
  });

  it('a client certificate refused is told apart only over TLS', () => {
    expect(explainMqttError(err('ECONNRESET'), 'mqtt://broker.example:1883').en).not.toMatch(/mqtt\.cert/);
    expect(explainMqttError(err('ECONNRESET'), 'mqtt://broker.example:1883').id).not.toMatch(/mqtt\.cert/);
  });
});
