/**
 * Keys every UPS driver's section takes besides its own (all but `none`): how the agent watches
 * the UPS, as NUT's upsmon takes DEADTIME and SHUTDOWNCMD beside the UPS it monitors.
 */
import { z } from 'zod';

export const upsWatchKeys = () => ({
  deadSeconds: z
    .number()
    .min(1)
    .max(3600)
    .default(15)
    .describe(
      'A UPS last seen on battery that stops answering for this long, in seconds, is taken as on battery with its runtime unknown (like NUT upsmon\'s DEADTIME): new cards are held, ups.lowBatteryCommand runs and ups.comm_lost is critical. One last seen on mains that stops answering is only a warning, and printing goes on.',
    ),
  lowBatteryCommand: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'A command run once per power cut when, on battery, the battery goes low or the UPS announces its shutdown (like NUT upsmon\'s SHUTDOWNCMD), as a list: program, then arguments, e.g. ["/usr/sbin/shutdown", "-h", "+1"]. Never run through a shell; its exit and last output are logged. Off when absent.',
    ),
  lowBatteryCommandTimeoutSeconds: z
    .number()
    .min(1)
    .max(3600)
    .default(60)
    .describe('How long ups.lowBatteryCommand may run, in seconds; past it the agent stops it (SIGTERM, then SIGKILL 5 s later) and logs that it timed out.'),
});
