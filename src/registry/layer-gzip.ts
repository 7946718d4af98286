// Parallel gzip of one layer: the tar is cut into fixed-size pieces, each compressed on its own as
// a complete gzip member on libuv's thread pool (zlib's async API runs there, one piece per
// thread, so the work spreads over the cores without a worker script to ship in the bundled
// Action), and the members are appended in order. Concatenated members are one valid gzip stream
// (RFC 1952 2.2); the Engine and containerd (Go's gzip.Reader, multistream by default) read it.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { constants, gzip as gzipCallback } from 'node:zlib';
import { limiter } from './blob-stream.js';
import type { BlobSpool } from './spool.js';

const gzip = promisify(gzipCallback);

/**
 * The gzip level: 1. Measured on this project's module layers (bench/publish prints it again):
 * level 1 compresses a tar of Python libraries at about twice the speed of level 6 per core for
 * a few percent more bytes, and model weights do not compress at any level; the push is bound by
 * compression, not by the network, so the faster level wins.
 */
export const GZIP_LEVEL = 1;
/** Each piece is one gzip member; 4 MiB makes the members' headers and dictionary resets negligible. */
export const PIECE_BYTES = 4 * 1024 * 1024;

/**
 * Pieces that level 1 shrinks less than this (model weights: float32 gzips to about 0.93, all of it
 * from the Huffman coding of the repeating exponent bytes) are tried Huffman-only as well.
 * Measured here on such weights: level 1 at 30 MB/s per core, Huffman-only at 106 MB/s, both
 * 0.927; on library files Huffman-only loses (0.66 against 0.31), so they never get that far.
 */
const HUFFMAN_TRY_RATIO = 0.85;
/** In Huffman-only mode, every this many pieces go through level 1 too, to notice when matches pay again. */
const RECHECK_EVERY = 16;

/**
 * zlib's settings besides the level. With zlib's default 16 KiB `chunkSize` a 4 MiB piece went
 * back to the main thread a hundred times or more (every output chunk is a round trip), and the
 * compressing threads sat idle whenever the main thread was busy reading the export (measured
 * here: 30-45 MB/s over a whole push against 150 MB/s of the two cores alone). 1 MiB makes it a
 * few round trips a piece; a whole piece's size did no better and kept a 4 MiB output buffer
 * alive per piece (peak RSS 254 MiB with a 1 GiB layer, against 237). memLevel 9 (the most hash
 * memory, 256 KiB a stream) took 12% less CPU than the default 8 for 0.2% more bytes.
 */
const ZLIB_OPTIONS = { chunkSize: 1024 * 1024, memLevel: 9 };

/** At most this many pieces are compressed at once, over all layers: one per core. */
const compressing = limiter(Math.max(1, availableParallelism()));

/** What compressing a layer found: the digest of its uncompressed tar (its diff ID) and sizes. */
export interface CompressedLayer {
  diffId: string;
  uncompressedSize: number;
  digest: string;
  size: number;
  /** Pieces compressed Huffman-only (string matching found nothing worth its time there). */
  huffmanPieces: number;
}

/**
 * How a layer's pieces are compressed: string matching at `level` while it pays, else Huffman
 * only (same bytes within 1%, several times faster), rechecked now and then. Pieces are
 * compressed in parallel, so a decision applies to the pieces queued after the one that made it.
 */
class PieceCompressor {
  #huffman = false;
  #sinceCheck = 0;
  huffmanPieces = 0;

  readonly #matching;
  readonly #huffmanOnly;

  constructor(readonly level: number) {
    this.#matching = { ...ZLIB_OPTIONS, level };
    this.#huffmanOnly = { ...ZLIB_OPTIONS, level, strategy: constants.Z_HUFFMAN_ONLY };
  }

  async compress(piece: Buffer): Promise<Buffer> {
    if (this.#huffman && ++this.#sinceCheck < RECHECK_EVERY) {
      this.huffmanPieces++;
      return gzip(piece, this.#huffmanOnly);
    }
    this.#sinceCheck = 0;
    const matched = await gzip(piece, this.#matching);
    if (this.level === 0 || matched.length < piece.length * HUFFMAN_TRY_RATIO) {
      this.#huffman = false;
      return matched;
    }
    const huffman = await gzip(piece, this.#huffmanOnly);
    // Switch only where it costs (almost) nothing in bytes; keep the smaller member either way.
    this.#huffman = huffman.length <= matched.length * 1.01;
    return huffman.length < matched.length ? huffman : matched;
  }
}

/** Options of `compressLayer`. */
export interface CompressOptions {
  level?: number;
  pieceBytes?: number;
  /** Uncompressed bytes read so far, after each piece. */
  onRead?: (bytes: number) => void;
}

/**
 * Compresses a layer's tar into `spool`, a few pieces ahead of the one being appended (bounded
 * memory: about two pieces per core). The spool is finished on success and failed on error.
 */
export async function compressLayer(
  source: AsyncIterable<Uint8Array>,
  spool: BlobSpool,
  options: CompressOptions = {},
): Promise<CompressedLayer> {
  const level = options.level ?? GZIP_LEVEL;
  const pieceBytes = options.pieceBytes ?? PIECE_BYTES;
  const window = Math.max(2, availableParallelism() + 1);
  const diff = createHash('sha256');
  const compressor = new PieceCompressor(level);
  const pending: Promise<Buffer>[] = [];
  let uncompressedSize = 0;
  // Each piece is filled in place: one copy of every byte (copying chunks out and concatenating
  // them cost two, and most of the push's GC time). Piece buffers are reused once compressed, so a
  // few of them serve the whole layer (peak RSS with a 1 GiB layer measured the same with and
  // without: 240 and 241 MiB; the chunk buffer of the upload was what mattered, spool.ts).
  const free: Buffer[] = [];
  const fresh = () => free.pop() ?? Buffer.allocUnsafe(pieceBytes);
  let piece = fresh();
  let filled = 0;

  const flushOldest = async () => {
    const next = pending.shift();
    if (next) await spool.append(await next);
  };
  const enqueue = async (bytes: Buffer) => {
    diff.update(bytes);
    uncompressedSize += bytes.length;
    const compressed = compressing(() => compressor.compress(bytes));
    if (bytes.length === pieceBytes)
      compressed.then(
        () => free.push(bytes),
        () => {},
      );
    pending.push(compressed);
    options.onRead?.(uncompressedSize);
    while (pending.length >= window) await flushOldest();
  };
  try {
    for await (const chunk of source) {
      // Copied into the piece before the next chunk is asked for: the source may reuse its buffers.
      for (let at = 0; at < chunk.byteLength;) {
        const take = Math.min(chunk.byteLength - at, pieceBytes - filled);
        piece.set(chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === pieceBytes) {
          const full = piece;
          piece = fresh();
          filled = 0;
          await enqueue(full);
        }
      }
    }
    // The last piece copied out at its size, so that a small layer's tail does not hold a whole piece.
    if (filled > 0 || uncompressedSize === 0) await enqueue(Buffer.from(piece.subarray(0, filled)));
    while (pending.length > 0) await flushOldest();
    const digest = spool.finish();
    return {
      diffId: `sha256:${diff.digest('hex')}`,
      uncompressedSize,
      digest,
      size: spool.written,
      huffmanPieces: compressor.huffmanPieces,
    };
  } catch (error) {
    // Pieces still compressing settle on their own; their results are dropped.
    for (const compressing of pending) compressing.catch(() => {});
    spool.fail(error);
    throw error;
  }
}

/** Copies an already compressed blob into `spool` unchanged (an OCI layout's gzip layer). */
export async function spoolVerbatim(source: AsyncIterable<Uint8Array>, spool: BlobSpool): Promise<string> {
  try {
    for await (const chunk of source) await spool.append(chunk);
    return spool.finish();
  } catch (error) {
    spool.fail(error);
    throw error;
  }
}
