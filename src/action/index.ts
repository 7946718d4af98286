import { run } from './main.js';

/** The action's entry point (action.yml runs dist/index.js, bundled from here). */
await run();
