import { type Command, Option } from 'commander';
import type { Pusher } from '../../pipeline/publish.js';

/** The flags of how a version is pushed, shared by publish and release. */
export interface PushFlags {
  pusher?: Pusher;
  baseImage?: string;
}

/** Adds --pusher and --base-image. */
export function addPushOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--pusher <who>',
        "who uploads the version: kit (our own parallel, resumable push) or engine (the Docker Engine's push)",
      )
        .choices(['kit', 'engine'])
        .default('kit'),
    )
    .option(
      '--base-image <ref>',
      "the base image in its registry, whose layers are mounted or copied instead of uploaded (default: the image's org.opencontainers.image.base.name label)",
    );
}

/** The library options for the push flags. */
export function pushOptions(opts: PushFlags): { pusher?: Pusher; baseImage?: string } {
  return {
    ...(opts.pusher ? { pusher: opts.pusher } : {}),
    ...(opts.baseImage ? { baseImage: opts.baseImage } : {}),
  };
}
