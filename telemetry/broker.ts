import { createServer, type Server } from 'node:net';
import type { Logger } from 'pino';
import { brokerUrl } from './mqtt-client.js';

/** The embedded broker could not start; `hint` says what to change (the CLI prints it). */
export class BrokerError extends Error {
  readonly code = 'broker-listen';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'BrokerError';
  }
}

export interface EmbeddedBroker {
  url: string;
  close(): Promise<void>;
}

/**
 * An in-process MQTT 3.1.1 broker (Aedes) for the demo and single-PC setups. It listens on
 * loopback unless configured otherwise, and keeps retained messages in memory while it runs.
 */
export async function startEmbeddedBroker(host: string, port: number, log: Logger): Promise<EmbeddedBroker> {
  // Loaded only for the embedded broker; an ES module, so imported rather than required.
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const server: Server = createServer((socket) => broker.handle(socket));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    const code = (err as NodeJS.ErrnoException).code;
    throw new BrokerError(
      `The embedded MQTT broker cannot listen on ${host}:${port} (${code ?? (err as Error).message}).`,
      code === 'EADDRINUSE'
        ? `Another program (perhaps Mosquitto) already uses port ${port}: stop it, set mqtt.embedded.port, or point mqtt.url at that broker.`
        : 'Check mqtt.embedded.host and mqtt.embedded.port.',
    );
  }
  const url = brokerUrl(host, port);
  log.info({ url }, 'embedded MQTT broker listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}
