/**
 * JSON with exact integers. mercure's Python reads `123456789012345678901234567890` in task.json
 * as that int and writes it back digit for digit; JSON.parse turns it into 1.2345678901234568e+29.
 * Here an integer literal beyond Number.MAX_SAFE_INTEGER becomes a BigInt, everything else is what
 * JSON.parse gives (floats, 7.0 and 1e3 stay numbers, as before). JSON.parse still does the
 * parsing, so its errors, its positions and its handling of deep nesting stay as they were.
 */
import { randomUUID } from 'node:crypto';

/** JSON.parse, with integers beyond 2^53 as exact BigInts. Throws JSON.parse's SyntaxError on bad text. */
export function parseExactJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  const big = unsafeIntegers(text);
  if (big.length === 0) return value;
  // Each big literal becomes a string no input can hold (a fresh random marker), then a BigInt.
  const id = `exact-json-${randomUUID()}:`;
  const marker = `\u0000${id}`;
  let rewritten = '';
  let from = 0;
  big.forEach(({ start, end }, index) => {
    rewritten += `${text.slice(from, start)}"\\u0000${id}${index}"`;
    from = end;
  });
  rewritten += text.slice(from);
  const result: unknown = JSON.parse(rewritten);
  const exact = (item: unknown): unknown => {
    if (typeof item !== 'string' || !item.startsWith(marker)) return item;
    const literal = big[Number(item.slice(marker.length))];
    return literal === undefined ? item : BigInt(text.slice(literal.start, literal.end));
  };
  // Without recursion (and without a reviver, which recurses): the text may nest 50,000 deep.
  const stack: unknown[] = [result];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || typeof item !== 'object') continue;
    const holder = item as Record<string, unknown>;
    for (const key of Object.keys(holder)) {
      const child = holder[key];
      const replaced = exact(child);
      // defineProperty, not assignment: a key named "__proto__" stays an own key, as JSON.parse made it.
      if (replaced !== child)
        Object.defineProperty(holder, key, { value: replaced, enumerable: true, writable: true, configurable: true });
      else stack.push(child);
    }
  }
  return exact(result);
}

/** A JSON string (skipped) or a number literal; the text is valid JSON when this runs. */
const TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"|-?\d[\d.eE+-]*/g;

/** Where an integer literal too large for a double to hold exactly sits in JSON text (outside strings). */
function unsafeIntegers(text: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  // An integer past 2^53 has 16 digits or more in a row; most texts have no such run at all.
  if (!/\d{16}/.test(text)) return found;
  for (const match of text.matchAll(TOKEN)) {
    const literal = match[0];
    if (literal.length > 15 && /^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal)))
      found.push({ start: match.index, end: match.index + literal.length });
  }
  return found;
}

/**
 * JSON.stringify for values that may hold BigInts (settings parsed by parseExactJson): a BigInt is
 * written as its digits, where JSON.stringify would throw. Same arguments and output otherwise.
 */
export function stringifyExactJson(value: unknown, space?: number): string {
  const marker = `exact-json-${randomUUID()}:`;
  let sawBigInt = false;
  const text = JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (typeof item !== 'bigint') return item;
      sawBigInt = true;
      return `${marker}${item}`;
    },
    space,
  ) as string | undefined;
  if (text === undefined) return 'null';
  return sawBigInt ? text.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1') : text;
}
