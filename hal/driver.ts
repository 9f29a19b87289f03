import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Text } from '../core/i18n.js';

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

/** A key of a driver's section that names a secret file, and the file (undefined when unset). */
export interface SecretFile {
  key: string;
  file: string | undefined;
}

/** A section to copy into the configuration file, and which station it is for. */
export interface DriverExample {
  section: string;
  for: Text;
}

/** The same wait for every driver that does not say otherwise: its first reading after start. */
export const FIRST_READING_MS = 5000;

/**
 * One line of a family's table of drivers. The driver owns all of it, in its own folder: the
 * schema of its configuration section (`driver` is its name; keys that name files use the
 * `filePath` type of config-fields.ts, so they are resolved against the configuration file's
 * folder), how to make it, imported only when it is configured so its dependencies (a
 * native module, an IPP client) load only then, and what the rest of the agent asks of it, so
 * that nothing outside its folder tests a driver by name: a label for people, how long its first
 * reading may take, the secret files its section names, and what it can do (`can`, the family's
 * own flags: a printer with a print queue, a UPS at all). `schema` is a getter that builds the
 * schema each time it is read: the agent reads its file once, and a schema kept in the table
 * would be heap held for the life of the daemon (agent/config/schema.ts).
 */
export interface DriverSpec<S extends SectionSchema, D, C extends object = object> {
  schema: S;
  /** What people read for this driver (`printer test`, diagnose): what it is and where. */
  label(section: z.infer<S>): Text;
  /**
   * The smallest section that works, as a person writes it in YAML (`{driver: none}`), and the
   * station it is for: said when the family's section is missing or names no driver of it.
   */
  example: DriverExample;
  /** Longest wait for its first reading after start; FIRST_READING_MS when left out. */
  firstReadingMs?: number;
  /** The secret files its section names, checked for who may read them. */
  secretFiles?(section: z.infer<S>): SecretFile[];
  can: C;
  load(): Promise<(config: z.infer<S>, ctx: DriverContext) => D>;
}

/** A spec with its section's type checked against its own schema. */
export function defineDriver<S extends SectionSchema, D, C extends object = object>(spec: DriverSpec<S, D, C>): DriverSpec<S, D, C> {
  return spec;
}

/** Any line of a table of drivers that make a D and can do C (the config each takes is its own business). */
interface TableLine<D, C extends object = object> {
  schema: SectionSchema;
  label(section: never): Text;
  example: DriverExample;
  firstReadingMs?: number;
  secretFiles?(section: never): SecretFile[];
  can: C;
  load(): Promise<(config: never, ctx: DriverContext) => D>;
}
type Table<D, C extends object = object> = readonly [TableLine<D, C>, ...TableLine<D, C>[]];
type Schemas<T> = { -readonly [K in keyof T]: T[K] extends { schema: infer S } ? S : never };

/** A family's configuration section: one of its drivers' sections, chosen by `driver`. */
export function familySchema<T extends Table<unknown>>(table: T): z.ZodDiscriminatedUnion<Schemas<T>, 'driver'> {
  return z.discriminatedUnion('driver', table.map((d) => d.schema) as Schemas<T>);
}

function lineOf<D, C extends object>(table: Table<D, C>, driver: string): TableLine<D, C> {
  const line = table.find((d) => d.schema.shape.driver.value === driver);
  // The family's schema admits only the drivers of its table: this is a programming error.
  if (!line) throw new Error(`no driver "${driver}" in this family's table`);
  return line;
}

/** What the rest of the agent may know of a configured driver, from its table line. */
export interface DriverFacts<C extends object> {
  label: Text;
  firstReadingMs: number;
  secretFiles: SecretFile[];
  can: C;
}

/** The facts of the driver a validated section chooses. */
export function driverFacts<D, C extends object>(table: Table<D, C>, section: { driver: string }): DriverFacts<C> {
  const line = lineOf(table, section.driver);
  // The section was validated by this table's schema, whose `driver` chose this very line.
  return { label: line.label(section as never), firstReadingMs: line.firstReadingMs ?? FIRST_READING_MS, secretFiles: line.secretFiles?.(section as never) ?? [], can: line.can };
}

/** Make the driver a validated section chooses. */
export async function createDriver<D, C extends object = object>(table: Table<D, C>, section: { driver: string }, ctx: DriverContext): Promise<D> {
  const make = await lineOf(table, section.driver).load();
  // The section was validated by this table's schema, whose `driver` chose this very line.
  return make(section as never, ctx);
}
