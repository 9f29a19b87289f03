import { printerContract } from '../support/contracts/printer.js';
import { upsContract } from '../support/contracts/ups.js';
import { simPrinterHarness, simUpsHarness } from '../support/sim.js';

// The simulators pass the same contract as the real drivers (those suites run in test/integration).
printerContract('sim', () => Promise.resolve(simPrinterHarness()));
upsContract('sim', () => Promise.resolve(simUpsHarness()));
