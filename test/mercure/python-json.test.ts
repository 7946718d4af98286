import { describe, expect, it } from 'vitest';
import { pythonFloatRepr, toPythonJson } from '../../src/mercure/python-json.js';
import { runPython } from './python.js';

/** [name, the JS value, the same value as a Python literal]; Python's json.dumps of it is the expected text. */
const ROWS: [string, unknown, string][] = [
  ['str01 plain ASCII', 'hello world', "'hello world'"],
  ['str02 empty', '', "''"],
  ['str03 quote, backslash, slash', 'a"b\\c/d', "'a\"b\\\\c/d'"],
  ['str04 short escapes', '\n\r\t\b\f', "'\\n\\r\\t\\b\\f'"],
  ['str05 other controls and DEL', '\u0000\u0001\u001f\u007f', "'\\x00\\x01\\x1f\\x7f'"],
  ['str06 Latin-1', 'Müller^Jörg', "'M\\u00fcller^J\\u00f6rg'"],
  ['str07 CJK', '山田^太郎', "'\\u5c71\\u7530^\\u592a\\u90ce'"],
  ['str08 astral (surrogate pair)', 'scan 😀 done', "'scan \\U0001F600 done'"],
  ['str09 lone surrogate', 'x\ud800y', "'x\\ud800y'"],
  ['str10 line separator', 'a\u2028b', "'a\\u2028b'"],
  ['str11 DICOM multi-value', 'ORIGINAL\\PRIMARY', "'ORIGINAL\\\\PRIMARY'"],
  ['int01 zero', 0, '0'],
  ['int02 negative', -1, '-1'],
  ['int03 largest safe', 9007199254740991, '9007199254740991'],
  ['int04 -0 is the int 0', -0, '0'],
  ['int05 a 30-digit int (a BigInt)', 123456789012345678901234567890n, '123456789012345678901234567890'],
  ['int06 -2^63 - 1', -9223372036854775809n, '-9223372036854775809'],
  ['int07 2^53 + 1', 9007199254740993n, '9007199254740993'],
  ['flt01 0.1', 0.1, '0.1'],
  ['flt02 -2.5', -2.5, '-2.5'],
  ['flt03 1e-4 positional', 0.0001, '0.0001'],
  ['flt04 1e-5 exponent', 0.00001, '1e-05'],
  ['flt05 1e-7', 1e-7, '1e-07'],
  ['flt06 above 2^53 is a float', 1e16, '1e16'],
  ['flt07 2^53 + 2', 9007199254740994, '9007199254740994.0'],
  ['flt08 1e15 + 0.5', 1e15 + 0.5, '1e15 + 0.5'],
  ['flt09 1.5e300', 1.5e300, '1.5e300'],
  ['flt10 123456789.123', 123456789.123, '123456789.123'],
  ['flt11 smallest subnormal', 5e-324, '5e-324'],
  ['flt12 1e21', 1e21, '1e21'],
  ['flt13 -1.25e-10', -1.25e-10, '-1.25e-10'],
  ['flt14 1/3', 1 / 3, '1/3'],
  ['flt15 NaN', Number.NaN, "float('nan')"],
  ['flt16 Infinity', Infinity, "float('inf')"],
  ['flt17 -Infinity', -Infinity, "float('-inf')"],
  ['lit01 null', null, 'None'],
  ['lit02 true', true, 'True'],
  ['lit03 false', false, 'False'],
  ['col01 empty list', [], '[]'],
  ['col02 empty object', {}, '{}'],
  ['col03 list', [1, 2.5, null, true, 'x'], "[1, 2.5, None, True, 'x']"],
  [
    'col04 nested object keeps insertion order',
    { zeta: [1, { b: 2, a: 'ü' }], alpha: {}, mid: [[], [[]]], 'k"ey': 'v' },
    "{'zeta': [1, {'b': 2, 'a': '\\u00fc'}], 'alpha': {}, 'mid': [[], [[]]], 'k\"ey': 'v'}",
  ],
  ['col05 non-ASCII key', { Größe: 1 }, "{'Gr\\u00f6\\u00dfe': 1}"],
];

function pythonDumps(literals: readonly string[]): string[] {
  const program = `import json\ncases = [\n${literals.join(',\n')}\n]\nprint(json.dumps([json.dumps(c) for c in cases]))`;
  return JSON.parse(runPython(program)) as string[];
}

describe("toPythonJson matches Python's json.dumps", () => {
  const expected = pythonDumps(ROWS.map((row) => row[2]));
  it.each(ROWS.map((row, i) => [row[0], row[1], expected[i]] as const))('%s', (_name, value, python) => {
    expect(toPythonJson(value)).toBe(python);
  });
});

describe('toPythonJson refuses what is not JSON', () => {
  it.each([
    ['undefined', { a: undefined }, '$.a is undefined'],
    ['a function', [() => 1], '$[0] is a function'],
    ['a Date', { when: new Date(0) }, '$.when is a Date'],
    ['a symbol', { s: Symbol('x') }, '$.s is a symbol'],
  ])('%s', (_name, value, message) => {
    expect(() => toPythonJson(value)).toThrow(message);
  });
});

describe('pythonFloatRepr', () => {
  it.each([
    [1.0e15, '1000000000000000.0'],
    [1.5, '1.5'],
    [-0, '-0.0'],
    [1e-4, '0.0001'],
    [2e22, '2e+22'],
  ])('%d -> %s', (n, repr) => {
    expect(pythonFloatRepr(n)).toBe(repr);
  });
});
