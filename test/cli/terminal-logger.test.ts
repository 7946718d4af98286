import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TerminalLogger } from '../../src/cli/terminal-logger.js';

function stream(isTTY: boolean): { out: NodeJS.WriteStream; text: () => string } {
  const pass = new PassThrough();
  const chunks: Buffer[] = [];
  pass.on('data', (c: Buffer) => chunks.push(c));
  return {
    out: Object.assign(pass, { isTTY }) as unknown as NodeJS.WriteStream,
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

describe('TerminalLogger progress', () => {
  it('redraws one line on a terminal and clears it when the step ends', () => {
    const { out, text } = stream(true);
    const logger = new TerminalLogger(out);
    const step = logger.step('pushing acme/blur:1.0.0');
    logger.progress('pushing acme/blur:1.0.0', 5 * 1024 * 1024, 10 * 1024 * 1024);
    step.done('sha256:abc');
    const written = text();
    expect(written).toContain('\r\u001b[2K  ');
    expect(written).toContain('pushing acme/blur:1.0.0: 5.0 / 10.0 MiB');
    // The progress line is wiped before the step's result line is written.
    expect(written.indexOf('10.0 MiB')).toBeLessThan(written.lastIndexOf('\r\u001b[2K'));
    expect(written.lastIndexOf('\r\u001b[2K')).toBeLessThan(written.indexOf('✓'));
  });

  it('writes no progress when piped, nor with --json', () => {
    for (const [isTTY, quiet] of [
      [false, false],
      [true, true],
    ] as const) {
      const { out, text } = stream(isTTY);
      new TerminalLogger(out, false, quiet).progress('copying', 1, 2);
      expect(text()).toBe('');
    }
  });
});

describe('TerminalLogger steps', () => {
  it('marks a failed step with ✗, never with ✓', () => {
    const { out, text } = stream(false);
    const logger = new TerminalLogger(out);
    logger.step('building acme/blur:1.0.0').done('failed', 'failed');
    logger.step('static checks').done('2 warning(s)');
    const [failed, passed] = text()
      .split('\n')
      .filter((l) => /^[✓✗]/.test(l));
    expect(failed).toMatch(/^✗ building acme\/blur:1\.0\.0: failed/);
    expect(passed).toMatch(/^✓ static checks: 2 warning\(s\)/);
  });
});
