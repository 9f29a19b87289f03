import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Proc } from './process.js';
import { waitUntil } from './peers.js';
import { tempDir } from './sim.js';

/**
 * What systemd listens on for sd_notify: a unix datagram socket, here bound by python3 (Node
 * cannot bind one) and printing each datagram as a JSON string on a line of its own. Receiving
 * without room for ancillary data closes the barrier fd systemd-notify sends, as systemd does.
 */
const RECEIVER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    print(json.dumps(s.recv(65536).decode()), flush=True)
`;

export class NotifySocket {
  private constructor(
    readonly path: string,
    private readonly proc: Proc,
  ) {}

  static async start(): Promise<NotifySocket> {
    const path = join(tempDir('notify-'), 'notify.sock');
    const proc = new Proc('python3', ['-c', RECEIVER, path]);
    await proc.waitForOutput(/^listening$/m);
    // Any user may send, as to systemd's own /run/systemd/notify (the agent may run as another uid).
    chmodSync(dirname(path), 0o755);
    chmodSync(path, 0o777);
    return new NotifySocket(path, proc);
  }

  /** Every datagram received, BARRIER=1 (systemd-notify's wait for systemd) left out. */
  get messages(): string[] {
    return this.proc.stdout
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string)
      .filter((m) => m !== 'BARRIER=1');
  }

  async waitFor(what: string, match: (message: string) => boolean, timeoutMs = 10_000): Promise<string> {
    try {
      await waitUntil(`a notification: ${what}`, () => this.messages.some(match), timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}; received ${JSON.stringify(this.messages)}`);
    }
    return this.messages.find(match) ?? '';
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
