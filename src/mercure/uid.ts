/**
 * DICOM UIDs under the 2.25 root (ISO/IEC 9834-8: a UUID written as one decimal integer), so no
 * organisation root is needed. Derived from a seed they are reproducible, which tests and golden
 * files rely on; without one they are random.
 */
import { createHash, randomUUID } from 'node:crypto';

/** "2.25.<128-bit integer>" from a seed and a purpose ("study", "series:CT:1", ...), or random without a seed. */
export function dicomUid(seed?: string, ...purpose: readonly (string | number)[]): string {
  const hex =
    seed === undefined
      ? randomUUID().replace(/-/g, '')
      : createHash('sha256')
          .update([seed, ...purpose.map(String)].join('\u0000'))
          .digest('hex')
          .slice(0, 32);
  // Mark it as a name-based (v8-style, RFC 9562) UUID so the integer is a well-formed UUID either way.
  const bytes = Buffer.from(hex, 'hex');
  if (seed !== undefined) {
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  }
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString(10)}`;
}

/** True for a syntactically valid UID: 1-64 chars, numeric components without leading zeros. */
export function isValidUid(uid: string): boolean {
  return uid.length > 0 && uid.length <= 64 && /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/.test(uid);
}
