/**
 * `printer.rest`, beside any print path's own keys: how long a hot printer is let cool after a
 * run of cards. Offices rest their card printers by habit ("kartu akan meleleh": a hot FARGO
 * spoils cards); the figures are the office's choice, not a vendor's. The print queue keeps it.
 */
import { z } from 'zod';

export const printerRestSchema = () => z
  .strictObject({
    afterCards: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .describe('Cards through the printer in one run before it rests: printed, spoiled, or sent with their outcome unknown (a card the printer refused to start is not one). A pause of at least `minutes` with no card ends a run as a rest does.'),
    minutes: z
      .number()
      .min(0.05)
      .max(240)
      .describe('How long the printer rests, in minutes (fractions allowed), measured on the PC\'s monotonic clock: a wall clock set forward or back neither ends nor lengthens a rest.'),
  })
  .describe(
    'Let the printer rest after a run of cards: no new card starts for `minutes` after every `afterCards` cards; the queue then resumes by itself. The station page and `status` say "printer beristirahat, lanjut pukul HH.MM"; health carries jobs.heldCode printer_resting and jobs.resumesAt. Leave it out for no rests (the default). E.g. {afterCards: 50, minutes: 10}, as an office sets it.',
  );
export type PrinterRestConfig = z.infer<ReturnType<typeof printerRestSchema>>;
