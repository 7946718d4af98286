// The platform side of validating an image: which platform it is built for, whether the mercure
// server runs that platform, and whether this engine can run it for the smoke run (natively or
// under QEMU); where it cannot, the smoke run is skipped and said so, never silently.
import type Docker from 'dockerode';
import { finding, type Finding } from '../../contract/finding.js';
import type { SmokeRun } from '../../contract/smoke.js';
import { enginePlatform, platformRun, type PlatformRun } from '../../engine/emulation.js';
import {
  DEFAULT_SERVER_PLATFORM,
  formatPlatform,
  parsePlatform,
  parsePlatformList,
  platformOf,
  samePlatform,
  type Platform,
} from '../../registry/platform.js';

/** The platform options of validate. */
export interface PlatformOptions {
  /** The platform of the mercure server the module is for (default linux/amd64). */
  serverPlatform?: string;
  /** The platforms released together with this image in one index: the platform warning is given only when the server's is not among them. */
  releasedPlatforms?: string[];
}

/** What validate knows about an image's platform before the smoke run. */
export interface ImagePlatform {
  platform: Platform;
  run: PlatformRun;
  findings: Finding[];
}

/** The image's platform, the warning when the server runs another one, and how this engine runs it. */
export async function checkImagePlatform(
  docker: Docker,
  imageId: string,
  options: PlatformOptions,
  shown: string,
): Promise<ImagePlatform> {
  const server = parsePlatform(options.serverPlatform ?? DEFAULT_SERVER_PLATFORM, '--server-platform');
  const released = parsePlatformList(options.releasedPlatforms, 'the released platforms');
  const inspect = await docker.getImage(imageId).inspect();
  const platform = platformOf({
    os: inspect.Os,
    architecture: inspect.Architecture,
    ...((inspect as { Variant?: string }).Variant ? { variant: (inspect as { Variant?: string }).Variant } : {}),
  });
  const findings: Finding[] = [];
  const serverReleased = released.some((p) => samePlatform(p, server));
  if (!samePlatform(platform, server) && !serverReleased) {
    findings.push(
      finding(
        'platform-not-server',
        `the image is built for ${formatPlatform(platform)}, and the mercure server runs ${formatPlatform(server)}: it cannot run it`,
        { file: shown },
      ),
    );
  }
  const local = typeof (docker.modem as { socketPath?: unknown }).socketPath === 'string';
  const run = await platformRun(platform, await enginePlatform(docker), { local });
  return { platform, run, findings };
}

/** The finding that says the smoke run of `platform` was skipped, and why. */
export function smokeSkipped(platform: Platform, reason: string, shown: string): Finding {
  const name = formatPlatform(platform);
  return finding('smoke-skipped-platform', `the smoke run of ${name} was skipped: ${reason}`, { file: shown });
}

/**
 * After a smoke run whose engine support was unknown: when it could not exec at all (exec format
 * error) the platform simply does not run here, which is a skipped run rather than the module's fault.
 */
export function execFormatMeansSkipped(
  checked: ImagePlatform,
  smoke: SmokeRun,
): { skipped: true; reason: string } | { skipped: false } {
  if (checked.run.how !== 'unknown') return { skipped: false };
  if (!smoke.findings.some((f) => f.code === 'start-exec-format')) return { skipped: false };
  return {
    skipped: true,
    reason: `this engine cannot execute ${checked.platform.architecture} programs (exec format error) and no emulator for them could be found`,
  };
}
