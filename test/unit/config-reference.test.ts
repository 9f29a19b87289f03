import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../agent/config/load.js';
import { configKeys, renderConfigReference, undescribedKeys } from '../../scripts/config-reference.js';

const docs = join(import.meta.dirname, '../../docs');

describe('configuration reference (docs/configuration.md)', () => {
  it('the committed file is what the schema renders (run `npm run docs` after a change)', () => {
    expect(readFileSync(join(docs, 'configuration.md'), 'utf8')).toBe(renderConfigReference());
  });

  it('every key of the schema has a description', () => {
    expect(undescribedKeys()).toEqual([]);
  });

  it('names each key by its dotted path, with its type, default and allowed values', () => {
    const text = renderConfigReference();
    expect(text).toContain('| `mqtt.reconnect.maxSeconds` | number | `60` | 0.1 to 3600 |');
    expect(text).toContain('| `ups.host` (driver: nut) | string | `"127.0.0.1"` | not empty |');
    expect(text).toContain('| `log.level` | string | `"info"` | `"fatal"`, `"error"`, `"warn"`, `"info"`, `"debug"`, `"trace"` |');
    expect(text).toContain('| `station.id` | string | **required** |');
    // Every key the walk finds is in the document.
    for (const k of configKeys()) expect(text, k.path).toContain(`\`${k.path}\``);
  });

  it('finds a key without a description at any depth and inside a driver union', () => {
    const toy = z.strictObject({
      a: z.number().default(1).describe('described'),
      b: z.strictObject({ c: z.string().describe('described'), d: z.boolean().optional() }).describe('described'),
      e: z.discriminatedUnion('driver', [
        z.strictObject({ driver: z.literal('x').describe('described'), f: z.number() }),
        z.strictObject({ driver: z.literal('y') }),
      ]),
    });
    expect(undescribedKeys(toy)).toEqual(['b.d', 'e', 'e.f (driver: x)', 'e.driver (driver: y)']);
    const text = renderConfigReference(toy);
    expect(text).toContain('| `b.d` | boolean | — |  |  |');
    expect(text).toContain('| `e.f` (driver: x) | number | **required** |');
  });
});

describe('keys every driver of a section takes alike', () => {
  it('are listed once, after the drivers\' own, without a driver mark (printer.snmp beside any print path)', () => {
    const monitor = z.strictObject({ host: z.string().describe('described') }).optional().describe('described');
    const toy = z.strictObject({
      p: z.discriminatedUnion('driver', [
        z.strictObject({ driver: z.literal('x').describe('described'), f: z.number().describe('described'), m: monitor }),
        z.strictObject({ driver: z.literal('y').describe('described'), m: monitor }),
      ]),
    });
    expect(configKeys(toy).map((k) => (k.variant ? `${k.path} (${k.variant})` : k.path))).toEqual(['p', 'p.driver (driver: x)', 'p.f (driver: x)', 'p.driver (driver: y)', 'p.m', 'p.m.host']);
    const text = renderConfigReference();
    expect(text).toContain('| `printer.snmp.communityFile` | string | — |');
    expect(text).not.toMatch(/printer\.snmp[^|]*\(driver:/);
  });
});

describe('the example station configuration (docs/station.example.yaml)', () => {
  const file = join(docs, 'station.example.yaml');

  it('is a valid configuration for a station with a NUT UPS, a CUPS printer and a TLS broker', () => {
    const config = loadConfig(file);
    expect(config.ups).toMatchObject({ driver: 'nut', host: '127.0.0.1', port: 3493, name: 'ups' });
    expect(config.printer).toMatchObject({ driver: 'ipp', url: 'ipp://localhost:631/printers/card' });
    expect(config.mqtt.url).toMatch(/^mqtts:\/\//);
    expect(config.mqtt).toMatchObject({
      passwordFile: '/etc/station-agent/mqtt.pass',
      ca: '/etc/station-agent/ca.crt',
      cert: '/etc/station-agent/station.crt',
      key: '/etc/station-agent/station.key',
    });
    expect(config.dataDir).toBe('/var/lib/station-agent');
  });
});
