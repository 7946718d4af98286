import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { actionSpelling } from '../../src/action/spelling.js';
import { cliSpelling } from '../../src/cli/spelling.js';
import { exportFailed } from '../../src/engine/image-archive.js';
import { librarySpelling, ModuleError, type OptionKey, type Spelling } from '../../src/errors.js';
import { runFrontDoor, type Failure } from '../../src/front-door/runner.js';
import { visibilityMismatch } from '../../src/hub/ensure.js';
import { hubForbidden } from '../../src/hub/failures.js';
import { buildItFirst, notValidated, revalidationFailed, versionTaken } from '../../src/pipeline/refusals.js';
import { runCli } from '../cli/run-cli.js';
import { parseSecret, singlePlatform } from '../../src/engine/build-settings.js';
import { resolveCredentials } from '../../src/pipeline/access/credentials.js';
import { registryBaseUrl } from '../../src/registry/reference.js';

/** Library errors whose hints point at options, told by each front door (and to library callers). */
type Row = [name: string, error: () => ModuleError, cli: RegExp, action: RegExp, library: RegExp];
const rows: Row[] = [
  [
    'hi01 a version tag holding another image',
    () => versionTaken('acme/blur:1.2.3', 'sha256:abc'),
    /overwrite this one with --force\./,
    /overwrite this one with force: true\./,
    /overwrite this one with force: true\./,
  ],
  [
    'hi02 visibility mismatch (message and hint)',
    () => visibilityMismatch('acme/blur', 'public', 'private'),
    /but --visibility private was asked: .*; --change-visibility makes it private\n.*--visibility public/s,
    /but visibility: private was asked: .*; change-visibility: true makes it private\n.*visibility: public/s,
    /but visibility: 'private' was asked: .*; changeVisibility: true makes it private/,
  ],
  [
    'hi03 not validated: the Action has no skip-validate, so its hint does not offer it',
    () => notValidated('acme/blur:1.2.3', 'sha256:0123456789abcdef0123'),
    /Run `mercure-module validate` on it first \(or use `mercure-module release`.*\), or publish it unvalidated with --skip-validate\./,
    /Run the Action with command: validate on it first \(or use command: release, which validates and publishes\)\.$/,
    /Run validate\(\) on it first \(or use release\(\).*with skipValidate: true\./,
  ],
  [
    'hi04 re-validation failed on promote',
    () => revalidationFailed('acme/blur@sha256:abc'),
    /source, or promote this one anyway with --skip-validate\./,
    /publish a new version to the source\.$/,
    /with skipValidate: true\./,
  ],
  [
    'hi05 Docker Hub refuses repository settings',
    () => hubForbidden({ namespace: 'acme', what: 'change repository settings', needs: 'admin' }, 'bob', ''),
    /\(no --description, --readme, --change-visibility\)/,
    /\(no description, readme, change-visibility: true\)/,
    /\(no description, readme, changeVisibility: true\)/,
  ],
  [
    'hi06 the export failed: the engine pusher instead',
    () => exportFailed('a truncated layer'),
    /publish with --pusher engine\./,
    /publish with pusher: engine\./,
    /publish with pusher: 'engine'\./,
  ],
  [
    'hi07 the image to publish is not in the engine',
    () =>
      new ModuleError('image-not-found', 'image acme/blur:1.2.3 is not in the Docker Engine', { hint: buildItFirst }),
    /Build it first \(`mercure-module build` with this image and version\), or name it with --source\./,
    /Build it first \(the Action with command: validate builds it\)\.$/,
    /Build it first \(build\(\) with this image and version\), or name it with source\./,
  ],
  [
    'hi10 a password without a username: each door names its own way to give it',
    () => resolveCredentialsError({ username: 'ci' }),
    /or give it with --password-stdin \(never on a command line\)\./,
    /or give it with password \(never on a command line\)\./,
    /or give it with credentials \(never on a command line\)\./,
  ],
  [
    'hi11 a registry URL carrying a login',
    () => registryUrlError('http://ci:hunter2@127.0.0.1:1'),
    /give --username with --password-stdin/,
    /give username with password/,
    /give username with credentials/,
  ],
  [
    'hi12 a malformed build secret',
    () => secretError('id=token'),
    /^--secret id=token: .*\nGive --secret id=NAME,src=FILE or --secret id=NAME,env=VARIABLE/,
    /^secret id=token: .*\nGive each build secret as id=NAME,src=FILE/,
    /^secret id=token: /,
  ],
  [
    'hi13 validate of several platforms',
    () => platformError(['linux/amd64,linux/arm64']),
    /^--platform linux\/amd64,linux\/arm64: .*\nRelease them together \(`mercure-module release` with --platform a,b .*--image\./,
    /^platforms: linux\/amd64,linux\/arm64: .*\nRelease them together \(command: release with platforms: a,b .*image\./,
    /^platforms: 'linux\/amd64,linux\/arm64': .*release\(\) with platforms: 'a,b'/s,
  ],
];

/** The error a library call throws, for the rows above. */
function thrown(call: () => unknown): ModuleError {
  try {
    call();
  } catch (e) {
    if (e instanceof ModuleError) return e;
    throw e;
  }
  throw new Error('expected a ModuleError');
}
const resolveCredentialsError = (given: { username?: string }) => thrown(() => resolveCredentials(given, {}));
const registryUrlError = (url: string) => thrown(() => registryBaseUrl('127.0.0.1:1', url));
const secretError = (spec: string) => thrown(() => parseSecret(spec));
const platformError = (platforms: string[]) => thrown(() => singlePlatform(platforms));

const told = (error: ModuleError, spelling: Spelling) => {
  const { message, hint } = error.told(spelling);
  return `${message}\n${hint ?? ''}`;
};

describe('library hints fit the front door that shows them', () => {
  test.each(rows)('%s', (_name, error, cli, action, library) => {
    const e = error();
    expect(told(e, cliSpelling)).toMatch(cli);
    expect(told(e, actionSpelling)).toMatch(action);
    // The Action's words never name a command-line flag; the library's are its option properties.
    expect(told(e, actionSpelling)).not.toMatch(/(^|[\s(])--[a-z]/);
    expect(`${e.message}\n${e.hint ?? ''}`).toMatch(library);
    expect(told(e, librarySpelling)).toBe(`${e.message}\n${e.hint ?? ''}`);
  });

  test('hi08 each door shows a failure in its own words (through the shared runner)', async () => {
    for (const [spelling, expected] of [
      [cliSpelling, /with --force\.$/],
      [actionSpelling, /with force: true\.$/],
    ] as const) {
      const failures: Failure[] = [];
      const door = { ownProcess: false, spelling, notice: () => {}, fail: (f: Failure) => void failures.push(f) };
      expect(await runFrontDoor(door, () => Promise.reject(versionTaken('acme/blur:1.2.3', 'sha256:abc')))).toBe(1);
      const [failure] = failures;
      expect(failure?.kind === 'module' ? failure.hint : undefined).toMatch(expected);
    }
  });

  test('hi09 every option a door spells exists there: Action inputs in action.yml, CLI flags in --help', async () => {
    const action = parse(await readFile('action.yml', 'utf8')) as { inputs: Record<string, unknown> };
    const keys = Object.keys(cliSpellingTable()) as OptionKey[];
    for (const key of keys) {
      if (key.startsWith('command:') || !actionSpelling.has(key)) continue;
      const input = actionSpelling.option(key).split(':')[0] ?? '';
      expect(Object.keys(action.inputs), key).toContain(input);
    }
    const help = (
      await Promise.all(['publish', 'release', 'promote', 'build', 'validate'].map((c) => runCli([c, '--help'])))
    )
      .map((r) => r.stdout)
      .join('\n');
    for (const key of keys) {
      const spelled = cliSpelling.option(key);
      if (key.startsWith('command:')) {
        expect(help + (await runCli(['--help'])).stdout).toContain(spelled.replace(/`/g, '').split(' ')[1]);
        continue;
      }
      expect(help, key).toContain(spelled);
    }
  });
});

/** Every OptionKey: the CLI spells them all. */
function cliSpellingTable(): Record<OptionKey, true> {
  const all: Record<OptionKey, true> = {
    force: true,
    changeVisibility: true,
    skipValidate: true,
    visibility: true,
    description: true,
    readme: true,
    pusher: true,
    source: true,
    platforms: true,
    skipSmokePlatforms: true,
    password: true,
    username: true,
    secret: true,
    image: true,
    'command:validate': true,
    'command:release': true,
    'command:build': true,
  };
  for (const key of Object.keys(all) as OptionKey[]) expect(cliSpelling.has(key), key).toBe(true);
  return all;
}
