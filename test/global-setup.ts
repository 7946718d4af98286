import { readdir } from 'node:fs/promises';
import os from 'node:os';
import Docker from 'dockerode';
import { OWNER_LABEL } from '../src/engine/containers.js';
import { BASE_IMAGES } from './support/images.js';

/** Temp folders the tool creates; any of them left after the suite is a cleanup bug. */
const OUR_TEMP = /^mercure-(smoke|case|build|fixtures)-/;

async function ourTempFolders(): Promise<Set<string>> {
  return new Set((await readdir(os.tmpdir())).filter((name) => OUR_TEMP.test(name)));
}

/**
 * One engine and one set of base images for the whole suite (started by scripts/setup.sh). After
 * the suite, no container we labelled and no temp folder we made may be left.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch {
    throw new Error('No Docker Engine answers: run `bash scripts/setup.sh` (npm test does) first.');
  }
  for (const image of Object.values(BASE_IMAGES)) {
    await docker
      .getImage(image)
      .inspect()
      .catch(() => {
        throw new Error(`Base image ${image} is missing: run \`bash scripts/base-images.sh\`.`);
      });
  }
  const tempBefore = await ourTempFolders();
  return async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [OWNER_LABEL] } });
    const tempAfter = [...(await ourTempFolders())].filter((name) => !tempBefore.has(name));
    const problems: string[] = [];
    if (left.length > 0)
      problems.push(`${left.length} container(s) left behind: ${left.map((c) => c.Names.join(',')).join(' ')}`);
    if (tempAfter.length > 0) problems.push(`temp folder(s) left behind in ${os.tmpdir()}: ${tempAfter.join(' ')}`);
    if (problems.length > 0) {
      // vitest prints an error thrown here as "error during close" and still exits 0: fail the run.
      process.exitCode = 1;
      throw new Error(`Cleanup check failed: ${problems.join('; ')}`);
    }
  };
}
