/**
 * The bytes in and out of a USB HID UPS, and nothing else: the driver asks for its report
 * descriptor, feature reports and input reports through this. The real one wraps node-hid
 * (node-hid.ts); tests pass one that replays captured bytes, so the driver above it runs
 * unchanged on real captures.
 */

export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path: string | null;
  manufacturer: string | null;
  product: string | null;
}

export interface HidTransport {
  readonly info: HidDeviceInfo;
  reportDescriptor(): Promise<Uint8Array>;
  /** A feature report as the device sends it, report id first (0 for a device without ids). */
  getFeatureReport(reportId: number, length: number): Promise<Uint8Array>;
  /** The next input report the device pushed, report id first; null when none came within `timeoutMs`. */
  readInput(timeoutMs: number): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

/** Which UPS to open; with nothing given, the only HID Power Device attached. */
export interface HidSelector {
  vendorId?: number | undefined;
  productId?: number | undefined;
  path?: string | undefined;
}

export type OpenHid = (selector: HidSelector) => Promise<HidTransport>;

export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
