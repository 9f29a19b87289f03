/**
 * Where the agent runs, diagnose reads the printer and the UPS as the agent last saw them (its
 * last health in the store), rather than opening a second driver on a printer or a USB device
 * the agent holds. A reading older than the staleness bound of `status` is said to be stale,
 * never judged as the state now.
 */
import { sleep, systemClock } from '../../core/clock.js';
import { upsFacts } from '../../hal/ups/index.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import type { Config } from '../config/schema.js';
import { readStatus } from '../station/status.js';
import { fail, warn, type Facts, type Text, type Verdict } from './types.js';
import { printerVerdict } from './printer-verdict.js';
import { upsBodyVerdict } from './ups-verdict.js';

export type AgentSeen =
  | { running: false }
  | { running: true; pid: number; startedAt: string; health: HealthPayload | null; ageSeconds: number | null; stale: boolean; staleAfterSeconds: number };

/** How long diagnose waits for the first reading of an agent that has just started (its first poll). */
const FIRST_READING_WAIT_MS = 3000;

/**
 * Whether the agent runs with this data folder (the state it records at start, and its process
 * alive), and its last health; for an agent just started, once it has one (or after a short
 * wait). A store that cannot be read says nothing of the agent: then diagnose reads the parts
 * itself, as where no agent runs.
 */
export async function agentSeen(config: Config, waitMs = FIRST_READING_WAIT_MS): Promise<AgentSeen> {
  const t0 = systemClock.monotonic();
  for (;;) {
    const seen = await agentSeenOnce(config);
    if (!seen.running || seen.health !== null || systemClock.monotonic() - t0 >= waitMs) return seen;
    await sleep(systemClock, 250);
  }
}

async function agentSeenOnce(config: Config): Promise<AgentSeen> {
  const st = await readStatus(config).catch(() => undefined);
  if (st?.agent?.state !== 'running') return { running: false };
  // A health left by an earlier run of the agent, before this one started, is not this agent's
  // reading. Judged by when each run started (both stamped at its start), not by the health's own
  // stamp: the wall clock set back since the start would make every new health look older.
  const own = st.health !== null && Date.parse(st.health.agent.startedAt) >= Date.parse(st.agent.startedAt);
  return {
    running: true,
    pid: st.agent.pid,
    startedAt: st.agent.startedAt,
    health: own ? st.health : null,
    ageSeconds: own ? st.ageSeconds : null,
    stale: st.stale,
    staleAfterSeconds: 3 * config.intervals.healthSeconds,
  };
}

/** How a reading diagnose took itself is said, beside the check's title. */
export const READ_ITSELF: Text = { en: 'read by diagnose itself: the agent is not running', id: 'dibaca langsung oleh diagnose: agen tidak berjalan' };

type Running = Extract<AgentSeen, { running: true }>;

/**
 * The agent's last health, with how it is said; or, when there is none to trust (none yet from
 * this run, or stale), the verdict that says so. The part is never opened meanwhile.
 */
function lastHealth(a: Running, part: Text): { health: HealthPayload; facts: Facts; via: Text } | Verdict {
  const facts: Facts = { source: 'agent', agentPid: a.pid, readingAgeSeconds: a.ageSeconds };
  if (a.health === null) {
    return {
      ...warn(facts, {
        en: `The agent runs (PID ${a.pid}, started ${a.startedAt}) but has recorded no reading of the ${part.en} within ${FIRST_READING_WAIT_MS / 1000} s: run diagnose again in a few seconds; if it stays so, look at the agent's log (journalctl -u station-agent). While the agent runs, diagnose does not open the ${part.en} beside it.`,
        id: `Agen berjalan (PID ${a.pid}, mulai ${a.startedAt}) tetapi belum mencatat bacaan ${part.id} dalam ${FIRST_READING_WAIT_MS / 1000} detik: jalankan diagnose lagi beberapa detik lagi; bila tetap begitu, lihat log agen (journalctl -u station-agent). Selama agen berjalan, diagnose tidak membuka ${part.id} di sampingnya.`,
      }),
      via: { en: `the running agent (PID ${a.pid}): no reading yet`, id: `agen yang berjalan (PID ${a.pid}): belum ada bacaan` },
    };
  }
  if (a.ageSeconds === null) {
    // Stamped ahead of this PC's clock: the clock was set back since; the next reading is stamped by the clock as it is now.
    return {
      ...warn(
        { ...facts, stale: true, aheadOfClock: true },
        {
          en: `The running agent's last reading (${a.health.ts}) is stamped ahead of this PC's clock: the clock was set back since it was taken. Run diagnose again in a few seconds, once the agent has taken its next reading.`,
          id: `Bacaan terakhir agen yang berjalan (${a.health.ts}) bercap waktu lebih maju dari jam PC ini: jam dimundurkan sesudah bacaan itu diambil. Jalankan diagnose lagi beberapa detik lagi, setelah agen mengambil bacaan berikutnya.`,
        },
      ),
      via: { en: `the running agent's last reading (PID ${a.pid}, stamped ahead of this PC's clock): STALE`, id: `bacaan terakhir agen yang berjalan (PID ${a.pid}, cap waktu lebih maju dari jam PC ini): LAMA` },
    };
  }
  if (a.stale) {
    return {
      ...warn(
        { ...facts, stale: true, staleAfterSeconds: a.staleAfterSeconds },
        {
          en: `The running agent's last reading is ${a.ageSeconds} s old, past ${a.staleAfterSeconds} s: it is not the ${part.en}'s state now. Look at the agent's log (journalctl -u station-agent) for why it records nothing; if PID ${a.pid} is not the agent, start the agent.`,
          id: `Bacaan terakhir agen yang berjalan sudah ${a.ageSeconds} detik, lewat dari ${a.staleAfterSeconds} detik: itu bukan keadaan ${part.id} sekarang. Lihat log agen (journalctl -u station-agent) mengapa tidak mencatat; bila PID ${a.pid} bukan agen, jalankan agennya.`,
        },
      ),
      via: { en: `the running agent's last reading (PID ${a.pid}, ${a.ageSeconds} s ago): STALE`, id: `bacaan terakhir agen yang berjalan (PID ${a.pid}, ${a.ageSeconds} detik lalu): LAMA` },
    };
  }
  return { health: a.health, facts, via: { en: `read from the running agent (PID ${a.pid}, ${a.ageSeconds} s ago)`, id: `dibaca dari agen yang berjalan (PID ${a.pid}, ${a.ageSeconds} detik lalu)` } };
}

/** The file names another driver than the agent runs with: it was changed and the agent not restarted. */
function otherDriver(running: string, configured: string, part: Text): Text | undefined {
  if (running === configured) return undefined;
  return {
    en: `The agent runs the ${part.en} with driver ${running}, but the configuration says ${configured}: restart the agent (systemctl restart station-agent) to use the file's.`,
    id: `Agen menjalankan ${part.id} dengan driver ${running}, tetapi konfigurasi menyebut ${configured}: mulai ulang agen (systemctl restart station-agent) agar memakai isi berkas.`,
  };
}

/** A verdict with one more warning: a pass becomes a warning; a failure stays one. */
function withWarning(v: Verdict, extra: Text | undefined): Verdict {
  if (!extra) return v;
  const hint = v.hint ? { en: `${v.hint.en} ${extra.en}`, id: `${v.hint.id} ${extra.id}` } : extra;
  return { ...v, status: v.status === 'fail' ? 'fail' : 'warn', hint };
}

const PRINTER: Text = { en: 'printer', id: 'printer' };
const UPS: Text = { en: 'UPS', id: 'UPS' };

export function printerFromAgent(a: Running, config: Config): Verdict {
  const seen = lastHealth(a, PRINTER);
  if (!('health' in seen)) return seen;
  const p = seen.health.printer;
  // A monitor rides on the print path's name (ipp+snmp): the path is what the file names.
  const mismatch = otherDriver(p.driver.split('+')[0] ?? p.driver, config.printer.driver, PRINTER);
  if (p.error !== null) {
    const v = fail(
      { ...seen.facts, driver: p.driver, state: p.state, error: p.error },
      { en: 'The running agent cannot read the printer (the error says why): check its power, its cable and the printer settings.', id: 'Agen yang berjalan tidak bisa membaca printer (galatnya menyebut sebabnya): periksa daya, kabel, dan pengaturan printer.' },
    );
    return { ...withWarning(v, mismatch), via: seen.via };
  }
  const v = printerVerdict({ driver: p.driver, state: p.state, reasons: p.reasons, supplies: p.supplies, uptimeSeconds: null }, config);
  return { ...withWarning({ ...v, facts: { ...seen.facts, ...v.facts } }, mismatch), via: seen.via };
}

export function upsFromAgent(a: Running, config: Config, now: Date): Verdict {
  const seen = lastHealth(a, UPS);
  if (!('health' in seen)) return seen;
  const u = seen.health.ups;
  const mismatch = otherDriver(u.driver, config.ups.driver, UPS);
  if (!upsFacts(config.ups).can.hasUps && !mismatch) {
    return { ...warn({ ...seen.facts, driver: u.driver }, { en: 'No UPS configured: a power cut spoils the card printing.', id: 'Tidak ada UPS: listrik padam merusak kartu yang sedang dicetak.' }), via: seen.via };
  }
  // Read, it answers with a line status or at least its alarms (agent/station/power.ts).
  if (u.status === 'unknown' && !Array.isArray(u.alarms)) {
    const v = fail(
      { ...seen.facts, driver: u.driver, powerState: u.powerState ?? null, error: u.error },
      u.powerState === 'comm_lost_on_battery'
        ? { en: 'The running agent lost the UPS while on battery: printing waits. Save work; check the UPS data cable and the UPS service.', id: 'Agen yang berjalan kehilangan UPS saat memakai baterai: pencetakan menunggu. Simpan pekerjaan; periksa kabel data UPS dan layanan UPS.' }
        : { en: 'The running agent cannot read the UPS (the error says why): check the UPS data cable and the UPS service.', id: 'Agen yang berjalan tidak bisa membaca UPS (galatnya menyebut sebabnya): periksa kabel data UPS dan layanan UPS.' },
    );
    return { ...withWarning(v, mismatch), via: seen.via };
  }
  const v = upsBodyVerdict(u, config, now, u.powerState);
  return { ...withWarning({ ...v, facts: { ...seen.facts, ...v.facts } }, mismatch), via: seen.via };
}
