import { readFileSync } from 'node:fs';

/** This package's version, read once from package.json (two levels up in src/ and in build/). */
export const KIT_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
