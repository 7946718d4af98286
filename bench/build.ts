// bench/build: a rebuild after a one-line source change of a module whose RUN installs its
// dependencies, with the cache from a registry: ours (BuildKit through buildx, --cache-from) vs
// docker buildx build with the same cache, and vs a cold build (--no-cache). Targets: within 1.1x
// of buildx, at least 5x faster than cold. At least 5 runs a side, alternating (lib.ts).
// The dependency step stands in for `pip install` of an AI module's requirements, which takes
// minutes for real (downloads, wheel unpacking, thousands of files): written wheels (DEPS_MB),
// a part of them compressed and inflated again as unpacking does (INFLATE_MB), and FILES small
// .py files in package folders. The old stand-in (150 MB of dd, ~3 s) was no heavier than
// buildx's fixed overhead, so the cold ratio said little.
// Run: npx tsx bench/build.ts [runs]
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { buildImage } from '../src/engine/build.js';
import { startRegistry } from '../test/support/registry.js';
import { sideBySide } from './lib.js';

const runs = Math.max(5, Number(process.argv[2] ?? 5));
const DEPS_MB = 150;
const INFLATE_MB = 40;
const FILES = 4000;
/** The dependency step: see the header. busybox sh only (the base image is busybox). */
const DEPS_STEP = [
  'mkdir -p /deps/site-packages && cd /deps',
  `dd if=/dev/urandom of=wheels.bin bs=1M count=${DEPS_MB} 2>/dev/null`,
  `head -c ${INFLATE_MB}m wheels.bin | gzip -1 > part.gz && gunzip -c part.gz | sha256sum > part.sum && rm part.gz`,
  `i=0 && while [ $i -lt ${FILES} ]; do [ $((i % 100)) -eq 0 ] && mkdir site-packages/p$((i/100)); echo "x = $i" > site-packages/p$((i/100))/m$i.py; i=$((i+1)); done`,
  'tar -cf - site-packages | sha256sum > site-packages.sum',
].join(' && ');
const docker = new Docker();
const work = await mkdtemp(path.join(os.tmpdir(), 'mmk-bench-build-'));
/** The build context; buildx's --iidfile is written beside it, not into it. */
const dir = path.join(work, 'context');
const iid = path.join(work, 'iid');
await mkdir(dir);
const registry = await startRegistry();
const ref = `${registry.host}/bench/build:cache`;
/** Every image this run built (each is unique to it: requirements.txt carries the start time), removed at the end. */
const built = new Set<string>();
const build = async (options: Parameters<typeof buildImage>[1]) =>
  built.add((await buildImage(docker, options)).imageId);
let edits = 0;
/** The one-line source change before every build. */
const edit = () => writeFile(path.join(dir, 'app.sh'), `#!/bin/sh\necho edit ${edits++}\n`);
try {
  await writeFile(path.join(dir, 'requirements.txt'), `bench ${Date.now()}\n`);
  await writeFile(
    path.join(dir, 'Dockerfile'),
    'FROM mmk-base/busybox:static\nCOPY requirements.txt /\n' +
      `RUN ${DEPS_STEP}\n` +
      'COPY --chmod=755 app.sh /app.sh\nCMD ["/app.sh"]\n',
  );
  await edit();
  await build({ dir, tags: [ref], cacheTo: ['type=inline'] });
  await execa('docker', ['push', ref]);
  const cacheFrom = `type=registry,ref=${ref}`;
  // Our side is the same in both comparisons: a one-line change, rebuilt with the registry's cache.
  const rebuildWithCache = async () => {
    await edit();
    await build({ dir, cacheFrom: [cacheFrom] });
  };
  const vsBuildx = await sideBySide('rebuild after a one-line change, cache from a registry', {
    runs,
    oursName: 'ours (--cache-from)',
    theirsName: 'docker buildx build',
    ours: rebuildWithCache,
    theirs: async () => {
      await edit();
      await execa(
        'docker',
        ['buildx', 'build', '--load', '--network', 'none', '--cache-from', cacheFrom, '--iidfile', iid, '.'],
        { cwd: dir },
      );
      built.add((await readFile(iid, 'utf8')).trim());
    },
  });
  const vsCold = await sideBySide('rebuild after a one-line change vs a cold build', {
    runs,
    oursName: 'ours (--cache-from)',
    theirsName: 'cold (--no-cache)',
    ours: rebuildWithCache,
    theirs: async () => {
      await edit();
      await build({ dir, noCache: true });
    },
  });
  console.log(
    `target: within 1.1x of buildx (${vsBuildx.ratio.toFixed(2)}x), >= 5x faster than cold (${(1 / vsCold.ratio).toFixed(1)}x)`,
  );
} finally {
  // The engine is shared: remove the tag and the images this run made, nothing else.
  for (const image of [ref, ...built])
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
  await registry.stop();
  await rm(work, { recursive: true, force: true });
}
