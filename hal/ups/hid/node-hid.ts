import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { HalError } from '../../errors.js';
import { HID_HINT, HID_SAYS } from './hints.js';
import { VENDOR } from './quirks.js';
import { hex4, type HidSelector, type HidTransport } from './transport.js';

/**
 * The real transport, on node-hid (hidapi). node-hid is an optional dependency with native
 * code that links libusb and libudev, so it is imported only when a HID UPS is configured, and
 * every way it can fail to load or open becomes a HalError saying which package or permission
 * to fix. The agent runs without it for every other UPS driver.
 */

/** The part of node-hid used here, checked at the boundary rather than trusted. */
interface NodeHidDevice {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  usagePage?: number | undefined;
}
interface NodeHidHandle {
  getFeatureReport(reportId: number, length: number): Promise<Buffer>;
  read(timeoutMs?: number): Promise<Buffer | undefined>;
  close(): Promise<void>;
}
export interface NodeHidModule {
  devicesAsync(): Promise<NodeHidDevice[]>;
  HIDAsync: { open(path: string): Promise<NodeHidHandle> };
}

const POWER_DEVICE_PAGES = new Set([0x84, 0x85]);
const UPS_VENDORS = new Set<number>([VENDOR.apc, VENDOR.eaton, VENDOR.cyberPower, 0x09ae, 0x050d, 0x10af, 0x0d9f, 0x06da]);

export type LoadNodeHid = () => Promise<unknown>;

function isNodeHid(m: unknown): m is NodeHidModule {
  const o = m as Partial<NodeHidModule> | null;
  return typeof o?.devicesAsync === 'function' && typeof o.HIDAsync?.open === 'function';
}

// A specifier in a variable: the type checker then needs no node-hid, which may be absent.
const NODE_HID = 'node-hid';

export async function loadNodeHid(load: LoadNodeHid = () => import(NODE_HID) as Promise<unknown>): Promise<NodeHidModule> {
  let mod: unknown;
  try {
    mod = await load();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') {
      throw new HalError('hid-unavailable', HID_SAYS.notInstalled, HID_HINT.install);
    }
    const lib = /lib(usb|udev)[-\w.]*\.so[.\d]*/.exec(e.message)?.[0];
    throw new HalError(
      'hid-unavailable',
      `node-hid cannot load${lib ? `: ${lib} is missing` : `: ${e.message}`}`,
      lib ? HID_HINT.libraries : HID_HINT.reinstall,
    );
  }
  const m = (mod as { default?: unknown }).default ?? mod;
  if (!isNodeHid(m)) throw new HalError('hid-unavailable', HID_SAYS.tooOld, HID_HINT.version3);
  return m;
}

const describe = (d: NodeHidDevice) => `${hex4(d.vendorId)}:${hex4(d.productId)} ${d.product ?? ''} (${d.path ?? 'no path'})`.replace('  ', ' ');

/** The UPS the selector names; with none, the one HID Power Device attached. */
export function chooseDevice(devices: readonly NodeHidDevice[], sel: HidSelector): NodeHidDevice {
  const given = sel.path !== undefined || sel.vendorId !== undefined || sel.productId !== undefined;
  const matches = devices.filter(
    (d) =>
      (sel.path === undefined || d.path === sel.path) &&
      (sel.vendorId === undefined || d.vendorId === sel.vendorId) &&
      (sel.productId === undefined || d.productId === sel.productId) &&
      (given || (d.usagePage !== undefined && POWER_DEVICE_PAGES.has(d.usagePage)) || UPS_VENDORS.has(d.vendorId)),
  );
  // One UPS can show several HID interfaces; prefer the Power Device one.
  const power = matches.filter((d) => d.usagePage !== undefined && POWER_DEVICE_PAGES.has(d.usagePage));
  const pick = power.length > 0 ? power : matches;
  const wanted = given ? `matching ${[sel.vendorId !== undefined ? `vendor ${hex4(sel.vendorId)}` : '', sel.productId !== undefined ? `product ${hex4(sel.productId)}` : '', sel.path ? `path ${sel.path}` : ''].filter(Boolean).join(', ')}` : 'of the HID Power Device class';
  if (pick.length === 0) {
    throw new HalError(
      'hid-not-found',
      `no USB HID device ${wanted} is attached${devices.length ? ` (HID devices seen: ${devices.map(describe).join('; ')})` : ''}`,
      HID_HINT.notFound,
    );
  }
  const first = pick[0];
  if (pick.length > 1 && !sel.path && new Set(pick.map((d) => d.path)).size > 1) {
    throw new HalError('hid-ambiguous', `${pick.length} USB devices ${wanted}: ${pick.map(describe).join('; ')}`, HID_HINT.ambiguous);
  }
  if (!first) throw new HalError('hid-not-found', `no USB HID device ${wanted} is attached`, HID_HINT.notFound);
  return first;
}

/** Linux hidraw: the kernel keeps each device's report descriptor in sysfs; node-hid has no call for it. */
async function sysfsDescriptor(path: string): Promise<Uint8Array> {
  if (process.platform !== 'linux' || !path.startsWith('/dev/hidraw')) {
    throw new HalError('hid-unsupported', `cannot read the report descriptor of ${path} on ${process.platform}: this version reads it from Linux's hidraw sysfs`, HID_HINT.unsupported);
  }
  const file = `/sys/class/hidraw/${basename(path)}/device/report_descriptor`;
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw new HalError('comm-lost', `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, HID_HINT.unplugged);
  }
}

async function openError(path: string, err: Error): Promise<HalError> {
  const denied = await access(path, constants.R_OK | constants.W_OK).then(
    () => false,
    (e: NodeJS.ErrnoException) => e.code === 'EACCES',
  );
  if (denied) {
    return new HalError(
      'hid-permission',
      `no permission to open the UPS at ${path}`,
      HID_HINT.permission,
    );
  }
  return new HalError('comm-lost', `cannot open the UPS at ${path}: ${err.message}`, HID_HINT.heldByNut);
}

export async function openNodeHid(sel: HidSelector, load?: LoadNodeHid): Promise<HidTransport> {
  const hid = await loadNodeHid(load);
  const device = chooseDevice(await hid.devicesAsync(), sel);
  const path = device.path;
  if (!path) throw new HalError('hid-not-found', `the UPS ${describe(device)} has no device path`, HID_HINT.setPath);
  let handle: NodeHidHandle;
  try {
    handle = await hid.HIDAsync.open(path);
  } catch (err) {
    throw await openError(path, err as Error);
  }
  return {
    info: { vendorId: device.vendorId, productId: device.productId, path, manufacturer: device.manufacturer ?? null, product: device.product ?? null },
    reportDescriptor: () => sysfsDescriptor(path),
    getFeatureReport: async (id, length) => new Uint8Array(await handle.getFeatureReport(id, length)),
    readInput: async (timeoutMs) => {
      const data = await handle.read(timeoutMs);
      return data && data.length > 0 ? new Uint8Array(data) : null;
    },
    close: () => handle.close(),
  };
}
