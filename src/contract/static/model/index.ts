/**
 * Reading a module folder into models, with no judgement: the Dockerfile's stages and steps with
 * their variables, the entry script and the shell commands it runs, COPY sources, .dockerignore,
 * file modes. rules/ judges these models; keeping the two apart lets each rule stay a small pure
 * function over a model.
 */
export { readModuleFiles, type ModuleFiles } from './module-files.js';
