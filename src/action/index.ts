/**
 * The GitHub Action, the second front door (cli/ is the first): inputs.ts is the one reader of
 * core.getInput, commands.ts runs the library's verbs, outputs/summary/annotations report through
 * @actions/core, spelling.ts names inputs in library hints; main.ts puts it all in the front-door
 * runner shared with the CLI. @actions/* appear only here.
 */
import { run } from './main.js';

/** The action's entry point (action.yml runs dist/index.js, bundled from here). */
await run();
