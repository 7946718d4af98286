/**
 * JSON text exactly as Python's `json.dump(obj, f)` writes it with default arguments: separators
 * ", " and ": ", ensure_ascii (every non-ASCII UTF-16 unit as \uXXXX, lowercase hex), NaN and
 * Infinity as bare words, and floats in Python's repr. mercure writes task.json this way, and
 * modules that parse it by hand (or diff it) see these exact bytes.
 */

/** Python's json.dumps() of a JSON-like value (objects keep insertion order, no trailing newline). */
export function toPythonJson(value: unknown): string {
  return encode(value, '$');
}

function encode(value: unknown, where: string): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return pythonNumber(value);
  // An integer beyond 2^53 from parseExactJson: Python's int prints every digit.
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((item, i) => encode(item, `${where}[${i}]`)).join(', ')}]`;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{${entries.map(([k, v]) => `${pythonString(k)}: ${encode(v, `${where}.${k}`)}`).join(', ')}}`;
  }
  // Anything else (undefined, functions, symbols, Date, typed arrays) has no Python JSON form here.
  throw new TypeError(`toPythonJson: ${where} is ${describe(value)}, which is not a JSON value`);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}

/**
 * JS has one number type where Python has int and float. Safe integers are written as Python ints
 * ("7", as mercure writes `"sigma": 7` from its config); everything else as a Python float repr.
 * So 7.0 from a user's JSON comes out as 7, the one difference JS cannot see.
 */
export function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Number.isSafeInteger(n)) return Object.is(n, -0) ? '0' : String(n);
  return pythonFloatRepr(n);
}

/**
 * Python's float repr: the shortest round-tripping digits (the same digits JS picks), written
 * positionally when the decimal exponent is in [-4, 16), else as d.ddde+XX with 2+ exponent digits.
 */
export function pythonFloatRepr(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const sign = n < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-trip digits, like repr().
  const [mantissa = '', expText = '0'] = Math.abs(n).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const intLen = exp + 1;
    if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
    return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  }
  const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
  const expSign = exp < 0 ? '-' : '+';
  return `${sign}${digits[0]}${frac}e${expSign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A Python ensure_ascii JSON string literal: only printable ASCII (0x20-0x7e) is left as is. */
export function pythonString(s: string): string {
  // Python's ESCAPE_ASCII is ([\\"]|[^\ -~]); JS strings are UTF-16, so astral characters are
  // already surrogate pairs and come out as two \ud8xx\udcxx escapes, as Python writes them.
  return `"${s.replace(/[\\"]|[^ -~]/g, (ch) => SHORT_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}
