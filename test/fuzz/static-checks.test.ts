// The Dockerfile and entry-script checks under generated module folders (in memory: the same rules
// checkModule runs, driven through checkModuleFiles): findings with known codes or a clear error,
// never another exception; and the shell parser on its own never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FINDING_CATALOGUE } from '../../src/contract/codes.js';
import { checkModuleFiles, resolveOptions } from '../../src/contract/static/index.js';
import type { ContextEntry, ModuleFiles } from '../../src/contract/static/model/module-files.js';
import { parseShell } from '../../src/contract/static/model/shell-syntax.js';
import { holdsAsync, holds, textOf, valueOrModuleErrorAsync } from './support.js';

/** A module folder in memory: path -> text (a file) and its mode. */
function moduleFiles(files: Record<string, { text: string; mode: number }>): ModuleFiles {
  const entries = new Map<string, ContextEntry>();
  for (const [path, { text, mode }] of Object.entries(files)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      entries.set(dir, { path: dir, kind: 'dir', size: 0, mode: 0o755 });
    }
    entries.set(path, { path, kind: 'file', size: Buffer.byteLength(text), mode });
  }
  let totalBytes = 0;
  for (const entry of entries.values()) if (entry.kind === 'file') totalBytes += entry.size;
  return {
    dir: '/fuzz/module',
    entries,
    totalBytes,
    modeOf: (path) => (entries.has(path) ? { mode: entries.get(path)!.mode, source: 'disk' } : undefined),
    readText: (path, maxBytes = 2 * 1024 * 1024) => {
      const entry = entries.get(path);
      return Promise.resolve(entry?.kind === 'file' && entry.size <= maxBytes ? files[path]?.text : undefined);
    },
  };
}

const word = fc.constantFrom(
  'a',
  'x',
  '$X',
  '${X:-y}',
  '"q"',
  "'s'",
  '\\',
  '&&',
  '|',
  ';',
  '>',
  '2>&1',
  '#',
  '$(id)',
  '`id`',
  '*',
  '/tmp/data',
  '$MERCURE_IN_DIR',
  '"$MERCURE_OUT_DIR"',
  '\\\n',
  '<<EOF',
  '=',
  '[',
  ']',
  ',',
);
const shellLine = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(
        fc.oneof(
          word,
          fc.constantFrom(
            'python',
            'cp',
            'chmod',
            'apt-get',
            'pip',
            'curl',
            'exec',
            'cd',
            'sudo',
            'su',
            'mkdir',
            'useradd',
            'export',
            'set',
            'if',
            'then',
            'fi',
            'for',
            'do',
            'done',
            'case',
            'esac',
            '(',
            ')',
            '{',
            '}',
          ),
        ),
        { maxLength: 8 },
      )
      .map((w) => w.join(' ')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
const script = fc
  .tuple(
    fc.constantFrom(
      '#!/bin/sh\n',
      '#!/bin/bash\n',
      '#!/usr/bin/env python3\n',
      '',
      '\uFEFF#!/bin/sh\n',
      '#!/bin/sh\r\n',
      '#!',
    ),
    fc.array(shellLine, { maxLength: 8 }),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([shebang, lines, eol]) => shebang + lines.join(eol));

const image = fc.constantFrom(
  'python:3.12-slim',
  'mmk-base/busybox:static',
  '${BASE_IMAGE}',
  'scratch',
  'alpine@sha256:' + 'a'.repeat(64),
  'build',
  '',
  'a b',
  '$X:latest',
  'localhost:5000/x/y:1',
);
const instruction = fc.oneof(
  fc.tuple(image, fc.constantFrom('', ' AS build', ' AS', ' as b c')).map(([i, as]) => `FROM ${i}${as}`),
  shellLine.map((l) => `RUN ${l}`),
  fc.constantFrom(
    'COPY . /app',
    'COPY docker-entrypoint.sh ./',
    'COPY --from=build /x /y',
    'COPY --chmod=755 docker-entrypoint.sh /',
    'ADD missing.txt /',
    'COPY ["a", "b"]',
    'COPY',
    'COPY <<EOF /x\nhi\nEOF',
    'COPY src/ /app/src/',
    'COPY *.py /app/',
  ),
  fc.constantFrom(
    'USER root',
    'USER 1000',
    'USER $U',
    'USER',
    'WORKDIR /app',
    'WORKDIR relative',
    'WORKDIR $W',
    'ARG BASE_IMAGE=python:3.12',
    'ARG X',
    'ENV X=1 Y=2',
    'ENV X',
    'ENV A B C',
    'SHELL ["/bin/bash", "-c"]',
    'HEALTHCHECK NONE',
    'ONBUILD RUN x',
    'STOPSIGNAL 9',
    'EXPOSE 80',
    'LABEL a=b',
    'VOLUME /tmp/data',
  ),
  fc.constantFrom(
    'CMD ["./docker-entrypoint.sh"]',
    'CMD ./docker-entrypoint.sh',
    'ENTRYPOINT ["/bin/sh", "-c", "./docker-entrypoint.sh"]',
    'ENTRYPOINT ["python", "module.py"]',
    'CMD ["',
    'ENTRYPOINT []',
    'CMD []',
    'CMD ["sh", "-c", "$MERCURE_IN_DIR"]',
    'ENTRYPOINT exec ./docker-entrypoint.sh',
    'CMD ["/docker-entrypoint.sh"]',
  ),
  fc.string({ maxLength: 40 }),
);
const dockerfile = fc
  .tuple(
    fc.constantFrom('', '# syntax=docker/dockerfile:1\n', 'ARG BASE_IMAGE=python:3.12-slim\n', '\uFEFF'),
    fc.array(instruction, { minLength: 0, maxLength: 10 }),
    fc.constantFrom('\n', '\r\n', ' \\\n'),
  )
  .map(([head, lines, eol]) => head + lines.join(eol));

const folder = fc.record({
  dockerfile,
  entry: script,
  entryMode: fc.constantFrom(0o755, 0o644, 0o700, 0o000),
  ignore: fc.option(textOf(['*', '!', 'docker-entrypoint.sh', '\n', '.git', '*.py', 'Dockerfile', '**']), {
    nil: undefined,
  }),
  makefile: fc.option(
    textOf(['IMAGE', ' ?= ', '=', 'acme/blur', '\n', 'build:', '\tdocker build -t $(IMAGE) .', ':', '$(', ')']),
    { nil: undefined },
  ),
  python: fc.option(shellLine, { nil: undefined }),
  options: fc.record(
    {
      image: fc.constantFrom('acme/blur', 'a b', 'localhost:5000/acme/blur:1'),
      requiresRoot: fc.boolean(),
      network: fc.boolean(),
      buildArgs: fc.dictionary(
        fc.constantFrom('BASE_IMAGE', 'X', 'U'),
        fc.constantFrom('python:3.12', '', 'mmk-base/busybox:static', '$X'),
      ),
    },
    { requiredKeys: [] },
  ),
});

describe('static checks (fuzz)', () => {
  it('findings with known codes, files and lines, or a clear error; never another exception', async () => {
    await holdsAsync(
      fc.asyncProperty(folder, async (f) => {
        const files: Record<string, { text: string; mode: number }> = {
          Dockerfile: { text: f.dockerfile, mode: 0o644 },
          'docker-entrypoint.sh': { text: f.entry, mode: f.entryMode },
        };
        if (f.ignore !== undefined) files['.dockerignore'] = { text: f.ignore, mode: 0o644 };
        if (f.makefile !== undefined) files['Makefile'] = { text: f.makefile, mode: 0o644 };
        if (f.python !== undefined) files['module.py'] = { text: f.python, mode: 0o644 };
        const findings = await valueOrModuleErrorAsync(async () =>
          checkModuleFiles(moduleFiles(files), { text: f.dockerfile }, resolveOptions('/fuzz/module', f.options)),
        );
        if (!findings) return;
        for (const found of findings) {
          expect(FINDING_CATALOGUE[found.code], found.code).toBeDefined();
          expect(found.message.length).toBeGreaterThan(0);
          if (found.line !== undefined) expect(Number.isInteger(found.line) && found.line >= 1).toBe(true);
          // Findings quote module files: no raw control characters reach a terminal.
          expect(found.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
        }
      }),
    );
  });

  it('the shell parser never throws and keeps lines within the script', () => {
    holds(
      fc.property(script, (text) => {
        const lines = text.split('\n').length;
        for (const command of parseShell(text)) {
          expect(command.line).toBeGreaterThanOrEqual(1);
          expect(command.line).toBeLessThanOrEqual(lines);
        }
      }),
    );
  });
});
