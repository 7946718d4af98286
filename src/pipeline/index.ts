/**
 * The verbs users call, one file each at this level (validate, matrix, build, publish, release,
 * promote, status, registry-entry), and their helpers in subfolders: access/ (logins, registry
 * clients, Docker Hub repositories), image/ (static checks and the build), matrix/ (the variant
 * schedule and loop, scopes, causes), push/ (our own push), tags/ (moving floating tags
 * forward), validation/ (case folders, module config, the validation record). refusals.ts holds
 * the refusals whose hints name options. Nothing here knows the CLI or the Action.
 */
export { validate } from './validate.js';
export { runMatrix } from './matrix.js';
export { buildModule } from './build.js';
export { publish } from './publish.js';
export { release } from './release.js';
export { promote } from './promote.js';
export { status } from './status.js';
export { registryEntry } from './registry-entry.js';
