// One canary password through every command that logs in (release, publish, promote, status,
// registry-entry; from the environment and from --password-stdin; right and wrong), and through
// the bundled Action: every byte printed, logged and written (stdout, stderr, HOME with the
// validation state and any ~/.docker, TMPDIR, the Action's outputs and summary) is searched for
// it in plain, URL-encoded, JSON-escaped and base64 forms. It must appear nowhere.
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withActionRun } from '../action/support.js';
import { runCli } from '../cli/run-cli.js';
import { startTokenRegistry, type TokenRegistry } from '../registry/token-service.js';
import { BASE_IMAGES, EXAMPLE_MODULE, REPO_ROOT } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { tinyModule, untagPushed } from './support.js';

const USER = 'canary-user';
// Random, long, with a colon, a slash, an @ and non-ASCII: every encoding step gets a chance to leak it.
const CANARY = `cAnArY-${randomBytes(12).toString('hex')}:/@€-${randomBytes(6).toString('base64url')}`;
const WRONG = `wRoNg-${randomBytes(12).toString('hex')}:/@€`;
const ENTRY = path.join(REPO_ROOT, 'test/faults/cli-entry.ts');

/** The forms a secret could leak in: plain, URL- and JSON-encoded, and base64 (standard and URL-safe) at every byte alignment, alone and as user:password. */
export function secretForms(user: string, secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  for (const text of [secret, `${user}:${secret}`]) {
    for (const pad of [0, 1, 2]) {
      const bytes = Buffer.concat([Buffer.alloc(pad, 0x20), Buffer.from(text, 'utf8')]);
      for (const encoding of ['base64', 'base64url'] as const) {
        const encoded = bytes.toString(encoding);
        // Drop the characters the padding bytes and the last partial group touch.
        forms.add(encoded.slice(pad === 0 ? 0 : 4, -4));
      }
    }
  }
  return [...forms].filter((f) => f.length >= 12);
}

/** Every file under `dir` as [path, bytes as latin1 text] (symlinks not followed). */
async function filesUnder(dir: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  const walk = async (at: string): Promise<void> => {
    for (const name of await readdir(at).catch(() => [] as string[])) {
      const full = path.join(at, name);
      const info = await lstat(full);
      if (info.isDirectory()) await walk(full);
      else if (info.isFile())
        out.push([full, (await readFile(full)).toString('latin1') + (await readFile(full)).toString('utf8')]);
    }
  };
  await walk(dir);
  return out;
}

let sandbox: string;
let basic: TestRegistry;
let tokens: TokenRegistry;
/** Everything printed, by where it was printed. */
const printed: [where: string, text: string][] = [];
const ran: string[] = [];

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(os.tmpdir(), 'mmk-canary-'));
  await Promise.all(['home', 'tmp', 'work'].map((d) => mkdir(path.join(sandbox, d))));
  [basic, tokens] = await Promise.all([
    startRegistry({ auth: { username: USER, password: CANARY } }),
    startTokenRegistry({ username: USER, password: CANARY }),
  ]);
}, 120_000);
afterAll(async () => {
  await untagPushed(
    [basic?.host, tokens?.registry.host].filter((h): h is string => h !== undefined).map((h) => `${h}/`),
  );
  await Promise.all([basic?.stop(), tokens?.stop()]);
  await rm(sandbox, { recursive: true, force: true });
});

const env = (password: string | undefined, extra: Record<string, string> = {}) => ({
  HOME: path.join(sandbox, 'home'),
  TMPDIR: path.join(sandbox, 'tmp'),
  XDG_STATE_HOME: undefined,
  MERCURE_MODULE_STATE_DIR: undefined,
  DOCKER_CONFIG: undefined,
  MERCURE_REGISTRY_USERNAME: password === undefined ? undefined : USER,
  MERCURE_REGISTRY_PASSWORD: password,
  ...extra,
});

/** Runs the CLI in-process and keeps what it printed; `ok` says whether it must succeed. */
async function cli(
  name: string,
  args: string[],
  password: string | undefined,
  ok: boolean,
  extra: Record<string, string> = {},
) {
  const result = await runCli(
    [...args, '--verbose'].filter(
      (a, i, all) => a !== '--verbose' || !['status', 'registry-entry'].includes(all[0] ?? ''),
    ),
    env(password, extra),
  );
  printed.push([`${name} stdout`, result.stdout], [`${name} stderr`, result.stderr]);
  ran.push(name);
  expect(result.code === 0, `${name}: ${result.stderr}`).toBe(ok);
  return result;
}

describe('a canary password through every command', () => {
  test('release, publish, promote, status and registry-entry, with the right password and the wrong one', async () => {
    const image = `${basic.host}/canary/blur`;
    await cli(
      'release',
      [
        'release',
        EXAMPLE_MODULE,
        '--image',
        image,
        '--version',
        '1.0.0',
        '--build-arg',
        `BASE_IMAGE=${BASE_IMAGES.python}`,
        '--timeout',
        '120',
      ],
      CANARY,
      true,
    );
    const tiny = await tinyModule('1.1.0', 'canary');
    await cli(
      'publish',
      ['publish', '--image', image, '--version', '1.1.0', '--source', tiny, '--skip-validate'],
      CANARY,
      true,
    );
    await cli(
      'publish (wrong password)',
      ['publish', '--image', image, '--version', '1.1.1', '--source', tiny, '--skip-validate'],
      WRONG,
      false,
    );
    await cli(
      'publish (password without user)',
      ['publish', '--image', image, '--version', '1.1.1', '--source', tiny, '--skip-validate'],
      undefined,
      false,
      { MERCURE_REGISTRY_PASSWORD: CANARY },
    );
    await cli('status', ['status', `${image}:1`], CANARY, true);
    await cli('status (wrong password)', ['status', `${image}:1`], WRONG, false);
    await cli(
      'registry-entry',
      [
        'registry-entry',
        '--image',
        image,
        '--name',
        'blur',
        '--description',
        'Blurs',
        '--github-url',
        'https://github.com/acme/blur',
      ],
      CANARY,
      true,
    );
    const source = { MERCURE_SOURCE_REGISTRY_USERNAME: USER, MERCURE_SOURCE_REGISTRY_PASSWORD: CANARY };
    const to = `${tokens.registry.host}/canary/released`;
    await cli(
      'promote (token registry)',
      ['promote', `${image}:1.1.0`, '--to', to, '--skip-validate'],
      CANARY,
      true,
      source,
    );
    // Re-validation pulls the image through the engine with the source login; the tiny image then fails the smoke run.
    const revalidated = await cli(
      'promote with re-validation (fails)',
      ['promote', `${image}:1.1.0`, '--to', to, '--version', '1.1.1', '--timeout', '30'],
      CANARY,
      false,
      source,
    );
    expect(revalidated.stderr).toMatch(/failed re-validation: nothing was promoted/);
    await cli(
      'promote (wrong source password)',
      ['promote', `${image}:1.1.0`, '--to', to, '--skip-validate'],
      CANARY,
      false,
      { ...source, MERCURE_SOURCE_REGISTRY_PASSWORD: WRONG },
    );
    await cli(
      'promote (wrong target password)',
      ['promote', `${image}:1.1.0`, '--to', to, '--skip-validate'],
      WRONG,
      false,
      source,
    );
  }, 600_000);

  test('--password-stdin, right and wrong, in a real process', async () => {
    const image = `${basic.host}/canary/stdin`;
    const tiny = await tinyModule('2.0.0', 'canary stdin');
    for (const [name, password, ok] of [
      ['publish --password-stdin', CANARY, true],
      ['publish --password-stdin (wrong)', WRONG, false],
    ] as const) {
      const child = await execa(
        process.execPath,
        [
          '--import',
          'tsx',
          ENTRY,
          'publish',
          '--image',
          image,
          '--version',
          '2.0.0',
          '--source',
          tiny,
          '--skip-validate',
          '--verbose',
          '--username',
          USER,
          '--password-stdin',
        ],
        {
          cwd: REPO_ROOT,
          input: `${password}\n`,
          reject: false,
          env: {
            HOME: path.join(sandbox, 'home'),
            TMPDIR: path.join(sandbox, 'tmp'),
            MERCURE_MODULE_STATE_DIR: '',
            MERCURE_REGISTRY_USERNAME: '',
            MERCURE_REGISTRY_PASSWORD: '',
          },
        },
      );
      printed.push([`${name} stdout`, child.stdout], [`${name} stderr`, child.stderr]);
      ran.push(name);
      expect(child.exitCode === 0, `${name}: ${child.stderr}`).toBe(ok);
    }
  }, 300_000);

  test('the bundled Action: status, a failing publish, a wrong password', async () => {
    const image = `${basic.host}/canary/blur`;
    const runs: [string, Record<string, string>, boolean][] = [
      ['action status', { command: 'status', image: `${image}:1`, username: USER, password: CANARY }, true],
      [
        'action publish (not validated)',
        { command: 'publish', image, version: '1.1.0', username: USER, password: CANARY },
        false,
      ],
      [
        'action status (wrong password)',
        { command: 'status', image: `${image}:1`, username: USER, password: WRONG },
        false,
      ],
    ];
    for (const [name, inputs, ok] of runs) {
      await withActionRun({ inputs }, async (r) => {
        // The runner consumes ::add-mask:: lines and never shows them; everything else is shown.
        const shown = r.stdout
          .split('\n')
          .filter((line) => !line.startsWith('::add-mask::'))
          .join('\n');
        printed.push(
          [`${name} stdout`, shown],
          [`${name} stderr`, r.stderr],
          [`${name} outputs`, r.outputsFile],
          [`${name} summary`, r.summary],
        );
        for (const [file, text] of await filesUnder(r.home)) printed.push([`${name} ${file}`, text]);
        ran.push(name);
        expect(r.code === 0, `${name}: ${r.stdout}`).toBe(ok);
      });
    }
  }, 600_000);

  test('appears nowhere: not printed, not logged, not written', async () => {
    expect(ran.length).toBeGreaterThanOrEqual(14);
    for (const dir of ['home', 'tmp', 'work'])
      for (const [file, text] of await filesUnder(path.join(sandbox, dir))) printed.push([file, text]);
    const dockerConfig = path.join(sandbox, 'home', '.docker');
    const forms = [...secretForms(USER, CANARY), ...secretForms(USER, WRONG)];
    // The search finds the password where the engine's login travels: base64 of a JSON body.
    const engineAuth = Buffer.from(
      JSON.stringify({ username: USER, password: CANARY, serveraddress: basic.host }),
    ).toString('base64');
    expect(forms.some((form) => engineAuth.includes(form))).toBe(true);
    const leaks = printed.flatMap(([where, text]) =>
      forms
        .filter((form) => text.includes(form))
        .map((form) => `${where}: ${form === CANARY || form === WRONG ? 'plain' : form}`),
    );
    console.log(
      `canary: ${ran.length} runs (${ran.join(', ')}); ${printed.length} outputs and files searched for ${forms.length} forms; leaks: ${leaks.length}`,
    );
    expect(leaks).toEqual([]);
    // buildx keeps its own activity records under ~/.docker/buildx (searched above like every file):
    // nothing else, and never a config.json, may appear there.
    const dockerFiles = await readdir(dockerConfig, { recursive: true }).catch(() => [] as string[]);
    expect(
      dockerFiles.filter((f) => f !== 'buildx' && !f.startsWith(`buildx${path.sep}`)),
      'a Docker config was written',
    ).toEqual([]);
    expect(
      printed.some(([, text]) => text.includes('canary/blur')),
      'the search saw real output',
    ).toBe(true);
  });
});
