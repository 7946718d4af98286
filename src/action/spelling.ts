import { spellingFrom } from '../errors.js';

/**
 * How the Action names the options library messages point at: its inputs (action.yml) and
 * commands. It has no skip-validate, no source and no build command: hints leave those out.
 */
export const actionSpelling = spellingFrom(
  {
    force: 'force',
    changeVisibility: 'change-visibility',
    visibility: 'visibility',
    description: 'description',
    readme: 'readme',
    pusher: 'pusher',
    platforms: 'platforms',
    skipSmokePlatforms: 'skip-smoke-platforms',
    password: 'password',
    'command:validate': 'the Action with command: validate',
    'command:release': 'command: release',
  },
  'input',
);
