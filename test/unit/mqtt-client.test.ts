import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { brokerAddress, brokerUrl, connectMqtt, whenConnected } from '../../telemetry/mqtt-client.js';

describe('the broker address a station connects to', () => {
  it('takes host and port from mqtt:// and mqtts://, with the MQTT ports by default', () => {
    expect(brokerAddress('mqtt://broker.example:1884')).toEqual({ host: 'broker.example', port: 1884, tls: false });
    expect(brokerAddress('mqtt://broker.example')).toEqual({ host: 'broker.example', port: 1883, tls: false });
    expect(brokerAddress('mqtts://broker.example')).toEqual({ host: 'broker.example', port: 8883, tls: true });
    expect(brokerAddress('mqtts://10.1.2.3:9883/')).toEqual({ host: '10.1.2.3', port: 9883, tls: true });
  });

  it('an IPv6 address loses its brackets; a client certificate means TLS, as it did with mqtt.connect', () => {
    expect(brokerAddress('mqtt://[::1]:1883')).toEqual({ host: '::1', port: 1883, tls: false });
    expect(brokerAddress('mqtt://broker.example', true)).toEqual({ host: 'broker.example', port: 8883, tls: true });
  });

  it('refuses anything but mqtt:// and mqtts://, saying what it expects', () => {
    expect(() => brokerAddress('ws://broker.example:9001')).toThrow(/expected mqtt:\/\/HOST:PORT or mqtts:\/\/HOST:PORT/);
    expect(() => brokerAddress('broker.example:1883')).toThrow(/not a broker URL/);
    // mqtt.connect read a client id from ?clientId=; the agent takes it from mqtt.clientId only.
    expect(() => brokerAddress('mqtt://broker.example:1883?clientId=x')).toThrow(/not a broker URL/);
  });

  it("the embedded broker's URL puts an IPv6 address in brackets, and reads back the same", () => {
    expect(brokerUrl('127.0.0.1', 1883)).toBe('mqtt://127.0.0.1:1883');
    expect(brokerUrl('::1', 1884)).toBe('mqtt://[::1]:1884');
    expect(brokerAddress(brokerUrl('::1', 1884))).toEqual({ host: '::1', port: 1884, tls: false });
  });
});

describe('a client on our own socket', () => {
  it('reports a refused connection with its code; a late `error` event does not throw and reaches the error sink', async () => {
    // A port that was free a moment ago: nothing accepts there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const sunk: Error[] = [];
    const client = connectMqtt(`mqtt://127.0.0.1:${port}`, { clientId: 'unit-01', reconnectPeriod: 0, connectTimeout: 2000 }, (err) => sunk.push(err));
    try {
      // The socket's own error, not only the closing that follows it.
      await expect(whenConnected(client)).rejects.toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect', port });
      // whenConnected has stopped listening: a late error must not end the process, nor go unheard.
      const late = new Error('late');
      expect(() => client.emit('error', late)).not.toThrow();
      expect(sunk.map((e) => (e as { code?: unknown }).code ?? e.message)).toEqual(['ECONNREFUSED', 'late']);
    } finally {
      client.end(true);
    }
  });

  it('speaks MQTT on the socket it opens: a CONNECT reaches the listener', async () => {
    // The listener hangs up after the CONNECT: what the client makes of that is not this test's.
    const heard: Error[] = [];
    const first = new Promise<Buffer>((resolve) => {
      const server = createServer((socket) => socket.once('data', (data) => {
        resolve(data);
        socket.destroy();
        server.close();
      }));
      server.listen(0, '127.0.0.1', () => {
        const client = connectMqtt(`mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, { clientId: 'unit-02', reconnectPeriod: 0 }, (err) => heard.push(err));
        client.on('close', () => client.end(true));
      });
    });
    const packet = await first;
    // Fixed header 0x10 is CONNECT; the client id is in the payload.
    expect(packet[0]).toBe(0x10);
    expect(packet.includes(Buffer.from('unit-02'))).toBe(true);
  });
});

describe("mqtt.js is used through its public entry only", () => {
  const REPO = join(import.meta.dirname, '../..');
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      if (f === 'node_modules' || f === 'dist' || f.startsWith('.')) return [];
      return statSync(p).isDirectory() ? sources(p) : /\.(ts|js|cjs|mjs)$/.test(f) ? [p] : [];
    });

  it("no file of the project imports mqtt.js's internals (mqtt/lib/...), which its next release may move", () => {
    const deep = sources(REPO).filter((f) => /['"]mqtt\/(lib|build)\//.test(readFileSync(f, 'utf8'))).map((f) => relative(REPO, f));
    expect(deep).toEqual([]);
  });

  it('what the bundle runs takes the client class and types from mqtt.js, never its connect(), which the bundle leaves out', () => {
    const product = ['agent', 'core', 'dashboard', 'hal', 'platform', 'telemetry'].flatMap((d) => sources(join(REPO, d)));
    const imports = product.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((line) => /from 'mqtt'|require\('mqtt'\)|import\('mqtt'\)/.test(line))
        .map((line) => `${relative(REPO, f)}: ${line.trim()}`),
    );
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((line) => !/: import (type )?\{[^}]*\} from 'mqtt';$/.test(line) || /\bconnect(Async)?\b/.test(line))).toEqual([]);
  });

  it("the client is mqtt.js's public MqttClient", () => {
    const refused: Error[] = [];
    const client = connectMqtt('mqtt://127.0.0.1:1', { clientId: 'unit-03', reconnectPeriod: 0 }, (err) => refused.push(err));
    expect(client).toBeInstanceOf(MqttClient);
    client.end(true);
  });
});
