import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../core/package-root.js';
import { describeError } from '../../core/errors.js';
import { shippedFolder } from '../../platform/shipped.js';

describe('packageRoot: what ships beside the code is found in one place, the package', () => {
  // A tree shaped like an installation: the bundle in dist/bin/ (its "type" package.json, its chunks),
  // the pages where they are in the source, a dependency with a package.json of its own.
  const root = mkdtempSync(join(tmpdir(), 'package-root-'));
  mkdirSync(join(root, 'agent/operator/web'), { recursive: true });
  mkdirSync(join(root, 'dist/bin/chunks'), { recursive: true });
  mkdirSync(join(root, 'node_modules/x/lib'), { recursive: true });
  writeFileSync(join(root, 'agent/operator/web/index.html'), '<!doctype html>');
  writeFileSync(join(root, 'package.json'), '{"name":"station-agent"}');
  writeFileSync(join(root, 'dist/bin/package.json'), '{ "type": "commonjs" }');
  writeFileSync(join(root, 'node_modules/x/package.json'), '{"name":"x"}');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is the nearest folder above whose package.json is station-agent's, from the bundle's chunks as from a source folder", () => {
    expect(packageRoot(join(root, 'dist/bin/chunks'))).toBe(root);
    expect(packageRoot(join(root, 'dist/bin'))).toBe(root);
    expect(packageRoot(join(root, 'agent/operator'))).toBe(root);
    expect(packageRoot(join(root, 'node_modules/x/lib'))).toBe(root);
  });

  it('is null when no folder up to the file system root has it', () => {
    expect(packageRoot(join(tmpdir(), 'no-package-3f9c/dist/bin'))).toBeNull();
  });

  it('a folder that ships in the package is found; missing, the error says the installation is incomplete and what to do, in both languages', () => {
    expect(shippedFolder('agent/operator/web/index.html', join(root, 'dist/bin/chunks'), { en: 'the pages', id: 'halaman' })).toBe(join(root, 'agent/operator/web'));
    let err: unknown;
    try {
      shippedFolder('dashboard/web/index.html', join(root, 'dist/bin/chunks'), { en: "the dashboard's files", id: 'berkas dasbor' });
    } catch (e) {
      err = e;
    }
    expect(describeError(err, 'en')).toContain(`the dashboard's files are not in ${join(root, 'dashboard/web')}: the installation is incomplete`);
    expect(describeError(err, 'en')).toMatch(/\n.*install the agent again/);
    expect(describeError(err, 'id')).toContain(`berkas dasbor tidak ada di ${join(root, 'dashboard/web')}: instalasinya tidak lengkap`);
    expect(describeError(err, 'id')).toMatch(/\n.*pasang ulang agen/);
  });
});
