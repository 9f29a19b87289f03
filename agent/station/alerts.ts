import type { Config } from '../config/schema.js';
import { SEVERITIES, UPS_ALARM_CODES, type AlertCode, type Severity } from '../../telemetry/codes.js';
import { EVENT_CODES } from '../../telemetry/event-codes.js';
import type { StationBody, SupplyPayload } from '../../telemetry/payloads.js';
import type { ActiveAlert } from '../store/store.js';

export type AlertLimits = Config['alerts'] & {
  /**
   * At a printing PC of an office with a store book (office.keptAtStore): the stack here is not
   * the office's stock, so its days against the lead time raise office.restock within these hours,
   * not supply.blanks.low. Null (or absent) elsewhere.
   */
  restockHours?: number | null;
};

/**
 * A rule's verdict: raised or not (with the text to send, and a severity where it is not the
 * rule's usual one), or `unknown` to keep what it was.
 */
export type Verdict = { active: boolean; message: string; severity?: Severity; key?: string } | 'unknown';

export interface AlertRule {
  code: AlertCode;
  /** The code's usual severity, from the shared table (telemetry/event-codes.ts), never written here. */
  severity: Severity;
  /**
   * Raised again while raised: 'message' when its text changes (which records it names), 'key'
   * when its verdict's key changes (why printing is held, not the seconds in its detail).
   */
  renewOn?: 'message' | 'key';
  evaluate(h: StationBody, wasActive: boolean, limits: AlertLimits): Verdict;
}

/** A rule as written below: its severity comes from the table, so the dashboard's cannot differ. */
type RuleBody = Omit<AlertRule, 'severity'>;

const usual = (r: RuleBody): AlertRule => ({ ...r, severity: EVENT_CODES[r.code].severity });

export interface AlertTransition {
  code: AlertCode;
  state: 'raised' | 'cleared';
  severity: Severity;
  message: string;
  /** The verdict's key, for rules raised again when it changes. */
  key?: string;
}

const SUPPLY_REASON = /^(ribbon|film|media|marker-supply|toner|ink)-(low|empty)$/;

const days = (d: number) => (d < 1 ? 'less than a day' : `about ${Math.round(d)} day${Math.round(d) === 1 ? '' : 's'}`);

/**
 * Days left that count for a consumable: the office's, where known (blanks on the shelf and in
 * the hopper; the ribbon or film roll in the printer and those on the shelf), else the roll's.
 */
function daysLeftOf(h: StationBody, kind: 'ribbon' | 'film' | 'blanks'): number | null {
  if (kind === 'blanks') return h.stock.daysLeft;
  const office = kind === 'ribbon' ? h.stock.ribbonDaysLeft : h.stock.filmDaysLeft;
  if (office !== undefined && office !== null) return office;
  if (h.printer.state === 'unknown') return null;
  return h.printer.supplies.find((s) => s.kind === kind)?.daysLeft ?? null;
}

/** Spare rolls on the shelf; null for blanks, or when no roll of the kind was ever recorded. */
function shelfOf(h: StationBody, kind: 'ribbon' | 'film' | 'blanks'): number | null {
  if (kind === 'blanks') return null;
  return (kind === 'ribbon' ? h.stock.ribbonRolls : h.stock.filmRolls) ?? null;
}

function supplyRules(kind: 'ribbon' | 'film' | 'blanks'): RuleBody[] {
  const find = (h: StationBody): SupplyPayload | undefined =>
    h.printer.state === 'unknown' ? undefined : h.printer.supplies.find((s) => s.kind === kind);
  const describe = (s: SupplyPayload) =>
    s.source === 'counted'
      ? `about ${s.remaining ?? '?'} cards left of ${s.capacity ?? '?'} by count`
      : s.remaining !== null
        ? `${s.remaining} left of ${s.capacity ?? '?'}`
        : s.levelPercent !== null
          ? `${s.levelPercent} %`
          : s.status;
  const shelfWords = (n: number | null) => (n === null ? '' : n === 0 ? ', no spare roll on the shelf' : `, ${n} spare roll${n === 1 ? '' : 's'} on the shelf`);
  return [
    {
      code: `supply.${kind}.low`,
      evaluate(h, wasActive, limits) {
        const s = find(h);
        const left = daysLeftOf(h, kind);
        const printerKnows = s !== undefined && !(s.status === 'unknown' && s.levelPercent === null);
        if (!printerKnows && left === null) return 'unknown';
        const saysLow = s !== undefined && (s.status === 'low' || s.status === 'empty');
        const level = s?.levelPercent ?? null;
        const lead = limits.leadDays[kind];
        // Raise at the printer's word, at the configured mark, or when it runs out within the
        // time a new one takes to arrive; clear only clearly above each.
        const band = wasActive ? 1 : 0;
        const levelLow = level !== null && level <= limits.supplyLowPercent + band * limits.hysteresisPercent;
        // A roll running low is no shortage while a spare waits on the shelf: the office is
        // short only when the shelf is empty too (or its days run out within the lead time).
        const shelf = shelfOf(h, kind);
        const rollLow = (saysLow || levelLow) && !(shelf !== null && shelf > 0);
        // One day of margin: use is counted in whole days and levels in whole percent. A printer's
        // stack, where the office keeps a store book, is fetched from the store: office.restock.
        const stackOnly = kind === 'blanks' && typeof limits.restockHours === 'number';
        const soon = !stackOnly && left !== null && left <= (lead + 1) * (1 + band * 0.1);
        const active = rollLow || soon;
        const name = !s ? kind : s.source === 'counted' ? `the ${kind} roll` : `${s.name} (${kind})`;
        const what = s ? describe(s) : 'level unknown';
        const where = kind === 'blanks' ? ' in the office stock' : shelf !== null && shelf > 0 ? ' with the shelf' : '';
        const when = left === null ? '' : `; ${days(left)} left${where} at ${h.stock.cardsPerDay ?? '?'} cards a day`;
        const order = soon ? `, order now: a new one takes ${lead} days` : '';
        return { active, message: `${name} is ${active ? 'low' : 'no longer low'}: ${what}${shelfWords(shelf)}${when}${active ? order : ''}` };
      },
    },
    {
      code: `supply.${kind}.empty`,
      evaluate(h) {
        const s = find(h);
        if (!s || s.status === 'unknown') return 'unknown';
        // Only the printer says empty: a count reaching zero is an estimate (low, by count).
        const active = s.status === 'empty' || (s.source !== 'counted' && s.remaining === 0);
        return { active, message: active ? `${s.name} (${kind}) is empty: the station cannot print` : `${s.name} (${kind}) refilled: ${describe(s)}` };
      },
    },
  ];
}

/**
 * One supply running out long before the others: the film gone while thousands of blanks wait
 * on the shelf. Names both, so the order goes out for the right one.
 */
const imbalanceRule: RuleBody = {
  code: 'supply.imbalance',
  evaluate(h, wasActive, limits) {
    const known = (['ribbon', 'film', 'blanks'] as const)
      .map((kind) => ({ kind, left: daysLeftOf(h, kind) }))
      .filter((x): x is { kind: 'ribbon' | 'film' | 'blanks'; left: number } => x.left !== null)
      .sort((a, b) => a.left - b.left);
    const first = known[0];
    const last = known[known.length - 1];
    if (!first || !last || first === last) return 'unknown';
    const within = limits.imbalanceWithinDays * (wasActive ? 1.1 : 1);
    const ratio = limits.imbalanceRatio * (wasActive ? 0.9 : 1);
    const active = first.left <= within && last.left >= first.left * ratio && last.left - first.left >= 1;
    const label = (k: string) => (k === 'blanks' ? 'the blank cards' : k === 'film' ? 'the retransfer film' : 'the ribbon');
    return {
      active,
      message: active
        ? `${label(first.kind)} runs out in ${days(first.left)}, long before ${label(last.kind)} (${days(last.left)}): order ${first.kind} now, or ${label(last.kind)} will wait unused`
        : 'supplies run out at a similar pace again',
    };
  },
};

/** What each alarm the UPS reports means for the station, and what to do. */
const UPS_ALARM_WORDS: Record<(typeof UPS_ALARM_CODES)[number], { raised: (h: StationBody) => string; cleared: string }> = {
  'ups.replace_battery': {
    raised: (h) => `the UPS says its battery needs replacing${h.ups.battery?.date ? ` (battery dated ${h.ups.battery.date})` : ''}: in a power cut it may last seconds, not minutes; replace the battery before the next cut`,
    cleared: 'the UPS no longer asks for a new battery',
  },
  'ups.overload': {
    raised: (h) => `the UPS is overloaded${h.ups.loadPercent === null ? '' : ` (load ${h.ups.loadPercent} %)`}: unplug what is not the station (a heater, a second printer), or it may cut the output`,
    cleared: 'the UPS is no longer overloaded',
  },
  'ups.bypass': {
    raised: () => 'the UPS passes mains straight through (bypass): no battery protection now; a power cut would stop the station at once',
    cleared: 'the UPS protects the station again (bypass ended)',
  },
  'ups.output_off': {
    raised: () => 'the UPS output is off: the station runs from somewhere else, with no battery behind it; check how it is plugged in and switch the UPS output on',
    cleared: 'the UPS output is on again',
  },
};

function upsAlarmRules(): RuleBody[] {
  return UPS_ALARM_CODES.map((code) => ({
    code,
    evaluate(h) {
      // Unreadable (null), or an agent that predates alarms: keep what it was.
      if (!Array.isArray(h.ups.alarms)) return 'unknown';
      const active = h.ups.alarms.includes(code);
      return { active, message: active ? UPS_ALARM_WORDS[code].raised(h) : UPS_ALARM_WORDS[code].cleared };
    },
  }));
}

const RULES: readonly RuleBody[] = [
  // The three power alerts read the power state machine's verdict (agent/station/power.ts), which the
  // print gate reads too: one judgement of the power, never two that could disagree.
  {
    code: 'ups.comm_lost',
    evaluate(h) {
      if (h.ups.powerState === 'none') return { active: false, message: 'no UPS configured' };
      // Silent after it was last seen on battery, past ups.deadSeconds: the power may drop any moment.
      if (h.ups.powerState === 'comm_lost_on_battery') {
        return { active: true, severity: 'critical', message: `the UPS stopped answering while on battery (${h.ups.error ?? 'no reason given'}): taken as on battery with the runtime unknown, new cards wait` };
      }
      const active = h.ups.powerState === 'comm_lost';
      return { active, message: active ? `UPS cannot be read: ${h.ups.error ?? 'no reason given'}` : 'UPS readings are back' };
    },
  },
  {
    code: 'ups.on_battery',
    evaluate(h) {
      const s = h.ups.powerState;
      if (s === 'comm_lost' || s === 'comm_lost_on_battery' || s === 'unknown' || s === 'none') return 'unknown';
      const onBattery = h.ups.onBattery ?? (h.ups.status === 'on_battery' ? true : h.ups.status === 'online' ? false : null);
      if (onBattery === null) return 'unknown';
      const active = onBattery;
      const charge = h.ups.chargePercent === null ? 'charge unknown' : `charge ${h.ups.chargePercent} %`;
      return { active, message: active ? `mains power lost, running on battery (${charge})` : 'mains power is back' };
    },
  },
  {
    code: 'ups.low_battery',
    evaluate(h) {
      const state = h.ups.powerState;
      // Unreadable, or no line status: keep what it was; an outage may still be going on.
      if (state === 'comm_lost' || state === 'comm_lost_on_battery' || state === 'unknown' || state === 'none') return 'unknown';
      const active = state === 'low_battery' || state === 'shutdown_imminent';
      const runtime = h.ups.runtimeSeconds === null ? 'runtime unknown' : `about ${Math.round(h.ups.runtimeSeconds / 60)} min left`;
      const what = state === 'shutdown_imminent' ? `UPS about to cut the power (shutdown imminent, ${runtime})` : `UPS battery low (${runtime})`;
      return { active, message: active ? what : 'UPS battery no longer low' };
    },
  },
  ...upsAlarmRules(),
  {
    code: 'printer.offline',
    evaluate(h) {
      if (h.printer.present === false) return { active: false, message: 'no printer at this PC' };
      const unreachable = h.printer.state === 'unknown';
      const active = unreachable || h.printer.state === 'offline';
      const why = unreachable ? `cannot be read: ${h.printer.error ?? 'no reason given'}` : 'reports itself offline';
      return { active, message: active ? `printer ${why}` : 'printer is back online' };
    },
  },
  {
    code: 'printer.error',
    evaluate(h) {
      if (h.printer.present === false) return { active: false, message: 'no printer at this PC' };
      if (h.printer.state === 'unknown' || h.printer.state === 'offline') return 'unknown';
      const faults = h.printer.reasons.filter((r) => !SUPPLY_REASON.test(r) && r !== 'none');
      const active = h.printer.state === 'stopped' && (faults.length > 0 || h.printer.reasons.length === 0);
      return { active, message: active ? `printer stopped: ${faults.join(', ') || 'no reason given'}` : 'printer fault cleared' };
    },
  },
  ...supplyRules('ribbon'),
  ...supplyRules('film'),
  ...supplyRules('blanks'),
  imbalanceRule,
  {
    code: 'office.restock',
    evaluate(h, wasActive, limits) {
      const hours = limits.restockHours;
      if (typeof hours !== 'number') return { active: false, message: 'the office keeps no store book: the stock here is the office\'s' };
      const left = h.stock.daysLeft;
      if (left === null) return 'unknown';
      const active = left * 24 <= hours * (wasActive ? 1.25 : 1);
      const rate = h.stock.cardsPerDay ?? '?';
      return {
        active,
        message: active
          ? `fetch blanks from the office's store: the stack here (${h.stock.blanksOnHand ?? '?'} cards) lasts about ${Math.max(0, Math.round(left * 24))} hours at ${rate} cards a day`
          : 'the stack here lasts the day',
      };
    },
  },
  {
    code: 'jobs.needs_verification',
    renewOn: 'message',
    evaluate(h) {
      const n = h.jobs.needsVerification;
      if (n === null) return 'unknown';
      const ids = h.jobs.needsVerificationIds ?? [];
      const named = ids.length > 0 ? `: ${ids.join(', ')}${n > ids.length ? ` and ${n - ids.length} more` : ''}` : '';
      return {
        active: n > 0,
        message:
          n > 0
            ? `${n} card${n === 1 ? '' : 's'} may or may not have printed${named}. Check the printer output, then station-agent jobs verify ID --printed|--not-printed|--spoiled`
            : 'no card waits for verification',
      };
    },
  },
  {
    code: 'jobs.held',
    renewOn: 'key',
    evaluate(h) {
      // The engine keeps `held` until its reason is gone (an emptied queue does not clear it).
      return {
        active: h.jobs.held !== null,
        message: h.jobs.held !== null ? `printing is held: ${h.jobs.held}` : 'the reason printing was held is gone: cards may start',
        key: h.jobs.heldCode ?? undefined,
      };
    },
  },
  {
    code: 'host.disk_low',
    evaluate(h, wasActive, limits) {
      const free = h.host.diskFreeBytes;
      if (free === null) return 'unknown';
      const mb = free / 1_048_576;
      const active = wasActive ? mb <= limits.diskLowMb * 1.1 : mb < limits.diskLowMb;
      return { active, message: `${Math.round(mb)} MB free for the agent's data (alert under ${limits.diskLowMb} MB)` };
    },
  },
];

export const ALERT_RULES: readonly AlertRule[] = RULES.map(usual);

/**
 * The alerts raised now, and the transitions each evaluation makes. Starts from the alerts
 * the store says were raised, so a restart neither repeats a raise nor misses a clear.
 */
export class AlertBook {
  private readonly active = new Map<string, ActiveAlert>();
  /** Keys of raised alerts whose rule renews on a key (in memory: after a restart the first key is taken as it comes). */
  private readonly keys = new Map<string, string>();

  constructor(
    private readonly rules: readonly AlertRule[],
    private readonly limits: AlertLimits,
    initial: readonly ActiveAlert[] = [],
  ) {
    for (const a of initial) this.active.set(a.code, a);
  }

  /**
   * The transitions this snapshot calls for. Nothing changes until `commit`: a transition is
   * committed only once its event is stored, so a failed write is proposed again next poll.
   */
  evaluate(h: StationBody): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const rule of this.rules) {
      const was = this.active.get(rule.code);
      const v = rule.evaluate(h, was !== undefined, this.limits);
      if (v === 'unknown') continue;
      const severity = v.severity ?? rule.severity;
      // Raised again when it grows graver while raised (comm lost, then silent on battery past the dead time).
      const graver = was !== undefined && v.active && SEVERITIES.indexOf(severity) > SEVERITIES.indexOf(was.severity as Severity);
      const known = this.keys.get(rule.code);
      const renewed =
        was !== undefined &&
        v.active &&
        ((rule.renewOn === 'message' && v.message !== was.message) || (rule.renewOn === 'key' && known !== undefined && v.key !== undefined && v.key !== known));
      if (was !== undefined && v.active && rule.renewOn === 'key' && known === undefined && v.key !== undefined) this.keys.set(rule.code, v.key);
      if (v.active === (was !== undefined) && !graver && !renewed) continue;
      out.push({ code: rule.code, state: v.active ? 'raised' : 'cleared', severity, message: v.message, ...(v.key !== undefined ? { key: v.key } : {}) });
    }
    return out;
  }

  commit(t: AlertTransition, at: Date): void {
    if (t.state === 'raised') this.active.set(t.code, { code: t.code, severity: t.severity, message: t.message, raisedAt: at.toISOString() });
    else this.active.delete(t.code);
    if (t.state === 'raised' && t.key !== undefined) this.keys.set(t.code, t.key);
    else this.keys.delete(t.code);
  }

  codes(): string[] {
    return [...this.active.keys()].sort();
  }
}
