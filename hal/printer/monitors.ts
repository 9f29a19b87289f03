/**
 * Keys any print path can carry, beside its own: the monitors (today `printer.snmp`, the printer's
 * own SNMP agent) and how the printer is to be used (`printer.rest`, kept by the print queue). The
 * family's table (index.ts) stays the only place that names the print paths; this adds these keys
 * to each of them, and wraps the driver when a monitor is configured.
 */
import type { z } from 'zod';
import type { DriverContext, SecretFile } from '../driver.js';
import { printerRestSchema } from './rest-config.js';
import { snmpMonitorSchema } from './snmp/config.js';
import type { PrinterDriver } from './types.js';

const monitorShape = () => ({
  snmp: snmpMonitorSchema()
    .optional()
    .describe('The printer\'s own SNMP agent (Printer MIB, Host Resources, MIB-II), read beside any print path: ribbon, film and hopper levels and hardware faults from the printer itself. Leave it out for a printer without a network SNMP agent.'),
  rest: printerRestSchema().optional(),
});
type MonitorShape = ReturnType<typeof monitorShape>;

/** Each line of a table of print paths, its schema with the monitors' keys added. */
type WithMonitors<T> = {
  -readonly [K in keyof T]: T[K] extends { schema: z.ZodObject<infer Shape, infer Cfg> } ? Omit<T[K], 'schema'> & { schema: z.ZodObject<Shape & MonitorShape, Cfg> } : never;
};

export function withMonitors<T extends readonly { schema: z.ZodObject }[]>(table: T): WithMonitors<T> {
  // safeExtend keeps a driver's own refinements, should it have any.
  return table.map((line) => ({ ...line, schema: line.schema.safeExtend(monitorShape()) })) as WithMonitors<T>;
}

/** The secret files the monitors' keys name. */
export function monitorSecretFiles(section: { snmp?: z.infer<ReturnType<typeof snmpMonitorSchema>> }): SecretFile[] {
  const s = section.snmp;
  return [
    { key: 'printer.snmp.communityFile', file: s?.communityFile },
    { key: 'printer.snmp.authKeyFile', file: s?.authKeyFile },
    { key: 'printer.snmp.privKeyFile', file: s?.privKeyFile },
  ];
}

/** The print path, with the configured monitors wrapped around it; their code is imported only then. */
export async function withMonitor(
  section: { driver: string; snmp?: z.infer<ReturnType<typeof snmpMonitorSchema>>; rest?: unknown },
  ctx: DriverContext,
  makePath: (section: { driver: string }) => Promise<PrinterDriver>,
): Promise<PrinterDriver> {
  // The print path gets its own keys only: the rest is the print queue's business.
  const { snmp, rest: _rest, ...pathSection } = section;
  const path = await makePath(pathSection);
  if (!snmp) return path;
  const { MonitoredPrinter } = await import('./snmp/driver.js');
  return new MonitoredPrinter(path, snmp, ctx);
}
