import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';

/** What every driver is given: the world it may touch, passed in rather than imported. */
export interface DriverContext {
  clock: Clock;
  log: Logger;
}

/** Constructors only assign; start() acquires (sockets, devices, files); stop() releases. */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A driver's configuration section: an object told apart from its siblings by `driver`. */
type SectionSchema = z.ZodObject<{ driver: z.ZodLiteral<string> } & z.core.$ZodLooseShape, z.core.$ZodObjectConfig>;

/**
 * One line of a family's table of drivers. The driver owns all of it, in its own folder: the
 * schema of its configuration section (`driver` is its name; keys that name files use the
 * `filePath` type of config-fields.ts, so they are resolved against the configuration file's
 * folder), and how to make it, imported only when it is configured so its dependencies (a
 * native module, an IPP client) load only then. `schema` is a getter that builds the schema each
 * time it is read: the agent reads its file once, and a schema kept in the table would be heap
 * held for the life of the daemon (agent/config/schema.ts).
 */
export interface DriverSpec<S extends SectionSchema, D> {
  schema: S;
  load(): Promise<(config: z.infer<S>, ctx: DriverContext) => D>;
}

/** A spec with its section's type checked against its own schema. */
export function defineDriver<S extends SectionSchema, D>(spec: DriverSpec<S, D>): DriverSpec<S, D> {
  return spec;
}

/** Any line of a table of drivers that make a D (the config each takes is its own business). */
interface TableLine<D> {
  schema: SectionSchema;
  load(): Promise<(config: never, ctx: DriverContext) => D>;
}
type Table<D> = readonly [TableLine<D>, ...TableLine<D>[]];
type Schemas<T> = { -readonly [K in keyof T]: T[K] extends { schema: infer S } ? S : never };

/** A family's configuration section: one of its drivers' sections, chosen by `driver`. */
export function familySchema<T extends Table<unknown>>(table: T): z.ZodDiscriminatedUnion<Schemas<T>, 'driver'> {
  return z.discriminatedUnion('driver', table.map((d) => d.schema) as Schemas<T>);
}

function lineOf<D>(table: Table<D>, driver: string): TableLine<D> {
  const line = table.find((d) => d.schema.shape.driver.value === driver);
  // The family's schema admits only the drivers of its table: this is a programming error.
  if (!line) throw new Error(`no driver "${driver}" in this family's table`);
  return line;
}

/** Make the driver a validated section chooses. */
export async function createDriver<D>(table: Table<D>, section: { driver: string }, ctx: DriverContext): Promise<D> {
  const make = await lineOf(table, section.driver).load();
  // The section was validated by this table's schema, whose `driver` chose this very line.
  return make(section as never, ctx);
}
