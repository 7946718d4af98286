// Reads an image archive as the Engine's export streams it (`docker save`), entry by entry, never
// whole: the legacy layout (Engine < 25: `<v1 id>/layer.tar`, `<image id>.json`, manifest.json
// last) and the OCI layout (Engine 25+, the containerd store: `blobs/sha256/<hex>`, index.json).
// Each layer is handed over while the archive streams, with its diff ID when the name tells it,
// so that compression and upload start with the first layer and known layers are skipped unread.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { ModuleError } from '../errors.js';
import { sha256Digest, type Descriptor } from '../registry/manifest.js';

/** What the Engine says about the image before the export: its ID and its layers' diff IDs in order. */
export interface ArchiveImage {
  id: string;
  diffIds: string[];
}

/** A layer's tar as the archive streams it. */
export interface ArchiveLayer {
  /** Its diff ID, from the name (OCI layout) or computed v1 ID (legacy layout); undefined when neither tells. */
  diffId: string | undefined;
  size: number;
  stream: AsyncIterable<Uint8Array>;
}

/** What the caller does with the archive's big entries; each must read its stream to the end. */
export interface ArchiveHandlers {
  /** An uncompressed layer tar. */
  layer(layer: ArchiveLayer): Promise<void>;
  /** A large OCI-layout blob that is no layer tar of this image (a layer stored compressed). */
  blob(digest: string, size: number, stream: AsyncIterable<Uint8Array>): Promise<void>;
  /**
   * Whether every layer still needed has been handed over: a legacy archive is then left unread
   * from there on (the Engine stops exporting), since its config came already and nothing after
   * it is needed. A re-release reads only as far as its new layers.
   */
  complete?(): boolean;
}

/** What the whole archive told, once read. */
export interface ArchiveContents {
  format: 'docker-save' | 'oci';
  /** The image config's exact bytes: they hash to the image ID (absent when the target holds it: `configSize`). */
  config?: Buffer;
  /** The config's size when its bytes were not needed. */
  configSize?: number;
  /** OCI layout only: the layout's own manifest's layer descriptors, in order. */
  layers?: Descriptor[];
  /** OCI layout only: small compressed layers kept in memory (big ones went to `blob` while streaming). */
  smallLayers?: Map<string, Buffer>;
}

/** Entries up to this size are kept in memory (configs, manifests, the index); bigger ones stream. */
const SMALL = 4 * 1024 * 1024;

/** Reads an image archive; throws ModuleError 'export-failed' when it is not the image expected. */
export async function readImageArchive(
  source: Readable,
  image: ArchiveImage,
  handlers: ArchiveHandlers,
): Promise<ArchiveContents> {
  const small = new Map<string, Buffer>();
  const diffIds = new Set(image.diffIds);
  const v1 = legacyLayerIds(image.diffIds);
  const top = image.diffIds[image.diffIds.length - 1];
  let topSeen = false;
  const configName = `${image.id.replace(/^sha256:/, '')}.json`;
  const tar = extract();
  const feeding = pipeline(source, tar);
  feeding.catch(() => {}); // its failure also ends the loop below, which reports it
  try {
    for await (const entry of tar) {
      const { name, size = 0, type } = entry.header;
      const stream = entry as unknown as AsyncIterable<Uint8Array>;
      const legacy = /^([0-9a-f]{64})\/layer\.tar$/.exec(name);
      const blob = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(name);
      if (type !== 'file') {
        entry.resume(); // a duplicate layer's symlink, directories
      } else if (legacy?.[1]) {
        let diffId = v1.get(legacy[1]);
        if (!diffId && !topSeen && top && image.diffIds.length > 0) {
          // Only the top layer's v1 ID depends on the whole image config: the one not computed is it.
          topSeen = true;
          diffId = top;
        }
        await handlers.layer({ diffId, size, stream });
      } else if (blob?.[1] && diffIds.has(`sha256:${blob[1]}`)) {
        await handlers.layer({ diffId: `sha256:${blob[1]}`, size, stream });
      } else if (size <= SMALL) {
        small.set(name, await collect(stream));
      } else if (blob?.[1]) {
        await handlers.blob(`sha256:${blob[1]}`, size, stream);
      } else {
        entry.resume();
      }
      if (small.has(configName) && !small.has('index.json') && handlers.complete?.()) {
        source.destroy();
        return legacyContents(small, image);
      }
    }
    await feeding;
  } catch (error) {
    source.destroy();
    throw error instanceof ModuleError ? error : exportFailed(`reading its archive failed: ${String(error)}`);
  }
  return small.has('index.json') ? ociContents(small, image) : legacyContents(small, image);
}

function legacyContents(small: Map<string, Buffer>, image: ArchiveImage): ArchiveContents {
  const config = small.get(`${image.id.replace(/^sha256:/, '')}.json`);
  if (!config) throw exportFailed(`its archive holds no config ${image.id}`);
  return { format: 'docker-save', config: checked(config, image) };
}

function ociContents(small: Map<string, Buffer>, image: ArchiveImage): ArchiveContents {
  const blob = (digest: string) => small.get(`blobs/sha256/${digest.replace(/^sha256:/, '')}`);
  const config = blob(image.id);
  if (!config) throw exportFailed(`its OCI layout holds no config ${image.id}`);
  const manifests = [parse<{ manifests?: Descriptor[] }>(small.get('index.json'), 'index.json').manifests ?? []];
  // An index may point at a nested index (containerd's store): follow it to the image's manifest.
  for (let depth = 0; depth < 4; depth++) {
    for (const descriptor of manifests.pop() ?? []) {
      const doc = parse<{ config?: Descriptor; layers?: Descriptor[]; manifests?: Descriptor[] }>(
        blob(descriptor.digest),
        descriptor.digest,
      );
      if (doc.config?.digest === image.id) {
        const layers = doc.layers ?? [];
        const smallLayers = new Map<string, Buffer>();
        for (const layer of layers) {
          const bytes = blob(layer.digest);
          if (bytes && sha256Digest(bytes) === layer.digest) smallLayers.set(layer.digest, bytes);
        }
        return { format: 'oci', config: checked(config, image), layers, smallLayers };
      }
      if (doc.manifests) manifests.push(doc.manifests);
    }
  }
  throw exportFailed(`its OCI layout has no manifest for config ${image.id}`);
}

/** The config bytes, checked to hash to the image ID: what is pushed is what was validated. */
function checked(config: Buffer, image: ArchiveImage): Buffer {
  if (sha256Digest(config) !== image.id) throw exportFailed(`its config does not hash to ${image.id}`);
  return config;
}

function parse<T>(bytes: Buffer | undefined, what: string): T {
  if (!bytes) throw exportFailed(`its archive lacks ${what}`);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw exportFailed(`${what} in its archive is not JSON`);
  }
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/**
 * The legacy layout's directory names of all but the top layer, as the Engine derives them
 * (image/v1 CreateID over a fixed pre-1.9 config, the chain ID and the parent's ID): v1 ID -> diff ID.
 */
export function legacyLayerIds(diffIds: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  let chain = '';
  let parent = '';
  for (const [i, diffId] of diffIds.entries()) {
    chain = i === 0 ? diffId : sha256Digest(Buffer.from(`${chain} ${diffId}`));
    if (i === diffIds.length - 1) break;
    const fields: [string, unknown][] = [
      ['container_config', EMPTY_CONTAINER_CONFIG],
      ['created', '1970-01-01T00:00:00Z'],
      ['layer_id', chain],
    ];
    if (parent) fields.push(['parent', `sha256:${parent}`]);
    const json = `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
    parent = createHash('sha256').update(json).digest('hex');
    ids.set(parent, diffId);
  }
  return ids;
}

/** Go's zero container.Config as the Engine marshals it (field order matters: it is hashed). */
const EMPTY_CONTAINER_CONFIG = {
  Hostname: '',
  Domainname: '',
  User: '',
  AttachStdin: false,
  AttachStdout: false,
  AttachStderr: false,
  Tty: false,
  OpenStdin: false,
  StdinOnce: false,
  Env: null,
  Cmd: null,
  Image: '',
  Volumes: null,
  WorkingDir: '',
  Entrypoint: null,
  OnBuild: null,
  Labels: null,
};

/** ModuleError 'export-failed': the Engine's export of the image was not what it should be. */
export function exportFailed(why: string): ModuleError {
  return new ModuleError('export-failed', `the Docker Engine's export of the image failed: ${why}`, {
    kind: 'environment',
    hint: (say) => `Run the same command again; if it persists, publish with ${say.option('pusher', 'engine')}.`,
  });
}
