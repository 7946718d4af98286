import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHandler, platformRun } from '../../src/engine/emulation.js';
import { parsePlatform } from '../../src/registry/platform.js';
import { REPO_ROOT } from '../support/images.js';

const BINFMT = path.join(REPO_ROOT, 'test/fixtures/binfmt');
const amd64 = parsePlatform('linux/amd64');

describe('platformRun: how an image of some platform runs on this engine', () => {
  it.each([
    ['em01 the engine’s own CPU runs natively', 'linux/amd64', 'qemu-aarch64', true, 'native'],
    ['em02 arm64 under the registered QEMU handler', 'linux/arm64', 'qemu-aarch64', true, 'emulated'],
    ['em03 riscv64 has no handler there', 'linux/riscv64', 'qemu-aarch64', true, 'none'],
    ['em04 32-bit arm is not matched by the 64-bit arm64 magic', 'linux/arm/v7', 'qemu-aarch64', true, 'none'],
    ['em05 a mounted binfmt_misc with no handler', 'linux/arm64', 'none', true, 'none'],
    ['em06 binfmt_misc not mounted: only a run can tell', 'linux/arm64', 'not-there', true, 'unknown'],
    ['em07 a remote engine: this machine’s handlers say nothing', 'linux/arm64', 'qemu-aarch64', false, 'unknown'],
  ] as const)('%s', async (_name, platform, dir, local, how) => {
    const run = await platformRun(parsePlatform(platform), amd64, { local, binfmtDir: path.join(BINFMT, dir) });
    expect(run.how).toBe(how);
    if (run.how === 'emulated') expect(run).toMatchObject({ handler: 'qemu-aarch64' });
    if (run.how === 'none')
      expect(run.reason).toMatch(/no binfmt_misc handler on this machine runs (riscv64|arm64|arm) programs/);
  });

  it('reads a handler file as the kernel prints it, and ignores extension handlers', () => {
    const handler = parseHandler(
      'enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\noffset 0\nmagic 7f454c46\nmask ffffffff\n',
    );
    expect(handler).toMatchObject({ enabled: true, interpreter: '/usr/bin/qemu-aarch64-static', offset: 0 });
    expect(handler?.magic).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    expect(parseHandler('enabled\ninterpreter /usr/bin/wine\nflags: \nextension .exe\n')).toBeUndefined();
  });
});
