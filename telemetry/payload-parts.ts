/**
 * The pieces every payload schema is made of (payloads.ts). Bounds on everything that comes in:
 * the dashboard takes these payloads from every station, so a number must be finite (JSON's 1e999
 * parses as Infinity), a text and a list short, whatever a station sends. Far above anything a
 * real station publishes. One instance of each, shared, as the JSON Schemas were rendered from.
 */
import { z } from 'zod';
import { NUMBER_MAX, TEXT_MAX } from '../hal/bounds.js';

// The numbers are the HAL's (hal/bounds.ts), which cuts every driver's reading to them.
export const finite = z.number().min(-NUMBER_MAX).max(NUMBER_MAX);
export const TEXT = TEXT_MAX;
export const nullableNumber = finite.nullable();
export const ts = z.iso.datetime({ offset: false }).describe('RFC 3339 UTC time the message was made');
export const station = z.string().min(1).max(64).describe('station id');
export const seq = z.number().int().min(1).max(1e15).describe('per-station counter, strictly increasing across restarts');
