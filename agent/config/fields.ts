/** Field types shared by the sections of the configuration schema. */
import { z } from 'zod';

export const port = z.number().int().min(1).max(65535);
export const filePath = z.string().min(1);
