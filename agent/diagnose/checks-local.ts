import { randomUUID } from 'node:crypto';
import { statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLOCK_FLOOR_MS, sleep, systemClock } from '../../core/clock.js';
import { SystemHost } from '../../hal/host/system.js';
import type { Config } from '../config/schema.js';
import { setupWarnings } from '../config/warnings.js';
import { readStatus } from '../station/status.js';
import { SeqGuard } from '../store/seq-guard.js';
import { Store } from '../store/store.js';
import { fail, pass, warn, type Check, type Facts } from './types.js';
import type { Logger } from 'pino';

const MB = 1_048_576;


/** What to do with a damaged station.db, and what each way loses. */
const DAMAGED_HINT = {
  en: 'The database is damaged: printing waits. Stop the agent, keep a copy of station.db for support, and restore it from a backup. If there is none: move it aside and run station-agent store init --fresh, which forgets which records were printed (they could print again), the queue and both ledgers.',
  id: 'Basis data rusak: pencetakan menunggu. Hentikan agen, simpan salinan station.db untuk dukungan, lalu pulihkan dari cadangan. Bila tidak ada: pindahkan dan jalankan station-agent store init --fresh, yang melupakan rekaman mana yang sudah tercetak (bisa tercetak lagi), antrean, dan kedua buku persediaan.',
};

/** `broken`: the configuration's keys that are wrong (stood in for), which the secrets check names as not checked. */
export function localChecks(config: Config, log: Logger, broken: ReadonlySet<string> = new Set()): Check[] {
  return [
    {
      id: 'data-dir',
      title: { en: 'Data folder writable, with free space', id: 'Folder data bisa ditulis dan masih ada ruang' },
      timeoutMs: 3000,
      needs: ['dataDir', 'alerts'],
      async run() {
        const probe = join(config.dataDir, `.diagnose-${randomUUID()}`);
        try {
          await writeFile(probe, 'probe');
          await unlink(probe);
        } catch (err) {
          return fail(
            { dataDir: config.dataDir, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message },
            { en: `The agent cannot write ${config.dataDir}: check that it exists and that the agent's user owns it (dataDir).`, id: `Agen tidak bisa menulis ke ${config.dataDir}: periksa folder itu ada dan dimiliki user agen (dataDir).` },
          );
        }
        const s = await statfs(config.dataDir);
        const freeMb = Math.round((s.bavail * s.bsize) / MB);
        if (freeMb < config.alerts.diskLowMb) {
          return warn({ dataDir: config.dataDir, freeMb }, { en: `Only ${freeMb} MB free: free space on this disk (logs, old files).`, id: `Hanya ${freeMb} MB tersisa: kosongkan ruang di disk ini (log, file lama).` });
        }
        return pass({ dataDir: config.dataDir, freeMb });
      },
    },
    {
      id: 'secrets',
      title: { en: 'Secrets kept secret', id: 'Rahasia tetap rahasia' },
      timeoutMs: 1000,
      // Runs on the sections that are right; a wrong one's secret files are named as not checked.
      needs: [],
      run() {
        const found = setupWarnings(config);
        const notChecked: Facts = broken.size > 0 ? { notChecked: [...broken].join(', ') } : {};
        if (found.length === 0) return Promise.resolve(pass({ checked: 'secret files, plain-text password', ...notChecked }));
        return Promise.resolve(warn({ weak: found.map((w) => w.key).join(', '), ...notChecked }, { en: found.map((w) => w.en).join(' '), id: found.map((w) => w.id).join(' ') }));
      },
    },
    {
      id: 'store',
      title: { en: 'Database sound', id: 'Basis data utuh' },
      timeoutMs: 5000,
      needs: ['dataDir'],
      async run() {
        let store: Store | undefined;
        try {
          store = await Store.openReadOnly(config.dataDir);
          if (!store && SeqGuard.exists(config.dataDir)) {
            return fail(
              { dataDir: config.dataDir, database: 'missing', keptBefore: true },
              {
                en: 'The database is missing, but one was kept here before: printing waits. Restore station.db from a backup (agent stopped). If there is none: station-agent store init --fresh, which forgets which records were printed (they could print again), the queue and both ledgers.',
                id: 'Basis data hilang, padahal sebelumnya ada: pencetakan menunggu. Pulihkan station.db dari cadangan (agen dihentikan). Bila tidak ada: station-agent store init --fresh, yang melupakan rekaman mana yang sudah tercetak (bisa tercetak lagi), antrean, dan kedua buku persediaan.',
              },
            );
          }
          if (!store) return warn({ dataDir: config.dataDir }, { en: 'No database yet: start the agent once.', id: 'Belum ada basis data: jalankan agen sekali.' });
          const check = await store.db.get<{ quick_check: string }>('PRAGMA quick_check');
          const backlog = (await store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox'))?.n ?? 0;
          const verify = (await store.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE state = 'needs_verification'"))?.n ?? 0;
          const facts = { file: store.file, integrity: check?.quick_check ?? null, outboxBacklog: backlog, cardsToVerify: verify };
          if (check?.quick_check !== 'ok') return fail(facts, DAMAGED_HINT);
          if (verify > 0) {
            return warn(facts, { en: `${verify} card(s) may or may not have printed: check the printer output, then station-agent jobs verify ID --printed|--not-printed|--spoiled.`, id: `${verify} kartu belum pasti tercetak: periksa hasil printer, lalu station-agent jobs verify ID --printed|--not-printed|--spoiled.` });
          }
          return pass(facts);
        } catch (err) {
          // A file SQLite cannot read as a database at all is damaged too, not a permissions matter.
          if (/SQLITE_(CORRUPT|NOTADB)/.test((err as Error).message)) return fail({ error: (err as Error).message }, DAMAGED_HINT);
          return fail({ error: (err as Error).message }, { en: 'The database cannot be opened: see the error; check dataDir and its permissions.', id: 'Basis data tidak bisa dibuka: lihat galatnya; periksa dataDir dan izinnya.' });
        } finally {
          await store?.close();
        }
      },
    },
    {
      id: 'clock',
      title: { en: 'Clock sane', id: 'Jam komputer wajar' },
      timeoutMs: 1000,
      needs: [],
      run() {
        const now = systemClock.now();
        const facts = { now: new Date(now).toISOString() };
        if (now < CLOCK_FLOOR_MS) {
          return Promise.resolve(fail(facts, { en: 'The PC clock is in the past (a flat clock battery?): set the date and time, and replace the battery.', id: 'Jam komputer mundur (baterai CMOS habis?): atur tanggal dan jam, ganti baterainya.' }));
        }
        return Promise.resolve(pass(facts));
      },
    },
    {
      id: 'daemon',
      title: { en: 'Agent running', id: 'Agen berjalan' },
      timeoutMs: 3000,
      needs: ['dataDir', 'intervals'],
      async run() {
        // The same reading as `station-agent status`: one place decides "running" and "stale".
        const st = await readStatus(config).catch(() => undefined);
        if (!st?.agent) return warn({ running: false }, { en: 'The agent has not run here yet: start the service (station-agent run).', id: 'Agen belum pernah berjalan di sini: jalankan layanannya (station-agent run).' });
        const running = st.agent.state === 'running';
        const facts = { running, pid: running ? st.agent.pid : null, lastHealthSecondsAgo: st.ageSeconds, alerts: st.health?.alerts.join(', ') ?? null };
        if (!running) return warn(facts, { en: 'The agent is not running: start the service, or look at its log for why it stopped.', id: 'Agen tidak berjalan: jalankan layanannya, atau lihat lognya mengapa berhenti.' });
        if (st.stale) return warn(facts, { en: 'The agent runs but has not recorded health lately: look at its log.', id: 'Agen berjalan tetapi belum mencatat kesehatan akhir-akhir ini: lihat lognya.' });
        return pass(facts);
      },
    },
    {
      id: 'host',
      title: { en: 'PC: processor, memory, disk', id: 'PC: prosesor, memori, disk' },
      timeoutMs: 3000,
      needs: ['dataDir'],
      async run() {
        const host = new SystemHost(config.dataDir, { clock: systemClock, log });
        await host.start();
        // A moment between two reads, for the CPU share; the PC's make and OS while it passes.
        const [pc] = await Promise.all([host.describe().catch(() => ({ os: null, model: null })), sleep(systemClock, 250)]);
        const r = await host.read();
        const facts = { cpuPercent: r.cpuPercent, memUsedPercent: r.memUsedPercent, diskFreeMb: r.diskFreeBytes === null ? null : Math.round(r.diskFreeBytes / MB), uptimeSeconds: r.uptimeSeconds, os: pc.os, model: pc.model };
        if (r.memUsedPercent !== null && r.memUsedPercent > 95) {
          return warn(facts, { en: 'Memory almost full: close other programs or restart the PC.', id: 'Memori hampir penuh: tutup program lain atau mulai ulang PC.' });
        }
        return pass(facts);
      },
    },
  ];
}
