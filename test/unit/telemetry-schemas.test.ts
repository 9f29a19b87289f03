import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas } from '../../telemetry/json-schema.js';
import { stationTopics } from '../../telemetry/topics.js';
import { healthyBody } from '../support/health.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';

const dir = join(import.meta.dirname, '../../telemetry/schemas');
const validators = schemaValidators(dir);
const telemetry = { connected: true, backlog: 0, backlogBytes: 0, oldestBacklogSeconds: null, dropped: 0, droppedEvents: 0, refused: 0, lastError: null };
const envelope = { schema: 'station.health/1', station: 'x-01', ts: '2026-01-05T08:00:00.000Z', seq: 1, telemetry, store: { durable: true, error: null } };

describe('payload JSON Schemas', () => {
  it('the committed files are what the zod payloads render (run `npm run schemas` after a change)', () => {
    for (const [name, text] of renderJsonSchemas()) expect(readFileSync(join(dir, name), 'utf8'), name).toBe(text);
  });

  it('accept a well-formed health, and new fields a later agent may add', () => {
    expect(payloadErrors(validators, { ...envelope, ...healthyBody() })).toEqual([]);
    expect(payloadErrors(validators, { ...envelope, ...healthyBody(), outbox: { backlog: 3 } })).toEqual([]);
  });

  it('reject what a consumer must not be given: unknown states, 0-for-unknown strings, missing seq, local time', () => {
    const bad = (patch: Record<string, unknown>) => payloadErrors(validators, { ...envelope, ...healthyBody(), ...patch });
    expect(bad({ printer: { ...healthyBody().printer, state: 'broken' } }).join()).toMatch(/\/printer\/state/);
    expect(bad({ ups: { ...healthyBody().ups, chargePercent: 'unknown' } }).join()).toMatch(/\/ups\/chargePercent/);
    expect(bad({ seq: 0 }).join()).toMatch(/\/seq/);
    expect(bad({ ts: '2026-01-05 08:00:00' }).join()).toMatch(/\/ts/);
    const { seq: _seq, ...noSeq } = { ...envelope, ...healthyBody() };
    expect(payloadErrors(validators, noSeq).join()).toMatch(/seq/);
  });

  it('status: the Will and the shutdown message', () => {
    const status = { schema: 'station.status/1', station: 'x-01', ts: envelope.ts };
    expect(payloadErrors(validators, { ...status, online: true, version: '1.0.0' })).toEqual([]);
    expect(payloadErrors(validators, { ...status, online: false, reason: 'lost' })).toEqual([]);
    expect(payloadErrors(validators, { ...status, online: false, reason: 'shutdown' })).toEqual([]);
    expect(payloadErrors(validators, { ...status, online: false, reason: 'crashed' })).not.toEqual([]);
    expect(payloadErrors(validators, { ...status, online: false })).not.toEqual([]);
  });
});

describe('topics', () => {
  it('follow {prefix}/{province}/{regency}/{station}/...', () => {
    const t = stationTopics('ektp/v1', { id: '5371-01', province: '53', regency: '5371' });
    expect([t.status, t.health, t.event, t.diagnostics, t.cmdFilter, t.cmdReply('snapshot')]).toEqual([
      'ektp/v1/53/5371/5371-01/status',
      'ektp/v1/53/5371/5371-01/health',
      'ektp/v1/53/5371/5371-01/event',
      'ektp/v1/53/5371/5371-01/diagnostics',
      'ektp/v1/53/5371/5371-01/cmd/+',
      'ektp/v1/53/5371/5371-01/cmd/snapshot/reply',
    ]);
  });
});
