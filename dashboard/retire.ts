/**
 * A station gone for good (its PC replaced, its office closed): `station-agent dashboard retire
 * STATION --reason R`, or the API behind the token. Its row, its alerts (cleared, so Alertmanager
 * resolves them) and its metrics go; its retained topics (status, health, diagnostics) are
 * cleared at the broker, so no dashboard subscribing later sees a ghost; its books and history
 * stay, but its figures leave every sum (the office's, the province's, the nation's). What it
 * sends afterwards is counted and not applied.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Text } from '../core/i18n.js';
import { findUnseen, typed, unseenWords } from '../core/typed-text.js';
import type { Accounts } from './accounts.js';
import { older } from './active-alerts.js';
import type { Fleet } from './fleet.js';
import { HttpError } from '../platform/http.js';
import type { DashboardStore, StoredEvent } from './store.js';

const STATION = /^[A-Za-z0-9._-]{1,64}$/;
/** Topics the agent publishes retained (telemetry/topics.ts). */
const RETAINED = ['status', 'health', 'diagnostics'] as const;

export interface RetireDeps {
  store: DashboardStore;
  accounts: Accounts;
  fleet: Fleet;
  /** Stations whose messages the ingest no longer applies. */
  ignored: Set<string>;
  prefix: string;
  client: () => MqttClient | undefined;
  now: () => number;
  onAlert: (e: StoredEvent) => void;
  /** The rows changed: the API makes them again. */
  changed: () => void;
  log: Logger;
}

export interface Retired {
  station: string;
  at: string;
  reason: string;
  /** Alerts it had raised, now cleared. */
  cleared: string[];
  /** Retained topics emptied at the broker; empty when the broker was not connected (retire again later). */
  topics: string[];
  words: Text;
}

export class Retirement {
  constructor(private readonly d: RetireDeps) {}

  /** Stations retired before this start: not shown, not counted, their messages not applied. */
  async load(): Promise<void> {
    for (const r of await this.d.accounts.retired()) {
      this.d.ignored.add(r.station);
      this.d.fleet.entries.delete(r.station);
    }
  }

  async retire(station: string, reason: unknown): Promise<Retired> {
    if (!STATION.test(station)) throw new HttpError(400, { id: `stasiun: harus id berisi huruf, angka, ".", "_" atau "-", diberikan ${JSON.stringify(station).slice(0, 80)}`, en: `station: expected an id of letters, digits, ".", "_" or "-", given ${JSON.stringify(station).slice(0, 80)}` });
    if (typeof reason !== 'string' || reason.trim().length < 3 || reason.length > 200) {
      throw new HttpError(400, { id: 'alasan: harus teks 3 sampai 200 karakter, misalnya "PC diganti, stasiun baru 5371-04" (tanpa nama orang)', en: 'reason: expected text of 3 to 200 characters, e.g. "PC replaced, new station 5371-04" (no names of people)' });
    }
    // The same rule as the station's typed text: a control, invisible or direction character refused by name.
    const unseen = findUnseen(reason);
    if (unseen) throw new HttpError(400, unseenWords({ id: 'alasan', en: 'reason' }, unseen).message);
    const entry = this.d.fleet.entries.get(station);
    const known = entry !== undefined || (await this.d.store.events(1, station)).length > 0;
    if (!known) throw new HttpError(404, { id: `stasiun ${station} belum pernah melapor ke dasbor ini`, en: `no station ${station} has reported to this dashboard` });
    const at = new Date(this.d.now()).toISOString();
    const text = typed(reason);
    await this.d.accounts.retire(station, at, text);
    await this.d.store.forgetStation(station);
    this.d.ignored.add(station);
    this.d.fleet.entries.delete(station);
    const cleared = await this.clearAlerts(station, at, text);
    const topics = entry ? await this.clearRetained(`${this.d.prefix}/${entry.province}/${entry.regency}/${station}`) : [];
    this.d.changed();
    this.d.log.warn({ station, cleared, topics }, 'station retired');
    const left = topics.length === 0 && entry ? { id: ' Broker tidak tersambung: jalankan lagi nanti untuk mengosongkan topik yang disimpan.', en: ' The broker is not connected: run it again later to empty the retained topics.' } : { id: '', en: '' };
    return {
      station, at, reason: text, cleared, topics,
      words: { id: `Stasiun ${station} dipensiunkan: barisnya, ${cleared.length} peringatannya dan metriknya dihapus; riwayatnya disimpan.${left.id}`, en: `Station ${station} retired: its row, ${cleared.length} alerts and metrics are gone; its history is kept.${left.en}` },
    };
  }

  /** Each alert the station left raised is cleared in the feed (and so resolved at Alertmanager). */
  private async clearAlerts(station: string, at: string, reason: string): Promise<string[]> {
    const latest = await this.d.store.latestAlertEvents(station);
    const raised = latest.filter((e) => e.state === 'raised' && !latest.some((c) => c.code === e.code && c.state === 'cleared' && older(e, c)));
    const out: string[] = [];
    // Events are one per (station, installation, seq): the dashboard's own, in the raise's installation, get seqs no station's count reaches.
    const base = this.d.now() * 1000;
    for (const [i, r] of raised.entries()) {
      const e = await this.d.store.addEvent({ station, province: r.province, regency: r.regency, ts: at, seq: base + i, code: r.code, state: 'cleared', severity: r.severity, message: `station retired: ${reason}`, installId: r.installId, install: r.install });
      if (!e) continue;
      this.d.onAlert(e);
      out.push(r.code);
    }
    return out.sort();
  }

  private async clearRetained(base: string): Promise<string[]> {
    const client = this.d.client();
    if (!client) return [];
    const topics = RETAINED.map((k) => `${base}/${k}`);
    await Promise.all(topics.map((t) => client.publishAsync(t, '', { qos: 1, retain: true })));
    return topics;
  }
}
