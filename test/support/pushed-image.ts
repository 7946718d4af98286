// Builds small layered images for the push tests and reads what a registry holds back, blob by
// blob: the manifest through skopeo (another client than ours), every layer gunzipped and hashed
// against the image's diff IDs, and a pull and run by the Engine.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import Docker from 'dockerode';
import { buildImage } from '../../src/engine/build.js';
import { RegistryClient } from '../../src/registry/client.js';
import { sha256Digest, type ImageManifest } from '../../src/registry/manifest.js';

const run = promisify(execFile);

/** Files of a layered test image: each `COPY`ed on its own, so each is one layer. */
export interface LayerFiles {
  [name: string]: Buffer;
}

/** Incompressible bytes ("model weights"), seeded by nothing: each call differs. */
export function weights(bytes: number): Buffer {
  return randomBytes(bytes);
}

/** Compressible text ("libraries"). */
export function text(lines: number, seed = ''): Buffer {
  return Buffer.from(Array.from({ length: lines }, (_, i) => `${seed} line ${i} of a library file\n`).join(''));
}

/** Builds `FROM base` + one COPY per file, tagged `tag`; returns the image ID. */
export async function buildLayered(tag: string, files: LayerFiles, base = 'mmk-base/busybox:static'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mmk-push-ctx-'));
  try {
    const lines = [`FROM ${base}`];
    for (const [name, bytes] of Object.entries(files)) {
      await writeFile(path.join(dir, name), bytes);
      lines.push(`COPY ${name} /${name}`);
    }
    await writeFile(path.join(dir, 'Dockerfile'), `${lines.join('\n')}\n`);
    return (await buildImage(new Docker(), { dir, tags: [tag] })).imageId;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What a registry holds under a tag, checked blob by blob against the local image. */
export async function readBack(host: string, repository: string, tag: string, imageId: string): Promise<ImageManifest> {
  const { stdout } = await run(
    'skopeo',
    ['inspect', '--raw', '--tls-verify=false', `docker://${host}/${repository}:${tag}`],
    {
      encoding: 'buffer',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const manifest = JSON.parse(stdout.toString('utf8')) as ImageManifest;
  const client = new RegistryClient({ registry: host });
  const head = await client.headManifest(repository, tag);
  if (head?.digest !== sha256Digest(stdout)) throw new Error(`skopeo's manifest bytes are not ${head?.digest}`);
  if (manifest.config.digest !== imageId)
    throw new Error(`config ${manifest.config.digest} is not the image ${imageId}`);
  const inspect = await new Docker().getImage(imageId).inspect();
  const diffIds = inspect.RootFS.Layers ?? [];
  if (diffIds.length !== manifest.layers.length)
    throw new Error(`${manifest.layers.length} layers, image has ${diffIds.length}`);
  for (const [i, layer] of manifest.layers.entries()) {
    const hash = createHash('sha256');
    let size = 0;
    const blob = await client.getBlob(repository, layer.digest);
    const sizing = new Writable({
      write(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done();
      },
    });
    blob.on('data', (chunk: Buffer) => (size += chunk.length));
    await pipeline(blob, createGunzip(), sizing);
    if (size !== layer.size) throw new Error(`layer ${i} is ${size} bytes, its descriptor says ${layer.size}`);
    const diffId = `sha256:${hash.digest('hex')}`;
    if (diffId !== diffIds[i]) throw new Error(`layer ${i} gunzips to ${diffId}, not ${diffIds[i]}`);
  }
  return manifest;
}

/** Pulls what we pushed through the Engine and runs it (network none): the sha256 of a file in it. */
export async function pullAndHash(reference: string, file: string): Promise<string> {
  await run('docker', ['pull', '-q', reference]);
  try {
    const { stdout } = await run('docker', [
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      '/bin/busybox',
      reference,
      'sha256sum',
      file,
    ]);
    return stdout.split(/\s+/)[0] ?? '';
  } finally {
    await run('docker', ['rmi', reference]).catch(() => undefined);
  }
}

/** Removes the engine tags this file made (never anyone else's). */
export async function removeTags(prefixes: string[]): Promise<void> {
  const docker = new Docker();
  for (const image of await docker.listImages()) {
    for (const ref of image.RepoTags ?? []) {
      if (prefixes.some((p) => ref.startsWith(p)))
        await docker
          .getImage(ref)
          .remove({ noprune: false })
          .catch(() => undefined);
    }
  }
}

/** The sha256 hex of some bytes, as busybox sha256sum prints it. */
export function hexOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
