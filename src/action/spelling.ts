import { spellingFrom } from '../errors.js';

/**
 * How the Action names the options library messages point at: its inputs (action.yml) and
 * commands. It has no skip-validate, no source, no build command and no single secret option (its secrets, secret-files and secret-envs are read into specs it writes itself): hints leave those out.
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
    username: 'username',
    image: 'image',
    'command:validate': 'the Action with command: validate',
    'command:release': 'command: release',
  },
  'input',
);
