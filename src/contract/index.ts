/**
 * Does this module keep mercure's contract? The Finding vocabulary and its catalogue (finding.ts,
 * codes.ts, docs/findings.md), the static checks over the module folder (static/: model/ reads,
 * rules/ judge), and the smoke run that starts the image as mercure 0.4.1 does and judges what it
 * wrote (smoke.ts, smoke-start.ts, start-failure.ts, output.ts, routing.ts, diagnosis.ts).
 */
export { finding, hasErrors, sortFindings, type Finding } from './finding.js';
export { FINDING_CATALOGUE, type FindingCode } from './codes.js';
export { checkModule } from './static/index.js';
export { smokeRun, type SmokeOptions, type SmokeRun } from './smoke.js';
