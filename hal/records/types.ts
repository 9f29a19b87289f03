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

export interface RecordSource extends Lifecycle {
  readonly driver: string;
  /** Fetch one print-ready record; rejects with a HalError of RECORD_ERRORS. */
  fetch(recordId: string): Promise<PrintRecord>;
}
