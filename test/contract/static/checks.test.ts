import { afterAll, describe, expect, it } from 'vitest';
import { ModuleError } from '../../../src/errors.js';
import { checkModule } from '../../../src/contract/static/index.js';
import type { StaticCheckOptions } from '../../../src/contract/static/index.js';
import { dockerfile, entryScript, ModuleBuilder, type FileSpec } from './module-builder.js';

const builder = new ModuleBuilder();
afterAll(() => builder.remove());

const APP = ['WORKDIR /app', 'COPY requirements.txt ./', 'COPY blur.py docker-entrypoint.sh ./'];
const codes = async (files: Record<string, FileSpec>, options: StaticCheckOptions = {}) =>
  (await checkModule(await builder.module(files), options)).map((f) => f.code);
const withBase = (from: string, ...rest: string[]) =>
  [from, ...APP, ...rest, 'CMD ["./docker-entrypoint.sh"]', ''].join('\n');

describe('base images', () => {
  it.each([
    ['scratch', ['base-no-cat']],
    ['gcr.io/distroless/python3-debian12:nonroot', ['base-no-cat']],
    ['gcr.io/distroless/python3-debian12:debug', []],
    ['cgr.dev/chainguard/static:latest', ['base-no-cat', 'base-unpinned']],
    ['python', ['base-unpinned']],
    ['python:latest', ['base-unpinned']],
    ['python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', []],
    ['registry:5000/team/python:3.12', []],
  ])('BASE_IMAGE=%s via buildArgs', async (base, expected) => {
    expect(await codes({}, { buildArgs: { BASE_IMAGE: base } })).toEqual(expected);
  });

  it('follows the final stage back through earlier stages to the base', async () => {
    const text = [
      'FROM scratch AS base',
      'FROM base AS runtime',
      ...APP,
      'FROM runtime',
      'CMD ["./docker-entrypoint.sh"]',
      '',
    ].join('\n');
    const findings = await checkModule(await builder.module({ Dockerfile: text }), {});
    expect(findings).toMatchObject([
      { code: 'base-no-cat', line: 1, message: expect.stringMatching(/through base -> runtime/) },
    ]);
  });

  it('judges only the final image for cat, but every stage for pinning', async () => {
    const text = [
      'FROM golang AS tools',
      'RUN true',
      'FROM python:3.12-slim',
      ...APP,
      'CMD ["./docker-entrypoint.sh"]',
      '',
    ].join('\n');
    expect(await checkModule(await builder.module({ Dockerfile: text }), {})).toMatchObject([
      { code: 'base-unpinned', line: 1 },
    ]);
  });

  it('reports a RUN that deletes cat from the final image', async () => {
    const text = withBase('FROM python:3.12-slim', 'RUN rm -f /usr/bin/cat && echo done');
    expect(await checkModule(await builder.module({ Dockerfile: text }), {})).toMatchObject([
      { code: 'base-no-cat', line: 5 },
    ]);
    expect(await codes({ Dockerfile: withBase('FROM python:3.12-slim', 'RUN rm -f /tmp/cat') })).toEqual([]);
  });

  it('does not take a stage reference for an image', async () => {
    const text = ['FROM python:3.12-slim AS base', ...APP, 'FROM base', 'CMD ["./docker-entrypoint.sh"]', ''].join(
      '\n',
    );
    expect(await codes({ Dockerfile: text })).toEqual([]);
  });
});

describe('no-command and user-root', () => {
  it('accepts a CMD inherited from an earlier stage', async () => {
    const text = [
      'FROM python:3.12-slim AS runtime',
      ...APP,
      'CMD ["./docker-entrypoint.sh"]',
      'FROM runtime',
      'LABEL x=y',
      '',
    ].join('\n');
    expect(await codes({ Dockerfile: text })).toEqual([]);
  });

  it('reports a final stage that only a builder stage gave a CMD', async () => {
    const text = ['FROM python:3.12-slim AS builder', 'CMD ["./x"]', 'FROM python:3.12-slim', ...APP, ''].join('\n');
    expect(await checkModule(await builder.module({ Dockerfile: text }), {})).toMatchObject([
      { code: 'no-command', line: 3 },
    ]);
  });

  it.each([
    ['USER 0:0', ['user-root']],
    ['USER root:root', ['user-root']],
    ['USER ${RUN_AS}', ['user-root']],
    ['USER 1000', []],
    ['USER nobody', []],
  ])('%s', async (user, expected) => {
    expect(await codes({ Dockerfile: withBase('FROM python:3.12-slim', 'ARG RUN_AS=root', user) })).toEqual(expected);
  });

  it('looks at the last USER only', async () => {
    expect(
      await codes({ Dockerfile: withBase('FROM python:3.12-slim', 'USER root', 'RUN true', 'USER 1000') }),
    ).toEqual([]);
  });
});

describe('root-only-step and runtime-network', () => {
  it('reports each offending command with its line, and both codes for a run-time apt-get install', async () => {
    const script = entryScript(
      'sudo mkdir -p /data',
      'apt-get install -y dcmtk',
      'echo ok > /etc/motd',
      'curl -fsSL https://example.org/model.bin -o /tmp/model.bin',
    );
    const findings = await checkModule(
      await builder.module({ 'docker-entrypoint.sh': { text: script, mode: 0o755 } }),
      {},
    );
    expect(findings.map((f) => `${f.code}@${f.line}`)).toEqual([
      'root-only-step@3',
      'root-only-step@4',
      'runtime-network@4',
      'root-only-step@5',
      'runtime-network@6',
    ]);
  });

  it('follows scripts the entry script calls', async () => {
    const files = {
      'docker-entrypoint.sh': {
        text: entryScript('source ./env.sh', '"$PWD"/ignored.sh', 'bash scripts/setup.sh'),
        mode: 0o755,
      },
      'env.sh': 'export X=1\n',
      'scripts/setup.sh': '#!/bin/sh\npip install --user pydicom\n',
      Dockerfile: dockerfile('WORKDIR /app', 'COPY . .', 'CMD ["./docker-entrypoint.sh"]'),
    };
    const findings = await checkModule(await builder.module(files), {});
    expect(findings).toMatchObject([{ code: 'runtime-network', file: 'scripts/setup.sh', line: 2 }]);
  });

  it('reads inline shell-form commands, and points at the Dockerfile line', async () => {
    const text = dockerfile(...APP, 'CMD pip install -q pydicom && ./docker-entrypoint.sh');
    expect(await checkModule(await builder.module({ Dockerfile: text }), {})).toMatchObject([
      { code: 'runtime-network', file: 'Dockerfile', line: 6 },
    ]);
  });

  it('does not read build-time RUN steps or a Python entry as shell', async () => {
    const text = dockerfile(
      ...APP,
      'RUN apt-get update && apt-get install -y curl && chown -R 1000 /app',
      'CMD ["python3", "blur.py"]',
    );
    expect(await codes({ Dockerfile: text, 'blur.py': 'import os\nos.system("ls")\n# apt-get install x\n' })).toEqual(
      [],
    );
  });

  it('is silenced per declaration: requiresRoot keeps the network finding and vice versa', async () => {
    const files = { 'docker-entrypoint.sh': { text: entryScript('apt-get install -y dcmtk'), mode: 0o755 } };
    expect(await codes(files, { requiresRoot: true })).toEqual(['runtime-network']);
    expect(await codes(files, { network: true })).toEqual(['root-only-step']);
    expect(await codes(files, { requiresRoot: true, network: true })).toEqual([]);
  });
});

describe('hardcoded-path', () => {
  it('scans copied sources, skips comments and other /tmp paths', async () => {
    const py = [
      '# default: /tmp/data',
      'import os',
      'IN = os.environ.get("MERCURE_IN_DIR", "/tmp/data")',
      'DB = "/tmp/database"',
      'OUT = "/tmp/output/"',
      '',
    ].join('\n');
    const findings = await checkModule(await builder.module({ 'blur.py': py }), {});
    expect(findings.map((f) => `${f.code}@${f.file}:${f.line}`)).toEqual([
      'hardcoded-path@blur.py:3',
      'hardcoded-path@blur.py:5',
    ]);
    expect(findings.every((f) => f.severity === 'warning')).toBe(true);
  });

  it('leaves vendored code copied along alone', async () => {
    const text = dockerfile('WORKDIR /app', 'COPY . .', 'CMD ["./docker-entrypoint.sh"]');
    expect(
      await codes({
        Dockerfile: text,
        'node_modules/dep/index.js': 'const d = "/tmp/data";\n',
        'lib/io.js': '// uses /tmp/output\nconst o = "/tmp/output";\n',
      }),
    ).toEqual(['hardcoded-path']);
  });

  it('does not read files the image does not get', async () => {
    expect(await codes({ 'tools/dev.py': 'PATH = "/tmp/data"\n' })).toEqual([]);
  });
});

describe('copy sources and .dockerignore', () => {
  it.each([
    ['a glob that matches nothing', 'COPY *.txt *.cfg ./', ['copy-source-missing']],
    ['a glob that matches', 'COPY *.py ./', []],
    ['a missing folder', 'COPY models/ ./models/', ['copy-source-missing']],
    ['a remote ADD', 'ADD https://example.org/x.tar.gz /opt/', []],
    ['a heredoc', 'COPY <<EOF /app/x.cfg\nkey=1\nEOF', []],
    ['a stage it cannot see into', 'COPY --from=busybox:1.36 /bin/busybox /bin/', []],
  ])('%s', async (_name, line, expected) => {
    expect(await codes({ Dockerfile: withBase('FROM python:3.12-slim', line) })).toEqual(expected);
  });

  it('groups what one .dockerignore line keeps out', async () => {
    const text = withBase('FROM python:3.12-slim', 'COPY *.json ./');
    const findings = await checkModule(
      await builder.module({ Dockerfile: text, 'a.json': '{}', '.dockerignore': '*.json\n*.py\n' }),
      {},
    );
    expect(findings.map((f) => `${f.code}@${f.file}:${f.line}`)).toEqual([
      'dockerignore-excludes-copied@.dockerignore:1',
      'dockerignore-excludes-copied@.dockerignore:2',
    ]);
  });

  it('accepts a folder COPY whose folder is partly ignored', async () => {
    const text = withBase('FROM python:3.12-slim', 'COPY data/ ./data/');
    expect(
      await codes({ Dockerfile: text, 'data/keep.txt': 'k', 'data/x.dcm': 'x', '.dockerignore': 'data/*.dcm\n' }),
    ).toEqual([]);
  });

  it('ignores COPY steps of stages the final image does not need (BuildKit skips them)', async () => {
    const text = [
      'FROM python:3.12-slim AS unused',
      'COPY nothing-here ./',
      'FROM python:3.12-slim',
      ...APP,
      'CMD ["./docker-entrypoint.sh"]',
      '',
    ].join('\n');
    expect(await codes({ Dockerfile: text })).toEqual([]);
  });
});

describe('Dockerfile problems', () => {
  it('reports an unknown instruction and keeps checking the rest', async () => {
    const findings = await checkModule(
      await builder.module({ Dockerfile: withBase('FROM python:3.12-slim', 'RUNN true', 'USER root') }),
      {},
    );
    expect(findings.map((f) => `${f.code}@${f.line}`)).toEqual(['dockerfile-syntax@5', 'user-root@6']);
  });

  it('stops after a Dockerfile with no FROM', async () => {
    expect(await codes({ Dockerfile: 'RUN echo hi\nCMD ["x"]\n' })).toEqual(['dockerfile-syntax']);
  });

  it('reports a FROM whose ARG has no value once', async () => {
    expect(await codes({ Dockerfile: withBase('ARG BASE\nFROM $BASE') })).toEqual(['dockerfile-syntax']);
  });
});

describe('options', () => {
  it('rejects a bad largeContextBytes with the option and the value', async () => {
    await expect(checkModule('examples/blur', { largeContextBytes: -1 })).rejects.toThrow(
      /largeContextBytes .* got -1/,
    );
  });

  it('rejects a missing folder as a usage error', async () => {
    const error: unknown = await checkModule('examples/no-such-module', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).exitCode).toBe(2);
  });

  it('reads a Dockerfile under another name and reports a missing one by that name', async () => {
    const dir = await builder.module({ 'Dockerfile.gpu': dockerfile(...APP, 'CMD ["./docker-entrypoint.sh"]') });
    expect(await checkModule(dir, { dockerfile: 'Dockerfile.gpu' })).toEqual([]);
    expect(await checkModule(dir, { dockerfile: 'Dockerfile.cpu' })).toMatchObject([
      { code: 'no-dockerfile', file: 'Dockerfile.cpu' },
    ]);
  });
});
