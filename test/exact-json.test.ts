// Exact integers in JSON (issue 16): what parseExactJson reads, toPythonJson writes back as Python's
// json.dumps(json.loads(text)) does, digit for digit, beyond 2^53 too; errors and deep nesting as
// JSON.parse has them; stringifyExactJson never throws on what parseExactJson gives.
import { describe, expect, it } from 'vitest';
import { parseExactJson, stringifyExactJson } from '../src/exact-json.js';
import { toPythonJson } from '../src/mercure/python-json.js';
import { runPython } from './mercure/python.js';

const BIG = '123456789012345678901234567890';

/** JSON texts; Python's json.dumps(json.loads(text)) is the expected output. */
const ROWS: [string, string][] = [
  ['ex01 a 30-digit integer', `{"n": ${BIG}}`],
  ['ex02 -2^63 - 1', '{"n": -9223372036854775809}'],
  ['ex03 2^63', '{"n": 9223372036854775808}'],
  ['ex04 2^64', '{"n": 18446744073709551616}'],
  ['ex05 2^53 + 1 (the first integer a double cannot hold)', '{"n": 9007199254740993}'],
  ['ex06 2^53', '{"n": 9007199254740992}'],
  ['ex07 the largest safe integer stays a number', '{"n": 9007199254740991}'],
  ['ex08 -0 is the int 0', '{"n": -0}'],
  ['ex09 1e20 written out is an int, 1e20 a float', '{"int": 100000000000000000000, "float": 1e20}'],
  ['ex10 a big float stays a float', '{"n": 12345678901234567890.5}'],
  ['ex11 floats beside', '[0.1, -2.5, 1e-7, 1.5e300, 123456789.123]'],
  ['ex12 in arrays, nested, as every value', `[[${BIG}], {"a": {"b": [-${BIG}, 1]}}, ${BIG}]`],
  ['ex13 digits in strings and keys stay text', `{"${BIG}": "${BIG}", "q\\"": ${BIG}}`],
  ['ex14 escapes before a number', `{"a\\\\": ${BIG}, "b\\"\\\\\\"": [${BIG}]}`],
  ['ex15 whitespace everywhere', `\n { "n" :\t${BIG} ,"m":[ ${BIG} ] }\n`],
  ['ex16 a hundred of them', `[${Array.from({ length: 100 }, (_, i) => `${BIG}${i}`).join(', ')}]`],
];

describe("parseExactJson + toPythonJson give Python's json.dumps(json.loads(text))", () => {
  const program = `import json, sys\nprint(json.dumps([json.dumps(json.loads(t)) for t in json.load(sys.stdin)]))`;
  const expected = JSON.parse(runPython(program, [], JSON.stringify(ROWS.map((row) => row[1])))) as string[];
  it.each(ROWS.map((row, i) => [row[0], row[1], expected[i]] as const))('%s', (_name, text, python) => {
    expect(toPythonJson(parseExactJson(text))).toBe(python);
  });
});

describe('parseExactJson', () => {
  it('ex17 gives BigInts only past 2^53, numbers otherwise', () => {
    expect(parseExactJson(`{"a": ${BIG}, "b": 7, "c": 7.0, "d": 1e3, "e": 9007199254740991}`)).toEqual({
      a: BigInt(BIG),
      b: 7,
      c: 7,
      d: 1000,
      e: 9007199254740991,
    });
  });

  it.each(['{', '{"a": 1,}', `{"a": ${BIG}`, `[${BIG}, ]`, '', '\uFEFF{}', '{"a": 01}'])(
    'ex18 refuses %j with the error JSON.parse gives',
    (text) => {
      let native: unknown;
      try {
        JSON.parse(text);
      } catch (error) {
        native = error;
      }
      expect(native).toBeInstanceOf(SyntaxError);
      expect(() => parseExactJson(text)).toThrow((native as Error).message);
    },
  );

  it('ex19 a string that looks like its marker stays that string', () => {
    const value = parseExactJson(`{"a": "\\u0000exact-json-0:0", "b": ${BIG}}`);
    expect(value).toEqual({ a: '\u0000exact-json-0:0', b: BigInt(BIG) });
  });

  it('ex20 nesting 50,000 deep with a big integer at the bottom: no stack overflow', () => {
    const text = `${'['.repeat(50_000)}${BIG}${']'.repeat(50_000)}`;
    let value = parseExactJson(text);
    for (let depth = 0; depth < 50_000; depth++) value = (value as unknown[])[0];
    expect(value).toBe(BigInt(BIG));
  });

  it('ex21 a "__proto__" key stays an own key holding the BigInt', () => {
    const value = parseExactJson(`{"__proto__": ${BIG}}`) as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe(BigInt(BIG));
  });
});

describe('stringifyExactJson', () => {
  it('ex22 writes BigInts as their digits, where JSON.stringify throws', () => {
    const value = { a: BigInt(BIG), b: [-9223372036854775809n, 1.5, 'x'], c: { d: null } };
    expect(() => JSON.stringify(value)).toThrow(TypeError);
    expect(stringifyExactJson(value)).toBe(`{"a":${BIG},"b":[-9223372036854775809,1.5,"x"],"c":{"d":null}}`);
    expect(stringifyExactJson(value, 2)).toBe(
      JSON.stringify({ a: 0, b: [0, 1.5, 'x'], c: { d: null } }, null, 2)
        .replace('"a": 0', `"a": ${BIG}`)
        .replace('[\n    0,', '[\n    -9223372036854775809,'),
    );
  });

  it('ex23 is JSON.stringify without BigInts, and round-trips parseExactJson', () => {
    const plain = { a: [1, 2.5, 'q"', null, true], b: { c: 'ü' } };
    expect(stringifyExactJson(plain, 2)).toBe(JSON.stringify(plain, null, 2));
    const text = `{"a":${BIG},"b":[-${BIG}],"c":0.1}`;
    expect(stringifyExactJson(parseExactJson(text))).toBe(text);
  });
});
