/** Docker Hub's cap on a repository's short description, in UTF-8 bytes. */
export const HUB_DESCRIPTION_MAX_BYTES = 100;

/** Docker Hub's cap on a repository's full description (the README), in UTF-8 bytes. */
export const HUB_FULL_DESCRIPTION_MAX_BYTES = 25_000;

/** A text cut to fit a byte limit, and what the cut did. */
export interface FittedText {
  text: string;
  /** True when `text` is shorter than what was given. */
  truncated: boolean;
  /** UTF-8 bytes of the text as given. */
  originalBytes: number;
  /** UTF-8 bytes of `text`. */
  bytes: number;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cuts `text` to at most `maxBytes` UTF-8 bytes on a character boundary: a character (a grapheme
 * such as "é" written as e + accent, an emoji or a flag) is kept whole or dropped whole, so the
 * result never ends in half a character.
 */
export function truncateUtf8(text: string, maxBytes: number): FittedText {
  const originalBytes = Buffer.byteLength(text, 'utf8');
  if (originalBytes <= maxBytes) return { text, truncated: false, originalBytes, bytes: originalBytes };
  // The longest prefix of whole code points that fits, then back to the start of the grapheme
  // around the cut (segmenting only there: segmenting 25,000 characters one by one is slow).
  let bytes = 0;
  let cut = 0;
  while (cut < text.length) {
    const unit = text.charCodeAt(cut);
    const pair = unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(cut + 1) & 0xfc00) === 0xdc00;
    const size = unit < 0x80 ? 1 : unit < 0x800 ? 2 : pair ? 4 : 3; // a lone surrogate is written as U+FFFD (3)
    if (bytes + size > maxBytes) break;
    bytes += size;
    cut += pair ? 2 : 1;
  }
  const end = graphemes.segment(text).containing(cut)?.index ?? cut;
  const kept = text.slice(0, end);
  return { text: kept, truncated: true, originalBytes, bytes: Buffer.byteLength(kept, 'utf8') };
}

/** A repository's short and full description; a field left out is left as it is on Hub. */
export interface RepositoryText {
  /** The short description shown in search results (Hub keeps 100 bytes). */
  description?: string | undefined;
  /** The full description, usually the README in Markdown (Hub keeps 25,000 bytes). */
  fullDescription?: string | undefined;
}

/** Repository text cut to Hub's limits, with one warning per field that had to be cut. */
export interface FittedRepositoryText {
  text: RepositoryText;
  warnings: string[];
}

/** Cuts the description and the README to Hub's limits and says, per field, what was cut. */
export function fitRepositoryText(repository: string, text: RepositoryText): FittedRepositoryText {
  const fitted: RepositoryText = {};
  const warnings: string[] = [];
  const fields = [
    ['description', 'short description', HUB_DESCRIPTION_MAX_BYTES],
    ['fullDescription', 'README (full description)', HUB_FULL_DESCRIPTION_MAX_BYTES],
  ] as const;
  for (const [key, label, limit] of fields) {
    const value = text[key];
    if (value === undefined) continue;
    const fit = truncateUtf8(value, limit);
    fitted[key] = fit.text;
    if (fit.truncated) {
      warnings.push(
        `the ${label} of ${repository} is ${fit.originalBytes} bytes and Docker Hub keeps at most ${limit}: ` +
          `it was cut to ${fit.bytes} bytes on a character boundary`,
      );
    }
  }
  return { text: fitted, warnings };
}
