import semver from 'semver';
import { isModuleError } from '../../errors.js';
import { RegistryClient } from '../../registry/client.js';
import { parseReference } from '../../registry/reference.js';
import { defaultRetryPolicy, type RetryOptions } from '../../retry/index.js';
import type { Logger } from '../../logger.js';
import type { ImageSource } from './known-layers.js';

/**
 * The images a new version most likely shares layers with: the target's newest release (`latest`,
 * else the highest version tag) and the base image in its own registry, when one is named.
 */
export function relatedImages(
  target: RegistryClient,
  repository: string,
  tags: readonly string[],
  base: string | undefined,
  options: { retry?: RetryOptions | undefined; signal?: AbortSignal | undefined; fetch?: typeof fetch | undefined },
  logger: Logger,
): ImageSource[] {
  const images: ImageSource[] = [];
  const newest = tags.includes('latest')
    ? 'latest'
    : tags.filter((t) => semver.valid(t) !== null).sort(semver.rcompare)[0];
  if (newest) images.push({ client: target, repository, ref: newest });
  if (!base) return images;
  try {
    const reference = parseReference(base);
    const client =
      reference.registry === target.registry
        ? target
        : new RegistryClient({
            registry: reference.registry,
            retry: defaultRetryPolicy(options.retry),
            signal: options.signal,
            logger,
            ...(options.fetch ? { fetch: options.fetch } : {}),
          });
    images.push({ client, repository: reference.repository, ref: reference.digest ?? reference.tag ?? 'latest' });
  } catch (error) {
    if (!isModuleError(error)) throw error;
    logger.warn(`base image ${base} is no image reference (${error.message}): its layers will be uploaded`);
  }
  return images;
}
