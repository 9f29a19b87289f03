import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { SPOIL_CODES, type SpoilCode } from '../ledger/spoil-codes.js';
import { AgentError, EXIT } from '../../core/errors.js';
import { JOB_STATES, type JobState } from '../jobs/job.js';
import { JobRepo } from '../jobs/repo.js';
import { addClaimed } from '../jobs/add.js';
import { noteWords } from '../jobs/notes.js';
import { heldBy, STATE_WORDS } from '../jobs/words.js';
import { withClaims } from './claims.js';
import { configOption, iso, out, withStore, subcommand } from './common.js';
import { tr } from './lang.js';
import { systemClock } from '../../core/clock.js';
import { printErrLine } from '../../platform/terminal.js';

function jobState(value: string): JobState {
  if ((JOB_STATES as readonly string[]).includes(value)) return value as JobState;
  throw new InvalidArgumentError(tr({ id: `status tidak dikenal; salah satu dari: ${JOB_STATES.join(', ')}`, en: `unknown state; one of: ${JOB_STATES.join(', ')}` }));
}

/** A day (2026-11-25), a time (2026-11-25T08:00), or hours back (6h): the moment meant, in ms. */
export function sinceMoment(value: string, now = systemClock.now()): number {
  const hours = /^(\d{1,4})h$/.exec(value.trim());
  if (hours) return now - Number(hours[1]) * 3_600_000;
  // A bare day is the office's local midnight, as "today" is counted.
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}T00:00:00` : value.trim();
  const ms = Date.parse(day);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim()) || Number.isNaN(ms)) {
    throw new InvalidArgumentError(tr({ id: 'harapkan tanggal (2026-11-25), waktu (2026-11-25T08:00) atau jam ke belakang (6h)', en: 'expected a day (2026-11-25), a time (2026-11-25T08:00) or hours back (6h)' }));
  }
  return ms;
}

/** `station-agent jobs ...`: the print queue, usable while the daemon runs (same file, WAL). */
export function addJobsCommands(program: Command, version: string): void {
  const jobs = subcommand(program, 'jobs', tr({ id: 'antrean cetak: tambah rekaman, lihat daftarnya, selesaikan kartu yang belum pasti, tandai kartu rusak', en: 'the print queue: add records, list them, settle uncertain cards, mark spoiled cards' }), version);

  jobs
    .command('add')
    .description(
      tr({
        id: 'antrekan rekaman untuk dicetak, menurut id rekaman ("-" membaca id dari masukan standar, satu per baris); kartu yang ditandai rusak dicetak ulang; rekaman yang dipegang stasiun lain ditolak, bila server data bisa mengatakannya',
        en: 'queue records for printing, by record id ("-" reads ids from standard input, one per line); a card marked spoiled is printed again; a record another station holds is refused, where the record service can say so',
      }),
    )
    .argument('<ids...>', tr({ id: 'id rekaman dari daftar siap cetak (bukan NIK)', en: 'record ids from the print-ready list (never a NIK)' }))
    .addOption(configOption())
    .action(async (ids: string[], opts: { config?: string }) => {
      const all = ids.flatMap((id) => (id === '-' ? readFileSync(0, 'utf8').split(/\s+/).filter(Boolean) : [id]));
      if (all.length === 0) {
        throw new AgentError('usage', { id: 'tidak ada id rekaman yang diberikan (masukan standar kosong)', en: 'no ids given (standard input was empty)' }, {
          hint: { id: 'Satu id per baris, misalnya: printf "KTP-0001\\nKTP-0002\\n" | station-agent jobs add -', en: 'One id per line, for example: printf "KTP-0001\\nKTP-0002\\n" | station-agent jobs add -' },
          exitCode: EXIT.usage,
        });
      }
      const r = await withStore(opts.config, (s, c) => withClaims(s, c, (claims) => addClaimed(new JobRepo(s.db), all, claims)));
      if (r.added.length) out(tr({ id: `diantrekan: ${r.added.join(', ')}`, en: `queued: ${r.added.join(', ')}` }));
      if (r.requeued.length) out(tr({ id: `diantrekan lagi: ${r.requeued.join(', ')}`, en: `queued again: ${r.requeued.join(', ')}` }));
      if (r.unasked.length) {
        const ids = r.unasked.join(', ');
        out(tr({ id: `belum diklaim (server data tidak menjawab sekarang; diklaim sebelum kartunya dicetak): ${ids}`, en: `not claimed yet (the record service did not answer now; claimed before each card is printed): ${ids}` }));
      }
      for (const x of r.refused) printErrLine(`${tr({ id: 'ditolak', en: 'refused' })} ${x.recordId}: ${tr(x.why)}`);
      if (r.refused.length) process.exitCode = EXIT.failure;
    });

  jobs
    .command('list')
    .description(tr({ id: 'setiap pekerjaan dan statusnya (tanpa data pribadi: hanya id rekaman)', en: 'every job and its state (no personal data: record ids only)' }))
    .addOption(configOption())
    .option('--state <state>', tr({ id: `hanya pekerjaan dengan status ini (${JOB_STATES.join(', ')})`, en: `only jobs in this state (${JOB_STATES.join(', ')})` }), jobState)
    .option('--since <when>', tr({ id: 'hanya yang berubah sejak: tanggal (2026-11-25), waktu, atau jam ke belakang (6h)', en: 'only those changed since: a day (2026-11-25), a time, or hours back (6h)' }), (v: string) => sinceMoment(v))
    .option('--json', tr({ id: 'larik JSON berisi {recordId, state, fetchAttempts, agentJobId, printerJobId, lastError, createdAt, updatedAt, claimedBy, claimedAt, note: {code, ...}}', en: 'a JSON array of {recordId, state, fetchAttempts, agentJobId, printerJobId, lastError, createdAt, updatedAt, claimedBy, claimedAt, note: {code, ...}}' }))
    .action(async (opts: { config?: string; json?: boolean; state?: JobState; since?: number }) => {
      const list = await withStore(opts.config, (s) => new JobRepo(s.db).list({ state: opts.state, sinceMs: opts.since }));
      if (opts.json) {
        out(JSON.stringify(list.map((j) => ({ ...j, createdAt: iso(j.createdAt), updatedAt: iso(j.updatedAt), nextFetchAt: undefined })), null, 2));
        return;
      }
      if (list.length === 0) {
        const filtered = opts.state !== undefined || opts.since !== undefined;
        return out(
          filtered
            ? tr({ id: 'tidak ada pekerjaan yang cocok', en: 'no job matches' })
            : tr({ id: 'antrean kosong; tambahkan rekaman dengan: station-agent jobs add ID...', en: 'the queue is empty; add records with: station-agent jobs add ID...' }),
        );
      }
      out(`${tr({ id: 'REKAMAN', en: 'RECORD' }).padEnd(24)} ${tr({ id: 'STATUS', en: 'STATE' }).padEnd(16)} ${tr({ id: 'BERUBAH (UTC)', en: 'CHANGED (UTC)' }).padEnd(24)} ${tr({ id: 'CATATAN', en: 'NOTE' })}`);
      for (const j of list) {
        const note = j.state === 'refused' && j.claimedBy ? tr(heldBy(j.claimedBy, j.claimedAt)) : j.note ? tr(noteWords(j.note)) : '';
        out(`${j.recordId.padEnd(24)} ${tr(STATE_WORDS[j.state]).padEnd(16)} ${iso(j.updatedAt).padEnd(24)} ${note}`.trimEnd());
      }
    });

  jobs
    .command('show')
    .description(tr({ id: 'riwayat satu pekerjaan: setiap status yang dilalui, kapan dan mengapa; untuk kartu yang perlu diperiksa, juga apa kata printer', en: "one job's audit trail: every state it went through, when and why; for a card to verify, also what the printer says" }))
    .argument('<id>', tr({ id: 'id rekaman', en: 'record id' }))
    .addOption(configOption())
    .action(async (id: string, opts: { config?: string }) => {
      const { events, job, config } = await withStore(opts.config, async (s, c) => {
        const repo = new JobRepo(s.db);
        return { events: await repo.history(id), job: await repo.get(id), config: c };
      });
      if (events.length === 0 || !job) {
        throw new AgentError('job-unknown', { id: `tidak ada pekerjaan untuk rekaman ${id}`, en: `no job for record ${id}` }, { hint: { id: 'Lihat daftarnya dengan: station-agent jobs list', en: 'See station-agent jobs list.' }, exitCode: EXIT.usage });
      }
      for (const e of events) out(`${iso(e.at)}  ${(e.from ? tr(STATE_WORDS[e.from]) : '-').padEnd(16)} -> ${tr(STATE_WORDS[e.to]).padEnd(16)} ${tr(noteWords(e.note))}`);
      if (job.state === 'needs_verification') {
        const { askPrinter, printerViewText } = await import('../jobs/printer-view.js');
        out('');
        out(`${tr({ id: 'Kata printer', en: 'The printer says' })}: ${tr(printerViewText(await askPrinter(config.printer, id, job.agentJobId)))}`);
        out(tr({ id: `Lalu: station-agent jobs verify ${id} --printed | --not-printed | --spoiled`, en: `Then: station-agent jobs verify ${id} --printed | --not-printed | --spoiled` }));
      }
    });

  jobs
    .command('verify')
    .description(tr({ id: 'selesaikan kartu yang hasilnya belum pasti (agen berhenti saat mencetak): periksa keluaran printer dulu', en: 'settle a card whose outcome was uncertain (the agent stopped while it printed): look at the printer output first' }))
    .argument('<id>', tr({ id: 'id rekaman', en: 'record id' }))
    .option('--printed', tr({ id: 'kartu keluar dengan baik', en: 'the card came out right' }))
    .option('--not-printed', tr({ id: 'tidak ada kartu yang keluar: cetak lagi', en: 'no card came out: print it again' }))
    .option('--spoiled', tr({ id: 'kartu keluar tetapi tidak bisa dipakai (dihitung sebagai blangko rusak)', en: 'a card came out but is unusable (it counts as a spoiled blank)' }))
    .option('--reason <r>', tr({ id: 'dengan --spoiled: mengapa kartu tidak bisa dipakai, misalnya "macet" (tetap di stasiun ini)', en: 'with --spoiled: why the card cannot be used, for example "jammed" (kept at this station)' }))
    .addOption(
      new Option('--code <c>', tr({ id: 'dengan --spoiled: kode alasan yang dihitung provinsi; tanpanya dibaca dari alasannya (tanpa alasan: `other`)', en: 'with --spoiled: the reason code the province counts; without it, read from the reason (no reason: other)' })).choices(SPOIL_CODES),
    )
    .addOption(configOption())
    .action(async (id: string, opts: { config?: string; printed?: boolean; notPrinted?: boolean; spoiled?: boolean; reason?: string; code?: SpoilCode }) => {
      const chosen = [opts.printed && 'printed', opts.notPrinted && 'not-printed', opts.spoiled && 'spoiled'].filter(Boolean) as ('printed' | 'not-printed' | 'spoiled')[];
      if (chosen.length !== 1) throw new AgentError('usage', { id: 'berikan tepat satu dari --printed, --not-printed atau --spoiled', en: 'give exactly one of --printed, --not-printed or --spoiled' }, { exitCode: EXIT.usage });
      if (!opts.spoiled && (opts.reason !== undefined || opts.code !== undefined)) {
        throw new AgentError('usage', { id: '--reason dan --code hanya untuk --spoiled', en: '--reason and --code go with --spoiled only' }, { exitCode: EXIT.usage });
      }
      const state = await withStore(opts.config, (s) => new JobRepo(s.db).verify(id, chosen[0] ?? 'printed', { reason: opts.reason, code: opts.code }));
      out(`${id}: ${tr(STATE_WORDS[state])}${state === 'queued' ? tr({ id: ' (akan dicetak lagi)', en: ' (it will be printed again)' }) : ''}`);
    });

  jobs
    .command('spoil')
    .description(tr({ id: 'tandai kartu yang sudah tercetak sebagai rusak (luntur, jatuh, salah potong); lalu `jobs add ID` mencetaknya ulang', en: 'mark a printed card spoiled (smudged, dropped, miscut); then jobs add ID prints it again' }))
    .argument('<id>', tr({ id: 'id rekaman', en: 'record id' }))
    .requiredOption('--reason <r>', tr({ id: 'mengapa kartu tidak bisa dipakai, misalnya "tinta luntur" (tetap di stasiun ini)', en: 'why the card cannot be used, for example "smudged" (kept at this station)' }))
    .addOption(
      new Option('--code <c>', tr({ id: 'kode alasan yang dihitung provinsi; tanpanya dibaca dari alasannya', en: 'the reason code the province counts; without it, read from the reason' })).choices(SPOIL_CODES),
    )
    .addOption(configOption())
    .action(async (id: string, opts: { reason: string; code?: SpoilCode; config?: string }) => {
      await withStore(opts.config, (s) => new JobRepo(s.db).spoil(id, opts.reason, opts.code));
      out(tr({ id: `${id}: rusak, tercatat di buku kartu blangko. Cetak ulang dengan: station-agent jobs add ${id}`, en: `${id}: spoiled, posted to the blank-card ledger. Print it again with: station-agent jobs add ${id}` }));
    });

  jobs
    .command('cancel')
    .description(tr({ id: 'keluarkan rekaman yang antre atau gagal dari antrean', en: 'take a queued or failed record out of the queue' }))
    .argument('<id>', tr({ id: 'id rekaman', en: 'record id' }))
    .addOption(configOption())
    .action(async (id: string, opts: { config?: string }) => {
      await withStore(opts.config, (s) => new JobRepo(s.db).cancel(id));
      out(`${id}: ${tr(STATE_WORDS.cancelled)}`);
    });
}
