import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { buildImage } from '../../src/engine/build.js';

/** The local base images scripts/base-images.sh builds from Debian packages. */
export const BASE_IMAGES = {
  python: 'mmk-base/python-pydicom:bookworm',
  busybox: 'mmk-base/busybox:static',
} as const;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EXAMPLE_MODULE = path.join(REPO_ROOT, 'examples/blur');
export const FIXTURE_MODULES = path.join(REPO_ROOT, 'test/fixtures/modules');

/** The build args that point a fixture's `ARG BASE_IMAGE` at a local base image. */
export function baseArgs(base: keyof typeof BASE_IMAGES): Record<string, string> {
  return { BASE_IMAGE: BASE_IMAGES[base] };
}

/** Builds a module folder on the shared engine and returns the image ID (cached by the engine). */
export async function buildModule(dir: string, base: keyof typeof BASE_IMAGES, tag?: string): Promise<string> {
  const built = await buildImage(new Docker(), { dir, buildArgs: baseArgs(base), ...(tag ? { tags: [tag] } : {}) });
  return built.imageId;
}
