/**
 * Keys every print path that follows a card through a print queue takes (IPP, the Windows
 * spooler): how often the card is asked after, and when one that never finishes is set aside.
 */
import { z } from 'zod';

export const printJobKeys = () => ({
  jobPollSeconds: z.number().min(0.05).max(60).default(1).describe('How often a card being printed is asked after in the print queue.'),
  jobTimeoutSeconds: z
    .number()
    .min(1)
    .max(86_400)
    .default(600)
    .describe('A card the printer has not finished after this long (a jam nobody clears) is set aside for a person to verify.'),
});
