/**
 * What the SNMP monitor reads, as data: the OIDs of MIB-II, the Host Resources MIB (RFC 2790)
 * and the Printer MIB (RFC 3805, with IANA-PRINTER-MIB's codes), and what their codes mean for a
 * card printer. A vendor quirk belongs in a table here, never in the mapping's logic.
 */
import { BLOCKING_REASONS } from '../types.js';

export const OID = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  /** hrDeviceEntry columns: 2 type, 3 descr, 5 status. */
  hrDeviceEntry: '1.3.6.1.2.1.25.3.2.1',
  /** hrPrinterEntry columns: 1 hrPrinterStatus, 2 hrPrinterDetectedErrorState. */
  hrPrinterEntry: '1.3.6.1.2.1.25.3.5.1',
  /** prtInputEntry (index hrDeviceIndex.prtInputIndex). */
  prtInputEntry: '1.3.6.1.2.1.43.8.2.1',
  /** prtMarkerSuppliesEntry (index hrDeviceIndex.prtMarkerSuppliesIndex). */
  prtMarkerSuppliesEntry: '1.3.6.1.2.1.43.11.1.1',
  /** prtAlertEntry (index hrDeviceIndex.prtAlertIndex). */
  prtAlertEntry: '1.3.6.1.2.1.43.18.1.1',
  /** hrDeviceType value of a printer. */
  hrDevicePrinter: '1.3.6.1.2.1.25.3.1.5',
} as const;

/** The subtrees one reading walks (besides the two scalars), each bounded in rows. */
export const WALK_ROOTS = [
  `${OID.hrDeviceEntry}.2`,
  `${OID.hrDeviceEntry}.3`,
  `${OID.hrDeviceEntry}.5`,
  OID.hrPrinterEntry,
  OID.prtMarkerSuppliesEntry,
  OID.prtInputEntry,
  OID.prtAlertEntry,
] as const;

/** Column numbers within the entries above. */
export const COL = {
  hrDevice: { type: 2, descr: 3, status: 5 },
  hrPrinter: { status: 1, errorState: 2 },
  supply: { class: 4, type: 5, description: 6, unit: 7, max: 8, level: 9 },
  input: { type: 2, unit: 8, max: 9, level: 10, mediaName: 12, name: 13, description: 18 },
  alert: { severity: 2, group: 4, groupIndex: 5, code: 7, description: 8 },
} as const;

/** hrPrinterStatus. */
export const PRINTER_STATUS = { other: 1, unknown: 2, idle: 3, printing: 4, warmup: 5 } as const;
/** hrDeviceStatus. */
export const DEVICE_STATUS = { unknown: 1, running: 2, warning: 3, testing: 4, down: 5 } as const;
/** prtMarkerSuppliesClass: a waste receptacle fills up, it is never a ribbon or a film. */
export const RECEPTACLE_THAT_IS_FILLED = 4;
/** prtAlertSeverityLevel critical(3): the printer cannot go on until it is cleared. */
export const ALERT_CRITICAL = 3;

/** PrtMarkerSuppliesTypeTC names, for a supply the mapping does not pick (logs and tests). */
export const SUPPLY_TYPES: Record<number, string> = {
  1: 'other', 2: 'unknown', 3: 'toner', 4: 'wasteToner', 5: 'ink', 6: 'inkCartridge', 7: 'inkRibbon', 8: 'wasteInk',
  9: 'opc', 10: 'developer', 11: 'fuserOil', 12: 'solidWax', 13: 'ribbonWax', 14: 'wasteWax', 15: 'fuser',
  16: 'coronaWire', 17: 'fuserOilWick', 18: 'cleanerUnit', 19: 'fuserCleaningPad', 20: 'transferUnit',
  21: 'tonerCartridge', 22: 'fuserOiler', 23: 'water', 24: 'wasteWater', 25: 'glueWaterAdditive', 26: 'wastePaper',
  27: 'bindingSupply', 28: 'bandingSupply', 29: 'stitchingWire', 30: 'shrinkWrap', 31: 'paperWrap', 32: 'staples',
  33: 'inserts', 34: 'covers',
};

/**
 * Which marker supply is the ribbon and which the retransfer film: by type first (inkRibbon or
 * ribbonWax; transferUnit, which CUPS treats as a laser's transfer belt but a retransfer card
 * printer uses for its film), then by the words of its description.
 */
export const RIBBON_TYPES: readonly number[] = [7, 13];
export const FILM_TYPES: readonly number[] = [20];
export const RIBBON_WORDS = /ribbon|pita|ymcko/i;
/** "Retransfer film", "HDP film", "film retransfer"; a "thermal transfer ribbon" is a ribbon. */
export const FILM_WORDS = /film|retransfer/i;

/**
 * Units in which a level counts cards (PrtMarkerSuppliesSupplyUnitTC and PrtCapacityUnitTC:
 * impressions, sheets, items); percent(19) is a percentage; anything else (inches of ribbon,
 * tenths of grams) gives a percentage only, never a number of cards.
 */
export const COUNTED_UNITS: readonly number[] = [7, 8, 18];
export const PERCENT_UNIT = 19;

/**
 * hrPrinterDetectedErrorState is an OCTET STRING read as bits from the most significant bit of
 * the first octet (RFC 2790, 3805): bit 0 lowPaper is 0x80 of octet 0, bit 8 inputTrayMissing
 * is 0x80 of octet 1. The reasons are the IPP keywords CUPS uses for them; for a card printer
 * "paper" is the blank card and "toner" the ribbon's panels.
 */
export const ERROR_STATE_BITS: readonly (readonly [bit: number, name: string, reason: string])[] = [
  [0, 'lowPaper', 'media-low'],
  [1, 'noPaper', 'media-empty'],
  [2, 'lowToner', 'marker-supply-low'],
  [3, 'noToner', 'marker-supply-empty'],
  [4, 'doorOpen', 'cover-open'],
  [5, 'jammed', 'media-jam'],
  [6, 'offline', 'offline'],
  [7, 'serviceRequested', 'service-requested'],
  [8, 'inputTrayMissing', 'input-tray-missing'],
  [9, 'outputTrayMissing', 'output-tray-missing'],
  [10, 'markerSupplyMissing', 'marker-supply-missing'],
  [11, 'outputNearFull', 'output-area-almost-full'],
  [12, 'outputFull', 'output-area-full'],
  [13, 'inputTrayEmpty', 'media-empty'],
  [14, 'overduePreventMaint', 'overdue-preventive-maintenance'],
];
export const OFFLINE_BIT = 6;

/** prtAlertCode → reason, where the code alone says it (IANA-PRINTER-MIB PrtAlertCodeTC). */
export const ALERT_REASONS: Record<number, string> = {
  3: 'cover-open', // coverOpen
  5: 'interlock-open', // interlockOpen
  8: 'media-jam', // jam
  501: 'cover-open', // doorOpen
  801: 'input-tray-missing', // inputMediaTrayMissing
  807: 'media-low', // inputMediaSupplyLow
  808: 'media-empty', // inputMediaSupplyEmpty
  901: 'output-tray-missing', // outputMediaTrayMissing
  902: 'output-area-almost-full', // outputMediaTrayAlmostFull
  903: 'output-area-full', // outputMediaTrayFull
  1101: 'marker-supply-empty', // markerTonerEmpty
  1102: 'marker-supply-empty', // markerInkEmpty
  1103: 'ribbon-empty', // markerPrintRibbonEmpty
  1104: 'marker-supply-low', // markerTonerAlmostEmpty
  1105: 'marker-supply-low', // markerInkAlmostEmpty
  1106: 'ribbon-low', // markerPrintRibbonAlmostEmpty
  1301: 'input-tray-missing', // mediaPathMediaTrayMissing
};

/** Codes that name a sub-unit's condition; the sub-unit (prtAlertGroup + GroupIndex) says which supply. */
export const SUBUNIT_ALERTS: Record<number, 'missing' | 'low' | 'empty'> = {
  9: 'missing', // subunitMissing
  10: 'low', // subunitLifeAlmostOver
  11: 'empty', // subunitLifeOver
  12: 'low', // subunitAlmostEmpty
  13: 'empty', // subunitEmpty
};
/** PrtAlertGroupTC. */
export const ALERT_GROUP = { input: 8, markerSupplies: 11 } as const;

/** Reasons that stop a card printer: nothing more can be printed until a person acts. */
export const STOPPING_REASONS: readonly string[] = [
  ...BLOCKING_REASONS,
  'interlock-open',
  'input-tray-missing',
  'marker-supply-empty',
  'marker-supply-missing',
  'output-area-full',
];
