import { describe, expect, it } from 'vitest';
import { publishOptions } from '../../src/action/commands.js';
import { readInputs, type ActionInputs, type InputSource, type RunContext } from '../../src/action/inputs.js';
import { silentLogger } from '../../src/logger.js';

/** Inputs from a table, booleans as @actions/core reads them (YAML 1.2 core schema), every call recorded. */
function table(values: Record<string, string>): InputSource & { calls: string[]; masked: string[] } {
  const calls: string[] = [];
  const masked: string[] = [];
  return {
    calls,
    masked,
    get(name) {
      calls.push(`get ${name}`);
      return values[name] ?? '';
    },
    getBoolean(name) {
      const value = values[name] ?? '';
      if (['true', 'True', 'TRUE'].includes(value)) return true;
      if (['false', 'False', 'FALSE'].includes(value)) return false;
      throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}`);
    },
    mask(value) {
      calls.push('mask');
      masked.push(value);
    },
  };
}

const BRANCH: RunContext = { ref: 'refs/heads/main', releaseTag: undefined };
const TAG: RunContext = { ref: 'refs/tags/v1.2.3', releaseTag: undefined };
const RELEASE: RunContext = { ref: 'refs/tags/v2.0.0', releaseTag: 'v2.0.0' };

type Row = [name: string, inputs: Record<string, string>, run: RunContext, expected: Partial<ActionInputs>];
const rows: Row[] = [
  [
    'in01 validate with defaults',
    { command: 'validate' },
    BRANCH,
    {
      command: 'validate',
      context: '.',
      image: undefined,
      version: undefined,
      credentials: undefined,
      extraTags: [],
      buildArgs: {},
      requiresRoot: false,
      network: false,
      dryRun: false,
      timeoutSeconds: undefined,
      settings: undefined,
      visibility: undefined,
    },
  ],
  [
    'in02 release is the default command; version from the pushed tag',
    { image: 'acme/blur' },
    TAG,
    { command: 'release', version: 'refs/tags/v1.2.3', versionFrom: 'GITHUB_REF' },
  ],
  [
    'in03 the release event names the version',
    { image: 'acme/blur' },
    RELEASE,
    { version: 'v2.0.0', versionFrom: 'release' },
  ],
  [
    'in04 the version input wins over the ref',
    { image: 'acme/blur', version: '1.4.0' },
    TAG,
    { version: '1.4.0', versionFrom: 'input' },
  ],
  [
    'in05 validate on a tag that is not a version needs none',
    { command: 'validate' },
    { ref: 'refs/tags/docs', releaseTag: undefined },
    { version: undefined },
  ],
  [
    'in06 registry host goes in front of the image',
    { image: 'acme/blur', registry: 'ghcr.io', version: '1.0.0' },
    BRANCH,
    { image: 'ghcr.io/acme/blur', registryUrl: undefined },
  ],
  [
    'in07 a registry URL also sets the API address',
    { image: 'acme/blur', registry: 'http://10.1.2.3:5000', version: '1.0.0' },
    BRANCH,
    { image: '10.1.2.3:5000/acme/blur', registryUrl: 'http://10.1.2.3:5000' },
  ],
  [
    'in08 an image naming the same registry is left alone',
    { image: 'ghcr.io/acme/blur', registry: 'ghcr.io', version: '1.0.0' },
    BRANCH,
    { image: 'ghcr.io/acme/blur' },
  ],
  [
    'in09 extra tags by comma and line',
    { command: 'validate', 'extra-tags': 'stable, lts\nedge\n' },
    BRANCH,
    { extraTags: ['stable', 'lts', 'edge'] },
  ],
  [
    'in10 build args: comments, blank lines, = in values',
    { command: 'validate', 'build-args': '# base\nBASE_IMAGE=python:3.12\n\nOPTS=a=b c\n' },
    BRANCH,
    { buildArgs: { BASE_IMAGE: 'python:3.12', OPTS: 'a=b c' } },
  ],
  [
    'in11 booleans, timeout, settings, visibility',
    {
      command: 'validate',
      'requires-root': 'True',
      network: 'TRUE',
      'dry-run': 'false',
      timeout: '90',
      settings: '{"radius": 2}',
      visibility: 'private',
    },
    BRANCH,
    {
      requiresRoot: true,
      network: true,
      dryRun: false,
      timeoutSeconds: 90,
      settings: { radius: 2 },
      visibility: 'private',
    },
  ],
  [
    'in12 status takes an image with a tag',
    { command: 'status', image: 'acme/blur:1' },
    BRANCH,
    { image: 'acme/blur:1', version: undefined },
  ],
  [
    'in14 promote-from a repository takes the version as its tag',
    { command: 'promote', image: 'acme/blur', 'promote-from': 'acme/blur-staging' },
    RELEASE,
    { promoteFrom: 'acme/blur-staging:2.0.0', version: 'v2.0.0' },
  ],
  [
    'in15 promote-from with a tag or digest is kept',
    { command: 'promote', image: 'acme/blur', 'promote-from': 'acme/blur-staging:rc' },
    RELEASE,
    { promoteFrom: 'acme/blur-staging:rc' },
  ],
  [
    'in13 a login',
    { command: 'validate', username: 'acme', password: 's3cret' },
    BRANCH,
    { credentials: { username: 'acme', password: 's3cret' } },
  ],
  [
    'in16 the tag plan: channel, latest, major-zero, a commit, a variant',
    {
      image: 'acme/blur',
      'extra-tags': 'stable',
      channel: 'next',
      latest: 'false',
      'major-zero': 'true',
      'sha-tag': '0123456789abcdef',
      'tag-prefix': 'py3-',
      'tag-suffix': '-gpu',
    },
    TAG,
    {
      tagOptions: {
        extraTags: ['stable'],
        channel: 'next',
        latest: false,
        majorZero: true,
        shaTag: '0123456789abcdef',
        prefix: 'py3-',
        suffix: '-gpu',
      },
    },
  ],
  [
    'in17 defaults of the tag plan and the repository: latest moves, nothing else',
    { image: 'acme/blur' },
    TAG,
    {
      tagOptions: { extraTags: [], latest: true },
      repository: {},
      force: false,
      level: 'series',
      pusher: 'kit',
      baseImage: undefined,
    },
  ],
  [
    'in20 the Engine pushes, and the base image is named in its registry',
    { image: 'acme/blur', pusher: 'engine', 'base-image': ' ghcr.io/acme/python:3.12 ' },
    TAG,
    { pusher: 'engine', baseImage: 'ghcr.io/acme/python:3.12' },
  ],
  [
    'in18 the repository: visibility, change-visibility, description, readme from a file',
    {
      image: 'acme/blur',
      visibility: 'private',
      'change-visibility': 'true',
      description: 'Smooths a series',
      readme: 'examples/blur/README.md',
      force: 'true',
    },
    TAG,
    {
      force: true,
      repository: {
        visibility: 'private',
        changeVisibility: true,
        description: 'Smooths a series',
        readme: expect.stringContaining('blur'),
      },
    },
  ],
  [
    'in19 promote with a source login and a source registry in front of promote-from',
    {
      command: 'promote',
      image: 'acme/blur',
      'promote-from': 'acme/blur-staging',
      'source-registry': 'http://127.0.0.1:5001',
      'source-username': 'ci',
      'source-password': 'staging-secret',
      level: 'study',
    },
    RELEASE,
    {
      promoteFrom: '127.0.0.1:5001/acme/blur-staging:2.0.0',
      sourceRegistryUrl: 'http://127.0.0.1:5001',
      sourceCredentials: { username: 'ci', password: 'staging-secret' },
      credentials: undefined,
      level: 'study',
    },
  ],
];

describe('readInputs: every input read once, validated and normalised', () => {
  it.each(rows)('%s', (_name, inputs, run, expected) => {
    expect(readInputs(table(inputs), run, {})).toMatchObject(expected);
  });

  const refused: [name: string, inputs: Record<string, string>, run: RunContext, message: string][] = [
    [
      'bad01 version',
      { image: 'acme/blur', version: '1.2' },
      BRANCH,
      'input "version": "1.2" is not a semantic version',
    ],
    [
      'bad02 a tag that is not a version, for release',
      { image: 'acme/blur' },
      { ref: 'refs/tags/docs', releaseTag: undefined },
      'version (from GITHUB_REF): "refs/tags/docs" is not a semantic version',
    ],
    [
      'bad03 no version on a branch',
      { image: 'acme/blur' },
      BRANCH,
      'input "version": release needs a version, and GITHUB_REF (refs/heads/main) is not a tag',
    ],
    [
      'bad04 no image for publish',
      { command: 'publish', version: '1.0.0' },
      BRANCH,
      'input "image": publish needs the repository to publish to',
    ],
    [
      'bad05 image and registry disagree',
      { image: 'quay.io/acme/blur', registry: 'ghcr.io', version: '1.0.0' },
      BRANCH,
      'input "image": "quay.io/acme/blur" names registry quay.io, but input "registry" is ghcr.io',
    ],
    [
      'bad06 image with a digest',
      { image: 'acme/blur@sha256:' + 'a'.repeat(64), version: '1.0.0' },
      BRANCH,
      'must name a repository without a tag or digest',
    ],
    [
      'bad07 image not a reference',
      { image: 'Acme Blur', version: '1.0.0' },
      BRANCH,
      'input "image": invalid image reference "Acme Blur"',
    ],
    [
      'bad08 boolean',
      { command: 'validate', network: 'yes' },
      BRANCH,
      'input "network": expected true or false, got "yes"',
    ],
    [
      'bad09 build arg',
      { command: 'validate', 'build-args': 'A=1\n=2' },
      BRANCH,
      'input "build-args" line 2 expects KEY=VALUE, got no KEY before "="',
    ],
    [
      'bad10 settings not an object',
      { command: 'validate', settings: '[1]' },
      BRANCH,
      'input "settings" must be a JSON object',
    ],
    [
      'bad11 settings not JSON',
      { command: 'validate', settings: '{radius: 2}' },
      BRANCH,
      'input "settings" is not valid JSON',
    ],
    [
      'bad12 timeout',
      { command: 'validate', timeout: '10m' },
      BRANCH,
      'input "timeout" expects a positive number of seconds, got "10m"',
    ],
    [
      'bad13 visibility',
      { command: 'validate', visibility: 'internal' },
      BRANCH,
      'input "visibility": expected one of public, private, got "internal"',
    ],
    [
      'bad14 registry with a path',
      { command: 'validate', registry: 'ghcr.io/acme' },
      BRANCH,
      'input "registry": expected a host such as ghcr.io or a URL',
    ],
    [
      'bad16 promote without promote-from',
      { command: 'promote', image: 'acme/blur' },
      RELEASE,
      'input "promote-from": promote needs the tested image',
    ],
    [
      'bad17 sha-tag neither boolean nor commit',
      { image: 'acme/blur', 'sha-tag': 'main' },
      TAG,
      'input "sha-tag": expected true, false or a git commit (7 to 64 hex digits), got "main"',
    ],
    ['bad18 sha-tag true without GITHUB_SHA', { image: 'acme/blur', 'sha-tag': 'true' }, TAG, 'GITHUB_SHA is not set'],
    [
      'bad19 a tag prefix that cannot start a tag',
      { image: 'acme/blur', 'tag-prefix': '-x' },
      TAG,
      'tag inputs: prefix "-x" cannot start a Docker tag',
    ],
    [
      'bad20 a channel named like a managed tag',
      { image: 'acme/blur', channel: 'latest' },
      TAG,
      'tag inputs: channel "latest" is a name the tag rules manage',
    ],
    [
      'bad21 readme missing',
      { image: 'acme/blur', readme: 'nope.md' },
      TAG,
      'input "readme": file cannot be read: nope.md does not exist',
    ],
    ['bad22 level', { command: 'validate', level: 'patient' }, BRANCH, 'input "level": expected one of series, study'],
    [
      'bad23 a source password without a source user',
      { command: 'promote', 'source-password': 'x' },
      BRANCH,
      'a registry password was given but no username',
    ],
    ['bad24 pusher', { image: 'acme/blur', pusher: 'docker' }, TAG, 'input "pusher": expected one of kit, engine'],
    [
      'bad15 a password without a user',
      { command: 'release', password: 's3cret' },
      BRANCH,
      'a registry password was given but no username',
    ],
  ];
  it.each(refused)('%s', (_name, inputs, run, message) => {
    expect(() => readInputs(table(inputs), run, {})).toThrow(message);
  });

  it('pusher and base-image reach publish (and release) as the library options pusher and baseImage', () => {
    const signal = new AbortController().signal;
    const read = (values: Record<string, string>) => readInputs(table({ image: 'acme/blur', ...values }), TAG, {});
    const given = publishOptions(
      read({ pusher: 'engine', 'base-image': 'ghcr.io/acme/python:3.12' }),
      silentLogger,
      signal,
    );
    expect(given).toMatchObject({ pusher: 'engine', baseImage: 'ghcr.io/acme/python:3.12' });
    const defaults = publishOptions(read({}), silentLogger, signal);
    expect(defaults.pusher).toBe('kit');
    expect('baseImage' in defaults).toBe(false);
  });

  it('platforms, server-platform and skip-smoke-platforms reach publish and release as the library options', () => {
    const signal = new AbortController().signal;
    const read = (values: Record<string, string>) => readInputs(table({ image: 'acme/blur', ...values }), TAG, {});
    const given = read({
      platforms: 'linux/amd64,linux/arm64',
      'server-platform': ' linux/arm64 ',
      'skip-smoke-platforms': 'linux/arm64\nlinux/arm/v7',
    });
    expect(given.serverPlatform).toBe('linux/arm64');
    expect(publishOptions(given, silentLogger, signal)).toMatchObject({
      platforms: ['linux/amd64', 'linux/arm64'],
      skipSmokePlatforms: ['linux/arm64', 'linux/arm/v7'],
    });
    // One platform is a plain single-platform release: no index.
    const one = publishOptions(read({ platforms: 'linux/arm64' }), silentLogger, signal);
    expect('platforms' in one || 'skipSmokePlatforms' in one).toBe(false);
  });

  it('validate needs no login: a password without a user is no reason to refuse it (and is still masked)', () => {
    const source = table({ command: 'validate', password: 's3cret', 'source-password': 'x' });
    const inputs = readInputs(source, BRANCH, {});
    expect(inputs.credentials).toBeUndefined();
    expect(source.masked).toContain('s3cret');
  });

  it('masks the password, its base64 and the Basic credentials before reading any other input', () => {
    const source = table({ command: 'validate', username: 'acme', password: 's3cret' });
    readInputs(source, BRANCH, {});
    expect(source.calls.slice(0, 3)).toEqual(['get password', 'mask', 'mask']);
    expect(source.masked).toEqual([
      's3cret',
      Buffer.from('s3cret').toString('base64'),
      Buffer.from('acme:s3cret').toString('base64'),
    ]);
  });

  it('masks the source password like the password, before any other input is read', () => {
    const source = table({ command: 'validate', 'source-username': 'ci', 'source-password': 'stage' });
    const inputs = readInputs(source, BRANCH, {});
    expect(source.calls.slice(0, 4)).toEqual(['get password', 'get source-password', 'mask', 'mask']);
    expect(source.masked).toEqual([
      'stage',
      Buffer.from('stage').toString('base64'),
      Buffer.from('ci:stage').toString('base64'),
    ]);
    expect(inputs.sourceCredentials).toEqual({ username: 'ci', password: 'stage' });
  });

  it('sha-tag true tags the commit the workflow runs on', () => {
    const inputs = readInputs(table({ image: 'acme/blur', 'sha-tag': 'true' }), TAG, { GITHUB_SHA: 'abcdef0123' });
    expect(inputs.tagOptions.shaTag).toBe('abcdef0123');
  });

  it('masks a password given in the environment too, and uses it', () => {
    const source = table({ command: 'validate' });
    const inputs = readInputs(source, BRANCH, {
      MERCURE_REGISTRY_USERNAME: 'acme',
      MERCURE_REGISTRY_PASSWORD: 'from-env',
    });
    expect(source.masked[0]).toBe('from-env');
    expect(inputs.credentials).toEqual({ username: 'acme', password: 'from-env' });
  });
});
