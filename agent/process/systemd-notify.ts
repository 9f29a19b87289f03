import { execFile } from 'node:child_process';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';

/**
 * systemd's readiness and watchdog protocol (sd_notify): READY=1 once the agent runs, then
 * WATCHDOG=1 from the station loop, so a loop that hangs stops the pings and systemd restarts
 * the agent. Outside a unit with Type=notify (no NOTIFY_SOCKET) every call does nothing.
 */

/** Sends one notification: VAR=VALUE fields, one datagram. */
export type NotifySend = (fields: string[]) => Promise<void>;

/**
 * The longest a healthy station loop may take between two pings besides its poll period: reads
 * time out after at most 10 s, each database write waits at most 5 s for a lock, with margin.
 */
export const LOOP_SLACK_MS = 30_000;

export interface NotifyPlan {
  /** Where notifications go; null when not started by systemd as Type=notify. */
  socket: string | null;
  /** The watchdog timeout in force, in ms; null when there is no watchdog for this process. */
  watchdogMs: number | null;
  /** Set when the unit's WatchdogSec is too short for the poll period: the longer timeout to ask for. */
  extendedFromMs: number | null;
  /** Pings closer together than this are not sent: the loop polls far more often than needed. */
  pingEveryMs: number | null;
}

/**
 * What to do, from the environment systemd gives the service. Pings are sent at most every
 * quarter timeout, on a poll, so the gap between two is at most a quarter timeout plus the
 * loop's longest healthy round (pollMs + LOOP_SLACK_MS); the timeout is lengthened to three
 * such rounds when the unit's is shorter (a poll period of minutes).
 */
export function notifyPlan(env: NodeJS.ProcessEnv, pid: number, pollMs: number): NotifyPlan {
  const socket = env.NOTIFY_SOCKET || null;
  const usec = Number(env.WATCHDOG_USEC);
  // WATCHDOG_PID names the process the watchdog is for; a child that inherited it is not.
  const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === pid;
  if (!socket || !forUs || !Number.isFinite(usec) || usec <= 0) return { socket, watchdogMs: null, extendedFromMs: null, pingEveryMs: null };
  const unitMs = Math.floor(usec / 1000);
  const needMs = 3 * (pollMs + LOOP_SLACK_MS);
  const watchdogMs = Math.max(unitMs, needMs);
  return { socket, watchdogMs, extendedFromMs: watchdogMs > unitMs ? unitMs : null, pingEveryMs: Math.floor(watchdogMs / 4) };
}

/** The systemd-notify command as the sender: see SystemdNotifier for why not a socket of our own. */
export function systemdNotifyCommand(env: NodeJS.ProcessEnv): NotifySend {
  return (fields) =>
    new Promise((resolve, reject) => {
      execFile('systemd-notify', fields, { env, timeout: 10_000 }, (err, _stdout, stderr) => {
        if (!err) return resolve();
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new Error(missing ? 'systemd-notify is not installed (it comes with systemd)' : `systemd-notify ${fields.join(' ')}: ${stderr.trim() || err.message}`));
      });
    });
}

/**
 * Sends READY=1, WATCHDOG=1 and STOPPING=1. Node has no unix datagram sockets, so each message
 * goes through systemd-notify, a child process: the unit needs NotifyAccess=all, and since
 * systemd 246 systemd-notify waits until systemd has read the message, so a child that exits
 * first is not a message lost. One ping at a time: while one is under way the next is dropped,
 * so a slow systemd cannot gather a pile of children.
 */
export class SystemdNotifier {
  private lastPingAt = -Infinity;
  private pinging = false;
  private tail: Promise<void> = Promise.resolve();
  private failing = false;

  constructor(
    readonly plan: NotifyPlan,
    private readonly send: NotifySend,
    private readonly clock: Pick<Clock, 'monotonic'>,
    private readonly log: Logger,
  ) {}

  private isReady = false;

  static fromEnv(env: NodeJS.ProcessEnv, pollMs: number, clock: Pick<Clock, 'monotonic'>, log: Logger): SystemdNotifier {
    return new SystemdNotifier(notifyPlan(env, process.pid, pollMs), systemdNotifyCommand(env), clock, log);
  }

  /** The agent runs: `systemctl start` returns, and the watchdog's first ping. */
  ready(): void {
    const { socket, watchdogMs, extendedFromMs } = this.plan;
    if (!socket) return;
    const fields = ['READY=1'];
    this.isReady = true;
    if (watchdogMs !== null) {
      if (extendedFromMs !== null) {
        fields.push(`WATCHDOG_USEC=${watchdogMs * 1000}`);
        this.log.info({ unitSeconds: extendedFromMs / 1000, watchdogSeconds: watchdogMs / 1000 }, "the unit's WatchdogSec is short for intervals.pollSeconds: asking systemd for a longer one");
      }
      fields.push('WATCHDOG=1');
      this.lastPingAt = this.clock.monotonic();
      this.log.info({ watchdogSeconds: watchdogMs / 1000 }, 'systemd watchdog: the station loop pings it; a loop that hangs is restarted');
    }
    void this.enqueue(fields);
  }

  /** The station loop went round: ping the watchdog if one is due. */
  alive(): void {
    const { watchdogMs, pingEveryMs } = this.plan;
    // Before READY=1 (the station loop may go round while the rest still starts): READY carries the first ping.
    if (watchdogMs === null || pingEveryMs === null || this.pinging || !this.isReady) return;
    const now = this.clock.monotonic();
    if (now - this.lastPingAt < pingEveryMs) return;
    this.lastPingAt = now;
    this.pinging = true;
    void this.enqueue(['WATCHDOG=1']).finally(() => (this.pinging = false));
  }

  /** A clean stop has begun: systemd shows "deactivating" rather than waiting on a ping. */
  stopping(): void {
    if (this.plan.socket) void this.enqueue(['STOPPING=1']);
  }

  /** Every notification sent so far has been handed over (or failed and been logged). */
  flush(): Promise<void> {
    return this.tail;
  }

  /** Never rejects: a failure is logged. */
  private enqueue(fields: string[]): Promise<void> {
    const sent = this.tail.then(() => this.send(fields)).then(
      () => {
        if (this.failing) this.log.info('systemd notifications go through again');
        this.failing = false;
      },
      (err: Error) => {
        // Said once per outage, not at every ping.
        if (!this.failing) {
          this.log.error({ err: err.message, watchdogSeconds: this.plan.watchdogMs === null ? null : this.plan.watchdogMs / 1000 }, 'systemd notification not sent: without pings systemd restarts the agent when its watchdog runs out');
        }
        this.failing = true;
      },
    );
    this.tail = sent;
    return sent;
  }
}
