// Shared by the fault, race and interrupt tests: tiny module images (static busybox with a version
// label, built by the engine in well under a second once the base is there), the tags a registry
// holds, and the floating tag each version should own by the release rules.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { buildImage } from '../../src/engine/build.js';
import { RegistryClient } from '../../src/registry/client.js';
import { compareVersions, floatingTagsFor, parseVersion } from '../../src/release/index.js';

/** The tiny module's build folder (a one-line Dockerfile on the local busybox base). */
export const TINY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tiny');

const built = new Map<string, Promise<string>>();

/** The image ID of the tiny module labelled `version` (and `note`, to make distinct images of one version). */
export function tinyModule(version: string, note = ''): Promise<string> {
  const key = `${version}\n${note}`;
  let id = built.get(key);
  if (!id) {
    const labels: Record<string, string> = {
      'org.opencontainers.image.version': version,
      'org.opencontainers.image.title': 'tiny',
    };
    if (note) labels['org.opencontainers.image.description'] = note;
    id = buildImage(new Docker(), { dir: TINY, labels }).then((result) => result.imageId);
    built.set(key, id);
  }
  return id;
}

/** What each tag resolves to in a repository, read directly (no proxy, no faults). */
export async function tagsAt(
  host: string,
  repository: string,
  tags: readonly string[],
): Promise<Record<string, string | undefined>> {
  const client = new RegistryClient({ registry: host });
  const out: Record<string, string | undefined> = {};
  for (const tag of tags) out[tag] = (await client.headManifest(repository, tag))?.digest;
  return out;
}

/** Every floating tag any of `versions` names (default tag options). */
export function floatingTagsOf(versions: Iterable<string>): string[] {
  return [...new Set([...versions].flatMap((v) => floatingTagsFor(v).map((t) => t.tag)))];
}

/**
 * Where each floating tag must point once `published` (version -> digest) are all out: at the
 * highest version entitled to it by the release rules; undefined when none is.
 */
export function expectedFloating(published: ReadonlyMap<string, string>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const tags = floatingTagsOf(published.keys());
  for (const tag of tags) {
    let best: string | undefined;
    for (const version of published.keys()) {
      if (!floatingTagsFor(version).some((t) => t.tag === tag)) continue;
      if (!best || compareVersions(parseVersion(version), parseVersion(best)) > 0) best = version;
    }
    out[tag] = best === undefined ? undefined : published.get(best);
  }
  return out;
}

/**
 * Removes the engine's tags (publish tags `<host>/<repo>:<version>`) that start with one of these
 * prefixes: a test file's own registry hosts (`<host>/`) or its own namespace on the suite's
 * shared registry (`<host>/race/`). Never a whole shared host: other files' freshly built images
 * live there, and untagging one deletes it under their feet.
 */
export async function untagPushed(prefixes: readonly string[]): Promise<void> {
  const docker = new Docker();
  const images = await docker.listImages();
  const refs = images
    .flatMap((image) => image.RepoTags ?? [])
    .filter((ref) => prefixes.some((prefix) => ref.startsWith(prefix)));
  for (const ref of refs)
    await docker
      .getImage(ref)
      .remove({ noprune: true })
      .catch(() => undefined);
}

/** A seeded RNG for choosing versions (mulberry32, as the fault proxy's). */
export { seededRandom } from '../support/fault-proxy.js';
