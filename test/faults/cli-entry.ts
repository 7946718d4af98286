// The CLI straight from src/ for tests that need a real process to signal: what bin/mercure-module.js
// does with build/, run as `node --import tsx test/faults/cli-entry.ts <args>`.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
