import { z } from 'zod';
import type { Lifecycle } from '../driver.js';

/**
 * A print-ready record: what the front of an e-KTP shows. This is personal data: it lives in
 * memory between fetch and print and is never logged, stored or published.
 */
export const printRecordSchema = z.object({
  recordId: z.string().min(1).max(64),
  nik: z.string().regex(/^\d{16}$/, '16 digits'),
  name: z.string().min(1).max(120),
  birthPlace: z.string().max(60),
  birthDate: z.iso.date(),
  sex: z.enum(['LAKI-LAKI', 'PEREMPUAN']),
  bloodType: z.string().max(3).nullable(),
  address: z.object({ street: z.string().max(120), rtRw: z.string().max(10), village: z.string().max(60), district: z.string().max(60) }),
  religion: z.string().max(30),
  maritalStatus: z.string().max(30),
  occupation: z.string().max(60),
  nationality: z.string().max(10),
  validUntil: z.string().max(20),
  province: z.string().max(60),
  regency: z.string().max(60),
  issuedAt: z.iso.date(),
  /** The photo as base64 JPEG or PNG, or null where the record has none. */
  photoBase64: z.string().max(2_000_000).nullable(),
});
export type PrintRecord = z.infer<typeof printRecordSchema>;

/**
 * What fetch() rejects with: not-found (the server has no such print-ready record: retrying
 * will not help), invalid (the server answered something that is not a record), refused (the
 * server refused this station: its credentials), unavailable or timeout (worth retrying).
 */
export const RECORD_ERRORS = ['not-found', 'invalid', 'refused', 'unavailable', 'timeout'] as const;
export type RecordErrorCode = (typeof RECORD_ERRORS)[number];

/** Whether a source keeps claims (RecordSource.claims). */
export const CLAIMS_KEPT = ['kept', 'off', 'local'] as const;
export type ClaimsKept = (typeof CLAIMS_KEPT)[number];

/** Who asks for a record before its card starts: the station's id, and the id of its database (a PC reinstalled is a new one). */
export interface ClaimHolder {
  station: string;
  installId: string;
}

/**
 * The source's answer to a claim: granted to this station, or refused because another station
 * holds the record (`claimedBy`, and since when as RFC 3339 where the source says; null where not).
 */
export type ClaimAnswer = { granted: true; claimedBy: string } | { granted: false; claimedBy: string; at: string | null };

/** What became of a claimed record's card, as the source is told after it. */
export const CARD_OUTCOMES = ['printed', 'spoiled', 'not_printed'] as const;
export type CardOutcomeWord = (typeof CARD_OUTCOMES)[number];

/** The source's answer to an outcome: taken, or not this station's to give (another holds the record). */
export type OutcomeAnswer = { taken: true } | { taken: false; claimedBy: string; at: string | null };

/**
 * Where print-ready records come from, and (where the source keeps claims) the one place that
 * knows which station prints each: a claim before a card starts, the outcome after. A record is
 * printed once across the office and beyond, not only inside one PC.
 */
export interface RecordSource extends Lifecycle {
  readonly driver: string;
  /**
   * Whether this source keeps claims: `kept`; else claim() grants without asking and outcome()
   * tells nobody, and one card per record holds on this PC only: `off` for a record service
   * configured as having none (records.http.claims: false: said as a warning), `local` for a
   * simulated centre no other agent shares (a demo on one PC).
   */
  readonly claims: ClaimsKept;
  /** Fetch one print-ready record; rejects with a HalError of RECORD_ERRORS. */
  fetch(recordId: string): Promise<PrintRecord>;
  /**
   * Claim the record for this station before its card starts. The same station asking again is
   * granted (a retry, a card after a restart, the reprint of a card it spoiled); a record printed
   * anywhere, or held by another station, is refused naming who holds it. Rejects with a HalError
   * of RECORD_ERRORS when the source cannot say (then no card starts).
   */
  claim(recordId: string, holder: ClaimHolder): Promise<ClaimAnswer>;
  /**
   * Tell the source what became of the card: printed (no other card, anywhere), spoiled (this
   * station may print it again), not printed (the claim is given up). Rejects with a HalError of
   * RECORD_ERRORS when the source cannot be told now (then it is told later, in order).
   */
  outcome(recordId: string, station: string, outcome: CardOutcomeWord): Promise<OutcomeAnswer>;
}
