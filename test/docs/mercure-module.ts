// The CLI straight from src/ (run with `node --import tsx`): what README runnable blocks and the
// scaffold's Makefile call as `mercure-module` in the tests, so they need no build.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
