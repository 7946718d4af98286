import { describe, expect, it } from 'vitest';
import { styleFor } from '../../src/report/style.js';

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;
const coloured = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv) => styleFor(stream, env).red('x') !== 'x';

describe('styleFor', () => {
  it.each([
    ['a terminal', tty, {}, true],
    ['a pipe', pipe, {}, false],
    ['NO_COLOR on a terminal', tty, { NO_COLOR: '1' }, false],
    ['TERM=dumb', tty, { TERM: 'dumb' }, false],
    ['FORCE_COLOR=1 on a pipe', pipe, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=3 on a pipe', pipe, { FORCE_COLOR: '3' }, true],
    ['FORCE_COLOR=0 on a terminal', tty, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false on a terminal', tty, { FORCE_COLOR: 'false' }, false],
    ['FORCE_COLOR=0 on a pipe', pipe, { FORCE_COLOR: '0' }, false],
  ] as const)('%s', (_name, stream, env, expected) => {
    expect(coloured(stream, env)).toBe(expected);
  });
});
