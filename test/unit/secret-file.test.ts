import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKeyFile, readSecretFile, UnreadableFileError } from '../../hal/secret-file.js';
import { tempDir } from '../support/sim.js';

describe('secret files: one reader for every key that names one', () => {
  const dir = tempDir('secret-');
  const file = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const failure = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      if (err instanceof UnreadableFileError) return err;
      throw err;
    }
    throw new Error('expected an UnreadableFileError');
  };

  it('drops the line break an editor or `echo` leaves, LF or CRLF, and nothing else', () => {
    expect(readSecretFile(file('a', 'pa55 word\n')).toString()).toBe('pa55 word');
    expect(readSecretFile(file('b', 'pa55\r\n')).toString()).toBe('pa55');
    expect(readSecretFile(file('c', ' spaced ')).toString()).toBe(' spaced ');
  });

  it('refuses an empty secret rather than send no password', () => {
    expect(failure(() => readSecretFile(file('empty', '\n'))).why).toBe('it is empty');
  });

  it('says why a file cannot be read, in words', () => {
    expect(failure(() => readSecretFile(join(dir, 'missing'))).message).toBe(`cannot read ${join(dir, 'missing')}: no such file`);
    mkdirSync(join(dir, 'folder'));
    expect(failure(() => readKeyFile(join(dir, 'folder'))).why).toBe('it is a folder, not a file');
  });

  it('key material is read byte for byte', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(readKeyFile(file('ca.pem', pem)).toString()).toBe(pem);
  });
});
