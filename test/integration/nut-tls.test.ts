import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { upsSchema } from '../../hal/ups/index.js';
import { systemClock } from '../../core/clock.js';
import { HalError } from '../../hal/errors.js';
import { NutUps } from '../../hal/ups/nut/driver.js';
import { CERTUTIL, DUMMY_UPS, PK12UTIL, startNut, UPSD, type Nut } from '../support/nut.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { quietLog } from '../support/sim.js';
import { makeTestPki, type TestPki } from '../support/tls.js';

// Debian's upsd does STARTTLS with an NSS certificate database; the agent's NUT client talks
// to that real upsd over TLS and refuses anything less.
const hasPeers =
  peerAvailable('NUT upsd', UPSD) && peerAvailable('NUT dummy-ups', DUMMY_UPS) && peerAvailable('NSS certutil (libnss3-tools)', CERTUTIL) && peerAvailable('NSS pk12util (libnss3-tools)', PK12UTIL);

function driver(nut: Nut, tls: { ca?: string } | undefined, host = '127.0.0.1'): NutUps {
  const config = upsSchema().parse({ driver: 'nut', host, port: nut.port, name: 'ups', timeoutSeconds: 3, ...(tls ? { tls } : {}) });
  if (config.driver !== 'nut') throw new Error('unreachable');
  return new NutUps(config, { clock: systemClock, log: quietLog });
}

/** What upsd tells a client that asks for STARTTLS: the plain answer line. */
function askStartTls(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write('STARTTLS\n'));
    s.once('data', (d) => {
      resolve(d.toString().trim());
      s.destroy();
    });
    s.once('error', reject);
  });
}

describe.skipIf(!hasPeers)('NUT over TLS (STARTTLS) against upsd with a certificate', () => {
  let nut: Nut | undefined;
  let pki: TestPki;
  afterEach(async () => {
    await nut?.stop();
    nut = undefined;
  });

  it('reads the UPS over TLS, the certificate checked against ups.tls.ca', async () => {
    pki = makeTestPki();
    nut = await startNut({ 'ups.status': 'OB DISCHRG', 'battery.charge': 55 }, { tls: pki });
    expect(await askStartTls(nut.port)).toBe('OK STARTTLS');
    const d = driver(nut, { ca: pki.ca });
    await waitUntil('upsd to report the UPS', async () => (await d.read().then((r) => r.status, () => 'error')) === 'on_battery', 10_000, 200);
    expect(await d.read()).toMatchObject({ status: 'on_battery', chargePercent: 55 });
    // By name too: the certificate is for localhost.
    expect((await driver(nut, { ca: pki.ca }, 'localhost').read()).chargePercent).toBe(55);
    await d.stop();
  });

  it('a certificate from another CA is refused, with the setting to check', async () => {
    pki = makeTestPki();
    nut = await startNut({}, { tls: pki });
    const err = await driver(nut, { ca: pki.otherCa }).read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HalError);
    expect((err as HalError).message).toMatch(/^TLS with upsd failed: .*certificate/);
    expect((err as HalError).hint).toMatch(/ups\.tls\.ca/);
  });

  it('a certificate from the right CA that names another host is refused, by address and by name', async () => {
    pki = makeTestPki();
    nut = await startNut({}, { tls: { ...pki, serverCert: pki.otherHostCert, serverKey: pki.otherHostKey } });
    expect(await askStartTls(nut.port)).toBe('OK STARTTLS');
    for (const host of ['127.0.0.1', 'localhost']) {
      const err = await driver(nut, { ca: pki.ca }, host).read().catch((e: unknown) => e);
      expect(err, host).toBeInstanceOf(HalError);
      expect((err as HalError).message, host).toMatch(new RegExp(`^TLS with upsd failed: Hostname/IP does not match certificate's altnames: (IP|Host): ${host.replace(/\./g, '\\.')}`));
      expect((err as HalError).hint, host).toMatch(/certificate names ups\.host/);
    }
  });

  it('upsd without a certificate: an error, never a fall-back to plain text', async () => {
    nut = await startNut();
    const plain = driver(nut, undefined);
    await waitUntil('upsd to answer in plain text', async () => (await plain.read().then((r) => r.status, () => 'error')) === 'online', 10_000, 200);
    const err = (await driver(nut, {}).read().catch((e: unknown) => e)) as HalError;
    expect(err.message).toMatch(/upsd cannot do TLS \(ERR FEATURE-NOT-CONFIGURED\); the agent does not fall back to plain text/);
    expect(err.hint).toMatch(/CERTPATH and CERTIDENT/);
  });
});
