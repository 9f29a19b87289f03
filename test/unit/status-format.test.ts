import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../agent/station/status.js';
import { rng, SimStation } from '../../scripts/fleet-model.js';

type Health = ReturnType<SimStation['health']>;
const report = (patch: (h: Health) => void, stale = false) => {
  const health = new SimStation(0, rng(1)).health('2026-11-20T02:00:00.000Z', 1);
  patch(health);
  return { dataDir: '/tmp/x', health, ageSeconds: 3, stale, agent: { state: 'running' as const, pid: 1, version: '0.1.0', startedAt: '2026-11-20T01:00:00.000Z' } };
};

describe('station-agent status', () => {
  it('shows the power state where the agent judges it apart from what the UPS says', () => {
    const onBatteryButLow = formatStatus(report((h) => Object.assign(h.ups, { status: 'on_battery', onBattery: true, chargePercent: 15, powerState: 'low_battery' })));
    expect(onBatteryButLow).toMatch(/UPS: battery low, battery 15 %.*\(the UPS itself says: on battery \(power cut\); input/);
    expect(formatStatus(report((h) => Object.assign(h.ups, { status: 'on_battery', onBattery: true, chargePercent: 15, powerState: 'low_battery' })), 'id')).toMatch(/UPS sendiri melapor: memakai baterai/);
    const plain = formatStatus(report((h) => Object.assign(h.ups, { status: 'online', powerState: 'online' })));
    expect(plain).toMatch(/UPS: on mains, battery \d+ %.*\(input \d+ V/);
    expect(formatStatus(report((h) => Object.assign(h.ups, { status: 'unknown', powerState: 'comm_lost', error: 'upsd unreachable' })))).toMatch(/UPS: not answering.*\(the UPS itself says: unknown; input \d+ V.*\n  technical detail: upsd unreachable/);
  });

  it('says why printing is held and what to do, the queue, the cards to verify, supplies with days left and blanks on hand, in either language', () => {
    const r = report((h) => {
      Object.assign(h.printer, { state: 'stopped', reasons: ['media-jam-error'] });
      Object.assign(h.jobs, { queued: 3, fetching: 0, ready: 1, printing: 0, printedToday: 41, failedToday: 0, needsVerification: 2, needsVerificationIds: ['SYN-0007', 'SYN-0009'], held: 'the printer is stopped (media-jam-error)', heldCode: 'printer_stopped' });
      Object.assign(h.stock, { blanksOnHand: 340, daysLeft: 8.6, filmRolls: 2, filmDaysLeft: 30.2 });
    });
    const en = formatStatus(r, 'en');
    expect(en).toMatch(/Printing is held: The printer has stopped \(card jam\)\. What to do: Open the printer/);
    expect(en).toMatch(/Queue: 4 waiting, 0 printing, 41 printed today, 0 failed today/);
    expect(en).toMatch(/To verify: 2 cards: SYN-0007, SYN-0009\. .*jobs verify/);
    expect(en).toMatch(/Retransfer film .* lasts about 30 days; 2 rolls on the shelf/);
    expect(en).toMatch(/Blank cards on hand: 340, lasts about 9 days/);
    const id = formatStatus(r, 'id');
    expect(id).toMatch(/Pencetakan ditahan: Printer berhenti \(kartu macet\)\. Yang perlu dilakukan: Buka printer/);
    expect(id).toMatch(/Antrean: 4 menunggu/);
    expect(id).toMatch(/Perlu diperiksa: 2 kartu: SYN-0007, SYN-0009/);
    expect(id).toMatch(/Stok blangko: 340, habis dalam sekitar 9 hari/);
    // A stale snapshot claims nothing about printing now.
    expect(formatStatus(report((h) => Object.assign(h.jobs, { held: null }), true), 'en')).toMatch(/Printing: unknown/);
    expect(formatStatus(report((h) => Object.assign(h.jobs, { held: null, heldCode: null, gate: null })), 'en')).toMatch(/Printing: yes/);
    // Nothing waits, but the printer is jammed: not "yes", and why with what to do.
    const idleJammed = formatStatus(report((h) => {
      Object.assign(h.printer, { state: 'stopped', reasons: ['media-jam'] });
      Object.assign(h.jobs, { queued: 0, held: null, heldCode: null, gate: 'printer_stopped' });
    }), 'en');
    expect(idleJammed).not.toMatch(/Printing: yes/);
    expect(idleJammed).toMatch(/The printer has stopped \(card jam\)\. What to do: Open the printer/);
  });
});

describe('station-agent status: cards the printer spoiled today', () => {
  it('says which card, why in words, and whether it is being reprinted, in the reader language only', () => {
    const r = {
      ...report(() => undefined),
      spoils: [
        { recordId: 'J-1', at: 0, reasons: ['media-jam'], now: 'reprinting' as const, state: 'queued' as const },
        { recordId: 'J-2', at: 0, reasons: ['cover-open'], now: 'held' as const, state: 'spoiled' as const },
      ],
    };
    const en = formatStatus(r, 'en');
    expect(en).toMatch(/Card J-1 was spoiled in the printer \(card jam\); it is being reprinted\./);
    expect(en).toMatch(/Card J-2 was spoiled in the printer \(the printer's cover is open\), for the second time; it is not reprinted by itself/);
    const id = formatStatus(r, 'id');
    expect(id).toMatch(/Kartu J-1 rusak di printer \(kartu macet\); sedang dicetak ulang\./);
    expect(id).toMatch(/Kartu J-2 rusak di printer \(penutup printer terbuka\), untuk kedua kalinya/);
    expect(id).not.toMatch(/media-jam|cover-open/);
  });
});
