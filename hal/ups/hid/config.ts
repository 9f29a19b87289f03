/** The USB HID UPS driver's configuration, and its line in the UPS family's table. */
import { z } from 'zod';
import { defineDriver } from '../../driver.js';
import { upsWatchKeys } from '../config.js';

/** USB ids as lsusb prints them ("051d"), with or without 0x; a YAML 0x051d arrives as a number. */
const usbId = (what: string) =>
  z
    .union([z.number().int().min(0).max(0xffff), z.string().regex(/^(0x)?[0-9a-fA-F]{4}$/, `expected a USB ${what} id of 4 hex digits, e.g. "0x051d"`)])
    .transform((v) => (typeof v === 'number' ? v : parseInt(v.replace(/^0x/i, ''), 16)));

export const hidUpsSchema = () => z.strictObject({
  driver: z.literal('hid').describe('read a USB UPS directly (HID Power Device class: APC, CyberPower, Eaton, ...); needs the node-hid package and, on Linux, the udev rule'),
  vendorId: usbId('vendor')
    .optional()
    .describe('USB vendor id of the UPS as lsusb shows it: "051d" APC, "0764" CyberPower, "0463" Eaton. Without vendorId, productId and path, the one HID Power Device attached is used.'),
  productId: usbId('product').optional().describe('USB product id of the UPS as lsusb shows it, e.g. "0002" for an APC Back-UPS.'),
  path: z.string().min(1).optional().describe('Device path (Linux: /dev/hidrawN), to choose one of several UPSes attached.'),
  pollFeatureReports: z
    .boolean()
    .default(true)
    .describe('Ask the UPS for its feature reports at every poll, as NUT does. false: ask once on connecting, then read only the input reports the UPS sends when something changes (for UPSes that stall on frequent requests).'),
  timeoutSeconds: z.number().min(0.1).max(60).default(3).describe('How long to wait for the UPS to answer over USB, in seconds, before it counts as unreadable (ups.comm_lost).'),
  ...upsWatchKeys(),
});
export type HidOptions = z.infer<ReturnType<typeof hidUpsSchema>>;

export const hidUps = defineDriver({
  get schema() {
    return hidUpsSchema();
  },
  label: (c) => ({ id: `UPS USB${c.path ? ` ${c.path}` : ''}`, en: `USB UPS${c.path ? ` ${c.path}` : ''}` }),
  example: { section: '{driver: hid}', for: { id: 'UPS USB yang dibaca langsung (APC, CyberPower, Eaton)', en: 'a USB UPS read directly (APC, CyberPower, Eaton)' } },
  can: { hasUps: true },
  async load() {
    // node-hid itself is loaded only when the UPS is opened, so a missing native module is a
    // reading error with a hint, not a crash at start.
    const [{ HidUps }, { openNodeHid }] = await Promise.all([import('./driver.js'), import('./node-hid.js')]);
    return (c, ctx) => new HidUps(c, ctx, (sel) => openNodeHid(sel));
  },
});
