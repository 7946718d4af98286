// A multi-platform release on the real engine and registry: the fixture module built FROM the
// busybox base for linux/amd64 and linux/arm64, each image smoke-run where this machine can run it
// (natively, or under a registered QEMU handler; otherwise skipped and said so), each pushed by our
// own push, an OCI image index over them, the floating tags moved onto the index; read back with
// skopeo (another client than ours) and through status.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enginePlatform, platformRun } from '../../src/engine/emulation.js';
import { buildModule } from '../../src/pipeline/build.js';
import { publish } from '../../src/pipeline/publish.js';
import { release, type ReleaseReport } from '../../src/pipeline/release.js';
import { status } from '../../src/pipeline/status.js';
import { validate } from '../../src/pipeline/validate.js';
import { MediaType } from '../../src/registry/manifest.js';
import { parsePlatform } from '../../src/registry/platform.js';
import { FIXTURE_MODULES } from '../support/images.js';

const run = promisify(execFile);
const docker = new Docker();
const registryHost = inject('registryHost');
const MODULE = path.join(FIXTURE_MODULES, 'multi-platform');
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
let validationDir: string;
let made: string[] = [];
/** Whether this machine runs arm64 programs in containers (a QEMU handler registered in binfmt_misc). */
let arm64Runs: boolean;

beforeAll(async () => {
  validationDir = await mkdtemp(path.join(os.tmpdir(), 'mmk-state-platform-'));
  const how = (await platformRun(parsePlatform('linux/arm64'), await enginePlatform(docker), { local: true })).how;
  arm64Runs = how === 'emulated' || how === 'native';
});
afterAll(async () => {
  await rm(validationDir, { recursive: true, force: true });
  for (const image of made)
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => {});
});

async function skopeoRaw(reference: string, extra: string[] = []): Promise<Buffer> {
  const { stdout } = await run(
    'skopeo',
    ['inspect', '--raw', '--tls-verify=false', ...extra, `docker://${reference}`],
    {
      encoding: 'buffer',
      maxBuffer: 4 * 1024 * 1024,
    },
  );
  return stdout;
}

/** What skopeo picks from an index for `arch`: its architecture and layers (Digest names the index itself). */
async function skopeoArch(reference: string, arch: string): Promise<{ Architecture: string; Layers: string[] }> {
  const { stdout } = await run('skopeo', [
    'inspect',
    '--tls-verify=false',
    '--override-os',
    'linux',
    '--override-arch',
    arch,
    `docker://${reference}`,
  ]);
  return JSON.parse(stdout) as { Architecture: string; Layers: string[] };
}

function releaseBoth(image: string, version: string, extra: Partial<Parameters<typeof release>[0]> = {}) {
  return release({ dir: MODULE, image, version, platforms: PLATFORMS, validationDir, timeoutSeconds: 120, ...extra });
}

function remember(report: ReleaseReport): void {
  made = [...made, ...(report.build.platforms ?? []).map((p) => p.reference)];
}

describe('multi-platform release: one image a platform under an OCI image index', () => {
  it('builds, smoke-runs what can run here, pushes each platform and moves the tags onto the index', async () => {
    const image = `${registryHost}/platform/multi`;
    const skip = arm64Runs ? {} : { skipSmokePlatforms: ['linux/arm64'] };

    const report = await releaseBoth(image, '1.0.0', skip);
    remember(report);
    expect(report.ok).toBe(true);
    const built = report.build.platforms ?? [];
    expect(built.map((p) => p.platform)).toEqual(PLATFORMS);
    for (const p of built) {
      const inspect = await docker.getImage(p.reference).inspect();
      expect(`${inspect.Os}/${inspect.Architecture}`).toBe(p.platform);
      expect(p.reference).toBe(`${image}:1.0.0-${p.platform.replace('/', '-')}`);
    }
    // Each platform validated: amd64 natively; arm64 under QEMU where registered, else skipped and said so.
    const [amd64, arm64] = report.validations ?? [];
    expect(amd64?.report.smokeSkipped).toBeUndefined();
    expect(amd64?.report.smoke?.exitCode).toBe(0);
    expect(amd64?.report.findings.map((f) => f.code)).not.toContain('platform-not-server');
    if (arm64Runs) {
      expect(arm64?.report.smoke?.logTail.join('\n')).toMatch(/running on aarch64/);
    } else {
      expect(arm64?.report.smokeSkipped).toMatch(/arm64 programs/);
      expect(arm64?.report.findings.map((f) => f.code)).toContain('smoke-skipped-platform');
    }
    // Released together with linux/amd64, the arm64 image gets no server-platform warning.
    expect(arm64?.report.findings.map((f) => f.code)).not.toContain('platform-not-server');

    // The index, as skopeo reads it: OCI, both platforms, each child an OCI manifest of our image.
    const published = report.publish;
    const sources = built.map((p) => ({ platform: p.platform, source: p.imageId }));
    const raw = await skopeoRaw(`${image}:1.0.0`);
    const index = JSON.parse(raw.toString('utf8')) as {
      mediaType: string;
      manifests: { mediaType: string; digest: string; platform: { os: string; architecture: string } }[];
    };
    expect(`sha256:${createHash('sha256').update(raw).digest('hex')}`).toBe(published?.digest);
    expect(index.mediaType).toBe(MediaType.ociIndex);
    expect(index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual(PLATFORMS);
    expect(index.manifests.every((m) => m.mediaType === MediaType.ociManifest)).toBe(true);
    for (const [i, p] of built.entries()) {
      const child = JSON.parse((await skopeoRaw(`${image}@${index.manifests[i]?.digest ?? ''}`)).toString('utf8')) as {
        config: { digest: string };
        layers: { digest: string }[];
      };
      expect(child.config.digest).toBe(p.imageId);
      const picked = await skopeoArch(`${image}:1.0.0`, p.platform.split('/')[1] ?? '');
      expect(picked.Layers).toEqual(child.layers.map((l) => l.digest));
      expect(picked.Architecture).toBe(p.platform.split('/')[1]);
    }
    expect(published?.platforms?.map((p) => p.platform)).toEqual(PLATFORMS);

    // The floating tags hold the index itself (same bytes), and status lists its platforms.
    for (const tag of ['1', '1.0', 'latest']) expect((await skopeoRaw(`${image}:${tag}`)).equals(raw)).toBe(true);
    const now = await status(`${image}:1`);
    expect(now.platforms).toEqual(PLATFORMS);
    expect(now.digest).toBe(published?.digest);
    expect(now.platformDigest).toBe(index.manifests[0]?.digest);

    // Without leave to publish an unrun platform, a platform this machine could not run is refused, before any push.
    if (!arm64Runs) {
      const refused = publish({ image, version: '1.0.1', platforms: PLATFORMS, sources, validationDir });
      await expect(refused).rejects.toMatchObject({ code: 'smoke-not-run' });
      await expect(refused).rejects.toThrow(/linux\/arm64\) passed validate without its smoke run/);
      await expect(skopeoRaw(`${image}:1.0.1`)).rejects.toThrow(/manifest unknown|not found/i);
    }

    // The Engine pulls each platform from the index: the very images that were validated.
    for (const p of built) {
      await run('docker', ['pull', '-q', '--platform', p.platform, `${image}:1.0.0`]);
      made = [...made, `${image}:1.0.0`];
      expect((await docker.getImage(`${image}:1.0.0`).inspect()).Id).toBe(p.imageId);
    }

    // The same images again: nothing to upload, the same index.
    const again = await publish({
      image,
      version: '1.0.0',
      platforms: PLATFORMS,
      sources,
      validationDir,
      ...skip,
    });
    expect(again.alreadyPublished).toBe(true);
    expect(again.digest).toBe(published?.digest);
    expect(again.platforms?.map((p) => p.platform)).toEqual(PLATFORMS);

    // A newer version moves the floating tags forward onto its own index.
    const next = await releaseBoth(image, '1.1.0', skip);
    remember(next);
    expect(next.ok).toBe(true);
    expect((await status(`${image}:1`)).digest).toBe(next.publish?.digest);
    expect((await status(`${image}:1.0`)).digest).toBe(published?.digest);
  }, 480_000);

  it('validate warns when the image is not for the server’s platform, and says which', async () => {
    const built = await buildModule({
      dir: MODULE,
      image: 'platform-test/warn',
      version: '0.1.0',
      platforms: PLATFORMS,
    });
    made = [...made, ...(built.platforms ?? []).map((p) => p.reference)];
    const [amd64, arm64] = built.platforms ?? [];
    const alone = await validate({ image: arm64?.imageId ?? '', recordTo: false, timeoutSeconds: 60 });
    const warning = alone.findings.find((f) => f.code === 'platform-not-server');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toMatch(/built for linux\/arm64, and the mercure server runs linux\/amd64/);
    const forArm = await validate({
      image: amd64?.imageId ?? '',
      serverPlatform: 'linux/arm64',
      recordTo: false,
      timeoutSeconds: 60,
    });
    expect(forArm.ok).toBe(true);
    expect(forArm.findings.find((f) => f.code === 'platform-not-server')?.message).toMatch(
      /built for linux\/amd64, and the mercure server runs linux\/arm64/,
    );
    await expect(validate({ image: amd64?.imageId ?? '', serverPlatform: 'arm64', recordTo: false })).rejects.toThrow(
      /--server-platform arm64: a platform is os\/architecture/,
    );
  }, 240_000);
});
