/**
 * Migration 8: a job's every move gains its note as a code and its details (agent/jobs/notes.ts),
 * read in the reader's language; until now the reason was stored as English text. The texts the
 * agents wrote are read back into codes here, their facts (a state, a count, a job id, a station,
 * a message) into the details; a text no agent of ours wrote stays as it was, an "earlier note".
 * The text column stays: the English words, for whoever reads the database itself.
 */
/** Where the fact after a fixed beginning starts, for SQLite's 1-based substr(). */
const after = (prefix: string) => prefix.length + 1;
const HELD = 'refused: the record service says station ';

export const NOTES_MIGRATION = {
  version: 8,
  name: "every move of a job keeps its note as a code with details, so each screen says it in its reader's language",
  sql: `
      ALTER TABLE job_events ADD COLUMN code TEXT;
      ALTER TABLE job_events ADD COLUMN detail TEXT;
      UPDATE job_events SET code = CASE
        WHEN reason = 'added' THEN 'added'
        WHEN reason LIKE 'added again after %' THEN 'added_again'
        WHEN reason LIKE 'fetch attempt %' THEN 'fetch_attempt'
        WHEN reason = 'record fetched' THEN 'fetched'
        WHEN reason LIKE 'fetch failed: %' THEN 'fetch_retry'
        WHEN reason LIKE 'set aside after % fetch attempts that did not finish%' THEN 'fetch_set_aside'
        WHEN from_state = 'fetching' AND to_state = 'failed' THEN 'fetch_gave_up'
        WHEN reason LIKE 'the card could not be rendered:%' THEN 'render_failed'
        WHEN reason LIKE 'the printer''s history shows a card printed for this record%' THEN 'printer_history_hold'
        WHEN reason LIKE 'sent to the printer as %' THEN 'sent'
        WHEN reason LIKE 'printed (printer job %)' THEN 'printed'
        WHEN reason LIKE 'the printer did not start it:%' THEN 'printer_not_ready'
        WHEN from_state = 'printing' AND to_state = 'spoiled' THEN 'printer_spoiled'
        WHEN reason LIKE 'the printer''s answer is unknown%' THEN 'outcome_unknown'
        WHEN reason LIKE 'not claimed:%' THEN 'claim_not_found'
        WHEN reason LIKE 'refused: the record service says station % holds this record%' THEN 'refused_held'
        WHEN reason = 'verified by a person: the card was printed' THEN 'verified_printed'
        WHEN reason = 'verified by a person: the card was spoiled' THEN 'verified_spoiled'
        WHEN reason = 'verified by a person: no card came out; printing it again' THEN 'verified_not_printed'
        WHEN reason = 'verified by a person: no card came out, although the printer''s history shows one; printing it again' THEN 'verified_not_printed_despite_history'
        WHEN reason LIKE 'spoiled after printing, by a person: %' THEN 'spoiled_by_person'
        WHEN reason = 'cancelled by a person' THEN 'cancelled'
        WHEN reason = 'the printer''s job history shows this card completed' THEN 'recovered_printed'
        WHEN reason = 'the agent stopped while this card was printing; a person must check whether it came out' THEN 'recovered_verify'
        WHEN reason = 'the agent restarted; the record is fetched again' THEN 'recovered_requeued'
        WHEN reason = 'no work in progress for it: queued again' THEN 'orphan_requeued'
        WHEN reason = 'its outcome was never recorded; a person must check the card' THEN 'orphan_verify'
        ELSE 'legacy' END;
      UPDATE job_events SET detail = CASE code
        WHEN 'added_again' THEN json_object('from', substr(reason, ${after('added again after ')}))
        WHEN 'fetch_attempt' THEN json_object('attempts', CAST(substr(reason, ${after('fetch attempt ')}) AS INTEGER))
        WHEN 'fetch_retry' THEN json_object('message', substr(reason, ${after('fetch failed: ')}))
        WHEN 'fetch_set_aside' THEN json_object('attempts', CAST(substr(reason, ${after('set aside after ')}) AS INTEGER))
        WHEN 'fetch_gave_up' THEN json_object('message', reason)
        WHEN 'render_failed' THEN json_object('message', substr(reason, ${after('the card could not be rendered: ')}))
        WHEN 'sent' THEN json_object('jobId', substr(reason, ${after('sent to the printer as ')}))
        WHEN 'printed' THEN json_object('printerJobId', substr(reason, ${after('printed (printer job ')}, length(reason) - ${after('printed (printer job ')}))
        WHEN 'printer_not_ready' THEN json_object('message', substr(reason, ${after('the printer did not start it: ')}))
        WHEN 'printer_spoiled' THEN json_object('message', reason)
        WHEN 'outcome_unknown' THEN json_object('message', reason)
        WHEN 'claim_not_found' THEN json_object('message', substr(reason, ${after('not claimed: ')}))
        WHEN 'refused_held' THEN json_object('by', substr(reason, ${after(HELD)}, instr(reason, ' holds this record') - ${after(HELD)}))
        WHEN 'spoiled_by_person' THEN json_object('words', substr(reason, ${after('spoiled after printing, by a person: ')}))
        WHEN 'legacy' THEN json_object('text', reason)
        ELSE NULL END;
    `,
};
