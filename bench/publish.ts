// bench/publish: one image published under 4 tags (1.2.3, 1.2, 1, latest), ours (engine push of
// the version tag, then manifest PUTs, every tag read back) against `docker tag` + `docker push`
// of each tag with the docker CLI, on the same local registry. Target: ratio at most 0.8.
// Run: `npx tsx bench/publish.ts` (after scripts/setup.sh).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { execa } from 'execa';
import { buildImage } from '../src/engine/build.js';
import { publish } from '../src/pipeline/publish.js';
import { startRegistry, type TestRegistry } from '../test/support/registry.js';
import { sideBySide } from './lib.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docker = new Docker();
const registry = await startRegistry();
// Cold runs publish into a registry that has never seen the layers: 12 = (1 warm-up + 5 runs) x 2.
const fresh: TestRegistry[] = await Promise.all(Array.from({ length: 12 }, () => startRegistry()));
const created: string[] = [];
try {
  const { imageId } = await buildImage(docker, {
    dir: path.join(root, 'examples/blur'),
    buildArgs: { BASE_IMAGE: 'mmk-base/python-pydicom:bookworm' },
  });
  let run = 0;
  // Each run publishes into a new repository of the same registry, so both sides do the same
  // blob work (the engine mounts the layers it already pushed) and differ only in the tagging.
  const ours = async () => {
    const image = `${registry.host}/bench/ours-${run++}`;
    created.push(image);
    await publish({ image, version: '1.2.3', source: imageId, skipValidate: true });
  };
  const theirs = async () => {
    const image = `${registry.host}/bench/cli-${run++}`;
    created.push(image);
    for (const tag of ['1.2.3', '1.2', '1', 'latest']) {
      await execa('docker', ['tag', imageId, `${image}:${tag}`]);
      await execa('docker', ['push', '--quiet', `${image}:${tag}`]);
    }
  };
  await sideBySide('publish one image under 4 tags, layers already in the registry (a re-release)', {
    ours,
    theirs,
    oursName: 'mercure-module publish',
    theirsName: 'docker tag + docker push x4',
  });
  const next = () => {
    const target = fresh.pop();
    if (!target) throw new Error('out of fresh registries');
    return `${target.host}/bench/blur`;
  };
  await sideBySide('publish one image under 4 tags into an empty registry (a first release)', {
    ours: async () => {
      const image = next();
      created.push(image);
      await publish({ image, version: '1.2.3', source: imageId, skipValidate: true });
    },
    theirs: async () => {
      const image = next();
      created.push(image);
      for (const tag of ['1.2.3', '1.2', '1', 'latest']) {
        await execa('docker', ['tag', imageId, `${image}:${tag}`]);
        await execa('docker', ['push', '--quiet', `${image}:${tag}`]);
      }
    },
    oursName: 'mercure-module publish',
    theirsName: 'docker tag + docker push x4',
  });
} finally {
  // Remove the local tags both sides made, then the registry and its storage.
  const tags = (await docker.listImages())
    .flatMap((i) => i.RepoTags ?? [])
    .filter((t) => created.some((c) => t.startsWith(`${c}:`)));
  for (const tag of tags)
    await docker
      .getImage(tag)
      .remove({ noprune: true })
      .catch(() => undefined);
  await Promise.all([registry, ...fresh].map((r) => r.stop()));
}
