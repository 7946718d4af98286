/**
 * Floating tags moved only forward: each planned tag re-checked just before its PUT and settled
 * after it (tag-guard.ts), moved in order (tag-mover.ts); the plan itself is release/'s pure rule.
 */
export { moveTagsForward } from './tag-mover.js';
