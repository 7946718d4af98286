// bench/publish: a first release of a ~590 MB module image (the Python base, 240 MB of library-like
// files, 120 MB of model weights, a small layer of module code) into an empty registry, then a
// re-release (the module code changed: one small layer), ours (`publish`: our own push of the
// version, then the floating tags, every tag read back) against the Engine's `docker push` of the
// same four tags (1.0.0, 1.0, 1, latest). The two sides alternate, each run into a fresh registry
// of its own, after one warm-up each. Also prints the bytes each side stored (the blobs its
// manifest names) and our compression level's trade-off on the library layer.
// The base image lives in a registry of its own, as a module's `FROM` does (Docker Hub's python):
// it is pushed there once and the module is built `FROM` that name, so the Engine knows the base
// layers' compressed digests there, as after a `docker pull` (BENCH_BASE=local: a base image that
// was never in any registry, which both sides must compress).
// Two re-releases: on the machine that made the first release (the Engine's push cache and our
// layer cache warm), and on a fresh runner (CI: the registry holds the first release, pushed from
// another machine; our layer cache is empty and the Engine's push cache has no entry, so its push
// is its first release again: that figure is the comparison).
// Targets: first release at most 0.5x with at most 1.15x the bytes; re-release no worse than 0.45.
// Run: npx tsx bench/publish.ts   (BENCH_RUNS=5, BENCH_WARMUPS=1, BENCH_LIB_MB=240, BENCH_WEIGHTS_MB=120,
// BENCH_BASE=registry|local)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { publish } from '../src/pipeline/publish.js';
import { startRegistry } from '../test/support/registry.js';
import { alternately, compare, median, type Figures } from './lib.js';
import { binaryPool, buildModuleImages, prng, PYTHON_BASE, sourcePool } from './module-image.js';
import { gzipSync } from 'node:zlib';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const WARMUPS = Number(process.env['BENCH_WARMUPS'] ?? 1);
const sizes = {
  libraryMiB: Number(process.env['BENCH_LIB_MB'] ?? 240),
  weightsMiB: Number(process.env['BENCH_WEIGHTS_MB'] ?? 120),
};
const TAGS = (version: string) => [
  version,
  version.replace(/\.\d+$/, ''),
  version.replace(/\.\d+\.\d+$/, ''),
  'latest',
];

const BASE = process.env['BENCH_BASE'] ?? 'registry';
if (BASE !== 'registry' && BASE !== 'local') throw new Error('BENCH_BASE is registry or local');

const work = await mkdtemp(path.join(os.tmpdir(), 'mmk-bench-publish-'));
// The base image's own registry (a stand-in for Docker Hub), for the whole bench.
const baseRegistry = BASE === 'registry' ? await startRegistry() : undefined;
const base = baseRegistry ? `${baseRegistry.host}/library/python:3.11-bookworm` : undefined;
if (base) {
  await execa('docker', ['tag', PYTHON_BASE, base]);
  await execa('docker', ['push', '--quiet', base]);
}
console.log(
  `building the module image (${sizes.libraryMiB} MiB libraries, ${sizes.weightsMiB} MiB weights, FROM ${base ?? `${PYTHON_BASE}, in no registry`}) ...`,
);
const images = await buildModuleImages(`pushbench-publish-${process.pid}`, { ...sizes, ...(base ? { base } : {}) });
const { stdout: sizeText } = await execa('docker', ['image', 'inspect', '--format', '{{.Size}}', images.v1]);
console.log(`image ${images.v1}: ${(Number(sizeText) / 1e6).toFixed(0)} MB uncompressed`);

/** The compressed bytes a tag's image stores: its manifest's layers and config. */
async function storedBytes(host: string, repository: string, tag: string): Promise<number> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    headers: {
      accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
    },
  });
  const manifest = (await response.json()) as { config: { size: number }; layers: { size: number }[] };
  return manifest.layers.reduce((sum, layer) => sum + layer.size, manifest.config.size);
}

const seconds = (start: number) => (performance.now() - start) / 1000;
const engineTags: string[] = [];
let runs = 0;
const cacheDir = path.join(work, 'layer-cache');

/** A fresh registry holding a copy of `from`'s release 1.0.0 (all four tags), as another machine pushed it. */
async function releasedElsewhere(from: string, repository: string) {
  const registry = await startRegistry();
  const copy = (tag: string) =>
    execa('skopeo', [
      'copy',
      '--quiet',
      '--preserve-digests',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${from}/${repository}:1.0.0`,
      `docker://${registry.host}/${repository}:${tag}`,
    ]);
  for (const tag of TAGS('1.0.0')) await copy(tag);
  return registry;
}

/**
 * Ours: publish 1.0.0 (the first release) into a fresh registry; 1.0.1 (the re-release) on a
 * fresh runner (a copy of that registry, an empty layer cache), then on this machine.
 */
async function ours(): Promise<Figures> {
  const registry = await startRegistry();
  const repository = `bench/kit-${++runs}`;
  const options = { skipValidate: true, ...(base ? { baseImage: base } : {}) };
  try {
    const image = `${registry.host}/${repository}`;
    let start = performance.now();
    const first = await publish({ ...options, image, version: '1.0.0', source: images.v1, layerCacheDir: cacheDir });
    const firstRelease = seconds(start);
    const bytes = await storedBytes(registry.host, repository, '1.0.0');
    const elsewhere = await releasedElsewhere(registry.host, repository);
    let freshReRelease: number;
    try {
      const freshCache = path.join(work, `fresh-cache-${runs}`);
      start = performance.now();
      await publish({
        ...options,
        image: `${elsewhere.host}/${repository}`,
        version: '1.0.1',
        source: images.v2,
        layerCacheDir: freshCache,
      });
      freshReRelease = seconds(start);
    } finally {
      await elsewhere.stop();
    }
    start = performance.now();
    await publish({ ...options, image, version: '1.0.1', source: images.v2, layerCacheDir: cacheDir });
    return {
      firstRelease,
      versionTag: Number.NaN,
      reRelease: seconds(start),
      freshReRelease,
      bytes,
      uploaded: first.bytesUploaded ?? 0,
    };
  } finally {
    await registry.stop();
  }
}

/** Theirs: `docker tag` + `docker push` of each of the four tags, 1.0.0 then 1.0.1, into a fresh registry. */
async function theirs(): Promise<Figures> {
  const registry = await startRegistry();
  const repository = `bench/engine-${++runs}`;
  const pushAll = async (source: string, version: string, image = `${registry.host}/${repository}`) => {
    let versionTag = 0;
    for (const [i, tag] of TAGS(version).entries()) {
      const start = performance.now();
      engineTags.push(`${image}:${tag}`);
      await execa('docker', ['tag', source, `${image}:${tag}`]);
      await execa('docker', ['push', '--quiet', `${image}:${tag}`]);
      if (i === 0) versionTag = seconds(start);
    }
    return versionTag;
  };
  try {
    let start = performance.now();
    const versionTag = await pushAll(images.v1, '1.0.0');
    const firstRelease = seconds(start);
    const bytes = await storedBytes(registry.host, repository, '1.0.0');
    start = performance.now();
    await pushAll(images.v2, '1.0.1');
    return { firstRelease, versionTag, reRelease: seconds(start), bytes, uploaded: bytes };
  } finally {
    await registry.stop();
    // Only the tags this bench made; the images stay until the end.
    await execa('docker', ['rmi', '--no-prune', ...engineTags.splice(0)], { reject: false });
  }
}

try {
  const got = await alternately({ ours, theirs }, RUNS, WARMUPS);
  const of = (side: Figures[], key: string) => side.map((f) => f[key] ?? Number.NaN);
  const names = { ours: 'mercure-module publish', theirs: 'docker tag + docker push x4' };
  const first = compare(
    `first release of ${images.v1} into an empty registry (4 tags)`,
    names,
    of(got.ours, 'firstRelease'),
    of(got.theirs, 'firstRelease'),
  );
  const versionOnly = compare(
    'the same, against the first `docker push` alone (the version tag, every layer)',
    { ours: names.ours, theirs: 'docker push (version tag only)' },
    of(got.ours, 'firstRelease'),
    of(got.theirs, 'versionTag'),
  );
  const again = compare(
    're-release: the module code changed (one small layer), into the registry holding the first release',
    names,
    of(got.ours, 'reRelease'),
    of(got.theirs, 'reRelease'),
  );
  // The Engine's push cache (diff ID -> digest) is machine-wide and empty on a fresh runner: it
  // then compresses and uploads every layer again, as in its first release (the base layers'
  // digests it knows from the pull are in the base image's registry, not the target).
  const fresh = compare(
    're-release on a fresh runner (CI): the registry holds the first release, pushed from another machine',
    { ours: names.ours, theirs: `${names.theirs} (every layer again: its first release)` },
    of(got.ours, 'freshReRelease'),
    of(got.theirs, 'firstRelease'),
  );
  const bytes = { ours: median(of(got.ours, 'bytes')), theirs: median(of(got.theirs, 'bytes')) };
  console.log(
    `bytes stored by the first release (manifest's blobs): ours ${(bytes.ours / 1e6).toFixed(1)} MB, engine ${(bytes.theirs / 1e6).toFixed(1)} MB, ratio ${(bytes.ours / bytes.theirs).toFixed(3)} (ours uploaded ${(median(of(got.ours, 'uploaded')) / 1e6).toFixed(1)} MB)`,
  );
  console.log(
    `targets: first release <= 0.5 (${first.ratio.toFixed(2)}; ${versionOnly.ratio.toFixed(2)} vs the version push alone), bytes <= 1.15x (${(bytes.ours / bytes.theirs).toFixed(2)}), re-release <= 0.45 (${again.ratio.toFixed(2)} on this machine, ${fresh.ratio.toFixed(2)} on a fresh runner)`,
  );
  // The level's trade-off on library-like bytes, one core (the push runs one piece a core).
  const random = prng('levels');
  const source = sourcePool(8 << 20, random);
  const library = Buffer.concat([source, binaryPool(8 << 20, random, source)]);
  for (const level of [1, 6]) {
    const start = performance.now();
    const size = gzipSync(library, { level }).length;
    const rate = library.length / 1e6 / seconds(start);
    console.log(
      `gzip level ${level} on library-like bytes: ${rate.toFixed(0)} MB/s one core, ratio ${(size / library.length).toFixed(3)}`,
    );
  }
  console.log(
    JSON.stringify({
      sizes,
      base: BASE,
      runs: RUNS,
      first,
      versionOnly,
      again,
      fresh,
      bytes,
      cores: os.availableParallelism(),
    }),
  );
} finally {
  await images.remove();
  if (base) await execa('docker', ['rmi', '--no-prune', base], { reject: false });
  await baseRegistry?.stop();
  await rm(work, { recursive: true, force: true });
}
