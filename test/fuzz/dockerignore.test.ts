// .dockerignore rules under generated patterns and paths: never an exception; the answer names a
// real line of the file; the Dockerfile and the ignore file are always sent; no patterns, no exclusions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDockerIgnore } from '../../src/contract/static/model/dockerignore.js';
import { holds, textOf, valueOrModuleError } from './support.js';

const pattern = textOf([
  '*',
  '**',
  '/',
  '!',
  '?',
  '[a-z]',
  '[',
  ']',
  '\\',
  '.',
  '..',
  'src',
  'module.py',
  '#',
  ' ',
  'Dockerfile',
  '*.py',
  '.git',
  '~',
]);
const path = textOf(
  ['src', '/', 'module.py', 'a', '.', 'Dockerfile', '.dockerignore', 'x.py', '..', ' ', '[', '*'],
  '',
).map((p) => p.replace(/^\/+/, ''));

describe('.dockerignore (fuzz)', () => {
  it('excludedBy never throws and names a line of the file; always-sent paths stay in', () => {
    holds(
      fc.property(
        fc.array(pattern, { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(path, { maxLength: 6 }),
        (patterns, eol, paths) => {
          const text = patterns.join(eol);
          const ignore = valueOrModuleError(() =>
            parseDockerIgnore(text, '.dockerignore', ['Dockerfile', '.dockerignore']),
          );
          if (!ignore) return;
          const lines = text.split(/\r?\n/);
          for (const p of [...paths, 'Dockerfile', '.dockerignore']) {
            const excluded = ignore.excludedBy(p);
            if (p === 'Dockerfile' || p === '.dockerignore') expect(excluded).toBeUndefined();
            if (excluded === undefined) continue;
            expect(excluded.line).toBeGreaterThanOrEqual(1);
            expect(lines[excluded.line - 1]?.trim()).toBe(excluded.pattern);
          }
        },
      ),
    );
  });

  it('an ignore file without patterns (empty, comments, blank lines) excludes nothing', () => {
    holds(
      fc.property(fc.array(fc.constantFrom('', '# comment', '   ', '#*', '!'), { maxLength: 5 }), path, (lines, p) => {
        expect(parseDockerIgnore(lines.join('\n'), '.dockerignore').excludedBy(p)).toBeUndefined();
      }),
    );
  });
});
