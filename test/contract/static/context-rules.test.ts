import { describe, expect, it } from 'vitest';
import { cleanSource, globToRegExp, matchSource } from '../../../src/contract/static/model/copy-sources.js';
import { parseDockerIgnore } from '../../../src/contract/static/model/dockerignore.js';
import { canonicalRepository, parseImageRef } from '../../../src/contract/static/model/image-ref.js';
import type { ContextEntry } from '../../../src/contract/static/model/module-files.js';

const entries = new Map<string, ContextEntry>(
  ['run.sh', 'blur.py', 'src', 'src/a.py', 'src/pkg', 'src/pkg/b.py', 'data', 'data/keep.txt', 'data/x.dcm'].map(
    (path) => [path, { path, kind: path.includes('.') ? 'file' : 'dir', size: 1, mode: 0o644 }],
  ),
);

describe('COPY sources', () => {
  it('cleans sources the way the builder does', () => {
    expect(['./run.sh', '/run.sh', 'src/', '.', './', 'src/../blur.py'].map(cleanSource)).toEqual([
      'run.sh',
      'run.sh',
      'src',
      '.',
      '.',
      'blur.py',
    ]);
  });

  it.each([
    ['*.py', ['blur.py']],
    ['src/*.py', ['src/a.py']],
    ['src/**/*.py', ['src/a.py', 'src/pkg/b.py']],
    ['r?n.sh', ['run.sh']],
    ['[rb]*', ['run.sh', 'blur.py']],
    ['*.txt', []],
  ])('%s matches %j', (glob, paths) => {
    expect(matchSource(glob, entries).matched.map((e) => e.path)).toEqual(paths);
  });

  it('keeps * within one folder', () => {
    expect(globToRegExp('*.py').test('src/a.py')).toBe(false);
  });
});

describe('.dockerignore (Docker semantics via @balena/dockerignore)', () => {
  const ignore = parseDockerIgnore(
    '# comment\n.git\n*.md\ndata\n!data/keep.txt\nDockerfile\n\n**/*.pyc\n',
    '.dockerignore',
    ['Dockerfile', '.dockerignore'],
  );

  it('names the line that excludes a path', () => {
    expect(ignore.excludedBy('README.md')).toEqual({ line: 3, pattern: '*.md' });
    expect(ignore.excludedBy('data/x.dcm')).toEqual({ line: 4, pattern: 'data' });
    expect(ignore.excludedBy('src/pkg/c.pyc')).toEqual({ line: 8, pattern: '**/*.pyc' });
  });

  it('lets a later ! exception re-include a file', () => {
    expect(ignore.excludedBy('data/keep.txt')).toBeUndefined();
  });

  it('matches * at the root only, as Docker does', () => {
    expect(ignore.excludedBy('docs/README.md')).toBeUndefined();
  });

  it('always sends the Dockerfile and the ignore file', () => {
    expect(ignore.excludedBy('Dockerfile')).toBeUndefined();
  });

  it('excludes nothing without an ignore file', () => {
    expect(parseDockerIgnore('', undefined).excludedBy('x')).toBeUndefined();
  });
});

describe('image references', () => {
  it.each([
    ['python:3.12-slim', { path: 'python', tag: '3.12-slim' }],
    ['registry:5000/acme/blur:1.0', { registry: 'registry:5000', path: 'acme/blur', tag: '1.0' }],
    ['localhost/blur', { registry: 'localhost', path: 'blur' }],
    ['gcr.io/distroless/python3@sha256:abc', { registry: 'gcr.io', path: 'distroless/python3', digest: 'sha256:abc' }],
  ])('%s', (reference, expected) => {
    expect(parseImageRef(reference)).toEqual(expected);
  });

  it('compares repositories across Docker Hub spellings and ignores tags', () => {
    expect(canonicalRepository('python')).toBe(canonicalRepository('docker.io/library/python:3'));
    expect(canonicalRepository('acme/blur:1')).toBe(canonicalRepository('index.docker.io/acme/blur'));
    expect(canonicalRepository('registry:5000/acme/blur:1.0')).not.toBe(canonicalRepository('acme/blur'));
  });
});
