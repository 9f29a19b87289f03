/**
 * The printer check's verdict from one reading, wherever it came from: the running agent's last
 * health, or the driver diagnose opened itself when no agent runs. Ribbon and film are as health
 * shows them: the printer's level, else the agent's count.
 */
import type { PrinterState } from '../../hal/printer/types.js';
import type { SupplyPayload } from '../../telemetry/payloads.js';
import type { Config } from '../config/schema.js';
import { ROLL_KINDS, type RollKind } from '../ledger/supplies.js';
import { fail, pass, warn, type Facts, type Text, type Verdict } from './types.js';

/** What is judged: the printer's state and reasons, and its supplies with the counted ones merged in. */
export interface PrinterSeen {
  driver: string;
  state: PrinterState | 'unknown';
  reasons: readonly string[];
  supplies: readonly SupplyPayload[];
  uptimeSeconds: number | null;
}

/** What the printer's SNMP agent said, for the technician: whether it answers, and since when the printer runs. */
function snmpFact(reasons: readonly string[], uptime: number | null): string {
  if (reasons.includes('snmp-unreachable')) return 'no answer';
  if (reasons.includes('snmp-error')) return 'refused or unusable answer';
  const up = uptime === null ? '' : `, printer up ${uptime >= 86_400 ? `${Math.floor(uptime / 86_400)} d ` : ''}${Math.floor((uptime % 86_400) / 3600)} h ${Math.floor((uptime % 3600) / 60)} min`;
  return `answers${up}${reasons.includes('snmp-bad-value') ? ', some values left out (see the log)' : ''}`;
}

/** The monitor's own reasons (hal/printer/snmp/monitor.ts), and what a technician does about each. */
const SNMP_WORDS: { reason: string; words: (where: string) => Text }[] = [
  {
    reason: 'snmp-unreachable',
    words: (where) => ({
      en: `The printer's SNMP agent at ${where} does not answer: levels and faults come from the print path alone. Check printer.snmp.host, that SNMP is on in the printer's network settings, and the community file (a wrong community gets no answer at all).`,
      id: `Agen SNMP printer di ${where} tidak menjawab: sisa bahan dan gangguan hanya dari jalur cetak. Periksa printer.snmp.host, SNMP aktif di pengaturan jaringan printer, dan berkas community (community yang salah tidak dijawab sama sekali).`,
    }),
  },
  {
    reason: 'snmp-error',
    words: (where) => ({
      en: `The printer's SNMP agent at ${where} refuses the agent or answers unusably: check printer.snmp (the v3 user, protocols and passphrase files, or that the files can be read); the log says which.`,
      id: `Agen SNMP printer di ${where} menolak atau jawabannya tidak bisa dipakai: periksa printer.snmp (user v3, protokol dan berkas kata sandi, atau berkasnya bisa dibaca); log menyebut yang mana.`,
    }),
  },
];

export function printerVerdict(r: PrinterSeen, config: Pick<Config, 'printer' | 'forecast'>): Verdict {
  const facts: Facts = { driver: r.driver, state: r.state, reasons: r.reasons.join(', ') || null };
  const snmp = config.printer.snmp;
  if (snmp) facts.snmp = snmpFact(r.reasons, r.uptimeSeconds);
  for (const s of r.supplies) facts[s.kind] = `${s.status}${s.levelPercent === null ? '' : ` ${s.levelPercent} %`}${s.source === 'counted' ? ' (counted)' : ''}`;
  const empty = r.supplies.filter((s) => s.status === 'empty').map((s) => s.kind);
  const low = r.supplies.filter((s) => s.status === 'low').map((s) => s.kind);
  const unseen = ROLL_KINDS.filter((k) => !r.supplies.some((s) => s.kind === k && (s.levelPercent !== null || s.remaining !== null)));
  if (r.state === 'offline') return fail(facts, { en: 'The printer is offline: check its power, cable and that it is not paused.', id: 'Printer offline: periksa daya, kabel, dan pastikan tidak dijeda.' });
  if (empty.length > 0) return fail(facts, { en: `Empty: ${empty.join(', ')}. Replace it; printing resumes by itself.`, id: `Habis: ${empty.join(', ')}. Ganti; pencetakan berlanjut sendiri.` });
  if (r.state === 'stopped') return fail(facts, { en: `The printer is stopped (${facts.reasons ?? 'no reason given'}): clear the fault on the printer.`, id: `Printer berhenti (${facts.reasons ?? 'tanpa alasan'}): atasi gangguan di printer.` });
  const warnings: Text[] = [];
  const snmpProblem = SNMP_WORDS.find((w) => r.reasons.includes(w.reason));
  if (snmpProblem && snmp) warnings.push(snmpProblem.words(`${snmp.host}:${snmp.port}`));
  if (low.length > 0) warnings.push({ en: `Low: ${low.join(', ')}. Have a replacement ready.`, id: `Menipis: ${low.join(', ')}. Siapkan penggantinya.` });
  if (unseen.length > 0) {
    // The printer reports no level and no roll is recorded: nothing would warn before it runs out.
    const cmd = (k: RollKind) => `station-agent supply replace ${k} --yield ${config.forecast.cardsPerSupply[k]}`;
    warnings.push({
      en: `The printer reports no level for ${unseen.join(' or ')}, and no roll is recorded to count cards against: record the roll in the printer (${unseen.map(cmd).join('; ')}, with the yield on its box).`,
      id: `Printer tidak melaporkan sisa ${unseen.join(' dan ')}, dan belum ada gulungan yang dicatat untuk menghitung kartu: catat gulungan yang terpasang (${unseen.map(cmd).join('; ')}, dengan hasil cetak yang tertulis di kotaknya).`,
    });
  }
  if (warnings.length > 0) return warn(facts, { en: warnings.map((w) => w.en).join(' '), id: warnings.map((w) => w.id).join(' ') });
  return pass(facts);
}
