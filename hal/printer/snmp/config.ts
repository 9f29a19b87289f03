/** The SNMP monitor's configuration: `printer.snmp`, beside any print path's own keys. */
import { z } from 'zod';
import { filePath, port } from '../../config-fields.js';

export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;

export const snmpMonitorSchema = () => z
  .strictObject({
    host: z
      .string()
      .min(1)
      .regex(/^[^\s/]+$/, 'expected the printer\'s address or name, e.g. 192.168.1.50 (no scheme, no path)')
      .describe('The card printer\'s network address (its IP or DNS name) where its SNMP agent answers, e.g. 192.168.1.50.'),
    port: port.default(161).describe('The printer\'s SNMP port (UDP).'),
    version: z.enum(['2c', '3']).default('2c').describe('SNMP version: 2c (a community, what most card printers offer) or 3 (a user with authentication and privacy).'),
    communityFile: filePath
      .optional()
      .describe('Version 2c: a file holding the community (a password in all but name; many printers ship with "public"). Keep it readable by the agent\'s user only. A wrong community gets no answer at all, so it shows as snmp-unreachable.'),
    user: z.string().min(1).max(32).optional().describe('Version 3: the user name set in the printer.'),
    authProtocol: z.enum(SNMP_AUTH_PROTOCOLS).optional().describe('Version 3: how messages are signed, as set in the printer; with authKeyFile.'),
    authKeyFile: filePath.optional().describe('Version 3: a file holding the authentication passphrase (at least 8 characters).'),
    privProtocol: z.enum(SNMP_PRIV_PROTOCOLS).optional().describe('Version 3: how messages are encrypted, as set in the printer; needs authProtocol, with privKeyFile.'),
    privKeyFile: filePath.optional().describe('Version 3: a file holding the privacy passphrase (at least 8 characters).'),
    timeoutSeconds: z
      .number()
      .min(0.1)
      .max(30)
      .default(1)
      .describe('Longest wait for one reading over SNMP, in seconds; a printer on the office network answers in milliseconds. Keep it under intervals.pollSeconds: the printer is read within that.'),
    lowPercent: z
      .number()
      .min(0)
      .max(100)
      .default(10)
      .describe('The Printer MIB carries no "low" mark: a ribbon, film or hopper at or under this level, in percent, is reported low by the printer (as IPP\'s marker-low-levels would).'),
  })
  .superRefine((c, ctx) => {
    const need = (key: keyof typeof c, why: string) => ctx.addIssue({ code: 'custom', path: [key], message: why });
    if (c.version === '2c' && !c.communityFile) need('communityFile', 'version 2c needs communityFile: a file holding the printer\'s community');
    if (c.version === '3') {
      if (!c.user) need('user', 'version 3 needs user: the user name set in the printer');
      if (c.authProtocol && !c.authKeyFile) need('authKeyFile', 'authProtocol needs authKeyFile: a file holding the authentication passphrase');
      if (c.authKeyFile && !c.authProtocol) need('authProtocol', `authKeyFile needs authProtocol: one of ${SNMP_AUTH_PROTOCOLS.join(', ')}`);
      if (c.privProtocol && !c.authProtocol) need('privProtocol', 'privacy (privProtocol) needs authentication too: set authProtocol and authKeyFile');
      if (c.privProtocol && !c.privKeyFile) need('privKeyFile', 'privProtocol needs privKeyFile: a file holding the privacy passphrase');
      if (c.privKeyFile && !c.privProtocol) need('privProtocol', `privKeyFile needs privProtocol: one of ${SNMP_PRIV_PROTOCOLS.join(', ')}`);
    }
  });
export type SnmpMonitorOptions = z.infer<ReturnType<typeof snmpMonitorSchema>>;
