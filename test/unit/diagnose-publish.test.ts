import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { validate } from '../../agent/config/load.js';
import { publishReport } from '../../agent/diagnose/run.js';
import type { DiagnosticsPayload } from '../../telemetry/payloads.js';
import { tempDir } from '../support/sim.js';

const REPORT: DiagnosticsPayload = { schema: 'station.diagnostics/1', station: 'it-01', ts: '2027-01-05T08:00:00.000Z', lang: 'en', status: 'pass', checks: [] };

/** A broker that accepts the login (an MQTT 5 CONNACK) and resets the connection on the first PUBLISH. */
async function resettingBroker(): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('data', (data) => {
      const type = (data[0] ?? 0) >> 4;
      if (type === 1) socket.write(Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00]));
      if (type === 3) socket.resetAndDestroy();
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('diagnose --publish', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
  });

  it('a connection that breaks under the publish is reported by its own error, not as a broker that never answered', async () => {
    server = await resettingBroker();
    const { port } = server.address() as AddressInfo;
    const dir = tempDir('diag-pub-');
    const config = validate({ station: { id: 'it-01', province: '99', regency: '9901' }, mqtt: { url: `mqtt://127.0.0.1:${port}` }, printer: { driver: 'sim' }, ups: { driver: 'sim' } }, 'test', dir);
    await expect(publishReport(config, 'test', REPORT)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
