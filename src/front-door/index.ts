/**
 * What the two front doors (cli/, action/) share, so that they behave alike: the runner (signals,
 * exit codes, clean-up, failures told in the door's words: runner.ts) and the one parser for the
 * values both take as text (settings, timeouts, build arguments, labels: values.ts). It imports
 * neither door (test/architecture: ly07).
 */
export { runFrontDoor, type Failure, type FrontDoor } from './runner.js';
export { parseBuildArg, parseBuildArgLines, parseLabel, parseSettingsValue, parseTimeoutValue } from './values.js';
