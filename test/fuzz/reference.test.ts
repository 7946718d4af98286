// Image references under generated input: parsed as Docker does or refused with a clear error; a
// parsed reference round-trips through its canonical form.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalRepository, parseImageRef } from '../../src/contract/static/model/image-ref.js';
import { formatReference, parseReference, registryBaseUrl } from '../../src/registry/reference.js';
import { holds, textOf, valueOrModuleError } from './support.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const reference = fc.oneof(
  {
    weight: 3,
    arbitrary: textOf([
      'acme',
      '/',
      'blur',
      ':',
      '1.2',
      '@',
      DIGEST,
      'localhost',
      ':5000',
      '127.0.0.1',
      'docker.io',
      'library',
      '.',
      '-',
      '__',
      'A',
      '[::1]',
      'sha256:',
      '99999',
      '0',
    ]),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

describe('image references (fuzz)', () => {
  it('parse or refuse clearly; format(parse(x)) parses to the same reference', () => {
    holds(
      fc.property(reference, (input) => {
        const ref = valueOrModuleError(() => parseReference(input));
        if (!ref) return;
        const canonical = formatReference(ref);
        expect(parseReference(canonical)).toEqual(ref);
        expect(formatReference(parseReference(canonical))).toBe(canonical);
        // Every parsed registry has an API base URL (a clear error at worst, never a TypeError).
        valueOrModuleError(() => registryBaseUrl(ref.registry));
      }),
    );
  });

  it("the Dockerfile model's split never throws and keeps every character", () => {
    holds(
      fc.property(reference, (input) => {
        const ref = parseImageRef(input);
        const rebuilt = `${ref.registry ? `${ref.registry}/` : ''}${ref.path}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
        expect(rebuilt).toBe(input.trim());
        expect(typeof canonicalRepository(input)).toBe('string');
      }),
    );
  });
});
