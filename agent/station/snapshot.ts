import type { HostReading } from '../../hal/host/types.js';
import type { PrinterReading, SupplyReading } from '../../hal/printer/types.js';
import type { UpsReading } from '../../hal/ups/types.js';
import type { StationBody, SupplyPayload } from '../../telemetry/payloads.js';
import { unknownUps } from '../../telemetry/safe-forms.js';
import type { JobsSummary } from '../jobs/summary.js';
import { ROLL_KINDS, type RollKind, type SupplyCount } from '../ledger/supplies.js';
import type { PowerView, UpsBody } from './power.js';

/** One poll's outcome per driver: a reading, or why there is none. */
export type Polled<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Readings {
  /** `present`: false at a PC without a card printer (its driver's table line says so). */
  printer: { driver: string; present: boolean; polled: Polled<PrinterReading> };
  ups: { driver: string; polled: Polled<UpsReading> };
  host: Polled<HostReading>;
}

export interface SnapshotContext {
  station: { province: string; regency: string };
  /** The power state machine's verdict on this reading (agent/station/power.ts). */
  power: (ups: UpsBody) => PowerView;
  jobs?: JobsSummary;
  version: string;
  startedAt: Date;
  /** Monotonic time since the agent started: uptime never runs backwards when the wall clock steps. */
  uptimeMs: number;
  now: Date;
  /** A supply is low at or under this level (alerts.supplyLowPercent); a counted one is judged by it. */
  lowPercent: number;
}

/**
 * The health body from one poll. A driver that could not be read gives state/status
 * `unknown`, null numbers and its reason: never the previous reading passed off as fresh.
 */
export function buildHealth(r: Readings, ctx: SnapshotContext): StationBody {
  const p = r.printer.polled;
  const u = r.ups.polled;
  const h = r.host.ok ? r.host.value : undefined;
  const ups = upsBody(r.ups.driver, u);
  return {
    province: ctx.station.province,
    regency: ctx.station.regency,
    agent: {
      version: ctx.version,
      startedAt: ctx.startedAt.toISOString(),
      uptimeSeconds: Math.max(0, Math.round(ctx.uptimeMs / 1000)),
    },
    printer: p.ok
      ? {
          driver: r.printer.driver,
          state: p.value.state,
          reasons: p.value.reasons,
          supplies: withCounted(p.value.supplies, p.value.reasons, ctx.jobs?.counted ?? null, ctx.lowPercent),
          model: p.value.model,
          secondsPerCard: p.value.secondsPerCard ?? null,
          error: null,
          present: r.printer.present,
        }
      : { driver: r.printer.driver, state: 'unknown', reasons: [], supplies: withCounted([], [], ctx.jobs?.counted ?? null, ctx.lowPercent), model: null, secondsPerCard: null, error: p.error, present: r.printer.present },
    ups: withPower(ctx, ups),
    host: {
      cpuPercent: h?.cpuPercent ?? null,
      memUsedPercent: h?.memUsedPercent ?? null,
      diskFreeBytes: h?.diskFreeBytes ?? null,
      uptimeSeconds: h?.uptimeSeconds ?? null,
    },
    // Without a job engine (or before its first look) the counts are unknown, not zero.
    stock: {
      blanksOnHand: ctx.jobs?.blanksOnHand ?? null,
      daysLeft: null,
      daysLeftReason: 'no forecast kept',
      cardsPerDay: null,
      rateSource: null,
      ribbonRolls: ctx.jobs?.counted?.ribbon.onShelf ?? null,
      filmRolls: ctx.jobs?.counted?.film.onShelf ?? null,
      ribbonDaysLeft: null,
      filmDaysLeft: null,
    },
    jobs: ctx.jobs
      ? {
          queued: ctx.jobs.queued,
          fetching: ctx.jobs.fetching,
          ready: ctx.jobs.ready,
          printing: ctx.jobs.printing,
          printedToday: ctx.jobs.printedToday,
          goodToday: ctx.jobs.goodToday,
          spoiledToday: ctx.jobs.spoiledToday,
          failedToday: ctx.jobs.failedToday,
          needsVerification: ctx.jobs.needsVerification,
          needsVerificationIds: ctx.jobs.needsVerificationIds,
          held: ctx.jobs.held,
          heldCode: ctx.jobs.heldCode,
          gate: ctx.jobs.gateCode,
          utilisation: ctx.jobs.utilisation,
          resumesAt: ctx.jobs.resumesAt,
        }
      : { queued: null, fetching: null, ready: null, printing: null, printedToday: null, goodToday: null, spoiledToday: null, failedToday: null, needsVerification: null, needsVerificationIds: null, held: null, heldCode: null, gate: null, utilisation: null, resumesAt: null },
    alerts: [],
  };
}

const COUNTED_NAMES: Record<RollKind, string> = { ribbon: 'Ribbon (counted)', film: 'Retransfer film (counted)' };

/**
 * The printer's supplies, with ribbon and film counted by the agent where the printer gives no
 * level of its own (most card printers: the agent prints every card, so it counts). Where the
 * printer gives a level, the printer wins: it sees the roll, the count only estimates it. A
 * count is an estimate, so it says low at most; only the printer's own word (a *-empty reason)
 * says empty.
 */
export function withCounted(reported: readonly SupplyReading[], reasons: readonly string[], counted: Record<RollKind, SupplyCount> | null, lowPercent: number): SupplyPayload[] {
  const out: SupplyPayload[] = reported.map((s) => ({ ...s, daysLeft: null, daysLeftReason: 'no forecast kept', rateSource: null, source: 'printer' as const }));
  for (const kind of ROLL_KINDS) {
    const c = counted?.[kind];
    if (!c || c.yield === null || c.remaining === null) continue;
    const i = out.findIndex((s) => s.kind === kind);
    const printer = i >= 0 ? out[i] : undefined;
    if (printer && (printer.levelPercent !== null || printer.remaining !== null)) continue;
    const levelPercent = Math.round((c.remaining / c.yield) * 100);
    const printerSays = printer?.status;
    const status = printerSays === 'empty' || reasons.includes(`${kind}-empty`) ? 'empty' : printerSays === 'low' || levelPercent <= lowPercent ? 'low' : 'ok';
    const entry: SupplyPayload = { kind, name: COUNTED_NAMES[kind], levelPercent, remaining: c.remaining, capacity: c.yield, status, daysLeft: null, daysLeftReason: 'no forecast kept', rateSource: null, source: 'counted' };
    if (i >= 0) out[i] = entry;
    else out.push(entry);
  }
  return out;
}

/** The UPS part of health from one read: the contract's fields, null numbers and the reason when it could not be read. */
export function upsBody(driver: string, u: Polled<UpsReading>): UpsBody {
  // The contract's fields only: a driver's extras (NUT's status tokens, HID's charging flag) stay in the driver.
  return u.ok
    ? {
        driver,
        status: u.value.status,
        onBattery: u.value.onBattery,
        chargePercent: u.value.chargePercent,
        runtimeSeconds: u.value.runtimeSeconds,
        inputVoltage: u.value.inputVoltage,
        loadPercent: u.value.loadPercent,
        model: u.value.model,
        // Answered, but with no line status: the raw status it gave is the reason.
        error: u.value.statusReason ?? null,
        shutdownImminent: u.value.shutdownImminent ?? null,
        alarms: (u.value.alarms ?? []).map((a) => `ups.${a}` as const),
        battery: {
          date: u.value.battery?.date ?? null,
          testResult: u.value.battery?.testResult ?? null,
          runtimeAtLoad: u.value.runtimeSeconds !== null && u.value.loadPercent !== null ? { runtimeSeconds: u.value.runtimeSeconds, loadPercent: u.value.loadPercent } : null,
        },
      }
    : unknownUps(driver, u.error);
}

function withPower(ctx: SnapshotContext, ups: UpsBody): StationBody['ups'] {
  return { ...ups, powerState: ctx.power(ups).state };
}

/**
 * The discrete part of a snapshot; a change here is a state change that is published at once.
 * Levels and counters are left out so that every printed card does not force a message.
 */
export function stateKey(h: StationBody): string {
  return JSON.stringify([
    h.printer.state,
    h.printer.reasons,
    h.printer.supplies.map((s) => [s.kind, s.status]),
    h.printer.error !== null,
    h.ups.status,
    h.ups.powerState,
    h.ups.error !== null,
    h.alerts,
  ]);
}
