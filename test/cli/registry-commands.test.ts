import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EXAMPLE_MODULE, FIXTURE_MODULES } from '../support/images.js';
import { runCli } from './run-cli.js';

const registryHost = inject('registryHost');
const authRegistryHost = inject('authRegistryHost');
const credentials = inject('registryCredentials');
let stateDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'mmk-state-cli-'));
  env = { MERCURE_MODULE_STATE_DIR: stateDir };
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('release, promote and status through the CLI', () => {
  it('promotes a released image (re-validated by digest) to the private registry and reports its status', async () => {
    const staging = `${registryHost}/staging/blur`;
    const released = await runCli(
      [
        'release',
        EXAMPLE_MODULE,
        '--image',
        staging,
        '--version',
        'v2.1.0',
        '--build-arg',
        'BASE_IMAGE=mmk-base/python-pydicom:bookworm',
        '--json',
      ],
      env,
    );
    expect(released.stderr).not.toMatch(/error/i);
    expect(released.code).toBe(0);
    const digest = (JSON.parse(released.stdout) as { publish: { digest: string } }).publish.digest;

    const target = `${authRegistryHost}/prod/blur`;
    const promoted = await runCli(['promote', `${staging}:2.1.0`, '--to', target], {
      ...env,
      MERCURE_REGISTRY_USERNAME: credentials.username,
      MERCURE_REGISTRY_PASSWORD: credentials.password,
    });
    expect(promoted.stderr).toContain(`smoke run of ${staging}@${digest}`);
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toContain(`Promoted ${staging}@${digest} -> ${target} 2.1.0`);
    expect(promoted.stdout).toContain(`digest ${digest} (unchanged)`);
    for (const tag of ['2.1.0', '2.1', '2', 'latest'])
      expect(promoted.stdout).toMatch(new RegExp(`✓ ${tag.replace('.', '\\.')}\\s`));
    expect(promoted.stdout + promoted.stderr).not.toContain(credentials.password);

    const anonymous = await runCli(['status', `${target}:2`], env);
    expect(anonymous.code).toBe(3);
    expect(anonymous.stderr).toMatch(/registry-auth|refused|credentials|login/i);
    const current = await runCli(['status', `${target}:2`, '--installed', 'sha256:' + '0'.repeat(64), '--json'], {
      ...env,
      MERCURE_REGISTRY_USERNAME: credentials.username,
      MERCURE_REGISTRY_PASSWORD: credentials.password,
    });
    expect(current.code).toBe(0);
    expect(JSON.parse(current.stdout)).toMatchObject({
      digest,
      version: '2.1.0',
      follows: 'floating',
      updateAvailable: true,
    });
  });

  it('refuses to promote an image that fails the smoke run, copying nothing', async () => {
    const staging = `${registryHost}/staging/empty-output`;
    const built = await runCli(
      [
        'build',
        path.join(FIXTURE_MODULES, 'smoke-output-empty'),
        '--image',
        staging,
        '--version',
        '1.0.0',
        '--build-arg',
        'BASE_IMAGE=mmk-base/busybox:static',
      ],
      env,
    );
    expect(built.code).toBe(0);
    const pushed = await runCli(['publish', '--image', staging, '--version', '1.0.0', '--skip-validate'], env);
    expect(pushed.code).toBe(0);
    const promoted = await runCli(['promote', `${staging}:1.0.0`, '--to', `${registryHost}/prod/empty-output`], env);
    expect(promoted.code).toBe(1);
    expect(promoted.stdout).toContain('output-empty');
    expect(promoted.stderr).toMatch(/not-validated|did not pass|failed/i);
    const status = await runCli(['status', `${registryHost}/prod/empty-output:1`], env);
    expect(status.code).not.toBe(0);
    expect(status.stderr).toMatch(/not found|no tag|does not exist/i);
  });
});

describe('promote --from SRC --to DEST (the form promotion was specified with)', () => {
  it('takes the source as --from, refuses two different sources and none', async () => {
    const missing = `${registryHost}/staging/never-published:1.0.0`;
    const viaOption = await runCli(['promote', '--from', missing, '--to', `${registryHost}/prod/x`, '--dry-run'], env);
    expect(viaOption.stderr).not.toMatch(/unknown option|too many arguments/);
    expect(viaOption.stderr).toContain('never-published');
    expect(viaOption.code).not.toBe(0);
    const both = await runCli(['promote', missing, '--from', `${missing}x`, '--to', `${registryHost}/prod/x`], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
    const none = await runCli(['promote', '--to', `${registryHost}/prod/x`], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('needs the tested image');
  });
});
