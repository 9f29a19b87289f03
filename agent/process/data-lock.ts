import { join } from 'node:path';
import { AgentError, EXIT, unreachable } from '../../core/errors.js';
import type { Text } from '../../core/i18n.js';
import { lockFolder } from '../../platform/folder-lock.js';

/** The lock's name in the data folder: `agent.lock`, and `agent.pid` beside it naming the holder. */
const LOCK_NAME = 'agent';

/**
 * One agent per data folder, for the agent's life (`station-agent run` takes it first, before it
 * opens its log file or the database, or connects to anything). A second agent on the same
 * folder (one started by hand beside the service) would take the first one's cards in flight for
 * cards of a crash and set them aside, hold the first one's queue, share its MQTT client id and,
 * stopping, tell the province the station stopped: it is refused, exit 75 (try again later). The
 * lock goes with the process, however it ends. The other commands (status, diagnose, jobs,
 * stock ...) take no lock: they work beside the agent.
 *
 * Where the lock file cannot be had at all (a folder that cannot be written), the agent runs
 * without it, as it runs on a stand-in store then: `unlocked` says why, for the log.
 */
export async function lockDataDir(dataDir: string): Promise<{ release: () => Promise<void>; unlocked: { file: string; why: string } | null }> {
  const lock = await lockFolder(dataDir, LOCK_NAME);
  switch (lock.state) {
    case 'held':
      return { release: lock.release, unlocked: null };
    case 'unavailable':
      return { release: () => Promise.resolve(), unlocked: { file: lock.file, why: lock.why } };
    case 'taken':
      throw dataDirTaken(dataDir, lock.pid);
    default:
      return unreachable(lock);
  }
}

export function dataDirTaken(dataDir: string, pid: number | null): AgentError {
  const who: Text =
    pid === null
      ? { id: `PID-nya tidak terbaca dari ${join(dataDir, `${LOCK_NAME}.pid`)}`, en: `its PID could not be read from ${join(dataDir, `${LOCK_NAME}.pid`)}` }
      : { id: `PID ${pid}`, en: `PID ${pid}` };
  return new AgentError(
    'data-dir-in-use',
    {
      id: `Agen stasiun lain sudah berjalan dengan folder data ${dataDir} (${who.id}). Satu folder data hanya untuk satu agen: agen kedua akan mengacaukan antrean cetak, memakai identitas MQTT yang sama dan memberi tahu provinsi bahwa stasiun berhenti. Agen ini tidak menjalankan apa pun dan tidak menyentuh data.`,
      en: `Another station agent is already running on the data folder ${dataDir} (${who.en}). One data folder takes one agent: a second would upset the print queue, share the first one's MQTT identity and tell the province the station stopped. This one started nothing and touched no data.`,
    },
    {
      hint: {
        id: 'Bila itu layanannya, hentikan dulu (`sudo systemctl stop station-agent`; di Windows `Stop-Service station-agent`), lalu jalankan yang ini; untuk mencoba sesuatu di sampingnya, beri yang ini folder data lain (`dataDir` di salinan konfigurasinya). Perintah lain (`status`, `diagnose`, `jobs`, `stock`, `supply`) tetap bisa dipakai selagi agen berjalan.',
        en: 'If that is the service, stop it first (sudo systemctl stop station-agent; on Windows Stop-Service station-agent), then run this one; to try something beside it, give this one another data folder (dataDir in a copy of its configuration). The other commands (status, diagnose, jobs, stock, supply) work beside the running agent.',
      },
      exitCode: EXIT.tempFail,
    },
  );
}
