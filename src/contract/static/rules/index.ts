/**
 * The static rules: each file judges one topic of the models in model/ (Dockerfile, base image,
 * entry script, runtime steps, BuildKit-only syntax, build context, hard-coded paths, Makefile) and
 * returns Findings; static/index.ts runs them all.
 */
export { commandFindings, syntaxFindings, userFindings } from './dockerfile.js';
