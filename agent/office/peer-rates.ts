/**
 * What the office's other printers print a day, as the dashboard sees them: each station's
 * retained `status` names its office (station.office), its retained `health` its cards a day and
 * where they come from (rateSource). A new station borrows the mean of those counted by the
 * printers themselves (rateSource own) until it has a day of its own (station/rate-choice.ts).
 *
 * Least privilege: the station reads only the `status` and `health` of its own regency's stations
 * (an office never spans regencies), two read lines in the broker's ACL; it never writes there.
 * Every message is checked against the contract's schema before a figure is taken from it, a
 * station's health is read only once its status could name this office, and a figure older than
 * PEER_MAX_AGE_MS is not used. No broker, a broker that refuses the subscription, or an office of
 * one printer: nothing is heard, and the station falls back to forecast.expectedCardsPerDay.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { healthSchema, statusSchema } from '../../telemetry/payloads.js';
import type { MqttConnection } from '../../telemetry/connection.js';
import type { StationIdentity } from '../../telemetry/topics.js';
import { officeOf } from './config.js';

/** A printer's rate heard longer ago than this is not used (two days: a weekend's silence is not news). */
export const PEER_MAX_AGE_MS = 2 * 86_400_000;
/** Stations kept at most: a regency has tens; a flood of made-up ids cannot grow this without end. */
const MAX_PEERS = 1000;

interface Peer {
  /** The office its status names; undefined until its status is heard. */
  office?: string;
  /** Its cards a day by its own count; null when it has none (learning, borrowing, no printer). */
  perDay: number | null;
  /** When its health was made (ms since the epoch). */
  at: number | null;
}

export interface PeerRatesOptions {
  topicPrefix: string;
  station: Pick<StationIdentity, 'id' | 'province' | 'regency'>;
  /** This station's office id (officeOf). */
  office: string;
  log: Logger;
  maxAgeMs?: number;
}

export class OfficeRates {
  private readonly peers = new Map<string, Peer>();
  private readonly base: string;
  /** The subscription: the regency's stations' status and health. */
  readonly filters: string[];
  private refusalSaid = false;

  constructor(private readonly o: PeerRatesOptions) {
    this.base = `${o.topicPrefix}/${o.station.province}/${o.station.regency}/`;
    this.filters = [`${this.base}+/status`, `${this.base}+/health`];
  }

  /** Subscribe on every session (they are clean) and take what arrives; returns the way to stop. */
  attach(connection: Pick<MqttConnection, 'on' | 'off'>): () => void {
    const up = (client: MqttClient) => {
      try {
        client.subscribe(this.filters, { qos: 0 }, (err) => this.subscribed(err));
      } catch (err) {
        // The session ended while it started: the next one subscribes again.
        this.o.log.debug({ err: (err as Error).message }, 'office rates: not subscribed, the session ended');
      }
    };
    const message = (topic: string, payload: Buffer) => this.take(topic, payload);
    connection.on('up', up);
    connection.on('message', message);
    return () => {
      connection.off('up', up);
      connection.off('message', message);
    };
  }

  /** The broker's answer to the subscription: a refusal is said once, with the ACL lines to add. */
  subscribed(err: (Error & { code?: unknown }) | null | undefined): void {
    if (!err || this.refusalSaid) return;
    this.refusalSaid = true;
    this.o.log.warn(
      { err: err.message, code: err.code, filters: this.filters },
      `the broker refused to let this station read its office's other printers (ACL): until it has a day of its own use, its forecasts count with forecast.expectedCardsPerDay. To use the office's rates, give this station's broker user "topic read ${this.filters[0]}" and "topic read ${this.filters[1]}"`,
    );
  }

  /** One message of the subscription; any other topic is left alone. */
  take(topic: string, payload: Buffer): void {
    if (!topic.startsWith(this.base)) return;
    const [station, kind, ...rest] = topic.slice(this.base.length).split('/');
    if (!station || rest.length > 0 || (kind !== 'status' && kind !== 'health') || station === this.o.station.id) return;
    const peer = this.peers.get(station);
    if (payload.length === 0) {
      // A retained topic emptied: the station was retired, or its health withdrawn.
      if (kind === 'status') this.peers.delete(station);
      else if (peer) peer.perDay = null;
      return;
    }
    // Another office's printer: its health is not even read.
    if (kind === 'health' && peer?.office !== undefined && peer.office !== this.o.office) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    if (kind === 'status') {
      const s = statusSchema.safeParse(json);
      if (!s.success || s.data.station !== station) return;
      // An agent before station.office names none: its regency's Dukcapil, as officeOf says.
      this.keep(station, { office: (s.data.office ?? officeOf({ regency: this.o.station.regency })).id });
      return;
    }
    const h = healthSchema.safeParse(json);
    if (!h.success || h.data.station !== station) return;
    const { stock, printer } = h.data;
    const at = Date.parse(h.data.ts);
    // A backlog replayed after an outage arrives live, oldest first: a sample older than the one kept says nothing new.
    if (peer?.at != null && at < peer.at) return;
    // An agent before rateSource had only its own rate (or none).
    const own = stock.rateSource === 'own' || (stock.rateSource === undefined && stock.cardsPerDay !== null);
    this.keep(station, { perDay: own && printer.present !== false ? stock.cardsPerDay : null, at });
  }

  private keep(station: string, change: Partial<Peer>): void {
    const peer = this.peers.get(station);
    if (peer) Object.assign(peer, change);
    else if (this.peers.size < MAX_PEERS) this.peers.set(station, { perDay: null, at: null, ...change });
  }

  /**
   * The mean cards a day per printer of this office's other printers, each by its own count and
   * heard within PEER_MAX_AGE_MS of `now`; null when none is. A printer that printed nothing over
   * its window says nothing about what a printer of the office prints, so it is left out.
   */
  perPrinter(now: number): number | null {
    const maxAge = this.o.maxAgeMs ?? PEER_MAX_AGE_MS;
    const rates = [...this.peers.values()]
      .filter((p) => p.office === this.o.office && p.perDay !== null && p.perDay > 0 && p.at !== null && now - p.at <= maxAge)
      .map((p) => p.perDay ?? 0);
    return rates.length === 0 ? null : Math.round((rates.reduce((a, b) => a + b, 0) / rates.length) * 10) / 10;
  }
}
