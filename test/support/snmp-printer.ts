/**
 * A retransfer card printer's SNMP agent as data (Printer MIB RFC 3805, Host Resources RFC 2790),
 * written out as `snmpwalk -On` text: what the fixtures in test/fixtures/snmp/ were captured from
 * (served by the real snmpd, walked by the real snmpwalk), and what the snmpd tests serve while
 * they change levels and faults as a person at the printer would.
 */

export interface MarkerSupply {
  /** PrtMarkerSuppliesTypeTC: 7 inkRibbon, 13 ribbonWax, 20 transferUnit, 18 cleanerUnit ... */
  type: number;
  description: string;
  /** PrtMarkerSuppliesSupplyUnitTC: 7 impressions, 19 percent, 3 tenThousandthsOfInches ... */
  unit: number;
  max: number;
  level: number;
  /** 3 supplyThatIsConsumed, 4 receptacleThatIsFilled. */
  class?: number;
}

export interface Alert {
  /** 3 critical, 4 warning. */
  severity: number;
  /** PrtAlertGroupTC: 8 input, 11 markerSupplies, 13 mediaPath, 6 cover ... */
  group: number;
  groupIndex: number;
  code: number;
  description: string;
}

export interface CardPrinterModel {
  model: string;
  /** hrPrinterStatus: 1 other, 3 idle, 4 printing, 5 warmup. */
  printerStatus: number;
  /** hrDeviceStatus: 2 running, 3 warning, 5 down. */
  deviceStatus: number;
  /** hrPrinterDetectedErrorState bits set (0 lowPaper ... 13 inputTrayEmpty). */
  errorBits: number[];
  supplies: MarkerSupply[];
  hopper: { name: string; max: number; level: number; unit?: number };
  alerts: Alert[];
}

/** A healthy FARGO-like retransfer printer: YMCKO ribbon counted in prints, film in percent, a 100-card hopper. */
export function healthyCardPrinter(): CardPrinterModel {
  return {
    model: 'Retransfer ID card printer (fixture)',
    printerStatus: 3,
    deviceStatus: 2,
    errorBits: [],
    supplies: [
      { type: 7, description: 'YMCKO ribbon', unit: 7, max: 500, level: 450 },
      { type: 20, description: 'Retransfer film', unit: 19, max: 100, level: 80 },
      { type: 18, description: 'Cleaning roller', unit: 7, max: 5000, level: -3 },
    ],
    hopper: { name: 'Card hopper', max: 100, level: 100 },
    alerts: [],
  };
}

/**
 * The printer (test/fixtures/snmp/retransfer-jam-hopper-empty.walk was captured from it):
 * ribbon 150 of 500 prints (30 %), film 4 %, the hopper empty, a card jammed.
 */
export function jammedEmptyHopperPrinter(): CardPrinterModel {
  return {
    model: 'Retransfer ID card printer (fixture: FARGO-like)',
    printerStatus: 1,
    deviceStatus: 5,
    errorBits: [1, 5, 13],
    supplies: [
      { type: 7, description: 'YMCKO ribbon', unit: 7, max: 500, level: 150 },
      { type: 20, description: 'HDP film', unit: 19, max: 100, level: 4 },
      { type: 18, description: 'Cleaning roller', unit: 7, max: 5000, level: -3 },
    ],
    hopper: { name: 'Card hopper', max: 100, level: 0 },
    alerts: [
      { severity: 3, group: 13, groupIndex: 1, code: 8, description: 'Card jam at the retransfer roller' },
      { severity: 4, group: 8, groupIndex: 1, code: 808, description: 'Card hopper empty' },
    ],
  };
}

/** The octets of hrPrinterDetectedErrorState: bit 0 is the most significant bit of the first octet. */
export function errorOctets(bits: number[]): string {
  const bytes = [0, 0];
  for (const b of bits) bytes[b >> 3] = (bytes[b >> 3] ?? 0) | (0x80 >> (b & 7));
  return bytes.map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** The model as `snmpwalk -On` prints it (Host Resources and Printer MIB; MIB-II is snmpd's own). */
export function walkOf(m: CardPrinterModel): string {
  const L: string[] = [];
  const str = (s: string) => `STRING: "${s.replace(/(["\\])/g, '\\$1')}"`;
  // hrDeviceTable: the printer (1) and its network interface (2), as a printer's own agent lists them.
  L.push(`.1.3.6.1.2.1.25.3.2.1.2.1 = OID: .1.3.6.1.2.1.25.3.1.5`, `.1.3.6.1.2.1.25.3.2.1.2.2 = OID: .1.3.6.1.2.1.25.3.1.4`);
  L.push(`.1.3.6.1.2.1.25.3.2.1.3.1 = ${str(m.model)}`, `.1.3.6.1.2.1.25.3.2.1.3.2 = ${str('Ethernet interface')}`);
  L.push(`.1.3.6.1.2.1.25.3.2.1.5.1 = INTEGER: ${m.deviceStatus}`, `.1.3.6.1.2.1.25.3.2.1.5.2 = INTEGER: 2`);
  L.push(`.1.3.6.1.2.1.25.3.5.1.1.1 = INTEGER: ${m.printerStatus}`, `.1.3.6.1.2.1.25.3.5.1.2.1 = Hex-STRING: ${errorOctets(m.errorBits)}`);
  // prtInputTable: the hopper.
  const h = m.hopper;
  const input: [number, string][] = [
    [2, 'INTEGER: 4'],
    [8, `INTEGER: ${h.unit ?? 8}`],
    [9, `INTEGER: ${h.max}`],
    [10, `INTEGER: ${h.level}`],
    [11, 'INTEGER: 0'],
    [12, str('CR80 PVC card')],
    [13, str(h.name)],
  ];
  for (const [col, v] of input) L.push(`.1.3.6.1.2.1.43.8.2.1.${col}.1.1 = ${v}`);
  // prtMarkerSuppliesTable, column by column as a walk returns it.
  const cols: [number, (s: MarkerSupply) => string][] = [
    [2, () => 'INTEGER: 1'],
    [3, () => 'INTEGER: 0'],
    [4, (s) => `INTEGER: ${s.class ?? 3}`],
    [5, (s) => `INTEGER: ${s.type}`],
    [6, (s) => str(s.description)],
    [7, (s) => `INTEGER: ${s.unit}`],
    [8, (s) => `INTEGER: ${s.max}`],
    [9, (s) => `INTEGER: ${s.level}`],
  ];
  for (const [col, v] of cols) m.supplies.forEach((s, i) => L.push(`.1.3.6.1.2.1.43.11.1.1.${col}.1.${i + 1} = ${v(s)}`));
  // prtAlertTable.
  const acols: [number, (a: Alert) => string][] = [
    [2, (a) => `INTEGER: ${a.severity}`],
    [3, () => 'INTEGER: 4'],
    [4, (a) => `INTEGER: ${a.group}`],
    [5, (a) => `INTEGER: ${a.groupIndex}`],
    [6, () => 'INTEGER: -2'],
    [7, (a) => `INTEGER: ${a.code}`],
    [8, (a) => str(a.description)],
    [9, () => 'Timeticks: (4200) 0:00:42.00'],
  ];
  for (const [col, v] of acols) m.alerts.forEach((a, i) => L.push(`.1.3.6.1.2.1.43.18.1.1.${col}.1.${i + 1} = ${v(a)}`));
  return `${L.join('\n')}\n`;
}

/** Faults as the contract names them (IPP keywords) → what the printer's agent shows for each. */
export function withFaults(m: CardPrinterModel, reasons: string[]): CardPrinterModel {
  const out: CardPrinterModel = { ...m, errorBits: [], alerts: [], printerStatus: 3, deviceStatus: 2 };
  for (const r of reasons) {
    if (r === 'media-jam') {
      out.errorBits.push(5);
      out.alerts.push({ severity: 3, group: 13, groupIndex: 1, code: 8, description: 'Card jam' });
    } else if (r === 'cover-open') {
      out.errorBits.push(4);
      out.alerts.push({ severity: 3, group: 6, groupIndex: 1, code: 3, description: 'Cover open' });
    } else if (r === 'offline') {
      out.errorBits.push(6);
    } else throw new Error(`no SNMP picture of the fault ${r} in this fixture`);
  }
  if (out.alerts.length > 0) {
    out.printerStatus = 1;
    out.deviceStatus = 5;
  }
  return out;
}
