/**
 * From a module folder to an image to validate: the static checks as one step and the build with
 * its findings (module-image.ts), the builder's progress and failures (builder.ts), and the git
 * facts that become OCI labels (git-info.ts).
 */
export { buildForValidation, staticChecks } from './module-image.js';
export { readGitInfo } from './git-info.js';
