import type Docker from 'dockerode';
import { ownerLabels } from './leftovers.js';

/** The start of one file in an image, or where a symlink points. */
export type ImageFileHead = { kind: 'file'; head: Buffer; mode: number } | { kind: 'symlink'; target: string };

const BLOCK = 512;

/**
 * Reads the first `max` bytes of a file inside an image without running anything: a created,
 * never started container's archive of that path. Undefined when the path does not exist.
 */
export async function readImageFile(
  docker: Docker,
  image: string,
  file: string,
  max = 4096,
): Promise<ImageFileHead | undefined> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['/'],
    Labels: ownerLabels(),
    HostConfig: { NetworkMode: 'none' },
  });
  try {
    const stream = await container.getArchive({ path: file }).catch(() => undefined);
    if (!stream) return undefined;
    return parseFirstEntry(await readUpTo(stream, max + 4 * BLOCK), max);
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

async function readUpTo(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  return Buffer.concat(chunks);
}

/** The first real entry of a tar stream (ustar headers; pax extension headers skipped). */
export function parseFirstEntry(tar: Buffer, max: number): ImageFileHead | undefined {
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return undefined;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const body = offset + BLOCK;
    if (type === 'x' || type === 'g') {
      offset = body + Math.ceil(size / BLOCK) * BLOCK;
      continue;
    }
    if (type === '2') return { kind: 'symlink', target: field(157, 100) };
    const mode = parseInt(field(100, 8).trim() || '0', 8);
    return { kind: 'file', head: tar.subarray(body, body + Math.min(size, max)), mode };
  }
  return undefined;
}
