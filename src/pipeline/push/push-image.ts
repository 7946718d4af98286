// Our own push of a local image: the Engine exports it, each layer is skipped, mounted, copied
// from its base image's registry, or compressed in parallel and uploaded in resumable chunks
// while the export streams; the config (whose digest is the validated image ID) and the manifest
// go last, once every blob is confirmed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tempFolderPrefix, tempRoot } from '../../local/index.js';
import { exportImage } from '../../engine/export.js';
import { exportFailed, readImageArchive, type ArchiveContents } from '../../engine/image-archive.js';
import { silentLogger } from '../../logger.js';
import { ImagePush } from './image-push.js';
import { knownLayers } from './known-layers.js';
import { LayerCache } from './layer-cache.js';
import type { PushImageOptions, PushImageResult } from './push-types.js';

export type { LayerCounts, PushImageOptions, PushImageResult } from './push-types.js';

/** Pushes a local image under `tag` (or by digest) and returns its manifest digest. */
export async function pushImage(options: PushImageOptions): Promise<PushImageResult> {
  const logger = options.logger ?? silentLogger;
  const inspect = await options.docker.getImage(options.source).inspect();
  const image = { id: inspect.Id, diffIds: inspect.RootFS.Layers ?? [] };
  // Asked for before the registry lookups: the Engine takes seconds before the first byte (20.10
  // writes the whole image to its temp folder first), which the lookups' round trips then overlap.
  // It waits, paused, until it is read; unread (the target holds everything) it is closed.
  // A failure while it waits unread (an interrupt destroys it) is seen by the reader or dropped with it.
  let early = options.archive
    ? undefined
    : exportImage(options.docker, image.id, options.signal).then((stream) => stream.on('error', () => {}));
  early?.catch(() => {}); // awaited below, or closed in `finally`
  const temp = await mkdtemp(tempFolderPrefix(await tempRoot(logger), 'push'));
  let push: ImagePush | undefined;
  try {
    const cache = await LayerCache.load(options.cacheDir);
    const platform = { os: inspect.Os, architecture: inspect.Architecture };
    const known = await knownLayers(image.diffIds, cache, options.related ?? [], platform, logger);
    const current = new ImagePush(options, logger, cache, known, inspect.Size, image.diffIds);
    push = current;
    await current.resolveKnown(image.diffIds);
    // A second export only when the first one skipped a layer it should not have (a copy that failed).
    let contents: ArchiveContents | undefined;
    // Every layer and the config already in the target (a re-push): nothing to export at all.
    const config = options.archive ? undefined : await options.registry.headBlob(options.repository, image.id);
    const everyLayer = image.diffIds.every((d) => current.descriptor(d));
    if (config && everyLayer) {
      await current.settle();
      if (image.diffIds.every((d) => current.descriptor(d)))
        contents = { format: 'docker-save', configSize: config.size };
    }
    for (let pass = 1; pass <= 2 && !contents?.configSize; pass++) {
      current.nextPass();
      const exporting =
        early ?? (options.archive ? options.archive() : exportImage(options.docker, image.id, options.signal));
      early = undefined;
      contents = await readImageArchive(await exporting, image, current.handlers(temp));
      await current.settle();
      const missing = current.missing(contents);
      if (missing.length === 0) break;
      if (pass === 2) throw exportFailed(`layers ${missing.join(', ')} never came`);
      logger.debug('some layers were neither found nor uploaded: exporting the image once more');
    }
    if (!contents) throw exportFailed('nothing was read');
    const result = await current.finish(image, contents);
    await cache.save().catch((error: unknown) => logger.debug(`layer cache not saved: ${String(error)}`));
    return result;
  } catch (error) {
    // An upload that failed first explains a compression cut short by its closed spool.
    throw (await push?.abandon()) ?? error;
  } finally {
    if (early) await early.then((stream) => stream.destroy()).catch(() => {});
    await rm(temp, { recursive: true, force: true });
  }
}
