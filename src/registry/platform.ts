// Platforms as OCI and `docker buildx --platform` spell them: os/architecture[/variant]. Pure:
// parsing, normalising the usual aliases, comparing, and the local name of a platform's image.
import { ModuleError } from '../errors.js';

/** An image's platform, as an OCI index and an image config name it. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** The platform a mercure server runs modules on unless told otherwise (mercure ships for linux/amd64). */
export const DEFAULT_SERVER_PLATFORM = 'linux/amd64';

/** Names other tools use for the same CPU (uname -m, Node, Go's old names), in Docker's spelling. */
const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  x64: 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  i386: '386',
  i686: '386',
  ia32: '386',
};

/**
 * Parses `os/arch[/variant]` (`linux/amd64`, `linux/arm64`, `linux/arm/v7`); `what` names the
 * option in the error. `arm64/v8` is plain `arm64` (the only arm64 variant), as containerd reads it.
 */
export function parsePlatform(text: string, what = '--platform'): Platform {
  const parts = text.trim().toLowerCase().split('/');
  const [os, rawArch, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !rawArch || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) {
    throw new ModuleError('bad-platform', `${what} ${text}: a platform is os/architecture[/variant]`, {
      hint: 'Give e.g. linux/amd64, linux/arm64 or linux/arm/v7 (several separated by commas).',
    });
  }
  const architecture = ARCH_ALIASES[rawArch] ?? rawArch;
  if (variant === undefined || (architecture === 'arm64' && variant === 'v8')) return { os, architecture };
  return { os, architecture, variant };
}

/** A list of platforms from repeated and comma-separated values; a platform named twice is refused. */
export function parsePlatformList(values: readonly string[] | undefined, what = '--platform'): Platform[] {
  const platforms: Platform[] = [];
  for (const value of (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim())) {
    if (!value) continue;
    const platform = parsePlatform(value, what);
    if (platforms.some((p) => samePlatform(p, platform)))
      throw new ModuleError('bad-platform', `${what} names ${formatPlatform(platform)} twice`, {
        hint: 'Name each platform once.',
      });
    platforms.push(platform);
  }
  return platforms;
}

/** `linux/arm64`, `linux/arm/v7`. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** Whether two platforms are the same (an absent variant matches only an absent one; arm64/v8 is arm64). */
export function samePlatform(a: Platform, b: Platform): boolean {
  const variant = (p: Platform) => (p.architecture === 'arm64' && p.variant === 'v8' ? undefined : p.variant);
  return a.os === b.os && a.architecture === b.architecture && variant(a) === variant(b);
}

/** The platform of an image config or an engine's inspect (`Os`, `Architecture`, `Variant`). */
export function platformOf(config: { os?: string; architecture?: string; variant?: string }): Platform {
  const architecture = ARCH_ALIASES[config.architecture ?? ''] ?? config.architecture ?? 'amd64';
  const platform: Platform = { os: config.os ?? 'linux', architecture };
  if (config.variant && !(architecture === 'arm64' && config.variant === 'v8')) platform.variant = config.variant;
  return platform;
}

/** The suffix of a platform's local image name in a multi-platform build: `linux-arm64`, `linux-arm-v7`. */
export function platformSuffix(platform: Platform): string {
  return formatPlatform(platform).replaceAll('/', '-');
}
