/**
 * What a smoke run needs and leaves: the case folder as mercure lays it out (case.ts), the module's
 * mercure configuration applied as mercure applies it (module-run.ts), previews of its images
 * (previews.ts, pixels.ts), promote's re-validation (revalidate.ts), and the record of images that
 * passed, which publish requires (validation-record.ts).
 */
export { prepareCase } from './case.js';
export { resolveModuleRun } from './module-run.js';
export { findValidation, recordValidation } from './validation-record.js';
