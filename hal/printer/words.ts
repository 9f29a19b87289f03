import type { Text } from '../../core/i18n.js';

/**
 * What more than one printer driver says, in Indonesian and English: fixed sentences that name
 * nothing found, and the hint for a printer that is off. One wording for every driver.
 */
export const PRINTER_SAYS = {
  offline: { id: 'printer sedang offline', en: 'the printer is offline' },
  busy: { id: 'printer sedang mencetak kartu lain', en: 'the printer is already printing a card' },
} satisfies Record<string, Text>;

export const PRINTER_HINT = {
  power: { id: 'Periksa daya dan kabel printer.', en: "Check the printer's power and cable." },
} satisfies Record<string, Text>;
