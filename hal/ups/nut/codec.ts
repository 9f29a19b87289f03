import type { UpsAlarm, UpsReading } from '../types.js';

/**
 * NUT network protocol, the pure part: splitting an answer line into words (double quotes
 * group, backslash escapes), reading a LIST VAR answer, and mapping NUT's standard variables to
 * the agent's UPS reading. No sockets here, so it is tested on captured sessions.
 */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === '\\' && i + 1 < line.length) {
      cur += line[++i] ?? '';
      inWord = true;
    } else if (c === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (c === ' ' && !quoted) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** `ERR DATA-STALE` → `DATA-STALE`; undefined for any other line. */
export function errorCode(line: string): string | undefined {
  const w = splitWords(line);
  return w[0] === 'ERR' ? (w[1] ?? 'UNKNOWN') : undefined;
}

/** The variables of a `LIST VAR <ups>` answer (the lines between BEGIN and END). */
export function parseListVar(lines: readonly string[], ups: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of lines) {
    const w = splitWords(line);
    if (w[0] === 'VAR' && w[1] === ups && w[2] !== undefined) vars.set(w[2], w[3] ?? '');
  }
  return vars;
}

function num(v: string | undefined): number | null {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** ups.status tokens that are alarms, beside the line status. */
const ALARM_TOKENS: Record<string, UpsAlarm> = { RB: 'replace_battery', OVER: 'overload', BYPASS: 'bypass', OFF: 'output_off' };

/**
 * NUT variables → reading. `ups.status` tokens: OL (on line), OB (on battery), LB (low
 * battery), FSD (forced shutdown); RB, OVER, BYPASS and OFF are alarms; others (CHRG, DISCHRG,
 * TRIM, BOOST, CAL, ...) are kept as facts only. A status without OL or OB (WAIT while the driver
 * starts, OFF, TRIM alone) is unknown, with the raw status as the reason, never online; the
 * numbers the UPS gives are still read.
 */
export function toReading(vars: Map<string, string>): UpsReading & { statusTokens: string[] } {
  const tokens = (vars.get('ups.status') ?? '').split(/\s+/).filter(Boolean);
  const ol = tokens.includes('OL');
  const ob = tokens.includes('OB');
  const lb = tokens.includes('LB') || tokens.includes('FSD');
  const status = lb ? 'low_battery' : ob ? 'on_battery' : ol ? 'online' : 'unknown';
  const mfr = vars.get('device.mfr') ?? vars.get('ups.mfr');
  const model = vars.get('device.model') ?? vars.get('ups.model');
  return {
    status,
    onBattery: ob ? true : ol ? false : null,
    chargePercent: num(vars.get('battery.charge')),
    runtimeSeconds: num(vars.get('battery.runtime')),
    inputVoltage: num(vars.get('input.voltage')),
    loadPercent: num(vars.get('ups.load')),
    model: [mfr, model].filter(Boolean).join(' ') || null,
    // FSD: upsmon on the UPS's server has started the shutdown; a status without OL/OB says nothing.
    shutdownImminent: tokens.includes('FSD') ? true : ol || ob ? false : null,
    statusReason: ol || ob || lb ? null : `the UPS says neither on line (OL) nor on battery (OB): ups.status "${tokens.join(' ')}"`,
    alarms: [...new Set(tokens.flatMap((t) => (ALARM_TOKENS[t] ? [ALARM_TOKENS[t]] : [])))],
    battery: { date: vars.get('battery.date') ?? vars.get('battery.mfr.date') ?? null, testResult: vars.get('ups.test.result') ?? null },
    statusTokens: tokens,
  };
}
