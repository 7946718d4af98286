import type { Command } from 'commander';
import { collectList } from '../options.js';

/** The platform flags of validate, publish and release. */
export interface PlatformFlags {
  serverPlatform?: string;
  skipSmokePlatform?: string[];
}

/** Adds --server-platform (validate, release). */
export function addServerPlatformOption(command: Command): Command {
  return command.option(
    '--server-platform <platform>',
    "the mercure server's platform: a warning when the image is built for another (default linux/amd64)",
  );
}

/** Adds --skip-smoke-platform (publish, release). */
export function addSkipSmokeOption(command: Command): Command {
  return command.option(
    '--skip-smoke-platform <platforms>',
    'publish these platforms although their smoke run was skipped here (no emulator for them), e.g. linux/arm64',
    collectList,
    [],
  );
}

/** The library options for the platform flags given. */
export function platformOptions(opts: PlatformFlags): { serverPlatform?: string; skipSmokePlatforms?: string[] } {
  return {
    ...(opts.serverPlatform ? { serverPlatform: opts.serverPlatform } : {}),
    ...(opts.skipSmokePlatform && opts.skipSmokePlatform.length > 0
      ? { skipSmokePlatforms: opts.skipSmokePlatform }
      : {}),
  };
}
