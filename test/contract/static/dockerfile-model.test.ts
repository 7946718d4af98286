import { describe, expect, it } from 'vitest';
import { finalChain, readDockerfile } from '../../../src/contract/static/model/dockerfile-model.js';
import { expandVariables } from '../../../src/contract/static/model/variables.js';

describe('expandVariables', () => {
  const vars = new Map([
    ['BASE', 'python:3.12'],
    ['EMPTY', ''],
  ]);
  it.each([
    ['$BASE', 'python:3.12', []],
    ['${BASE}-slim', 'python:3.12-slim', []],
    ['${MISSING:-debian:12}', 'debian:12', []],
    ['${EMPTY:-fallback}', 'fallback', []],
    ['${EMPTY-fallback}', '', []],
    ['${BASE:+set}', 'set', []],
    ['${MISSING:+set}', '', []],
    ['\\$BASE', '$BASE', []],
    ['${MISSING}/x', '/x', ['MISSING']],
    ['cost $5', 'cost $5', []],
  ])('%s -> %s', (text, value, unresolved) => {
    expect(expandVariables(text, vars)).toEqual({ value, unresolved });
  });
});

describe('readDockerfile: ARG substitution', () => {
  const text =
    'ARG BASE_IMAGE=python:3.12-slim-bookworm\nARG TAG\nFROM ${BASE_IMAGE}\nARG BASE_IMAGE\nWORKDIR /opt/${BASE_IMAGE}\nCMD ["x"]\n';

  it('uses the ARG default in FROM, and a build arg over it', () => {
    expect(readDockerfile(text, 'Dockerfile').stages[0]?.image).toBe('python:3.12-slim-bookworm');
    expect(readDockerfile(text, 'Dockerfile', { BASE_IMAGE: 'registry:5000/py:1' }).stages[0]?.image).toBe(
      'registry:5000/py:1',
    );
  });

  it('re-imports a global ARG declared again inside the stage, and not otherwise', () => {
    const [stage] = readDockerfile(text, 'Dockerfile').stages;
    expect(stage?.workdir).toBe('/opt/python:3.12-slim-bookworm');
    const [plain] = readDockerfile('ARG V=1\nFROM a:1\nWORKDIR /w$V\n', 'Dockerfile').stages;
    expect(plain?.workdir).toBe('/w');
  });

  it('reports a FROM whose ARG has no value as a syntax problem', () => {
    const model = readDockerfile('ARG BASE\nFROM $BASE\nCMD ["x"]\n', 'Dockerfile');
    expect(model.problems).toEqual([
      { line: 2, message: expect.stringMatching(/FROM \$BASE resolves to an empty image name \(no value for BASE\)/) },
    ]);
  });
});

describe('readDockerfile: stages and WORKDIR', () => {
  const text = [
    'FROM python:3.12-slim AS base', // 1
    'ENV APP=/srv/app',
    'WORKDIR $APP',
    'WORKDIR sub', // 4
    'COPY run.sh ./',
    'FROM base AS final', // 6
    'WORKDIR ../other',
    'COPY --from=base --chmod=755 /srv/app/sub/run.sh bin/',
    'CMD ./bin/run.sh',
  ].join('\n');
  const model = readDockerfile(text, 'Dockerfile');

  it('links a stage FROM an earlier stage and inherits its ENV and WORKDIR', () => {
    const [base, final] = model.stages;
    expect(base?.workdir).toBe('/srv/app/sub');
    expect(final?.parent).toBe(base);
    expect(final?.env.get('APP')).toBe('/srv/app');
    expect(final?.workdir).toBe('/srv/app/other');
    expect(finalChain(model).map((s) => s.name)).toEqual(['base', 'final']);
  });

  it('resolves COPY destinations against the WORKDIR at that line, with flags', () => {
    const copy = model.stages[0]?.steps[0];
    expect(copy).toMatchObject({ kind: 'copy', sources: ['run.sh'], dest: '/srv/app/sub', destIsDir: true, line: 5 });
    expect(model.stages[1]?.steps[0]).toMatchObject({
      kind: 'copy',
      from: 'base',
      chmod: '755',
      dest: '/srv/app/other/bin',
      destIsDir: true,
    });
  });

  it('wraps shell-form CMD in the SHELL and keeps exec form as JSON', () => {
    expect(model.stages[1]?.steps[1]).toMatchObject({
      kind: 'cmd',
      argv: ['/bin/sh', '-c', './bin/run.sh'],
      shellText: './bin/run.sh',
    });
    const custom = readDockerfile(
      'FROM a:1\nSHELL ["/bin/bash", "-lc"]\nCMD run.sh\nENTRYPOINT ["tini", "--"]\n',
      'Dockerfile',
    );
    expect(custom.stages[0]?.steps.map((s) => (s.kind === 'cmd' || s.kind === 'entrypoint' ? s.argv : []))).toEqual([
      ['/bin/bash', '-lc', 'run.sh'],
      ['tini', '--'],
    ]);
  });

  it('treats an exec form that is not valid JSON as shell form, as Docker does', () => {
    const bad = readDockerfile("FROM a:1\nCMD ['./run.sh']\n", 'Dockerfile');
    expect(bad.stages[0]?.steps[0]).toMatchObject({ argv: ['/bin/sh', '-c', "['./run.sh']"] });
  });
});

describe('readDockerfile: problems docker build would reject', () => {
  it.each([
    ['RUN echo hi\n', 'No FROM instruction'],
    ['COPY a b\nFROM a:1\n', 'COPY before the first FROM'],
    ['FROM a:1\nCOPYY a b\n', 'Unknown instruction COPYY'],
    ['FROM a:1\nCOPY onlyone\n', 'COPY needs a source and a destination'],
    ['FROM a:1 AS x\nFROM b:1 AS X\n', 'Duplicate stage name x'],
  ])('%j', (text, message) => {
    expect(readDockerfile(text, 'Dockerfile').problems.map((p) => p.message)).toContain(message);
  });

  it('accepts the example Dockerfile as it is', () => {
    const text = 'ARG BASE_IMAGE=python:3.12-slim-bookworm\nFROM ${BASE_IMAGE}\nWORKDIR /app\nCOPY a ./\nCMD ["./a"]\n';
    expect(readDockerfile(text, 'Dockerfile').problems).toEqual([]);
  });
});
