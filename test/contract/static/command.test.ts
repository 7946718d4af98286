import { describe, expect, it } from 'vitest';
import { commandTarget, imageCommand } from '../../../src/contract/static/model/command.js';
import { finalChain, readDockerfile } from '../../../src/contract/static/model/dockerfile-model.js';

const commandOf = (text: string) => imageCommand(finalChain(readDockerfile(text, 'Dockerfile')));

describe('imageCommand: what the final image runs with no arguments', () => {
  it('inherits CMD from an earlier stage it is built FROM', () => {
    expect(commandOf('FROM a:1 AS runtime\nCMD ["./run.sh"]\nFROM runtime\nRUN true\n')).toMatchObject({
      argv: ['./run.sh'],
      line: 2,
    });
  });

  it('drops an inherited CMD when the stage sets its own ENTRYPOINT, but not one set in the same stage', () => {
    expect(commandOf('FROM a:1 AS r\nCMD ["--flag"]\nFROM r\nENTRYPOINT ["./run.sh"]\n')?.argv).toEqual(['./run.sh']);
    expect(commandOf('FROM a:1\nCMD ["--flag"]\nENTRYPOINT ["./run.sh"]\n')?.argv).toEqual(['./run.sh', '--flag']);
  });

  it('ignores CMD after a shell-form ENTRYPOINT', () => {
    expect(commandOf('FROM a:1\nENTRYPOINT ./run.sh\nCMD ["x"]\n')?.argv).toEqual(['/bin/sh', '-c', './run.sh']);
  });

  it('is undefined when no stage of the chain sets one (the base image default would run)', () => {
    expect(commandOf('FROM a:1 AS builder\nCMD ["./x"]\nFROM python:3.12\nRUN true\n')).toBeUndefined();
    expect(commandOf('FROM a:1\nCMD []\n')).toBeUndefined();
  });
});

describe('commandTarget: the file a command runs', () => {
  const env = new Map([['APP', '/srv']]);
  it.each([
    [['./docker-entrypoint.sh'], { path: '/app/docker-entrypoint.sh', direct: true }],
    [['/bin/sh', '-c', './docker-entrypoint.sh'], { path: '/app/docker-entrypoint.sh', direct: true }],
    [['bash', 'run.sh'], { path: '/app/run.sh', direct: false, interpreter: 'bash' }],
    [['/bin/bash', '-e', '-o', 'pipefail', 'run.sh'], { path: '/app/run.sh', direct: false, interpreter: 'bash' }],
    [
      ['python3', '-u', 'main.py', '--in', '/tmp/data'],
      { path: '/app/main.py', direct: false, interpreter: 'python3' },
    ],
    [['/usr/bin/env', 'python3', 'main.py'], { path: '/app/main.py', direct: false, interpreter: 'python3' }],
    [['tini', '--', './run.sh'], { path: '/app/run.sh', direct: true }],
    [
      ['/bin/sh', '-c', 'cd /opt/m && exec ./run.sh "$MERCURE_IN_DIR"'],
      { path: '/opt/m/run.sh', direct: true, cwd: '/opt/m' },
    ],
    [['/bin/sh', '-c', 'set -e; $APP/run.sh'], { path: '/srv/run.sh', direct: true }],
    [['/bin/sh', '-c', '. ./env.sh'], { path: '/app/env.sh', direct: false, interpreter: 'sh' }],
    [['docker-entrypoint.sh'], { path: '', written: 'docker-entrypoint.sh', direct: true }],
  ])('%j', (argv, expected) => {
    expect(commandTarget(argv, '/app', env)).toMatchObject(expected);
  });

  it.each([
    [['python3', '-m', 'blur']],
    [['python3', '-c', 'print(1)']],
    [['bash']],
    [['/bin/sh', '-c', 'echo hi; true']],
  ])('%j runs no file of the module', (argv) => {
    const target = commandTarget(argv, '/app', env);
    expect(target === undefined || target.path === '').toBe(true);
  });
});
