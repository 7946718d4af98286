import dockerignore from '@balena/dockerignore';

// A CommonJS module: under NodeNext its default import is module.exports, which re-exports itself as `default`.
const ignore = dockerignore.default;
import { inputForMessage, ModuleError } from '../../../errors.js';
import type { ModuleFiles } from './module-files.js';

/** The .dockerignore that applies to a build, with Docker's rules (last matching pattern wins, `!` re-includes). */
export interface DockerIgnore {
  /** The ignore file's path relative to the module folder, or undefined when there is none. */
  file: string | undefined;
  /** The pattern that keeps `path` out of the context, or undefined when the path is sent. */
  excludedBy(path: string): { line: number; pattern: string } | undefined;
}

interface PatternLine {
  line: number;
  pattern: string;
  negated: boolean;
  matcher: ReturnType<typeof ignore>;
}

/**
 * Loads `<Dockerfile>.dockerignore` (BuildKit prefers it) or else `.dockerignore`.
 * The Dockerfile and the ignore file are always sent, whatever the patterns say.
 */
export async function loadDockerIgnore(files: ModuleFiles, dockerfile: string): Promise<DockerIgnore> {
  let file: string | undefined;
  for (const candidate of [`${dockerfile}.dockerignore`, '.dockerignore']) {
    if (files.entries.get(candidate)?.kind === 'file') {
      file = candidate;
      break;
    }
  }
  const text = file === undefined ? '' : ((await files.readText(file)) ?? '');
  return parseDockerIgnore(text, file, [dockerfile, file ?? '.dockerignore']);
}

/** Builds the matcher from the ignore file's text; `alwaysSent` paths are never excluded. */
export function parseDockerIgnore(
  text: string,
  file: string | undefined,
  alwaysSent: readonly string[] = [],
): DockerIgnore {
  const lines: PatternLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const negated = trimmed.startsWith('!');
    const pattern = negated ? trimmed.slice(1).trim() : trimmed;
    if (pattern === '') return;
    const matcher = ignore().add(pattern);
    // @balena/dockerignore (like Docker's own matcher) turns a pattern into a regular expression
    // and throws on one that does not compile, e.g. "("; Docker then refuses the whole build.
    try {
      matcher.ignores('probe');
      ignore().add(trimmed).ignores('probe'); // as the whole file reads it: `!#(` is no comment there
    } catch (error) {
      throw new ModuleError(
        'dockerignore-invalid',
        `${file ?? '.dockerignore'}:${index + 1}: pattern "${inputForMessage(trimmed)}" is not a valid pattern (${(error as Error).message}); docker build refuses it`,
        { hint: 'Escape the character with a backslash (e.g. \\( ) or remove the line.' },
      );
    }
    lines.push({ line: index + 1, pattern: trimmed, negated, matcher });
  });
  const all = ignore().add(lines.map((l) => l.pattern));
  return {
    file,
    excludedBy(path) {
      // '' is the context root itself, which is always sent.
      if (file === undefined || path === '' || alwaysSent.includes(path) || !all.ignores(path)) return undefined;
      // Docker lets the last matching pattern decide; name that one so the user knows which line to change.
      for (let i = lines.length - 1; i >= 0; i -= 1) {
        const candidate = lines[i]!;
        if (!candidate.negated && candidate.matcher.ignores(path))
          return { line: candidate.line, pattern: candidate.pattern };
      }
      return { line: 1, pattern: '' };
    },
  };
}
