// An OCI image layout tar made from a real image's blobs (as Engine 25+ and the containerd store
// export, and as BuildKit's `type=oci` output writes): uncompressed layer tars named by their
// diff IDs and, for the chosen layers, gzip blobs as containerd keeps them.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import Docker from 'dockerode';
import { extract, pack } from 'tar-stream';
import { MediaType } from '../../src/registry/manifest.js';

const hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Writes the OCI layout of a local image to `file`; layers at `gzipped` positions are stored compressed. */
export async function writeOciLayout(image: string, file: string, gzipped: number[] = []): Promise<void> {
  const docker = new Docker();
  const inspect = await docker.getImage(image).inspect();
  const diffIds = inspect.RootFS.Layers ?? [];
  const blobs = new Map<string, Buffer>();
  const saved = extract();
  const feeding = pipeline(await docker.getImage(image).get(), saved);
  for await (const entry of saved) {
    const parts: Buffer[] = [];
    for await (const chunk of entry as unknown as AsyncIterable<Buffer>) parts.push(chunk);
    const bytes = Buffer.concat(parts);
    if (entry.header.type === 'file') blobs.set(`sha256:${hex(bytes)}`, bytes);
  }
  await feeding;
  const config = blobs.get(inspect.Id);
  if (!config) throw new Error(`no config ${inspect.Id} in the export of ${image}`);
  const out = pack();
  const written = pipeline(out, createWriteStream(file));
  const put = (name: string, bytes: Buffer) => out.entry({ name, size: bytes.length }, bytes);
  put('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  const layers = diffIds.map((diffId, i) => {
    const tar = blobs.get(diffId);
    if (!tar) throw new Error(`no layer ${diffId} in the export of ${image}`);
    const stored = gzipped.includes(i) ? gzipSync(tar) : tar;
    const digest = `sha256:${hex(stored)}`;
    put(`blobs/sha256/${hex(stored)}`, stored);
    return {
      mediaType: gzipped.includes(i) ? MediaType.ociLayer : 'application/vnd.oci.image.layer.v1.tar',
      digest,
      size: stored.length,
    };
  });
  put(`blobs/sha256/${hex(config)}`, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: inspect.Id, size: config.length },
      layers,
    }),
  );
  put(`blobs/sha256/${hex(manifest)}`, manifest);
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [{ mediaType: MediaType.ociManifest, digest: `sha256:${hex(manifest)}`, size: manifest.length }],
  };
  put('index.json', Buffer.from(JSON.stringify(index)));
  out.finalize();
  await written;
}
