/** Field types the drivers' configuration schemas share (and the agent's, which composes them). */
import { z } from 'zod';

export const port = z.number().int().min(1).max(65535);
/**
 * A key that names a file. Marked in the schema, so whoever reads the configuration makes it
 * absolute against the configuration file's folder: the driver that owns the key says so once,
 * and no list elsewhere can fall out of step with it.
 */
export const FILE_PATH_MARK = 'filePath';
export const filePath = z.string().min(1).meta({ [FILE_PATH_MARK]: true });
/** Cards a full consumable prints (or a hopper holds). */
export const supplyCapacity = z.number().int().min(1).max(1_000_000);
