import type { UpsReading } from '../types.js';

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

/**
 * NUT variables → reading. `ups.status` tokens: OL (on line), OB (on battery), LB (low
 * battery), with others (CHRG, DISCHRG, RB, FSD, ...) kept as facts only. A status without OL
 * or OB (WAIT while the driver starts, or nothing) is unknown, never online.
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
    statusTokens: tokens,
  };
}
