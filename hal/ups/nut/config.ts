/** The NUT (upsd) driver's configuration, and its line in the UPS family's table. */
import { z } from 'zod';
import { filePath, port } from '../../config-fields.js';
import { defineDriver } from '../../driver.js';
import { upsWatchKeys } from '../config.js';

export const nutUpsSchema = () => z.strictObject({
  driver: z.literal('nut').describe('read the UPS from NUT\'s upsd over its network protocol (the usual choice on Linux)'),
  /** upsd's address; loopback when the UPS hangs off this PC. */
  host: z.string().min(1).default('127.0.0.1').describe('Address of upsd; 127.0.0.1 when the UPS hangs off this PC.'),
  port: port.default(3493).describe('TCP port of upsd.'),
  /** The UPS's name in ups.conf (upsc -l lists them). */
  name: z.string().min(1).default('ups').describe('The UPS\'s name in NUT\'s ups.conf (`upsc -l` lists them).'),
  username: z.string().min(1).optional().describe('upsd login (upsd.users); reading needs none on a default NUT install.'),
  passwordFile: filePath.optional().describe('File holding the upsd password, for username.'),
  timeoutSeconds: z
    .number()
    .min(0.1)
    .max(60)
    .default(3)
    .describe('How long to wait for upsd to answer, in seconds, before the UPS counts as unreadable (ups.comm_lost).'),
  tls: z
    .strictObject({
      ca: filePath.optional().describe('PEM file of the CA that signed upsd\'s certificate. Without it the system\'s CAs are trusted.'),
    })
    .optional()
    .describe('Talk to upsd over TLS (STARTTLS, as upsmon does with CERTVERIFY): needed when upsd is on another PC. upsd must have a certificate (CERTFILE or CERTPATH in upsd.conf); the connection fails rather than fall back to plain text.'),
  ...upsWatchKeys(),
});
export type NutOptions = z.infer<ReturnType<typeof nutUpsSchema>>;

export const nutUps = defineDriver({
  get schema() {
    return nutUpsSchema();
  },
  label: (c) => ({ id: `UPS ${c.name} lewat NUT di ${c.host}:${c.port}`, en: `UPS ${c.name} through NUT at ${c.host}:${c.port}` }),
  example: { section: '{driver: nut, host: 127.0.0.1, name: ups}', for: { id: 'UPS lewat upsd dari NUT (namanya: upsc -l)', en: "a UPS through NUT's upsd (its name: upsc -l)" } },
  secretFiles: (c) => [{ key: 'ups.passwordFile', file: c.passwordFile }],
  can: { hasUps: true },
  async load() {
    const { NutUps } = await import('./driver.js');
    return (c, ctx) => new NutUps(c, ctx);
  },
});
