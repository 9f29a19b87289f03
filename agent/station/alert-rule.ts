import type { Config } from '../config/schema.js';
import type { AlertCode, Severity } from '../../telemetry/codes.js';
import type { StationBody } from '../../telemetry/payloads.js';

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

/** A rule as written (power-rules.ts, supply-rules.ts, alerts.ts): its severity is added from the table, so the dashboard's cannot differ. */
export type RuleBody = Omit<AlertRule, 'severity'>;
