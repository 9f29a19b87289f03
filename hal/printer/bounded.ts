/**
 * The printer family's boundary: whatever print path is configured (with its monitors), its
 * reading is cut to the contract's limits (../bounds.ts) here, before health, the alerts, the
 * station page, diagnose or `printer test` see it. An IPP printer may answer eighty
 * printer-state-reasons or a make-and-model of thousands of characters; the contract carries
 * sixty-four and two thousand. What is left out is marked (a trailing "…" on a text, a "…"
 * keyword ending the reasons) and said once in the log.
 */
import type { Logger } from 'pino';
import { boundList, CUT_MARK, CutNotice, deviceNumber, deviceText, REASONS_MAX, SUPPLIES_MAX, TEXT_MAX } from '../bounds.js';
import { PRINTER_REASON_WORDS } from './reason-words.js';
import type { CardFormat, PrintRequest, PrintResult, PrinterDriver, PrinterReading, SupplyKind, SupplyReading } from './types.js';

/** The supplies a driver may give: the contract's limit, less the ribbon and film the agent counts itself, which must always fit beside them. */
export const DRIVER_SUPPLIES_MAX = SUPPLIES_MAX - 2;
/** The supplies the station is about: the first of each is kept before any other. */
const STATION_KINDS: readonly SupplyKind[] = ['ribbon', 'film', 'blanks'];

/** A keyword the agent has words for (reason-words.ts): a clerk can be told what it means. The cut mark is one. */
export function knownReason(keyword: string): boolean {
  return keyword !== CUT_MARK && (Object.hasOwn(PRINTER_REASON_WORDS, keyword) || Object.hasOwn(PRINTER_REASON_WORDS, keyword.replace(/-(error|warning|report)$/, '')));
}

/** The reasons within the contract: each a text within TEXT_MAX, and at most REASONS_MAX of them, the unknown ones left out first. */
function reasonsOf(raw: readonly string[], cuts: string[]): string[] {
  const texts = raw.map((r) => deviceText(r, TEXT_MAX)).filter((r): r is string => r !== null);
  const long = raw.filter((r) => r.length > TEXT_MAX).length;
  if (long > 0) cuts.push(`${long} reason keyword(s) longer than ${TEXT_MAX} characters cut`);
  const out = boundList(texts, REASONS_MAX, knownReason);
  if (out.length < texts.length) {
    const unknownLeft = out.filter((r) => r !== CUT_MARK && !knownReason(r)).length;
    const unknownLeftOut = texts.filter((r) => !knownReason(r)).length - unknownLeft;
    cuts.push(`${texts.length} reasons, more than the ${REASONS_MAX} the contract carries: ${texts.length - out.length + 1} left out (${unknownLeftOut} of them unknown keywords), "${CUT_MARK}" ends the list`);
  }
  return out;
}

function supplyOf(s: SupplyReading): SupplyReading {
  return {
    kind: s.kind,
    name: deviceText(s.name, TEXT_MAX) ?? '',
    levelPercent: deviceNumber(s.levelPercent),
    remaining: deviceNumber(s.remaining),
    capacity: deviceNumber(s.capacity),
    status: s.status,
  };
}

/** At most DRIVER_SUPPLIES_MAX, the first ribbon, film and blanks among them whatever comes before them. */
function suppliesOf(raw: readonly SupplyReading[], cuts: string[]): SupplyReading[] {
  if (raw.some((s) => s.name.length > TEXT_MAX)) cuts.push(`supply names longer than ${TEXT_MAX} characters cut`);
  if (raw.length <= DRIVER_SUPPLIES_MAX) return raw.map(supplyOf);
  const chosen = new Set<number>();
  for (const kind of STATION_KINDS) {
    const i = raw.findIndex((s) => s.kind === kind);
    if (i >= 0) chosen.add(i);
  }
  for (const i of raw.keys()) if (chosen.size < DRIVER_SUPPLIES_MAX) chosen.add(i);
  cuts.push(`${raw.length} supplies, more than the ${DRIVER_SUPPLIES_MAX} a printer may give: ${raw.length - chosen.size} left out`);
  return raw.filter((_, i) => chosen.has(i)).map(supplyOf);
}

/** A reading within the contract's limits, and what had to be cut to get there (for the log; [] when nothing). */
export function boundPrinterReading(r: PrinterReading): { reading: PrinterReading; cuts: string[] } {
  const cuts: string[] = [];
  const model = r.model === null ? null : deviceText(r.model, TEXT_MAX);
  if (r.model !== null && r.model.length > TEXT_MAX) cuts.push(`a model of ${r.model.length} characters cut to ${TEXT_MAX}`);
  const reading: PrinterReading = {
    state: r.state,
    reasons: reasonsOf(r.reasons, cuts),
    supplies: suppliesOf(r.supplies, cuts),
    model,
    printedTotal: deviceNumber(r.printedTotal),
  };
  if (r.uptimeSeconds !== undefined) reading.uptimeSeconds = deviceNumber(r.uptimeSeconds);
  // The rated time a card: a positive number, else unknown (the dashboard divides a day by it).
  if (r.secondsPerCard !== undefined) reading.secondsPerCard = (deviceNumber(r.secondsPerCard) ?? 0) > 0 ? r.secondsPerCard : null;
  return { reading, cuts };
}

/** The print path as the rest of the agent gets it: every reading bounded, everything else passed through. */
export class BoundedPrinter implements PrinterDriver {
  readonly driver: string;
  readonly cardFormat?: CardFormat;
  readonly jobOutcome?: (jobId: string) => Promise<'completed' | 'aborted' | 'unknown'>;
  readonly printedFor?: (recordId: string) => Promise<string[]>;
  private readonly cutNotice: CutNotice;

  constructor(
    private readonly path: PrinterDriver,
    log: Logger,
  ) {
    this.driver = path.driver;
    this.cutNotice = new CutNotice(log, 'the printer');
    if (path.cardFormat) this.cardFormat = path.cardFormat;
    if (path.jobOutcome) this.jobOutcome = (id) => (path.jobOutcome as NonNullable<PrinterDriver['jobOutcome']>).call(path, id);
    if (path.printedFor) this.printedFor = (id) => (path.printedFor as NonNullable<PrinterDriver['printedFor']>).call(path, id);
  }

  start(): Promise<void> {
    return this.path.start();
  }

  stop(): Promise<void> {
    return this.path.stop();
  }

  async read(): Promise<PrinterReading> {
    const { reading, cuts } = boundPrinterReading(await this.path.read());
    this.cutNotice.note(cuts);
    return reading;
  }

  print(req: PrintRequest): Promise<PrintResult> {
    return this.path.print(req);
  }
}
