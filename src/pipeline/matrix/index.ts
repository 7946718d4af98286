/**
 * The parts of `validate --matrix` (pipeline/matrix.ts wires them): when each case is written and
 * each module runs (schedule.ts), the loop over the variants (variant-loop.ts), the module's
 * declared scope (module-scope.ts), and failures grouped by cause (causes.ts).
 */
export { VariantSchedule } from './schedule.js';
export { runVariants } from './variant-loop.js';
export { groupCauses } from './causes.js';
