import { describe, expect, it } from 'vitest';
import { applyChmod, chmodCalls, chmodTouches } from '../../../src/contract/static/model/file-mode.js';
import type { RunStep } from '../../../src/contract/static/model/steps.js';

describe('applyChmod', () => {
  it.each([
    [0o644, '755', 0o755],
    [0o644, '0700', 0o700],
    [0o644, '+x', 0o755],
    [0o644, 'a+x', 0o755],
    [0o644, 'u+x', 0o744],
    [0o644, 'ug+x,o-r', 0o750],
    [0o755, 'go-x', 0o744],
    [0o600, 'a=rX', 0o444],
    [0o700, 'a=rX', 0o555],
    [0o644, '+w', 0o644],
    [0o600, 'o=u', undefined],
  ])('%o with %s -> %o', (from, mode, expected) => {
    expect(applyChmod(from, mode)).toBe(expected);
  });
});

describe('chmodCalls and chmodTouches', () => {
  const run = (script: string, workdir = '/app'): RunStep => ({ kind: 'run', line: 5, workdir, script });
  const touches = (script: string, path: string) => chmodCalls(run(script)).some((call) => chmodTouches(call, path));

  it('resolves relative targets against WORKDIR and follows cd', () => {
    expect(chmodCalls(run('chmod +x run.sh && cd /opt && chmod 755 tool'))).toEqual([
      { line: 5, mode: '+x', recursive: false, targets: ['/app/run.sh'] },
      { line: 5, mode: '755', recursive: false, targets: ['/opt/tool'] },
    ]);
  });

  it.each([
    ['chmod +x /app/run.sh', true],
    ['chmod +x ./run.sh', true],
    ['chmod +x *.sh', true],
    ['chmod -R 755 /app', true],
    ['chmod -Rf a+rx .', true],
    ['chmod 755 /app', false],
    ['chmod +x other.sh', false],
    ['chmod -R 755 /application', false],
    ['echo chmod +x run.sh', false],
    ['apt-get update && chmod +x /app/run.sh', true],
  ])('%s touches /app/run.sh: %s', (script, expected) => {
    expect(touches(script, '/app/run.sh')).toBe(expected);
  });

  it('reads exec-form RUN too', () => {
    expect(chmodCalls({ kind: 'run', line: 1, workdir: '/app', argv: ['chmod', '+x', 'run.sh'] })).toHaveLength(1);
  });
});
