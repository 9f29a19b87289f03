import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from '../../agent/config/load.js';
import { setupWarnings } from '../../agent/config/warnings.js';
import { tempDir } from '../support/sim.js';

function config(dir: string, mqtt: Record<string, unknown>) {
  return validate({ station: { id: 's', province: 'p', regency: 'r' }, mqtt, printer: { driver: 'sim' }, ups: { driver: 'none' } }, 'test', dir);
}

describe('weak setups are named with the fix', () => {
  it('a secret file every user, or its group, can read', () => {
    const dir = tempDir('weak-');
    writeFileSync(join(dir, 'mqtt.pass'), 'secret\n');
    chmodSync(join(dir, 'mqtt.pass'), 0o644);
    const c = config(dir, { url: 'mqtts://broker.example:8883', username: 'u', passwordFile: 'mqtt.pass' });
    const fix = `sudo chown station-agent ${join(dir, 'mqtt.pass')} && sudo chmod 600 ${join(dir, 'mqtt.pass')}`;
    expect(setupWarnings(c, 'linux')).toEqual([expect.objectContaining({ key: 'mqtt.passwordFile', en: expect.stringContaining(`can be read by every user of this PC: make it the agent's user's alone: ${fix}`) as string, id: expect.stringMatching(/bisa dibaca semua pengguna/) as string })]);
    // Its group is station-agent on a station, which the clerks' accounts join: not for a secret.
    chmodSync(join(dir, 'mqtt.pass'), 0o640);
    expect(setupWarnings(c, 'linux')).toEqual([expect.objectContaining({ key: 'mqtt.passwordFile', en: expect.stringContaining(`can be read by its group (on a station, station-agent: the clerks' accounts): make it the agent's user's alone: ${fix}`) as string, id: expect.stringMatching(/bisa dibaca grupnya/) as string })]);
    chmodSync(join(dir, 'mqtt.pass'), 0o600);
    expect(setupWarnings(c, 'linux')).toEqual([]);
    // File modes mean nothing on Windows.
    chmodSync(join(dir, 'mqtt.pass'), 0o644);
    expect(setupWarnings(c, 'win32')).toEqual([]);
  });

  it("the station page's token file is a secret like the others", () => {
    const dir = tempDir('weak-');
    writeFileSync(join(dir, 'page.token'), 'synthetic\n');
    chmodSync(join(dir, 'page.token'), 0o640);
    const c = validate(
      { station: { id: 's', province: 'p', regency: 'r' }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'none' }, operator: { listen: '0.0.0.0:8088', tokenFile: 'page.token' } },
      'test',
      dir,
    );
    expect(setupWarnings(c, 'linux').map((w) => w.key)).toEqual(['operator.tokenFile']);
  });

  it("the printer's SNMP community and v3 passphrase files are secrets like the others", () => {
    const dir = tempDir('weak-');
    for (const f of ['community', 'auth', 'priv']) {
      writeFileSync(join(dir, f), 'synthetic-secret\n');
      chmodSync(join(dir, f), f === 'auth' ? 0o600 : 0o644);
    }
    const station = { station: { id: 's', province: 'p', regency: 'r' }, mqtt: { url: 'embedded' }, ups: { driver: 'none' } };
    const v2 = validate({ ...station, printer: { driver: 'sim', snmp: { host: '192.168.1.50', communityFile: 'community' } } }, 'test', dir);
    expect(v2.printer.snmp?.communityFile).toBe(join(dir, 'community'));
    expect(setupWarnings(v2, 'linux').map((w) => w.key)).toEqual(['printer.snmp.communityFile']);
    const v3 = validate(
      { ...station, printer: { driver: 'sim', snmp: { host: '192.168.1.50', version: '3', user: 'agent', authProtocol: 'sha', authKeyFile: 'auth', privProtocol: 'aes', privKeyFile: 'priv' } } },
      'test',
      dir,
    );
    expect(setupWarnings(v3, 'linux').map((w) => w.key)).toEqual(['printer.snmp.privKeyFile']);
  });

  it('a password over plain MQTT to another host, but not to this PC', () => {
    const dir = tempDir('weak-');
    writeFileSync(join(dir, 'mqtt.pass'), 'secret\n');
    chmodSync(join(dir, 'mqtt.pass'), 0o600);
    const plain = config(dir, { url: 'mqtt://broker.example:1883', username: 'u', passwordFile: 'mqtt.pass' });
    expect(setupWarnings(plain, 'linux').map((w) => w.en)).toEqual([expect.stringMatching(/password goes to broker\.example in plain text \(mqtt:\/\/\): use mqtts:\/\/broker\.example:8883/) as string]);
    expect(setupWarnings(config(dir, { url: 'mqtt://127.0.0.1:1883', username: 'u', passwordFile: 'mqtt.pass' }), 'linux')).toEqual([]);
    expect(setupWarnings(config(dir, { url: 'mqtt://broker.example:1883' }), 'linux')).toEqual([]);
  });
});
