/**
 * A simulated station for the fleet simulator and the dashboard benchmark: it prints cards at
 * its own rate, uses ribbon, film and blanks, gets refills after a lead time, loses mains now
 * and then, and says so in the contract's payloads (health, event). Time is simulated: each
 * step advances the station's clock by `dtSeconds`. No personal data: records never appear.
 */
import type { EventPayload, HealthPayload } from '../telemetry/payloads.js';

/** Regency codes of Nusa Tenggara Timur (province 53), where Kota Kupang (5371) once stopped for lack of film with 4,000 blanks on the shelf. */
export const NTT_REGENCIES = ['5301', '5302', '5303', '5304', '5305', '5306', '5307', '5308', '5309', '5310', '5311', '5312', '5313', '5314', '5315', '5316', '5317', '5318', '5319', '5320', '5321', '5371'];
const MODELS = ['FARGO HDP5000 (simulated)', 'Datacard CD800 (simulated)'];
const RIBBON_PRINTS = 500;
const FILM_PRINTS = 1000;

/** Small seeded generator, so a fleet is the same fleet on every run with the same seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export interface StationIdentity {
  id: string;
  province: string;
  regency: string;
}

type Event = Omit<EventPayload, 'schema' | 'station' | 'ts' | 'seq'>;

export class SimStation {
  readonly identity: StationIdentity;
  readonly cardsPerDay: number;
  readonly model: string;
  private ribbon = RIBBON_PRINTS;
  private film = FILM_PRINTS;
  private hopper = 100;
  private blanksOnHand: number;
  private queued: number;
  private printedToday = 0;
  private onBattery = false;
  private charge = 100;
  private refill: { kind: 'ribbon' | 'film' | 'blanks'; atSeconds: number }[] = [];
  /** Rolls on the shelf (the supply ledger); a used-up roll is replaced from it at once. From the index, not the random stream, so other figures stay as they were. */
  private readonly shelf: { ribbon: number; film: number };
  private readonly alerts = new Set<string>();
  private clockSeconds = 0;
  private readonly started: string;

  constructor(
    index: number,
    private readonly random: () => number,
    province = '53',
    /** Where the station is, when not one of NTT's regencies in turn (the national benchmark's country). */
    identity?: StationIdentity,
  ) {
    const regency = NTT_REGENCIES[index % NTT_REGENCIES.length] ?? '5371';
    this.identity = identity ?? { id: `${regency}-${String(Math.floor(index / NTT_REGENCIES.length) + 1).padStart(2, '0')}`, province, regency };
    // Demand differs a lot between offices: a few print tens a day, cities hundreds.
    this.cardsPerDay = Math.round(10 + random() ** 2 * 190);
    this.model = MODELS[Math.floor(random() * MODELS.length)] ?? MODELS[0]!;
    this.ribbon = Math.round(RIBBON_PRINTS * (0.05 + random() * 0.95));
    this.film = Math.round(FILM_PRINTS * (0.05 + random() * 0.95));
    this.blanksOnHand = Math.round(random() * 4000);
    this.queued = Math.round(random() * this.cardsPerDay * 6);
    this.started = new Date().toISOString();
    this.shelf = { ribbon: index % 3, film: (index * 7) % 4 };
  }

  /**
   * Advance the station by dtSeconds of simulated time (consumption, refills) and realSeconds of
   * real time (power cuts last real minutes, so they can be watched); returns the alerts raised
   * or cleared.
   */
  step(dtSeconds: number, realSeconds = dtSeconds): Event[] {
    const before = this.clockSeconds;
    this.clockSeconds += dtSeconds;
    if (Math.floor(before / 86_400) !== Math.floor(this.clockSeconds / 86_400)) this.printedToday = 0;
    // Mains fails about once a real hour per station, for a few minutes; a full battery lasts 20.
    if (!this.onBattery && this.random() < realSeconds / 3600) this.onBattery = true;
    else if (this.onBattery && (this.charge <= 8 || this.random() < realSeconds / 300)) this.onBattery = false;
    this.charge = this.onBattery ? Math.max(0, this.charge - realSeconds / 12) : Math.min(100, this.charge + realSeconds / 30);
    const canPrint = this.ribbon > 0 && this.film > 0 && this.hopper > 0 && !(this.onBattery && this.charge < 30);
    if (canPrint) {
      const cards = Math.min(this.queued, this.ribbon, this.film, this.hopper, this.poisson((this.cardsPerDay * dtSeconds) / 86_400));
      this.ribbon -= cards;
      this.film -= cards;
      this.hopper -= cards;
      this.queued -= cards;
      this.printedToday += cards;
    }
    this.queued += this.poisson((this.cardsPerDay * 1.05 * dtSeconds) / 86_400);
    if (this.hopper < 20 && this.blanksOnHand > 0) {
      const load = Math.min(100 - this.hopper, this.blanksOnHand);
      this.hopper += load;
      this.blanksOnHand -= load;
    }
    for (const kind of ['ribbon', 'film'] as const) {
      if (this[kind] === 0 && this.shelf[kind] > 0) {
        this.shelf[kind] -= 1;
        this[kind] = kind === 'ribbon' ? RIBBON_PRINTS : FILM_PRINTS;
      }
    }
    for (const kind of ['ribbon', 'film', 'blanks'] as const) {
      const empty = kind === 'blanks' ? this.blanksOnHand === 0 && this.hopper === 0 : this[kind] === 0;
      if (empty && !this.refill.some((r) => r.kind === kind)) this.refill.push({ kind, atSeconds: this.clockSeconds + (kind === 'blanks' ? 14 : 3 + this.random() * 10) * 86_400 });
    }
    for (const r of this.refill.filter((x) => x.atSeconds <= this.clockSeconds)) {
      // A delivery: one roll in the printer, two on the shelf.
      if (r.kind === 'ribbon' || r.kind === 'film') {
        this[r.kind] = r.kind === 'ribbon' ? RIBBON_PRINTS : FILM_PRINTS;
        this.shelf[r.kind] += 2;
      }
      if (r.kind === 'blanks') this.blanksOnHand += 2000;
    }
    this.refill = this.refill.filter((x) => x.atSeconds > this.clockSeconds);
    return this.updateAlerts();
  }

  /** Knuth's method for small means, a normal approximation for large ones. */
  private poisson(mean: number): number {
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * (this.random() + this.random() + this.random() - 1.5) * 2));
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.random(); p > limit; p *= this.random()) k++;
    return k;
  }

  private levelStatus(left: number, capacity: number): 'ok' | 'low' | 'empty' {
    return left <= 0 ? 'empty' : left / capacity <= 0.1 ? 'low' : 'ok';
  }

  private updateAlerts(): Event[] {
    const want = new Map<string, { severity: Event['severity']; message: string }>();
    if (this.onBattery) want.set('ups.on_battery', { severity: 'warning', message: `mains power lost, running on battery (charge ${Math.round(this.charge)} %)` });
    if (this.onBattery && this.charge <= 20) want.set('ups.low_battery', { severity: 'critical', message: 'UPS battery low' });
    const levels = { ribbon: [this.ribbon, RIBBON_PRINTS], film: [this.film, FILM_PRINTS], blanks: [this.blanksOnHand + this.hopper, 4000] } as const;
    for (const [kind, [left, cap]] of Object.entries(levels)) {
      const s = this.levelStatus(left, cap);
      if (s === 'empty') want.set(`supply.${kind}.empty`, { severity: 'critical', message: `${kind} is empty: printing has stopped` });
      if (s === 'low') want.set(`supply.${kind}.low`, { severity: 'warning', message: `${kind} is low (${left} cards left)` });
    }
    const out: Event[] = [];
    for (const [code, v] of want) if (!this.alerts.has(code)) out.push({ code, state: 'raised', ...v });
    for (const code of this.alerts) if (!want.has(code)) out.push({ code, state: 'cleared', severity: 'info', message: `${code} cleared` });
    this.alerts.clear();
    for (const code of want.keys()) this.alerts.add(code);
    return out;
  }

  health(ts: string, seq: number, connected = true): HealthPayload {
    const days = (left: number) => (this.cardsPerDay > 0 ? Math.round((left / this.cardsPerDay) * 10) / 10 : null);
    const supply = (kind: 'ribbon' | 'film' | 'blanks', name: string, left: number, capacity: number) => ({
      kind,
      name,
      levelPercent: Math.round((left / capacity) * 1000) / 10,
      remaining: left,
      capacity,
      status: this.levelStatus(left, capacity),
      daysLeft: days(left),
      daysLeftReason: null,
    });
    return {
      schema: 'station.health/1',
      station: this.identity.id,
      province: this.identity.province,
      regency: this.identity.regency,
      ts,
      seq,
      agent: { version: 'fleet-sim', startedAt: this.started, uptimeSeconds: Math.round(this.clockSeconds) },
      printer: {
        driver: 'fleet-sim',
        state: this.ribbon === 0 || this.film === 0 || this.hopper === 0 ? 'stopped' : this.queued > 0 ? 'printing' : 'idle',
        reasons: this.film === 0 ? ['marker-supply-empty'] : [],
        supplies: [supply('ribbon', 'YMCKO ribbon', this.ribbon, RIBBON_PRINTS), supply('film', 'Retransfer film', this.film, FILM_PRINTS), supply('blanks', 'Card hopper', this.hopper, 100)],
        model: this.model,
        error: null,
      },
      ups: {
        driver: 'fleet-sim',
        status: this.onBattery ? (this.charge <= 20 ? 'low_battery' : 'on_battery') : 'online',
        onBattery: this.onBattery,
        chargePercent: Math.round(this.charge),
        runtimeSeconds: Math.round(this.charge * 18),
        inputVoltage: this.onBattery ? 0 : 220,
        loadPercent: 35,
        model: 'Simulated UPS',
        error: null,
        shutdownImminent: false,
        powerState: this.onBattery ? (this.charge <= 20 ? 'low_battery' : 'on_battery') : 'online',
      },
      host: { cpuPercent: 12, memUsedPercent: 40, diskFreeBytes: 50e9, uptimeSeconds: Math.round(this.clockSeconds) },
      stock: { blanksOnHand: this.blanksOnHand + this.hopper, daysLeft: days(this.blanksOnHand + this.hopper), daysLeftReason: null, cardsPerDay: this.cardsPerDay, ribbonRolls: this.shelf.ribbon, filmRolls: this.shelf.film },
      jobs: { queued: this.queued, fetching: 0, ready: 0, printing: 0, printedToday: this.printedToday, failedToday: 0, needsVerification: 0, held: null, utilisation: null },
      telemetry: { connected, backlog: 0, backlogBytes: 0, oldestBacklogSeconds: null, dropped: 0, droppedEvents: 0, refused: 0, lastError: null },
      store: { durable: true, error: null },
      alerts: [...this.alerts].sort(),
    };
  }
}
