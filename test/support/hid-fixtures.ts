import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDescriptorHex, parseReportsHex, type ReportLine } from '../../hal/ups/hid/capture.js';

/** The captured UPSes under test/fixtures/hid (see its README for where each came from). */
export const HID_FIXTURES = ['apc-back-ups-xs-1400u', 'cyberpower-cp1500pfclcd', 'eaton-5sc-750'] as const;
export type HidFixtureName = (typeof HID_FIXTURES)[number];

export interface NutHidField {
  path: string;
  type: 'Input' | 'Feature';
  reportId: string;
  offset: number;
  size: number;
  value: number;
  report: string;
}

/** What NUT showed for the device: its HID values from the debug log, and the upsc variables they map to. */
export interface NutOracle {
  device: string;
  usb: string;
  firmware?: string;
  nutVersion: string;
  source: string;
  upsc: Record<string, number | string | null>;
  hidFields: NutHidField[];
}

export interface HidFixture {
  name: HidFixtureName;
  dir: string;
  descriptorFile: string;
  reportsFile: string;
  descriptor: Uint8Array;
  reports: ReportLine[];
  oracle: NutOracle;
  vendorId: number;
  productId: number;
}

export const HID_FIXTURE_DIR = join(import.meta.dirname, '../fixtures/hid');

export function loadHidFixture(name: HidFixtureName): HidFixture {
  const file = (ext: string) => join(HID_FIXTURE_DIR, `${name}.${ext}`);
  const oracle = JSON.parse(readFileSync(file('nut.json'), 'utf8')) as NutOracle;
  const [vendor, product] = oracle.usb.split(':').map((h) => parseInt(h, 16));
  return {
    name,
    dir: HID_FIXTURE_DIR,
    descriptorFile: file('descriptor.hex'),
    reportsFile: file('reports.hex'),
    descriptor: parseDescriptorHex(readFileSync(file('descriptor.hex'), 'utf8')),
    reports: parseReportsHex(readFileSync(file('reports.hex'), 'utf8')),
    oracle,
    vendorId: vendor ?? 0,
    productId: product ?? 0,
  };
}

export const bytesOf = (hex: string): Uint8Array => Uint8Array.from(hex.trim().split(/\s+/).map((h) => parseInt(h, 16)));
