// The local images a publish pushes: one, or one a platform for a multi-platform release, each
// found in the engine, of the platform it claims, and validated (or its missing smoke run allowed).
import type Docker from 'dockerode';
import { localImage } from '../../engine/image-id.js';
import { ModuleError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import {
  formatPlatform,
  parsePlatformList,
  platformOf,
  platformSuffix,
  samePlatform,
  type Platform,
} from '../../registry/platform.js';
import { buildItFirst, notValidated } from '../refusals.js';
import { findValidation, stateDir } from '../validation/validation-record.js';

/** One local image of a release. */
export interface ReleaseImage {
  /** Set for a multi-platform release (each image goes into the index under it). */
  platform: Platform | undefined;
  /** How the user named it (reference or ID). */
  source: string;
  imageId: string;
  labels: Record<string, string>;
}

/** What decides which local images a publish takes, and how strictly they must be validated. */
export interface ReleaseImageOptions {
  source?: string | undefined;
  /** Two or more: a multi-platform release. */
  platforms?: string[] | undefined;
  /** The local image of each platform (default `<image>:<version>-<os>-<arch>`, as a multi-platform build tags them). */
  sources?: { platform: string; source: string }[] | undefined;
  skipValidate?: boolean | undefined;
  skipSmokePlatforms?: string[] | undefined;
  validationDir?: string | undefined;
  dryRun?: boolean | undefined;
}

/** The release's local images, each checked: present, of its platform, validated. */
export async function releaseImages(
  docker: Docker,
  name: string,
  version: string,
  options: ReleaseImageOptions,
  logger: Logger,
): Promise<ReleaseImage[]> {
  const platforms = parsePlatformList(options.platforms);
  const skipSmoke = parsePlatformList(options.skipSmokePlatforms, '--skip-smoke-platform');
  const images: ReleaseImage[] = [];
  if (platforms.length <= 1) {
    const source = options.source ?? `${name}:${version}`;
    images.push({ platform: undefined, source, ...(await localImage(docker, source, buildItFirst)) });
  } else {
    if (options.source)
      throw new ModuleError('bad-platform', 'a source names one image, and a multi-platform release has several', {
        hint: (say) =>
          `Leave out ${say.option('source')}: each platform's image is <image>:<version>-<os>-<arch>, as a build with ${say.option('platforms')} tags them (the library also takes \`sources\`).`,
      });
    const sources = parsePlatformList(
      (options.sources ?? []).map((s) => s.platform),
      'sources',
    );
    for (const platform of platforms) {
      const index = sources.findIndex((p) => samePlatform(p, platform));
      const source = options.sources?.[index]?.source ?? `${name}:${version}-${platformSuffix(platform)}`;
      const image = { platform, source, ...(await localImage(docker, source, buildItFirst)) };
      await requirePlatform(docker, image);
      images.push(image);
    }
  }
  for (const image of images) await requireValidation(docker, image, options, skipSmoke, logger);
  return images;
}

/** A platform's image must be of that platform: the index would otherwise send servers the wrong CPU. */
async function requirePlatform(docker: Docker, image: ReleaseImage & { platform: Platform }): Promise<void> {
  const actual = await imagePlatform(docker, image.imageId);
  if (samePlatform(actual, image.platform)) return;
  throw new ModuleError(
    'platform-mismatch',
    `${image.source} is a ${formatPlatform(actual)} image, not ${formatPlatform(image.platform)}`,
    { kind: 'refused', hint: (say) => `Build it with ${say.option('platforms', formatPlatform(image.platform))}.` },
  );
}

async function imagePlatform(docker: Docker, imageId: string): Promise<Platform> {
  const inspect = (await docker.getImage(imageId).inspect()) as {
    Os?: string;
    Architecture?: string;
    Variant?: string;
  };
  return platformOf({
    ...(inspect.Os ? { os: inspect.Os } : {}),
    ...(inspect.Architecture ? { architecture: inspect.Architecture } : {}),
    ...(inspect.Variant ? { variant: inspect.Variant } : {}),
  });
}

async function requireValidation(
  docker: Docker,
  image: ReleaseImage,
  options: ReleaseImageOptions,
  skipSmoke: Platform[],
  logger: Logger,
): Promise<void> {
  const { source, imageId } = image;
  if (options.skipValidate) {
    logger.warn(
      options.dryRun
        ? `dry run: ${source} would be published WITHOUT validation (--skip-validate)`
        : `publishing ${source} WITHOUT validation (--skip-validate)`,
    );
    return;
  }
  const record = await findValidation(imageId, options.validationDir ?? stateDir());
  if (!record) throw notValidated(source, imageId);
  if (record.smokeSkipped === undefined) return;
  const platform = image.platform ?? (await imagePlatform(docker, imageId));
  const name = formatPlatform(platform);
  if (skipSmoke.some((p) => samePlatform(p, platform))) {
    logger.warn(`publishing ${source} (${name}) without a smoke run: ${record.smokeSkipped}`);
    return;
  }
  throw new ModuleError(
    'smoke-not-run',
    `image ${source} (${name}) passed validate without its smoke run: ${record.smokeSkipped}`,
    {
      kind: 'refused',
      hint: (say) =>
        `Validate it where ${name} can run (QEMU user emulation registered)${say.has('skipSmokePlatforms') ? `, or publish it unrun with ${say.option('skipSmokePlatforms', name)}` : ''}.`,
    },
  );
}
