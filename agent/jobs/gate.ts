import { bySurface, type Said, type Text } from '../../core/i18n.js';
import { cutText, TEXT_MAX } from '../../hal/bounds.js';
import { printerReasonsWords } from '../../hal/printer/reason-words.js';
import type { HoldCode, StationBody } from '../../telemetry/payloads.js';
import type { JobsConfig } from '../config/schema.js';
import { clockIn, localTimeZone } from '../office/days.js';
import type { RestConfig } from './rest.js';

export interface GateContext {
  hasSource: boolean;
  durable: boolean;
  /** The printer is resting now (printer.rest, as configured); absent or null when it is not. */
  resting?: RestConfig | null;
}

export type { HoldCode };

export interface Hold {
  code: HoldCode;
  /** The detail, in English, as health `jobs.held` carries it. */
  detail: string;
}

/**
 * Why no new card may start now, or null when one may. A card in progress is always finished;
 * this only decides whether the next one starts. Unknown is treated as "no": a printer that
 * cannot be read, or a UPS on battery whose runtime is unknown, holds the queue.
 */
export function holdOf(h: StationBody | undefined, cfg: JobsConfig, ctx: GateContext): Hold | null {
  // A detail may quote a driver's words (the printer's error): within what health carries.
  const hold = (code: HoldCode, detail: string): Hold => ({ code, detail: cutText(detail, TEXT_MAX) });
  if (!ctx.hasSource) return hold('no_source', 'no record source is configured (records in the configuration)');
  if (!ctx.durable) return hold('store', 'the database cannot be used (store.error): printing waits, so that no record can be printed twice');
  if (!h) return hold('first_reading', 'waiting for the first reading of the printer and the UPS');
  const p = h.printer;
  if (p.state === 'unknown') return hold('printer_unreadable', `the printer cannot be read (${p.error ?? 'no reason given'})`);
  if (p.state === 'offline') return hold('printer_offline', 'the printer is offline');
  for (const kind of ['ribbon', 'film', 'blanks'] as const) {
    const s = p.supplies.find((x) => x.kind === kind);
    // A count reaching zero never holds the queue: it is an estimate; the printer's own word does.
    if (s && (s.status === 'empty' || (s.source !== 'counted' && s.remaining === 0))) return hold('supply_empty', `${kind} is empty: refill it and printing resumes by itself`);
  }
  if (p.state === 'stopped') return hold('printer_stopped', `the printer is stopped (${p.reasons.join(', ') || 'no reason given'})`);
  const u = h.ups;
  // The power state machine's verdict (agent/station/power.ts); a low battery raised earlier and not yet
  // cleared still holds while the UPS cannot be read.
  if (u.powerState === 'shutdown_imminent') return hold('ups_shutdown', 'the UPS is about to cut the power (shutdown imminent): printing waits for mains power');
  if (u.powerState === 'comm_lost_on_battery') return hold('ups_silent_on_battery', 'the UPS stopped answering while on battery: printing waits until it answers on mains power');
  if (u.powerState === 'low_battery' || h.alerts.includes('ups.low_battery')) {
    // On mains with a low battery (recharging after a cut), a second cut now would stop a card.
    return u.onBattery === false
      ? hold('ups_recharging', 'mains is back but the UPS battery is still low: printing waits until it has recharged')
      : hold('ups_low_battery', 'the UPS battery is low: printing waits for mains power');
  }
  if (u.powerState === 'on_battery') {
    const need = cfg.secondsPerCard + cfg.batteryMarginSeconds;
    if (u.runtimeSeconds === null) return hold('on_battery_unknown', 'on battery and the runtime left is unknown: printing waits for mains power');
    if (u.runtimeSeconds < need) return hold('on_battery_short', `on battery with ${Math.round(u.runtimeSeconds)} s left, less than the ${need} s a card needs with its margin`);
  }
  // Last: a fault or a power cut is what a clerk must see first; the rest ends by itself.
  const r = ctx.resting;
  if (r) return hold('printer_resting', `the printer is resting (printer.rest: ${r.minutes} min after every ${r.afterCards} cards): printing resumes by itself`);
  return null;
}

/** The English detail only (health `jobs.held`). */
export const holdReason = (h: StationBody | undefined, cfg: JobsConfig, ctx: GateContext): string | null => holdOf(h, cfg, ctx)?.detail ?? null;

/** On the station page: the technician runs the checks; a clerk is not asked to type them. */
const TECHNICIAN: Text = { id: 'Hubungi teknisi untuk memeriksa PC ini.', en: 'Call the technician to check this PC.' };

/**
 * What a clerk reads for each hold: why, and what to do. The detail (which supply, which
 * printer reason, when a resting printer resumes, told in `timeZone`: the station's) comes from
 * the snapshot the words are shown with.
 */
export function holdWords(code: HoldCode, h: StationBody | null, timeZone = localTimeZone()): { why: Text; todo: Said } {
  const supply = h?.printer.supplies.find((s) => s.status === 'empty' || (s.source !== 'counted' && s.remaining === 0))?.kind;
  const SUPPLY: Record<string, Text> = { ribbon: { id: 'pita', en: 'ribbon' }, film: { id: 'film retransfer', en: 'retransfer film' }, blanks: { id: 'kartu blangko', en: 'blank cards' } };
  const which: Text = (supply && SUPPLY[supply]) || { id: 'bahan', en: 'supply' };
  const reasons = printerReasonsWords(h?.printer.reasons ?? []);
  const runtime = h?.ups.runtimeSeconds;
  switch (code) {
    case 'no_source':
      return { why: { id: 'Sumber rekaman belum diatur.', en: 'No record source is configured.' }, todo: { id: 'Hubungi teknisi: isi bagian `records` di konfigurasi.', en: 'Call the technician: set records in the configuration.' } };
    case 'store':
    case 'store_write':
      return {
        why: { id: 'Basis data agen tidak bisa ditulis, jadi tidak ada kartu yang dimulai (agar tidak tercetak dua kali).', en: "The agent's database cannot be written, so no card starts (so that none is printed twice)." },
        todo: bySurface({ id: 'Hubungi teknisi: jalankan station-agent diagnose.', en: 'Call the technician: run station-agent diagnose.' }, TECHNICIAN),
      };
    case 'first_reading':
      return { why: { id: 'Agen baru mulai dan menunggu pembacaan pertama printer dan UPS.', en: 'The agent has just started and waits for the first reading of the printer and UPS.' }, todo: { id: 'Tunggu sebentar.', en: 'Wait a moment.' } };
    case 'printer_unreadable':
      return { why: { id: 'Printer tidak bisa dibaca.', en: 'The printer cannot be read.' }, todo: { id: 'Periksa printer menyala dan kabelnya terpasang.', en: 'Check that the printer is on and its cable is connected.' } };
    case 'printer_offline':
      return { why: { id: 'Printer tidak terhubung (offline).', en: 'The printer is offline.' }, todo: { id: 'Nyalakan printer dan periksa kabelnya.', en: 'Turn the printer on and check its cable.' } };
    case 'supply_empty':
      return {
        why: { id: `${which.id[0]?.toUpperCase()}${which.id.slice(1)} habis.`, en: `The ${which.en} ran out.` },
        todo: { id: `Isi ${which.id}; pencetakan berlanjut sendiri.`, en: `Refill the ${which.en}; printing resumes by itself.` },
      };
    case 'printer_stopped':
      return {
        why: { id: `Printer berhenti${reasons ? ` (${reasons.id})` : ''}.`, en: `The printer has stopped${reasons ? ` (${reasons.en})` : ''}.` },
        todo: { id: 'Buka printer, keluarkan kartu yang macet atau tutup penutupnya, lalu tekan tombol lanjut di printer.', en: "Open the printer, remove a jammed card or close its cover, then press the printer's resume button." },
      };
    case 'ups_shutdown':
      return { why: { id: 'UPS akan segera memutus listrik.', en: 'The UPS is about to cut the power.' }, todo: { id: 'Tunggu listrik PLN kembali.', en: 'Wait for mains power.' } };
    case 'ups_silent_on_battery':
      return { why: { id: 'UPS berhenti menjawab saat memakai baterai.', en: 'The UPS stopped answering while on battery.' }, todo: { id: 'Tunggu listrik PLN kembali; periksa kabel UPS.', en: 'Wait for mains power; check the UPS cable.' } };
    case 'ups_recharging':
      return { why: { id: 'Listrik PLN sudah kembali, tetapi baterai UPS masih lemah.', en: 'Mains power is back but the UPS battery is still low.' }, todo: { id: 'Tunggu baterai terisi; pencetakan berlanjut sendiri.', en: 'Wait for the battery to recharge; printing resumes by itself.' } };
    case 'ups_low_battery':
      return { why: { id: 'Baterai UPS lemah.', en: 'The UPS battery is low.' }, todo: { id: 'Tunggu listrik PLN kembali.', en: 'Wait for mains power.' } };
    case 'on_battery_unknown':
      return { why: { id: 'Listrik padam: UPS memakai baterai dan sisa waktunya tidak diketahui.', en: 'Power cut: the UPS is on battery and its runtime left is unknown.' }, todo: { id: 'Tunggu listrik PLN kembali.', en: 'Wait for mains power.' } };
    case 'on_battery_short':
      return {
        why: {
          id: `Listrik padam: baterai UPS${runtime != null ? ` tinggal ${Math.round(runtime)} detik,` : ''} tidak cukup untuk satu kartu.`,
          en: `Power cut: the UPS battery${runtime != null ? ` has ${Math.round(runtime)} s left,` : ''} not enough for a card.`,
        },
        todo: { id: 'Tunggu listrik PLN kembali.', en: 'Wait for mains power.' },
      };
    case 'claim_waiting':
      return {
        why: {
          id: 'Server data pusat belum menjawab klaim untuk kartu berikutnya; tidak ada kartu yang dicetak tanpa klaim (agar tidak tercetak dua kali di stasiun lain).',
          en: 'The central record server has not answered the claim for the next card; no card is printed unclaimed (so that no other station prints it too).',
        },
        todo: bySurface(
          { id: 'Tunggu; agen bertanya lagi sendiri. Bila berlanjut, hubungi teknisi: jalankan station-agent diagnose.', en: 'Wait; the agent asks again by itself. If it goes on, call the technician: run station-agent diagnose.' },
          { id: 'Tunggu; agen bertanya lagi sendiri. Bila berlanjut, hubungi teknisi untuk memeriksa PC ini.', en: 'Wait; the agent asks again by itself. If it goes on, call the technician to check this PC.' },
        ),
      };
    case 'printer_resting': {
      const at = h?.jobs.resumesAt ? clockIn(Date.parse(h.jobs.resumesAt), timeZone) : null;
      return {
        why: at ? { id: `Printer beristirahat, lanjut pukul ${at.replace(':', '.')}.`, en: `The printer is resting, resumes at ${at}.` } : { id: 'Printer beristirahat.', en: 'The printer is resting.' },
        todo: { id: 'Biarkan printer dingin dulu; pencetakan berlanjut sendiri.', en: 'Let the printer cool down; printing resumes by itself.' },
      };
    }
  }
}
