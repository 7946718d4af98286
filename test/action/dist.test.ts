// The bundled action (dist/index.js) under Node 24, run as a GitHub runner runs it, against the
// real Docker Engine and the suite's registries.
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import Docker from 'dockerode';
import { OWNER_LABEL } from '../../src/engine/containers.js';
import { RegistryClient } from '../../src/registry/client.js';
import { BASE_IMAGES, EXAMPLE_MODULE, FIXTURE_MODULES, REPO_ROOT } from '../support/images.js';
import { node24, withActionRun, type ActionResult } from './support.js';

const authRegistryHost = inject('authRegistryHost');
const credentials = inject('registryCredentials');
const relative = (dir: string) => path.relative(REPO_ROOT, dir);
/** What the release case published, for the status and promote cases after it. */
const released = { image: `${authRegistryHost}/action/blur`, digest: '' };

/** stdout without the ::add-mask:: commands, which the runner consumes and never shows. */
const shown = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');

/** A stack trace line, as Node prints them. */
const STACK = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

beforeAll(async () => {
  await node24(); // installs npm's node@24 once, outside any test's time budget
}, 300_000);

describe('the bundled action under Node 24', () => {
  it('releases examples/blur from tag v1.2.3 to a registry with a login, and never shows the password', async () => {
    const image = released.image;
    const { username, password } = credentials;
    const result = await withActionRun(
      {
        ref: 'refs/tags/v1.2.3',
        inputs: {
          command: 'release',
          context: relative(EXAMPLE_MODULE),
          image,
          username,
          password,
          'build-args': `BASE_IMAGE=${BASE_IMAGES.python}\n`,
          timeout: '120',
          'dry-run': 'false',
        },
      },
      (r) =>
        Promise.resolve({
          ...r,
          // buildx's own activity records (~/.docker/buildx) aside, nothing may appear in ~/.docker.
          dockerConfig:
            existsSync(path.join(r.home, '.docker')) &&
            readdirSync(path.join(r.home, '.docker')).some((entry) => entry !== 'buildx'),
        }),
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['version']).toBe('1.2.3');
    expect(result.outputs['tags']).toBe(['1.2.3', '1.2', '1', 'latest'].map((t) => `${image}:${t}`).join('\n'));
    expect(result.outputs['tag-names']).toBe('1.2.3\n1.2\n1\nlatest');
    expect(result.outputs['image']).toBe(image);
    const digest = result.outputs['digest'] ?? '';
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    const report = JSON.parse(result.outputs['report'] ?? '{}') as {
      ok: boolean;
      publish: { tags: { tag: string; digest: string }[] };
    };
    expect(report.ok).toBe(true);
    expect(report.publish.tags.map((t) => t.digest)).toEqual([digest, digest, digest, digest]);

    // What the registry holds, read with the same login.
    const client = new RegistryClient({ registry: authRegistryHost, credentials });
    for (const tag of ['1.2.3', '1.2', '1', 'latest'])
      expect((await client.headManifest('action/blur', tag))?.digest).toBe(digest);

    expect(result.summary).toContain('mercure module release');
    expect(result.summary).toContain('Smoke run');
    expect(result.summary).toContain(`<code>${image}:1.2.3</code>`);
    expect(result.summary).toContain(`<code>${digest}</code>`);
    expect(result.stdout).toMatch(/^::group::building /m);

    // The password is masked before anything else is printed, and is never printed otherwise.
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`::add-mask::${password}`);
    const forms = [
      password,
      Buffer.from(password).toString('base64'),
      Buffer.from(`${username}:${password}`).toString('base64'),
    ];
    for (const form of forms) {
      for (const [where, text] of Object.entries({
        stdout: shown(result.stdout),
        stderr: result.stderr,
        outputs: result.outputsFile,
        summary: result.summary,
      })) {
        expect(text.includes(form), `${where} contains the password (${form === password ? 'plain' : 'base64'})`).toBe(
          false,
        );
      }
    }
    expect(result.dockerConfig, 'a Docker config folder was written').toBe(false);
    released.digest = digest;
  });

  it('status tells what a server following :1 pulls next', async () => {
    expect(released.digest, 'the release case ran first').not.toBe('');
    const inputs = { command: 'status', image: `${released.image}:1`, ...credentials };
    const result = await withActionRun({ inputs }, (r) => Promise.resolve(r));
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs['digest']).toBe(released.digest);
    expect(result.outputs['version']).toBe('1.2.3');
    expect(result.outputs['tags']).toBe(`${released.image}:1`);
    expect(result.outputs['tag-names']).toBe('1');
    expect(result.summary).toContain('<td>floating</td>');
  });

  it('promote on a published release: the dry run plans the tags; a real one re-validates the digest and copies it', async () => {
    expect(released.digest, 'the release case ran first').not.toBe('');
    const target = `${authRegistryHost}/action/blur-release`;
    const run = (dryRun: boolean) =>
      withActionRun(
        {
          ref: 'refs/tags/v1.2.3',
          eventName: 'release',
          event: { action: 'published', release: { tag_name: 'v1.2.3' } },
          inputs: {
            command: 'promote',
            'promote-from': released.image,
            image: target,
            'dry-run': String(dryRun),
            ...credentials,
          },
        },
        (r) => Promise.resolve(r),
      );
    const planned = await run(true);
    expect(planned.code, planned.stdout).toBe(0);
    expect(planned.outputs['tag-names']).toBe('1.2.3\n1.2\n1\nlatest');
    expect(planned.outputs['tags']?.split('\n')[0]).toBe(`${target}:1.2.3`);
    expect(planned.outputs['version']).toBe('1.2.3');
    expect(planned.outputs['digest']).toBe(released.digest);
    expect(planned.summary).toContain(`from <code>${released.image}@${released.digest}</code>`);
    const real = await run(false);
    expect(real.code, real.stdout).toBe(0);
    expect(real.stdout).toContain(`smoke run of ${released.image}@${released.digest}`);
    expect(real.outputs['digest']).toBe(released.digest);
    const tags = await new RegistryClient({ registry: authRegistryHost, credentials }).listTags('action/blur-release');
    expect([...tags].sort()).toEqual(['1', '1.2', '1.2.3', 'latest']);
  });

  it('fails validate of a module that writes nothing, with an ::error annotation naming the finding', async () => {
    const module = path.join(FIXTURE_MODULES, 'smoke-output-empty');
    const result = await withActionRun(
      {
        inputs: {
          command: 'validate',
          context: relative(module),
          'build-args': `BASE_IMAGE=${BASE_IMAGES.busybox}`,
          timeout: '60',
        },
      },
      // The HTML report lives under RUNNER_TEMP, which goes with the run: read it while it is there.
      async (r) => ({ ...r, page: r.outputs['report-file'] ? await readFile(r.outputs['report-file'], 'utf8') : '' }),
    );
    expect(result.code).not.toBe(0);
    expect(result.outputs['report-file']).toMatch(/\/runner-temp\/mercure-module-report-[^/]+\/report\.html$/);
    expect(result.page).toContain('✗ failed');
    expect(result.page).toContain('output-empty');
    expect(result.summary).toContain(`<code>${result.outputs['report-file']}</code>`);
    expect(result.stdout).toMatch(/^::error title=[^\n]*\(output-empty\)::output-empty: /m);
    expect(result.stdout).toMatch(/^::error::validation failed: 1 error\(s\)/m);
    expect(result.summary).toContain('<code>output-empty</code>');
    expect(result.summary).toContain('Smoke run');
    const report = JSON.parse(result.outputs['report'] ?? '{}') as { ok: boolean; findings: { code: string }[] };
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.code)).toContain('output-empty');
    expect(result.outputs['tags']).toBe('');
  });

  it('a cancelled job (SIGTERM while the module runs) stops it, removes its container and fails as interrupted', async () => {
    const module = path.join(FIXTURE_MODULES, 'smoke-module-hung');
    const docker = new Docker();
    const ours = (pid: number) => docker.listContainers({ all: true, filters: { label: [`${OWNER_LABEL}=${pid}`] } });
    let running: string | undefined;
    const result = await withActionRun(
      {
        inputs: {
          command: 'validate',
          context: relative(module),
          'build-args': `BASE_IMAGE=${BASE_IMAGES.busybox}`,
          timeout: '300',
        },
        // Cancel once the module itself (not the startup probe) is running.
        whileRunning: async (pid, kill) => {
          for (let i = 0; i < 300 && running === undefined; i++) {
            running = (await ours(pid)).find((c) => c.State === 'running' && !c.Command.includes('app.json'))?.Id;
            if (running === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
          }
          kill('SIGTERM');
        },
      },
      (r) => Promise.resolve(r),
    );
    expect(running, 'the module container was seen running').toBeDefined();
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(130);
    expect(result.stdout).toMatch(/^::error::interrupted: containers and temp folders were removed/m);
    expect(await ours(result.pid)).toEqual([]);
  });

  const badInputs: [name: string, inputs: Record<string, string>, message: RegExp][] = [
    [
      'version not semver',
      { version: '1.2', image: 'acme/blur' },
      /^::error::input "version": "1\.2" is not a semantic version: expected MAJOR\.MINOR\.PATCH/m,
    ],
    [
      'boolean not true/false',
      { 'dry-run': 'yes', image: 'acme/blur', version: '1.2.3' },
      /^::error::input "dry-run": expected true or false, got "yes"/m,
    ],
    [
      'build-arg line without =',
      { 'build-args': 'BASE_IMAGE=x\nNOPE', image: 'acme/blur', version: '1.2.3' },
      /^::error::input "build-args" line 2 expects KEY=VALUE, got "NOPE"/m,
    ],
    [
      'unknown command',
      { command: 'deploy' },
      /^::error::input "command": expected one of release, validate, publish, promote, status, got "deploy"/m,
    ],
    [
      'release on a branch with no version',
      { image: 'acme/blur' },
      /^::error::input "version": release needs a version, and GITHUB_REF \(refs\/heads\/main\) is not a tag/m,
    ],
    [
      'image with a tag',
      { image: 'acme/blur:1', version: '1.2.3' },
      /^::error::input "image": "acme\/blur:1" must name a repository without a tag/m,
    ],
  ];
  it.each(badInputs)(
    'a bad input fails with a clear message and no stack trace: %s',
    async (_name, inputs, message) => {
      const result = await withActionRun({ inputs }, (r: ActionResult) => Promise.resolve(r));
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(message);
      expect(result.stdout + result.stderr).not.toMatch(STACK);
      expect(result.stdout).not.toContain('internal error');
      expect(result.summary).toContain('❌ mercure module');
    },
  );
});
