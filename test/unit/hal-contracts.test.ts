import { ManualClock } from '../../core/clock.js';
import { printerContract } from '../support/contracts/printer.js';
import { httpRecordsHarness, recordsContract, simRecordsHarness } from '../support/contracts/records.js';
import { upsContract } from '../support/contracts/ups.js';
import { HID_FIXTURES } from '../support/hid-fixtures.js';
import { hidReplayHarness } from '../support/hid-replay.js';
import { simPrinterHarness, simUpsHarness } from '../support/sim.js';
import { windowsPrinterHarness } from '../support/windows-printer.js';

// The simulators pass the same contract as the real drivers (those suites run in test/integration).
printerContract('sim', () => Promise.resolve(simPrinterHarness()));
upsContract('sim', () => Promise.resolve(simUpsHarness()));
// The USB HID driver on captures of real UPSes, replayed byte for byte (no HID device can be made here).
for (const name of HID_FIXTURES) upsContract(`hid (${name} replayed)`, () => Promise.resolve(hidReplayHarness(name)));
// The record sources: the simulator, and the HTTP driver against a loopback server speaking the service's contract.
recordsContract('sim', simRecordsHarness);
recordsContract('http', httpRecordsHarness);
// The Windows spooler driver over a stand-in for its PowerShell helper (the helper itself runs only on Windows).
printerContract('windows (stand-in helper)', () => Promise.resolve(windowsPrinterHarness({}, new ManualClock())));
