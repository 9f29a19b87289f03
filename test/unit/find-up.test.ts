import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findUp } from '../../core/find-up.js';
import { describeError } from '../../core/errors.js';
import { shippedFolder } from '../../platform/shipped.js';

describe('findUp: what ships beside the code, from the source tree, dist/ or the bundle', () => {
  // A tree shaped like an installation: the pages under dist/, the bundle's chunks two levels down.
  const root = mkdtempSync(join(tmpdir(), 'find-up-'));
  mkdirSync(join(root, 'dist/agent/operator/web'), { recursive: true });
  mkdirSync(join(root, 'dist/bin/chunks'), { recursive: true });
  writeFileSync(join(root, 'dist/agent/operator/web/index.html'), '<!doctype html>');
  writeFileSync(join(root, 'package.json'), '{"name":"station-agent"}');
  mkdirSync(join(root, 'dist/bin/chunks/node_modules/x'), { recursive: true });
  writeFileSync(join(root, 'dist/bin/chunks/node_modules/x/package.json'), '{"name":"x"}');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds a file in the folder it starts from, or in the nearest folder above', () => {
    const page = join(root, 'dist/agent/operator/web/index.html');
    expect(findUp('agent/operator/web/index.html', join(root, 'dist/bin/chunks'))).toBe(page);
    expect(findUp('agent/operator/web/index.html', join(root, 'dist/agent/operator'))).toBe(page);
    expect(findUp('index.html', join(root, 'dist/agent/operator/web'))).toBe(page);
  });

  it('skips what `accept` refuses and goes on upwards', () => {
    const ours = (f: string) => existsSync(f) && !f.includes('node_modules');
    expect(findUp('node_modules/x/package.json', join(root, 'dist/bin/chunks'))).toBe(join(root, 'dist/bin/chunks/node_modules/x/package.json'));
    expect(findUp('package.json', join(root, 'dist/bin/chunks/node_modules/x'), ours)).toBe(join(root, 'package.json'));
  });

  it('is null when nothing up to the file system root has it', () => {
    expect(findUp('no/such/file-3f9c.txt', join(root, 'dist/bin/chunks'))).toBeNull();
  });

  it('a folder that ships beside the code is found; missing, the error says the installation is incomplete and what to do, in both languages', () => {
    expect(shippedFolder('agent/operator/web/index.html', join(root, 'dist/bin/chunks'), { en: 'the pages', id: 'halaman' })).toBe(join(root, 'dist/agent/operator/web'));
    let err: unknown;
    try {
      shippedFolder('dashboard/web/index.html', join(root, 'dist/bin/chunks'), { en: "the dashboard's files", id: 'berkas dasbor' });
    } catch (e) {
      err = e;
    }
    expect(describeError(err, 'en')).toMatch(/the dashboard's files \(dashboard\/web\) are not in .*installation is incomplete\n.*install the agent again/s);
    expect(describeError(err, 'id')).toMatch(/berkas dasbor \(dashboard\/web\) tidak ada .*instalasinya tidak lengkap\n.*pasang ulang agen/s);
  });
});
