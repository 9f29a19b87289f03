/**
 * The station's alerts: every rule (the power's in power-rules.ts, the consumables' in
 * supply-rules.ts, the printer's, the queue's and the disk's here) and the book of those raised.
 */
import { cutText, TEXT_MAX } from '../../hal/bounds.js';
import { SEVERITIES, type AlertCode, type Severity } from '../../telemetry/codes.js';
import { EVENT_CODES } from '../../telemetry/event-codes.js';
import type { StationBody } from '../../telemetry/payloads.js';
import type { ActiveAlert } from '../store/store.js';
import type { AlertLimits, AlertRule, RuleBody } from './alert-rule.js';
import { POWER_RULES } from './power-rules.js';
import { imbalanceRule, restockRule, supplyRules } from './supply-rules.js';

export type { AlertLimits, AlertRule, Verdict } from './alert-rule.js';

/** A rule as written: its severity comes from the table, so the dashboard's cannot differ. */
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

const RULES: readonly RuleBody[] = [
  ...POWER_RULES,
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
  restockRule,
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
      // The engine keeps `held` until its reason is gone (an emptied queue does not clear it). A
      // resting printer is the office's own pacing (printer.rest), ending by itself: no alert.
      const held = h.jobs.held !== null && h.jobs.heldCode !== 'printer_resting';
      return {
        active: held,
        message: held
          ? `printing is held: ${h.jobs.held}`
          : h.jobs.heldCode === 'printer_resting'
            ? 'the reason printing was held is gone: the printer rests (printer.rest), then cards start by themselves'
            : 'the reason printing was held is gone: cards may start',
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
      // A message may quote a driver's words (its error, its reasons): within what an event carries.
      const message = cutText(v.message, TEXT_MAX);
      const known = this.keys.get(rule.code);
      const renewed =
        was !== undefined &&
        v.active &&
        ((rule.renewOn === 'message' && message !== was.message) || (rule.renewOn === 'key' && known !== undefined && v.key !== undefined && v.key !== known));
      if (was !== undefined && v.active && rule.renewOn === 'key' && known === undefined && v.key !== undefined) this.keys.set(rule.code, v.key);
      if (v.active === (was !== undefined) && !graver && !renewed) continue;
      out.push({ code: rule.code, state: v.active ? 'raised' : 'cleared', severity, message, ...(v.key !== undefined ? { key: v.key } : {}) });
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
