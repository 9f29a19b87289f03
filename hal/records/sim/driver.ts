import type { SimRecordsOptions } from './config.js';
import type { DriverContext } from '../../driver.js';
import { HalError } from '../../errors.js';
import type { PrintRecord, RecordSource } from '../types.js';

/** A small deterministic hash, so one record id always gives the same synthetic person. */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Obviously synthetic records: every name starts CONTOH ("example"), every NIK starts 000000
 * (no such region), addresses are on JALAN CONTOH. The latency and the failure rate model a
 * slow or flapping central server.
 */
export function syntheticRecord(recordId: string): PrintRecord {
  const h = hash(recordId);
  const n = String(h % 10_000).padStart(4, '0');
  return {
    recordId,
    nik: `000000${String(h % 10_000_000_000).padStart(10, '0')}`,
    name: `CONTOH WARGA ${n}`,
    birthPlace: 'KOTA CONTOH',
    birthDate: `19${String(50 + (h % 50)).padStart(2, '0')}-0${1 + (h % 9)}-1${h % 10}`,
    sex: h % 2 === 0 ? 'LAKI-LAKI' : 'PEREMPUAN',
    bloodType: null,
    address: { street: `JALAN CONTOH NO. ${h % 200}`, rtRw: '000/000', village: 'DESA CONTOH', district: 'KECAMATAN CONTOH' },
    religion: 'CONTOH',
    maritalStatus: 'CONTOH',
    occupation: 'CONTOH',
    nationality: 'WNI',
    validUntil: 'SEUMUR HIDUP',
    province: 'PROVINSI CONTOH',
    regency: 'KOTA CONTOH',
    issuedAt: '2026-01-05',
    photoBase64: null,
  };
}

export class SimRecords implements RecordSource {
  readonly driver = 'sim';
  private readonly timers = new Set<() => void>();

  constructor(
    private readonly opts: SimRecordsOptions,
    private readonly ctx: DriverContext,
    private readonly random: () => number = Math.random,
  ) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    return Promise.resolve();
  }

  fetch(recordId: string): Promise<PrintRecord> {
    return new Promise((resolve, reject) => {
      const cancel = this.ctx.clock.setTimer(() => {
        this.timers.delete(cancel);
        if (this.opts.missing.includes(recordId)) reject(new HalError('not-found', `record ${recordId} is not print-ready on the server`));
        else if (this.random() < this.opts.failureRate) reject(new HalError('unavailable', { id: 'server pusat tidak menjawab (kegagalan yang disimulasikan)', en: 'the central server did not answer (simulated failure)' }));
        else resolve(syntheticRecord(recordId));
      }, this.opts.latencyMs);
      this.timers.add(cancel);
    });
  }
}
