import type { HealthPayload } from '../../telemetry/payloads.js';
import { LAST_HEALTH_KEY } from '../../telemetry/telemetry.js';
import type { Config } from '../config/schema.js';
import { AGENT_STATE_KEY } from '../process/daemon.js';
import { Store } from '../store/store.js';
import type { Lang, Text } from '../../core/i18n.js';
import { daysText, stationView, SUPPLY_STATUS, upsStatusWords, type StationView } from './view.js';
import { printerSpoils, spoilWords, type PrinterSpoil } from '../jobs/reprint.js';
import { localDayOf } from '../jobs/job.js';
import { systemClock } from '../../core/clock.js';

export interface AgentState {
  /** gone: recorded as running, but no such process (it crashed or the PC lost power). */
  state: 'running' | 'stopped' | 'gone';
  pid: number;
  version: string;
  startedAt: string;
  stoppedAt?: string;
}

export interface StatusReport {
  dataDir: string;
  /** null when the agent has never written a health snapshot in this dataDir. */
  health: HealthPayload | null;
  /** Seconds since the snapshot, never negative; null without one, or for one stamped ahead of the clock (set back since). */
  ageSeconds: number | null;
  /** True when the snapshot is older than three health periods: do not trust it as current. */
  stale: boolean;
  agent: AgentState | null;
  /** Today's cards the printer spoiled, and whether each is being reprinted (from the database). */
  spoils?: PrinterSpoil[];
}

/** A snapshot stamped at most this far ahead of the clock was written while it was being read. */
const FUTURE_SLACK_SECONDS = 5;

/** The station's state as the daemon last recorded it, read without disturbing the daemon. */
export async function readStatus(config: Config, now = systemClock.now()): Promise<StatusReport> {
  const store = await Store.openReadOnly(config.dataDir);
  if (!store) return { dataDir: config.dataDir, health: null, ageSeconds: null, stale: true, agent: null, spoils: [] };
  try {
    const health = await store.getState<HealthPayload>(LAST_HEALTH_KEY);
    const agent = await store.getState<AgentState>(AGENT_STATE_KEY);
    const age = health ? Math.round((now - Date.parse(health.value.ts)) / 1000) : null;
    // A snapshot from the future means the wall clock was set back since: its age is not known,
    // and it is not taken as current. A few seconds ahead is one written as this was read.
    const ageSeconds = age === null || age < -FUTURE_SLACK_SECONDS ? null : Math.max(0, age);
    const stale = ageSeconds === null || ageSeconds > 3 * config.intervals.healthSeconds;
    const recorded = agent?.value ?? null;
    // "running" is only what the agent wrote at start; after a crash or power cut it stays behind.
    const state = recorded && recorded.state === 'running' && !processAlive(recorded.pid) ? { ...recorded, state: 'gone' as const } : recorded;
    const today = localDayOf(now);
    const spoils = await printerSpoils(store.db, today.start, today.end);
    return { dataDir: config.dataDir, health: health?.value ?? null, ageSeconds, stale, agent: state, spoils };
  } finally {
    await store.close();
  }
}

/** Whether a process with this pid exists (EPERM: it exists, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const n = (v: number | null, unit = '') => (v === null ? '?' : `${v}${unit}`);

/**
 * Today's cards as the ledger counts them: good and spoiled (a spoiled card and its reprint are
 * one of each). A snapshot from an agent before those fields says what it had: cards printed.
 */
export function cardsToday(q: StationView['queue'], lang: Lang): string {
  if (q.goodToday === undefined) return lang === 'id' ? `${n(q.printedToday)} tercetak hari ini` : `${n(q.printedToday)} printed today`;
  const good = q.goodToday;
  const spoiled = n(q.spoiledToday ?? null);
  return lang === 'id' ? `${n(good)} kartu baik hari ini, ${spoiled} rusak hari ini` : `${n(good)} good card${good === 1 ? '' : 's'} today, ${spoiled} spoiled today`;
}

/** `station-agent status` in words, in the command line's language; times of day in `timeZone`, the station's. */
export function formatStatus(r: StatusReport, lang: Lang = 'en', timeZone?: string): string {
  const t = (x: Text) => x[lang];
  if (!r.health) {
    return t({
      id: `Belum ada keadaan tercatat di ${r.dataDir}: agen belum pernah berjalan dengan folder data ini.\nJalankan dengan: station-agent run --config FILE`,
      en: `No state recorded in ${r.dataDir} yet: the agent has not run with this data folder.\nStart it with: station-agent run --config FILE`,
    });
  }
  const h = r.health;
  const v = stationView(h, r.stale, timeZone);
  const lines: string[] = [];
  const running =
    r.agent?.state === 'stopped'
      ? t({ id: `agen berhenti pada ${r.agent.stoppedAt ?? '?'}`, en: `agent stopped at ${r.agent.stoppedAt ?? '?'}` })
      : r.agent?.state === 'gone'
        ? t({ id: `agen TIDAK berjalan (tidak berhenti dengan baik; mulai ${r.agent.startedAt})`, en: `agent NOT running (it did not stop cleanly; started ${r.agent.startedAt})` })
        : r.agent?.state === 'running'
          ? t({ id: 'agen berjalan', en: 'agent running' })
          : t({ id: 'keadaan agen tidak diketahui', en: 'agent state unknown' });
  lines.push(t({ id: `Stasiun ${h.station} (provinsi ${h.province}, kabupaten/kota ${h.regency}), ${running}, versi ${h.agent.version}`, en: `Station ${h.station} (province ${h.province}, regency ${h.regency}), ${running}, version ${h.agent.version}` }));
  lines.push(
    (r.ageSeconds === null
      ? t({ id: `Per ${h.ts} (lebih maju dari jam PC ini: jam dimundurkan sesudahnya)`, en: `As of ${h.ts} (ahead of this PC's clock: the clock was set back since)` })
      : t({ id: `Per ${h.ts} (${r.ageSeconds} dtk lalu)`, en: `As of ${h.ts} (${r.ageSeconds} s ago)` })) +
      (r.stale ? t({ id: ': LAMA, ini bukan keadaan sekarang', en: ': STALE, this is not the current state' }) : ''),
  );
  if (v.canPrint === null) lines.push(t({ id: 'Boleh mencetak: tidak diketahui', en: 'Printing: unknown' }));
  else if (v.canPrint) lines.push(t({ id: 'Boleh mencetak: ya', en: 'Printing: yes, cards may start' }));
  if (v.held) {
    const what = t(v.held.todo);
    lines.push(`${t({ id: 'Pencetakan ditahan', en: 'Printing is held' })}: ${t(v.held.why)}${what ? ` ${t({ id: 'Yang perlu dilakukan', en: 'What to do' })}: ${what}` : ''}`);
  }
  const q = v.queue;
  lines.push(
    t({
      id: `Antrean: ${n(q.waiting)} menunggu, ${n(q.printing)} sedang dicetak, ${cardsToday(q, 'id')}, ${n(q.failedToday)} gagal hari ini`,
      en: `Queue: ${n(q.waiting)} waiting, ${n(q.printing)} printing, ${cardsToday(q, 'en')}, ${n(q.failedToday)} failed today`,
    }),
  );
  if (v.verify.count) {
    const more = v.verify.count > v.verify.ids.length ? t({ id: ` dan ${v.verify.count - v.verify.ids.length} lagi`, en: ` and ${v.verify.count - v.verify.ids.length} more` }) : '';
    lines.push(
      t({
        id: `Perlu diperiksa: ${v.verify.count} kartu: ${v.verify.ids.join(', ')}${more}. Periksa keluaran printer, lalu: station-agent jobs verify ID --printed|--not-printed|--spoiled`,
        en: `To verify: ${v.verify.count} card${v.verify.count === 1 ? '' : 's'}: ${v.verify.ids.join(', ')}${more}. Check the printer output, then: station-agent jobs verify ID --printed|--not-printed|--spoiled`,
      }),
    );
  }
  for (const s of r.spoils ?? []) lines.push(t(spoilWords(s)));
  lines.push(`Printer: ${t(v.printer)}`);
  // The driver's own error is for the technician: labelled, apart from the clerk's words.
  if (v.printerError) lines.push(`  ${t({ id: 'rincian teknis', en: 'technical detail' })}: ${v.printerError}`);
  for (const s of v.supplies) {
    const shelf = s.onShelf === null ? '' : t({ id: `; di rak ${s.onShelf} gulungan`, en: `; ${s.onShelf} roll${s.onShelf === 1 ? '' : 's'} on the shelf` });
    lines.push(`  ${t(s.name).padEnd(18)} ${t(SUPPLY_STATUS[s.status] ?? SUPPLY_STATUS.unknown!).padEnd(12)} ${t(s.level)}; ${t({ id: 'habis dalam', en: 'lasts' })} ${t(daysText(s.daysLeft))}${shelf}`);
  }
  lines.push(
    t({ id: `Stok blangko: ${n(v.blanks.onHand)}`, en: `Blank cards on hand: ${n(v.blanks.onHand)}` }) +
      (v.blanks.onHand === null ? t({ id: ' (catat penerimaan dengan station-agent stock receive)', en: ' (record a delivery with station-agent stock receive)' }) : `, ${t({ id: 'habis dalam', en: 'lasts' })} ${t(daysText(v.blanks.daysLeft))}`),
  );
  if (v.estimate) lines.push(t(v.estimate.note));
  const u = h.ups;
  lines.push(
    `UPS: ${t(v.ups)} (${u.powerState && u.powerState !== u.status ? `${t({ id: 'UPS sendiri melapor', en: 'the UPS itself says' })}: ${t(upsStatusWords(u.status))}; ` : ''}${t({ id: 'tegangan masuk', en: 'input' })} ${n(u.inputVoltage, ' V')}, ${t({ id: 'beban', en: 'load' })} ${n(u.loadPercent, ' %')})`,
  );
  if (u.error) lines.push(`  ${t({ id: 'rincian teknis', en: 'technical detail' })}: ${u.error}`);
  lines.push(
    `${t({ id: 'Peringatan', en: 'Alerts' })}: ${v.alertNames.length ? v.alertNames.map(t).join('; ') : t({ id: 'tidak ada', en: 'none' })}`,
  );
  return lines.join('\n');
}
