import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readInputs, type InputSource } from '../../src/action/inputs.js';
import { collectBuildArg, parseSeconds, parseSettings } from '../../src/cli/options.js';
import { runCli } from '../cli/run-cli.js';

/**
 * One table, both front doors: each value is given to the CLI (the option parser commander calls,
 * and the whole CLI for refusals) and to the Action (readInputs), and both must agree.
 */
type Option = 'settings' | 'timeout' | 'build-arg';
type Row = [name: string, option: Option, value: string, expected: { ok: unknown } | { refused: RegExp }];

const folder = await mkdtemp(path.join(tmpdir(), 'mmk-values-'));
const deep = path.join(folder, 'deep.json');
await writeFile(deep, `{"a": ${'['.repeat(39)}${']'.repeat(39)}}`);
afterAll(() => rm(folder, { recursive: true, force: true }));
const flat = path.join(folder, 'flat.json');
await writeFile(flat, '{"radius": 3}');
const big = path.join(folder, 'big.json');
await writeFile(big, '{"seed": 123456789012345678901234567890, "ids": [-9223372036854775809, 18446744073709551616]}');

const rows: Row[] = [
  ['va01 settings inline', 'settings', '{"radius": 2}', { ok: { radius: 2 } }],
  ['va02 settings from a file', 'settings', `@${flat}`, { ok: { radius: 3 } }],
  ['va03 settings not JSON', 'settings', '{radius: 2}', { refused: /is not valid JSON/ }],
  ['va04 settings an array', 'settings', '[1]', { refused: /must be a JSON object/ }],
  ['va05 settings null', 'settings', 'null', { refused: /must be a JSON object/ }],
  // The Action had no depth limit: the CLI's is the rule now.
  [
    'va06 settings nested 40 deep',
    'settings',
    `{"a": ${'['.repeat(39)}${']'.repeat(39)}}`,
    { refused: /nests deeper than 32/ },
  ],
  ['va07 settings file nested 40 deep', 'settings', `@${deep}`, { refused: /nests deeper than 32/ }],
  ['va08 settings file missing', 'settings', `@${path.join(folder, 'none.json')}`, { refused: /file cannot be read/ }],
  // mercure's Python keeps these exact; JSON.parse gave 1.2345678901234568e+29 and -9223372036854776000.
  [
    'va29 settings: integers past 2^53 stay exact',
    'settings',
    '{"seed": 123456789012345678901234567890, "low": -9223372036854775809, "x": 0.5, "n": 7}',
    { ok: { seed: 123456789012345678901234567890n, low: -9223372036854775809n, x: 0.5, n: 7 } },
  ],
  [
    'va30 settings file: integers past 2^53 stay exact',
    'settings',
    `@${big}`,
    { ok: { seed: 123456789012345678901234567890n, ids: [-9223372036854775809n, 18446744073709551616n] } },
  ],
  ['va09 timeout whole seconds', 'timeout', '90', { ok: 90 }],
  ['va10 timeout decimal', 'timeout', '0.5', { ok: 0.5 }],
  ['va11 timeout with a unit', 'timeout', '10m', { refused: /expects a positive number of seconds, got "10m"/ }],
  ['va12 timeout zero', 'timeout', '0', { refused: /expects a positive number of seconds/ }],
  ['va13 timeout negative', 'timeout', '-5', { refused: /expects a positive number of seconds/ }],
  // Number() read these as 16, 1000 and 0: both doors took hex and exponents.
  ['va14 timeout hex', 'timeout', '0x10', { refused: /expects a positive number of seconds, got "0x10"/ }],
  ['va15 timeout exponent', 'timeout', '1e3', { refused: /expects a positive number of seconds/ }],
  ['va16 timeout blank', 'timeout', ' ', { refused: /expects a positive number of seconds/ }],
  // Past 2^31-1 ms a Node timer fires at once: the module was killed straight away.
  ['va17 timeout past the longest timer', 'timeout', '3000000', { refused: /is at most 2147483 seconds/ }],
  ['va18 timeout at the longest timer', 'timeout', '2147483', { ok: 2147483 }],
  ['va19 build arg', 'build-arg', 'BASE_IMAGE=python:3.12', { ok: { BASE_IMAGE: 'python:3.12' } }],
  ['va20 build arg value with =', 'build-arg', 'OPTS=a=b c', { ok: { OPTS: 'a=b c' } }],
  ['va21 build arg empty value', 'build-arg', 'EMPTY=', { ok: { EMPTY: '' } }],
  ['va22 build arg without =', 'build-arg', 'NOEQUALS', { refused: /expects KEY=VALUE, got "NOEQUALS"/ }],
  ['va23 build arg without key', 'build-arg', '=2', { refused: /expects KEY=VALUE, got no KEY before "="/ }],
  // The CLI took any key: no ARG can read these, so the build ignored them without a word.
  ['va24 build arg key with a dash', 'build-arg', 'MY-ARG=1', { refused: /"MY-ARG" is not a build argument name/ }],
  ['va25 build arg key with a blank', 'build-arg', 'A B=1', { refused: /"A B" is not a build argument name/ }],
  ['va26 build arg key starting with a digit', 'build-arg', '1X=1', { refused: /"1X" is not a build argument name/ }],
  // A value may be a token: a refusal names the key only.
  ['va27 bad key, secret value not echoed', 'build-arg', 'TO-KEN=s3cr3t', { refused: /^(?!.*s3cr3t).*"TO-KEN"/s }],
];

const CLI_FLAG: Record<Option, string> = { settings: '--settings', timeout: '--timeout', 'build-arg': '--build-arg' };
const ACTION_INPUT: Record<Option, string> = { settings: 'settings', timeout: 'timeout', 'build-arg': 'build-args' };

function cliValue(option: Option, value: string): unknown {
  if (option === 'settings') return parseSettings(value);
  if (option === 'timeout') return parseSeconds(value);
  return collectBuildArg(value);
}

function actionValue(option: Option, value: string): unknown {
  const values: Record<string, string> = { command: 'validate', [ACTION_INPUT[option]]: value };
  const source: InputSource = { get: (name) => values[name] ?? '', getBoolean: () => false, mask: () => {} };
  const inputs = readInputs(source, { ref: undefined, releaseTag: undefined }, {});
  if (option === 'settings') return inputs.settings;
  if (option === 'timeout') return inputs.timeoutSeconds;
  return inputs.buildArgs;
}

function refusal(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('settings, timeouts and build arguments: one rule for both front doors', () => {
  test.each(rows)('%s', async (_name, option, value, expected) => {
    if ('ok' in expected) {
      expect(cliValue(option, value)).toEqual(expected.ok);
      expect(actionValue(option, value)).toEqual(expected.ok);
      return;
    }
    const cli = await runCli(['validate', folder, CLI_FLAG[option], value]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(`error: ${CLI_FLAG[option]}`);
    expect(cli.stderr).toMatch(expected.refused);
    const action = refusal(() => actionValue(option, value));
    expect(action).toContain(`input "${ACTION_INPUT[option]}"`);
    expect(action).toMatch(expected.refused);
  });

  test('va28 the Action reads build arguments one a line, skipping blanks and comments', () => {
    expect(actionValue('build-arg', '# base\nBASE_IMAGE=python:3.12\n\n  OPTS=a=b c  \n')).toEqual({
      BASE_IMAGE: 'python:3.12',
      OPTS: 'a=b c',
    });
    expect(refusal(() => actionValue('build-arg', 'A=1\nA B=2'))).toMatch(/input "build-args" line 2: "A B"/);
  });
});
