import { readFileSync } from 'node:fs';

/** Set by the Action's bundler (esbuild --define); absent when running from src/ or build/. */
declare const __KIT_VERSION__: string | undefined;

/** This package's version: the bundler's, else read once from package.json (next to src/ and build/). */
export const KIT_VERSION: string =
  typeof __KIT_VERSION__ === 'string'
    ? __KIT_VERSION__
    : (() => {
        try {
          const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
            version?: string;
          };
          return pkg.version ?? '0.0.0';
        } catch {
          return '0.0.0';
        }
      })();
