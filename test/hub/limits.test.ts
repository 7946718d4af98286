import { describe, expect, test } from 'vitest';
import { fitRepositoryText, truncateUtf8 } from '../../src/hub/limits.js';

const a = (n: number) => 'a'.repeat(n);
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

// [name, text, limit, expected text]
const rows: [string, string, number, string][] = [
  ['limit01 empty', '', 100, ''],
  ['limit02 ascii under', a(99), 100, a(99)],
  ['limit03 ascii exactly at the limit', a(100), 100, a(100)],
  ['limit04 ascii one over', a(101), 100, a(100)],
  ['limit05 2-byte char ends exactly at the limit', `${a(98)}é`, 100, `${a(98)}é`],
  ['limit06 2-byte char straddles the limit', `${a(99)}é`, 100, a(99)],
  ['limit07 3-byte char straddles by one', `${a(98)}€`, 100, a(98)],
  ['limit08 3-byte char straddles by two', `${a(99)}€`, 100, a(99)],
  ['limit09 4-byte emoji ends exactly at the limit', `${a(96)}😀`, 100, `${a(96)}😀`],
  ['limit10 4-byte emoji straddles the limit', `${a(97)}😀`, 100, a(97)],
  ['limit11 e + combining accent kept whole', `${a(98)}e\u0301`, 100, a(98)],
  ['limit12 flag (two 4-byte code points) kept whole', `${a(93)}🇩🇪`, 100, a(93)],
  ['limit12b emoji + skin tone: first code point fits, the character does not', `${a(96)}👍🏽`, 100, a(96)],
  ['limit12c lone surrogate counts as 3 bytes (U+FFFD)', `${a(98)}\uD800`, 100, a(98)],
  ['limit13 all multi-byte', 'ü'.repeat(60), 100, 'ü'.repeat(50)],
  ['limit14 README exactly 25,000 bytes with a 3-byte char last', `${a(24_997)}€`, 25_000, `${a(24_997)}€`],
  ['limit15 README 3-byte char straddles 25,000', `${a(24_999)}€`, 25_000, a(24_999)],
  ['limit16 README 2-byte char straddles 25,000', `${a(24_999)}é`, 25_000, a(24_999)],
];

describe('truncateUtf8', () => {
  test.each(rows)('%s', (_name, text, limit, expected) => {
    const fit = truncateUtf8(text, limit);
    expect(fit.text).toBe(expected);
    expect(fit.bytes).toBe(bytes(expected));
    expect(fit.bytes).toBeLessThanOrEqual(limit);
    expect(fit.originalBytes).toBe(bytes(text));
    expect(fit.truncated).toBe(expected !== text);
    // Never half a character: the cut text is a prefix that round-trips through UTF-8.
    expect(Buffer.from(fit.text, 'utf8').toString('utf8')).toBe(fit.text);
    expect(text.startsWith(fit.text)).toBe(true);
  });
});

describe('fitRepositoryText', () => {
  test('fields within the limits pass unchanged and warn nothing', () => {
    const fit = fitRepositoryText('acme/blur', { description: a(100), fullDescription: a(25_000) });
    expect(fit).toEqual({ text: { description: a(100), fullDescription: a(25_000) }, warnings: [] });
  });

  test('each cut field gets one warning naming the repository, the sizes and the limit', () => {
    const fit = fitRepositoryText('acme/blur', { description: `${a(99)}é`, fullDescription: `${a(24_999)}€` });
    expect(fit.text).toEqual({ description: a(99), fullDescription: a(24_999) });
    expect(fit.warnings).toEqual([
      'the short description of acme/blur is 101 bytes and Docker Hub keeps at most 100: it was cut to 99 bytes on a character boundary',
      'the README (full description) of acme/blur is 25002 bytes and Docker Hub keeps at most 25000: it was cut to 24999 bytes on a character boundary',
    ]);
  });

  test('fields left out stay out', () => {
    expect(fitRepositoryText('acme/blur', { fullDescription: 'x' })).toEqual({
      text: { fullDescription: 'x' },
      warnings: [],
    });
  });
});
