/**
 * The `dashboard` section of the contract's configuration. Apart from dashboard/config.ts so
 * the agent's schema can accept the section without importing the rest of the dashboard.
 */
import { z } from 'zod';
import { filePath } from '../hal/config-fields.js';
import { listenSchema } from '../platform/listen.js';
import { leadDaysSchema } from '../telemetry/config.js';

const TOPIC_SAFE = /^[A-Za-z0-9._-]+$/;
/**
 * The dashboard's heap ceiling is its launcher's to give: the installed station-agent command
 * (deploy/linux/station-agent.sh, deploy/windows/station-agent.cmd) starts `dashboard` with
 * --max-old-space-size of this variable's MB, or of the default below when it is unset.
 */
export const DASHBOARD_HEAP_VARIABLE = 'STATION_DASHBOARD_HEAP_MB';
export const DASHBOARD_HEAP_DEFAULT_MB = 512;

const code = z.preprocess((v) => (Number.isInteger(v) ? String(v) : v), z.string().regex(TOPIC_SAFE, 'expected a code like "53" or "5371"'));

/** Where the dashboard sends the stations' alerts (Alertmanager's v2 API); secrets only from files. */
export const alertmanagerSchema = () => z
  .strictObject({
    url: z
      .string()
      .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), {
        message: 'no user or password in the URL (it would be logged): put the user in username and the password in the file named by passwordFile',
        abort: true,
      })
      .refine((u) => /^https?:\/\/[^\s/@]+(:\d+)?(\/[^\s]*)?$/.test(u), 'expected http://HOST:PORT or https://HOST:PORT, e.g. "http://127.0.0.1:9093"')
      .describe('Alertmanager\'s address, e.g. "http://127.0.0.1:9093" (a path prefix such as /alertmanager is kept); alerts go to its /api/v2/alerts. Never put a user or password in the URL.'),
    username: z.string().min(1).optional().describe('User for basic authentication (a reverse proxy in front of Alertmanager); give passwordFile with it.'),
    passwordFile: filePath.optional().describe('File holding the basic-auth password, readable by the dashboard\'s user only; a trailing newline is ignored. Needs username.'),
    bearerTokenFile: filePath.optional().describe('File holding a bearer token sent as "Authorization: Bearer", instead of basic authentication.'),
    resendSeconds: z
      .number()
      .min(1)
      .max(3600)
      .default(60)
      .describe('Active alerts are posted again this often; each post says it ends 4 such periods later unless posted again, so alerts the dashboard stops sending (it was stopped) resolve by themselves.'),
    timeoutSeconds: z.number().min(0.5).max(120).default(10).describe('How long one post may take before it is abandoned and tried again later.'),
  })
  .refine((a) => a.passwordFile === undefined || a.username !== undefined, { message: 'passwordFile needs a username', path: ['username'] })
  .refine((a) => a.username === undefined || a.passwordFile !== undefined, { message: 'username needs passwordFile (the password is read from a file)', path: ['passwordFile'] })
  .refine((a) => a.bearerTokenFile === undefined || a.username === undefined, { message: 'give either username and passwordFile or bearerTokenFile, not both', path: ['bearerTokenFile'] });

export type AlertmanagerSection = z.infer<ReturnType<typeof alertmanagerSchema>>;

export const dashboardSectionSchema = () => z
  .strictObject({
    listen: listenSchema()
      .default('127.0.0.1:8080')
      .describe('Address and port of the web page and /api/. Loopback unless set otherwise; any other address needs tokenFile.'),
    tokenFile: filePath
      .optional()
      .describe('File holding the access token people and scripts present (login page, or "Authorization: Bearer"). Required when listen is not a loopback address.'),
    scope: z
      .enum(['province', 'national'])
      .default('province')
      .describe('"province": the page opens on the stations of the watched provinces. "national": the ministry\'s dashboard, subscribed to the national broker (docs/national.md); the page opens on the nation\'s tree of provinces, regencies, offices and stations (/nation), with the allocation of idle stock (/allocation).'),
    provinces: z
      .array(code)
      .default([])
      .describe('Province codes to watch, e.g. ["53"]; empty watches every province under mqtt.topicPrefix.'),
    timeZone: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'expected an IANA time zone such as "Asia/Makassar"')
      .optional()
      .describe('For display only: the zone the dashboard shows its own times and days in (today and the month of its reports), e.g. "Asia/Makassar" (WITA); the PC\'s own zone when not set. A station\'s cards are added to the days it counts them in, in its own zone (named by its daily totals), whatever this says; this zone names a station\'s days only while the station has not named its own (an agent older than the daily totals).'),
    leadDays: leadDaysSchema().describe('A station whose supply runs out inside this many days gets lending suggestions.'),
    reserveDays: z
      .number()
      .min(0)
      .max(365)
      .default(14)
      .describe('A station lends only what it holds beyond its own lead time plus this many days of its own use.'),
    minCardsPerDay: z
      .number()
      .min(0)
      .default(15)
      .describe('The output ranking flags stations printing fewer cards a day than this over the last week.'),
    backlogDays: z
      .number()
      .min(0)
      .default(5)
      .describe('The output ranking flags stations whose queue would take more than this many days at their own rate.'),
    heapMegabytes: z
      .number()
      .int()
      .min(128)
      .max(16_384)
      .default(DASHBOARD_HEAP_DEFAULT_MB)
      .describe(`Heap ceiling the dashboard's process needs, in MB (10,000 stations run in about 240 MB). Its launcher gives it (Node's --max-old-space-size): the station-agent command gives the dashboard ${DASHBOARD_HEAP_VARIABLE} MB, ${DASHBOARD_HEAP_DEFAULT_MB} when unset. Started with less (under the agent's 128 MB, say), the dashboard says so in its log, with the command to start it with this.`),
    historyDays: z.number().int().min(1).max(3650).default(90).describe('Days of history (supplies, power, cards a day, alerts) kept in the dashboard\'s database.'),
    regencies: z
      .record(
        code,
        z.strictObject({
          name: z.string().optional().describe('The regency\'s name for people.'),
          lat: z.number().min(-90).max(90).describe('Latitude of the regency\'s office, in degrees.'),
          lon: z.number().min(-180).max(180).describe('Longitude of the regency\'s office, in degrees.'),
        }),
      )
      .default({})
      .describe('Where each regency is, by code, to offer the nearest lender first. Regencies not listed come after those that are, by surplus.'),
    public: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Serve the public stock list on /public/stock (a page) and /public/stock.json: per regency and office, blanks on hand, days left, cards printed yesterday, when updated. These two paths need no token and answer any Host; nothing else does.'),
        trustProxy: z.boolean().default(false).describe('Take the client\'s address from X-Forwarded-For (the province\'s own reverse proxy in front): each address may ask a few times a minute. Off, the connection\'s address counts.'),
      })
      .prefault({})
      .describe('The public stock list the ministry asked provinces to post every day.'),
    idleMonths: z.number().min(1).max(60).default(6).describe('An office whose blanks cover more than this many months at its recent rate holds idle stock (the nation\'s allocation).'),
    alertmanager: alertmanagerSchema()
      .optional()
      .describe('Send every alert a station raises to the province\'s Alertmanager (docs/dashboard.md, "Alertmanager"); not set: alerts stay on the page.'),
  })
  .describe('The provincial dashboard (`station-agent dashboard` only; the agent ignores it).');

export type DashboardSection = z.infer<ReturnType<typeof dashboardSectionSchema>>;

export { isLoopback, splitListen } from '../platform/listen.js';
