import { spellingFrom } from '../errors.js';

/** How the CLI names the options library messages point at: its flags and commands. */
export const cliSpelling = spellingFrom(
  {
    force: '--force',
    changeVisibility: '--change-visibility',
    skipValidate: '--skip-validate',
    visibility: '--visibility',
    description: '--description',
    readme: '--readme',
    pusher: '--pusher',
    source: '--source',
    platforms: '--platform',
    skipSmokePlatforms: '--skip-smoke-platform',
    password: '--password-stdin',
    username: '--username',
    secret: '--secret',
    image: '--image',
    'command:validate': '`mercure-module validate`',
    'command:release': '`mercure-module release`',
    'command:build': '`mercure-module build`',
  },
  'flag',
);
