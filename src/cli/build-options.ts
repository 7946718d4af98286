import type { Command } from 'commander';
import { parseSecret, type BuildSettings } from '../engine/build-settings.js';
import { collectList } from './options.js';

/** The build flags, named as `docker buildx build` names them. */
export interface BuildFlags {
  file?: string;
  dockerfile?: string;
  buildArg?: Record<string, string>;
  label?: Record<string, string>;
  target?: string;
  platform: string[];
  cache: boolean;
  builder?: string;
  cacheFrom: string[];
  cacheTo: string[];
  secret: string[];
  buildNetwork?: string;
}

/** A --secret checked at once, so that a typo fails before a long build; the value names a source, not the secret. */
function collectSecret(value: string, previous: string[] = []): string[] {
  parseSecret(value);
  return [...previous, value];
}

/** Adds the build flags shared by build, validate and release (--build-arg, --label and --dockerfile are the commands' own). */
export function addBuildOptions(command: Command): Command {
  return command
    .option('-f, --file <path>', 'the Dockerfile, relative to DIR (default DIR/Dockerfile; --dockerfile is the same)')
    .option('--target <stage>', 'build this stage of a multi-stage Dockerfile')
    .option(
      '--platform <platform>',
      'target platform(s), e.g. linux/amd64, or linux/amd64,linux/arm64: one image a platform, tagged <image>:<version>-<os>-<arch> (build, release)',
      collectList,
      [],
    )
    .option('--no-cache', 'do not use the build cache')
    .option(
      '--builder <name>',
      'a buildx builder (docker-container, remote, kubernetes drivers): builds leave this machine',
    )
    .option(
      '--cache-from <spec>',
      'build cache source as buildx takes it, e.g. type=registry,ref=acme/blur:cache (repeatable)',
      collectList,
      [],
    )
    .option(
      '--cache-to <spec>',
      'build cache export, e.g. type=inline, or type=registry,ref=… with a docker-container builder (repeatable)',
      collectList,
      [],
    )
    .option(
      '--secret <id=NAME,src=FILE>',
      'build secret for RUN --mount=type=secret (or id=NAME,env=VAR); never in a layer or log (repeatable)',
      collectSecret,
      [],
    )
    .option('--build-network <mode>', 'network of RUN steps (buildx --network), e.g. none or host');
}

/** BuildSettings from the build flags (only those given). */
export function buildSettings(opts: BuildFlags): BuildSettings {
  const dockerfile = opts.file ?? opts.dockerfile;
  return {
    ...(dockerfile ? { dockerfile } : {}),
    ...(opts.buildArg ? { buildArgs: opts.buildArg } : {}),
    ...(opts.label ? { labels: opts.label } : {}),
    ...(opts.target ? { target: opts.target } : {}),
    ...(opts.platform.length > 0 ? { platforms: opts.platform } : {}),
    ...(opts.cache ? {} : { noCache: true }),
    ...(opts.builder ? { builder: opts.builder } : {}),
    ...(opts.cacheFrom.length > 0 ? { cacheFrom: opts.cacheFrom } : {}),
    ...(opts.cacheTo.length > 0 ? { cacheTo: opts.cacheTo } : {}),
    ...(opts.secret.length > 0 ? { secrets: opts.secret } : {}),
    ...(opts.buildNetwork ? { buildNetwork: opts.buildNetwork } : {}),
  };
}
