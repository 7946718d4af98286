// The layer compressor on its own: pieces as concatenated gzip members that gunzip (multistream) to
// the layer's exact bytes, digests of what was written, and the choice per piece between string
// matching (library files, where it pays) and Huffman-only coding (model weights, where matching
// finds nothing and Huffman coding alone gives the same size in a fraction of the time).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { compressLayer } from '../../src/registry/layer-gzip.js';
import { BlobSpool } from '../../src/registry/spool.js';

const dir = await mkdtemp(path.join(tmpdir(), 'mmk-layer-gzip-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const PIECE = 64 * 1024;

/** xorshift32: the same bytes every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** float32 values around zero, as a trained network's weights are: only their exponents repeat. */
function weights(bytes: number, seed: number): Buffer {
  const next = random(seed);
  const values = new Float32Array(bytes / 4);
  for (let i = 0; i < values.length; i++)
    values[i] = 0.02 * Math.sqrt(-2 * Math.log(next() || 1e-9)) * Math.cos(2 * Math.PI * next());
  return Buffer.from(values.buffer);
}

/** Source-like text: lines from a small set, in a random order. */
function library(bytes: number, seed: number): Buffer {
  const next = random(seed);
  const lines = Array.from(
    { length: 200 },
    (_, i) => `    def method_${i}(self, value=${i * 7}):\n        return value\n`,
  );
  let text = '';
  while (text.length < bytes) text += lines[Math.floor(next() * lines.length)] ?? '';
  return Buffer.from(text.slice(0, bytes));
}

async function* chunks(data: Buffer, size = 10_000): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

let spools = 0;
async function compress(data: Buffer) {
  const file = path.join(dir, `spool-${++spools}`);
  const spool = await BlobSpool.create(file);
  try {
    const result = await compressLayer(chunks(data), spool, { pieceBytes: PIECE });
    return { result, bytes: await readFile(file) };
  } finally {
    await spool.close();
  }
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('compressLayer', () => {
  it('writes gzip members that gunzip to the layer, with the digests of both', async () => {
    const data = Buffer.concat([library(5 * PIECE, 1), weights(3 * PIECE, 2), library(PIECE / 2, 3)]);
    const { result, bytes } = await compress(data);
    expect(gunzipSync(bytes).equals(data)).toBe(true);
    expect(result).toMatchObject({
      diffId: sha256(data),
      digest: sha256(bytes),
      size: bytes.length,
      uncompressedSize: data.length,
    });
  });

  it('keeps string matching for library files: no piece is coded Huffman-only', async () => {
    const data = library(20 * PIECE, 4);
    const { result, bytes } = await compress(data);
    expect(result.huffmanPieces).toBe(0);
    expect(bytes.length).toBeLessThan(data.length * 0.2);
  });

  it('codes model weights Huffman-only, within 1% of the size string matching gives, and rechecks now and then', async () => {
    const data = weights(40 * PIECE, 5);
    const { result, bytes } = await compress(data);
    expect(gunzipSync(bytes).equals(data)).toBe(true);
    // The first pieces (queued before any verdict) and every 16th are matched; the rest are not.
    expect(result.huffmanPieces).toBeGreaterThan(30);
    expect(result.huffmanPieces).toBeLessThan(40);
    let matched = 0;
    for (let at = 0; at < data.length; at += PIECE)
      matched += gzipSync(data.subarray(at, at + PIECE), { level: 1 }).length;
    expect(bytes.length).toBeLessThan(matched * 1.01);
  });

  it('goes back to string matching when the layer turns compressible again', async () => {
    const data = Buffer.concat([weights(20 * PIECE, 6), library(40 * PIECE, 7)]);
    const { result, bytes } = await compress(data);
    expect(gunzipSync(bytes).equals(data)).toBe(true);
    // At most one recheck period of library pieces is coded Huffman-only after the weights.
    expect(result.huffmanPieces).toBeLessThan(20 + 16);
    expect(bytes.length).toBeLessThan(20 * PIECE + 40 * PIECE * 0.3);
  });
});
