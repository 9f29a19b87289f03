/** The HTTP record service's configuration, and its line in the record sources' table. */
import { z } from 'zod';
import { filePath } from '../../config-fields.js';
import { defineDriver } from '../../driver.js';

export const httpRecordsSchema = () => z.strictObject({
  /** Base URL of the record service: GET {url}/records/{recordId} (see README). */
  url: z
    .string()
    .regex(/^https?:\/\/[^\s@]+$/, 'expected http://HOST[:PORT][/PATH] or https://...')
    .describe('Base URL of the record service; the agent asks GET {url}/records/{recordId} (contract in README).'),
  /** A bearer token for the service, read from this file. */
  tokenFile: filePath.optional().describe('File holding the bearer token sent to the record service, if it wants one.'),
  timeoutSeconds: z.number().min(0.1).max(600).default(20).describe('How long one fetch may take, in seconds, the whole answer included, before it counts as failed.'),
  maxAnswerMegabytes: z
    .number()
    .min(0.1)
    .max(64)
    .default(4)
    .describe('The largest answer taken for one record, in megabytes; a larger one is refused as it arrives (a record with its photo is well under one).'),
  claims: z
    .boolean()
    .default(true)
    .describe(
      'Claim each record at the service before its card starts and tell it the outcome after (POST {url}/records/{id}/claim and /outcome), so a record is printed once across every station; false only for a service without these, and then one card per record holds on this PC only.',
    ),
  retries: z
    .number()
    .int()
    .min(0)
    .max(20)
    .optional()
    .describe('No longer used, and accepted so older files still load: a failed fetch is retried by the print queue, on its own schedule (jobs.maxFetchAttempts, jobs.retryAfterSeconds), not also inside the driver.'),
});
export type HttpRecordsOptions = z.infer<ReturnType<typeof httpRecordsSchema>>;

export const httpRecords = defineDriver({
  get schema() {
    return z.strictObject({
      driver: z.literal('http').describe('the record service over HTTP(S)'),
      http: httpRecordsSchema().describe('Where the record service is and how to reach it.'),
    });
  },
  label: (c) => ({ id: `layanan data ${c.http.url}`, en: `record service ${c.http.url}` }),
  example: { section: '{driver: http, http: {url: https://SERVER/api, tokenFile: /etc/station-agent/records.token}}', for: { id: 'layanan data pusat lewat HTTP(S)', en: 'the central record service over HTTP(S)' } },
  secretFiles: (c) => [{ key: 'records.http.tokenFile', file: c.http.tokenFile }],
  can: {},
  async load() {
    const { HttpRecords } = await import('./driver.js');
    return (c, ctx) => new HttpRecords(c.http, ctx);
  },
});
