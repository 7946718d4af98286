/**
 * One file per CLI command, each registering itself on the commander program with its options
 * (shared-options.ts, push-options.ts hold the flags several commands take). Options are parsed
 * with cli/options.ts and front-door/values.ts; the work is the library's, in pipeline/.
 */
import { registerBuild } from './build.js';
import { registerCheck } from './check.js';
import { registerFixtures } from './fixtures.js';
import { registerInit } from './init.js';
import { registerPromote } from './promote.js';
import { registerPublish } from './publish.js';
import { registerRegistryEntry } from './registry-entry.js';
import { registerRelease } from './release.js';
import { registerStatus } from './status.js';
import { registerValidate } from './validate.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS = [
  registerCheck,
  registerFixtures,
  registerValidate,
  registerBuild,
  registerPublish,
  registerRelease,
  registerPromote,
  registerStatus,
  registerRegistryEntry,
  registerInit,
];
