import type { SimRecordsOptions } from './config.js';
import type { DriverContext } from '../../driver.js';
import { HalError } from '../../errors.js';
import type { CardOutcomeWord, ClaimAnswer, ClaimHolder, ClaimsKept, OutcomeAnswer, PrintRecord, RecordSource } from '../types.js';
import type { SharedCentre } from './centre.js';

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

/**
 * The simulated centre: synthetic records after a latency, failures at a rate, and, with
 * `shared`, claims kept in a file the office's agents share (centre.ts), decided by the same rules
 * the tests' stand-in record service uses (rules.ts). Claims answer without the latency (a
 * small decision, not a record with its photo) but fail at the same rate.
 */
export class SimRecords implements RecordSource {
  readonly driver = 'sim';
  readonly claims: ClaimsKept;
  private readonly timers = new Set<() => void>();
  private centre: Promise<SharedCentre> | undefined;

  constructor(
    private readonly opts: SimRecordsOptions,
    private readonly ctx: DriverContext,
    private readonly random: () => number = Math.random,
  ) {
    this.claims = opts.shared === undefined ? 'local' : 'kept';
  }

  async start(): Promise<void> {
    // Said now if the file cannot be used; asked again at each claim until it can.
    if (this.claims === 'kept') await this.shared();
  }

  async stop(): Promise<void> {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    const centre = this.centre;
    this.centre = undefined;
    await (await centre?.catch(() => undefined))?.close();
  }

  fetch(recordId: string): Promise<PrintRecord> {
    return new Promise((resolve, reject) => {
      const cancel = this.ctx.clock.setTimer(() => {
        this.timers.delete(cancel);
        if (this.opts.missing.includes(recordId)) reject(new HalError('not-found', `record ${recordId} is not print-ready on the server`));
        else if (this.flaps()) reject(down());
        else resolve(syntheticRecord(recordId));
      }, this.opts.latencyMs);
      this.timers.add(cancel);
    });
  }

  async claim(recordId: string, holder: ClaimHolder): Promise<ClaimAnswer> {
    if (this.claims !== 'kept') return { granted: true, claimedBy: holder.station };
    if (this.flaps()) throw down();
    if (this.opts.missing.includes(recordId)) throw new HalError('not-found', `record ${recordId} is not print-ready on the server`);
    return (await this.shared()).claim(recordId, holder, this.stamp());
  }

  async outcome(recordId: string, station: string, outcome: CardOutcomeWord): Promise<OutcomeAnswer> {
    if (this.claims !== 'kept') return { taken: true };
    if (this.flaps()) throw down();
    return (await this.shared()).outcome(recordId, station, outcome, this.stamp());
  }

  private flaps(): boolean {
    return this.random() < this.opts.failureRate;
  }

  private stamp(): string {
    return new Date(this.ctx.clock.now()).toISOString();
  }

  /** The shared file, opened once; a failed open is tried again next time. */
  private async shared(): Promise<SharedCentre> {
    const file = this.opts.shared ?? '';
    this.centre ??= import('./centre.js').then(({ SharedCentre }) => SharedCentre.open(file));
    try {
      return await this.centre;
    } catch (err) {
      this.centre = undefined;
      throw err;
    }
  }
}

const down = () => new HalError('unavailable', { id: 'server pusat tidak menjawab (kegagalan yang disimulasikan)', en: 'the central server did not answer (simulated failure)' });
