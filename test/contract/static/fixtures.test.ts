import { cp, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FindingCode } from '../../../src/contract/codes.js';
import { checkModule } from '../../../src/contract/static/index.js';

const FIXTURES = 'test/fixtures/modules';
// Every fixture is examples/blur with one defect; the table names the one code it must produce.
const TABLE: [folder: string, code: FindingCode][] = [
  ['static-no-dockerfile', 'no-dockerfile'],
  ['static-no-command', 'no-command'],
  ['static-entry-missing', 'entry-missing'],
  ['static-entry-not-executable', 'entry-not-executable'],
  ['static-entry-crlf', 'entry-crlf'],
  ['static-entry-no-shebang', 'entry-no-shebang'],
  ['static-hardcoded-path', 'hardcoded-path'],
  ['static-user-root', 'user-root'],
  ['static-root-only-step', 'root-only-step'],
  ['static-runtime-network', 'runtime-network'],
  ['static-base-no-cat', 'base-no-cat'],
  ['static-base-unpinned', 'base-unpinned'],
  ['static-copy-source-missing', 'copy-source-missing'],
  ['static-dockerignore-excludes-copied', 'dockerignore-excludes-copied'],
  ['static-makefile-image-mismatch', 'makefile-image-mismatch'],
];
const OPTIONS = { image: 'mercure/blur' };

describe('checkModule on the example module', () => {
  it('finds nothing in examples/blur', async () => {
    expect(await checkModule('examples/blur', OPTIONS)).toEqual([]);
  });

  it('finds nothing with a registry-qualified, tagged image name of the same repository', async () => {
    expect(await checkModule('examples/blur', { image: 'docker.io/mercure/blur:1.0' })).toEqual([]);
  });
});

describe('checkModule on one-defect fixtures', () => {
  it.each(TABLE)('%s yields exactly %s', async (folder, code) => {
    const findings = await checkModule(join(FIXTURES, folder), OPTIONS);
    expect(findings.map((f) => f.code)).toEqual([code]);
    const [only] = findings;
    expect(only?.message.length).toBeGreaterThan(20);
    expect(only?.hint).not.toBe('');
    // Every finding but the context-size one points at a file of the module.
    expect(only?.file).toBeDefined();
  });

  it('names the file and line of each defect', async () => {
    const where = async (folder: string) => {
      const [f] = await checkModule(join(FIXTURES, folder), OPTIONS);
      return `${f?.file}:${f?.line}`;
    };
    expect(await where('static-no-command')).toBe('Dockerfile:4');
    expect(await where('static-entry-missing')).toBe('Dockerfile:12');
    expect(await where('static-entry-crlf')).toBe('docker-entrypoint.sh:1');
    expect(await where('static-entry-no-shebang')).toBe('docker-entrypoint.sh:1');
    expect(await where('static-hardcoded-path')).toBe('docker-entrypoint.sh:4');
    expect(await where('static-user-root')).toBe('Dockerfile:12');
    expect(await where('static-root-only-step')).toBe('docker-entrypoint.sh:3');
    expect(await where('static-runtime-network')).toBe('docker-entrypoint.sh:3');
    expect(await where('static-base-no-cat')).toBe('Dockerfile:13');
    expect(await where('static-base-unpinned')).toBe('Dockerfile:4');
    expect(await where('static-copy-source-missing')).toBe('Dockerfile:7');
    expect(await where('static-dockerignore-excludes-copied')).toBe('.dockerignore:4');
    expect(await where('static-makefile-image-mismatch')).toBe('Makefile:4');
  });

  it('names the actual file in the hint where the catalogue says FILE', async () => {
    const [f] = await checkModule(join(FIXTURES, 'static-entry-not-executable'), OPTIONS);
    expect(f?.hint).toContain('git update-index --chmod=+x docker-entrypoint.sh');
    expect(f?.message).toMatch(/mode 0644 in the image \(git records 100644\)/);
  });

  it('lets the module declare what it needs: requires_root and network silence their findings', async () => {
    expect(await checkModule(join(FIXTURES, 'static-user-root'), { ...OPTIONS, requiresRoot: true })).toEqual([]);
    expect(await checkModule(join(FIXTURES, 'static-root-only-step'), { ...OPTIONS, requiresRoot: true })).toEqual([]);
    expect(await checkModule(join(FIXTURES, 'static-runtime-network'), { ...OPTIONS, network: true })).toEqual([]);
  });

  it('skips the Makefile comparison when no image is configured', async () => {
    expect(await checkModule(join(FIXTURES, 'static-makefile-image-mismatch'), {})).toEqual([]);
  });
});

describe('a large build context', () => {
  const temps: string[] = [];
  afterAll(async () => {
    await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const largeCopy = async (withIgnore: boolean) => {
    const dir = await mkdtemp(join(tmpdir(), 'static-large-'));
    temps.push(dir);
    await cp('examples/blur', dir, { recursive: true });
    if (!withIgnore) await rm(join(dir, '.dockerignore'));
    // A sparse 60 MiB file: its apparent size is what a build would send, and it costs no disk.
    const handle = await open(join(dir, 'scan.raw'), 'w');
    await handle.truncate(60 * 1024 * 1024);
    await handle.close();
    return dir;
  };

  it('warns with the size when there is no .dockerignore', async () => {
    const findings = await checkModule(await largeCopy(false), OPTIONS);
    expect(findings.map((f) => [f.code, f.severity])).toEqual([['context-large-no-dockerignore', 'warning']]);
    expect(findings[0]?.message).toMatch(/60\.0 MiB/);
  });

  it('is quiet with a .dockerignore, or under a raised limit', async () => {
    expect(await checkModule(await largeCopy(true), OPTIONS)).toEqual([]);
    expect(await checkModule(await largeCopy(false), { ...OPTIONS, largeContextBytes: 100 * 1024 * 1024 })).toEqual([]);
  });
});
