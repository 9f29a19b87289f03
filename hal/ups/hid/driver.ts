import type { HidOptions } from './config.js';
import { Backoff } from '../../../core/backoff.js';
import type { DriverContext } from '../../driver.js';
import { HalError, withTimeout } from '../../errors.js';
import { OneAtATime } from '../../../core/one-at-a-time.js';
import type { UpsDriver } from '../types.js';
import { decodeReport, type DecodedReport } from './decode.js';
import { parseDescriptor, reportKey, type ReportDescriptor } from './descriptor.js';
import { HidError } from './error.js';
import { HID_HINT, HID_SAYS } from './hints.js';
import { applyQuirks } from './quirks.js';
import { FieldValues, formatModel, looksLikeUps, toReading, type HidReading } from './reading.js';
import { hex4, type HidTransport, type OpenHid } from './transport.js';
import { USAGE } from './usages.js';

/** Usages a reading is made of: only the feature reports holding one are asked for each poll. */
const READING_USAGES = new Set<number>([
  USAGE.remainingCapacity,
  USAGE.fullChargeCapacity,
  USAGE.capacityMode,
  USAGE.runTimeToEmpty,
  USAGE.voltage,
  USAGE.percentLoad,
  USAGE.acPresent,
  USAGE.charging,
  USAGE.discharging,
  USAGE.belowRemainingCapacityLimit,
  USAGE.remainingTimeLimitExpired,
  USAGE.shutdownImminent,
  USAGE.needReplacement,
  USAGE.overload,
]);

/** After a failure, the UPS is opened again after 1 s, then 2 s, ... up to 30 s. */
const REOPEN = { initialMs: 1000, maxMs: 30_000, jitter: false };

/** Input reports read per poll at most: a UPS pushes a few on a change, never a flood. */
const MAX_INPUTS_PER_POLL = 32;

interface Session {
  transport: HidTransport;
  descriptor: ReportDescriptor;
  values: FieldValues;
  featureReports: { id: number; length: number }[];
  model: string | null;
}

/**
 * A USB HID Power Device read directly: on start (and after any failure) it opens the UPS,
 * reads and parses its report descriptor and applies the vendor's quirks; each read asks for
 * the feature reports that hold the reading and drains the input reports the UPS pushed. Any
 * USB failure closes the device; the next read opens it again, no sooner than the backoff,
 * except on a system the driver cannot read at all (hid-unsupported), which fails for good.
 */
export class HidUps implements UpsDriver {
  readonly driver = 'hid';
  private session: Session | undefined;
  private readonly serial = new OneAtATime();
  private readonly backoff: Backoff;
  /** Feature report ids already logged as longer than described: said once, not every poll. */
  private readonly longReports = new Set<number>();
  /** Set when the driver cannot work on this system at all (hid-unsupported): no more opening. */
  private unsupported: HalError | undefined;

  constructor(
    private readonly o: HidOptions,
    private readonly ctx: DriverContext,
    private readonly open: OpenHid,
  ) {
    this.backoff = new Backoff(REOPEN, ctx.clock);
  }

  async start(): Promise<void> {
    await this.serial.run(() => this.ensureSession());
  }

  async stop(): Promise<void> {
    await this.serial.run(() => this.drop());
  }

  read(): Promise<HidReading> {
    return this.serial.run(() => this.readOnce());
  }

  private get ms(): number {
    return this.o.timeoutSeconds * 1000;
  }

  private async readOnce(): Promise<HidReading> {
    try {
      const s = await this.ensureSession();
      if (this.o.pollFeatureReports) await this.pollFeatures(s);
      await this.drainInputs(s);
      // The UPS answered: no line status (starting up, or not reported over USB) is an unknown
      // status with its reason (reading.statusReason), not a lost link.
      const reading = toReading(s.descriptor, s.values, { vendorId: s.transport.info.vendorId, model: s.model });
      this.backoff.succeeded();
      return reading;
    } catch (err) {
      await this.drop();
      this.backoff.failed();
      throw err instanceof HalError ? err : new HalError('comm-lost', `lost the USB UPS: ${(err as Error).message}`, HID_HINT.cableReopen);
    }
  }

  private async ensureSession(): Promise<Session> {
    if (this.session) return this.session;
    // Opening again cannot help on a system this driver cannot read (Windows): say why at once, every time.
    if (this.unsupported) throw this.unsupported;
    // Waiting out the backoff is not a new failure: it must not push the next try further away.
    if (this.backoff.waiting) throw new HalError('comm-lost', HID_SAYS.waiting, HID_HINT.cable);
    const opening = this.open({ vendorId: this.o.vendorId, productId: this.o.productId, path: this.o.path });
    let transport: HidTransport;
    try {
      transport = await withTimeout(this.ctx.clock, opening, this.ms, 'opening the USB UPS', HID_HINT.held);
    } catch (err) {
      // An open that answers after its timeout would hold the UPS open for nobody: close it when it comes.
      opening.then(
        (late) => void this.closeBounded(late),
        () => undefined,
      );
      if (err instanceof HalError && err.code === 'hid-unsupported') this.unsupported = err;
      throw err;
    }
    try {
      const raw = await withTimeout(this.ctx.clock, transport.reportDescriptor(), this.ms, 'the USB UPS (report descriptor)', HID_HINT.held);
      const { descriptor, applied } = applyQuirks(parseDescriptor(raw), transport.info.vendorId, transport.info.productId);
      const id = `${hex4(transport.info.vendorId)}:${hex4(transport.info.productId)}`;
      if (!looksLikeUps(descriptor)) {
        throw new HidError('hid-descriptor-invalid', `the USB device ${id} describes no UPS values (no ACPresent, RemainingCapacity or RunTimeToEmpty)`, HID_HINT.notUps);
      }
      if (applied.length > 0) this.ctx.log.info({ ups: id, quirks: applied }, 'applied vendor fixes to the report descriptor');
      const featureReports = [...descriptor.reports.values()]
        .filter((l) => l.kind === 'feature' && l.fields.some((f) => READING_USAGES.has(f.usage)))
        .map((l) => ({ id: l.reportId, length: l.byteLength + 1 }));
      const session: Session = { transport, descriptor, values: new FieldValues(), featureReports, model: formatModel(transport.info.vendorId, transport.info.manufacturer, transport.info.product) };
      // Without polling, the values start from one full read and follow the input reports.
      if (!this.o.pollFeatureReports) await this.pollFeatures(session);
      this.session = session;
      this.ctx.log.info({ ups: id, path: transport.info.path, model: session.model, featureReports: featureReports.length }, 'USB UPS opened');
      return session;
    } catch (err) {
      if (err instanceof HalError && err.code === 'hid-unsupported') this.unsupported = err;
      await this.closeBounded(transport);
      throw err;
    }
  }

  /**
   * One report the UPS refuses (many stall on a report they describe but do not implement)
   * leaves its values unknown; all refused, or one hanging, is a lost UPS.
   */
  private async pollFeatures(s: Session): Promise<void> {
    let refused = 0;
    let last: Error | undefined;
    for (const r of s.featureReports) {
      let decoded: DecodedReport[];
      try {
        const bytes = await withTimeout(this.ctx.clock, s.transport.getFeatureReport(r.id, r.length), this.ms, `the USB UPS (feature report 0x${r.id.toString(16)})`, HID_HINT.held);
        decoded = decodeReport(s.descriptor, this.described(r, bytes), ['feature']);
      } catch (err) {
        if (err instanceof HalError && err.code === 'timeout') throw err;
        // A report of the wrong id or too short (HidError) says nothing reliable: refused, like a stall.
        refused += 1;
        last = err as Error;
        s.values.forget(s.descriptor.reports.get(reportKey('feature', r.id))?.fields ?? []);
        continue;
      }
      s.values.update(decoded);
    }
    if (refused > 0 && refused === s.featureReports.length) throw new HalError('comm-lost', `the USB UPS answers no feature report (${last?.message ?? 'no answer'})`, HID_HINT.cableReopen);
    if (refused > 0) this.ctx.log.debug({ refused, of: s.featureReports.length, err: last?.message }, 'some feature reports were refused');
  }

  /**
   * A feature report longer than described is cut to the described bytes, as NUT does: APC
   * Back-UPS ES/CS send longer ones, and their described part reads right. Said once per report.
   */
  private described(r: { id: number; length: number }, bytes: Uint8Array): Uint8Array {
    if (bytes.length <= r.length) return bytes;
    if (!this.longReports.has(r.id)) {
      this.longReports.add(r.id);
      this.ctx.log.warn({ reportId: r.id, length: bytes.length, described: r.length }, `the UPS sends feature report 0x${r.id.toString(16)} ${bytes.length - r.length} byte(s) longer than its descriptor says; reading the described ${r.length} bytes`);
    }
    return bytes.subarray(0, r.length);
  }

  private async drainInputs(s: Session): Promise<void> {
    for (let i = 0; i < MAX_INPUTS_PER_POLL; i++) {
      const data = await withTimeout(this.ctx.clock, s.transport.readInput(0), this.ms, 'the USB UPS (input reports)', HID_HINT.held);
      if (!data) return;
      // hidraw leaves out the id byte of a device without report ids; put back the 0 decode expects.
      const bytes = s.descriptor.usesReportIds ? data : Uint8Array.from([0, ...data]);
      try {
        s.values.update(decodeReport(s.descriptor, bytes, ['input']));
      } catch (err) {
        // A vendor report the descriptor does not describe says nothing about power: skip it.
        if (!(err instanceof HidError)) throw err;
        this.ctx.log.debug({ err: err.message }, 'input report skipped');
      }
    }
  }

  private async drop(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await this.closeBounded(s.transport);
  }

  /** Close, waiting no longer than the USB timeout: a hung close must not wedge every later read behind it. */
  private async closeBounded(t: HidTransport): Promise<void> {
    await withTimeout(this.ctx.clock, t.close(), this.ms, 'closing the USB UPS').catch((err: Error) => this.ctx.log.debug({ err: err.message }, 'closing the USB UPS failed'));
  }
}
