/**
 * Static contract checks: reads a module folder (Dockerfile, entry script, sources, .dockerignore,
 * Makefile; plus `git ls-files --stage` for executable bits) and reports Findings, without Docker.
 * One file per topic: dockerfile.ts, base-image.ts, entry-script.ts, runtime-steps.ts,
 * hardcoded-path.ts, context.ts, makefile.ts; the Dockerfile model lives in dockerfile-model.ts/steps.ts.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { ModuleError } from '../../errors.js';
import { readRegularText, sizeText, type FileReadError } from '../../regular-file.js';

/** The largest Dockerfile the checks read: real ones are a few KB. */
export const MAX_DOCKERFILE_BYTES = 1024 * 1024;
import { finding, sortFindings, type Finding } from '../finding.js';
import { baseNoCatFindings, baseUnpinnedFindings } from './rules/base-image.js';
import { needsBuildkitFindings } from './rules/buildkit.js';
import { contextSizeFindings, copySourceFindings } from './rules/context.js';
import { readDockerfile } from './model/dockerfile-model.js';
import { commandFindings, syntaxFindings, userFindings } from './rules/dockerfile.js';
import { loadDockerIgnore } from './model/dockerignore.js';
import { locateEntry } from './model/entry.js';
import { entryFindings } from './rules/entry-script.js';
import { hardcodedPathFindings } from './rules/hardcoded-path.js';
import { makefileFindings } from './rules/makefile.js';
import { readModuleFiles, type ModuleFiles } from './model/module-files.js';
import { resolveOptions, type ResolvedOptions, type StaticCheckOptions, type StaticInput } from './options.js';
import { runtimeStepFindings } from './rules/runtime-steps.js';

export {
  DEFAULT_LARGE_CONTEXT_BYTES,
  resolveOptions,
  type ResolvedOptions,
  type StaticCheckOptions,
} from './options.js';

/** Checks a module folder against mercure's contract without building it; findings sorted errors first. */
export async function checkModule(dir: string, options: StaticCheckOptions = {}): Promise<Finding[]> {
  const resolved = resolveOptions(dir, options);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ModuleError('no-such-folder', `module folder ${dir} does not exist or is not a folder`, {
      hint: 'Pass the folder that holds the Dockerfile.',
    });
  }
  const files = await readModuleFiles(dir);
  // The Dockerfile may sit outside the context (`docker build -f ../Dockerfile .`), so read it from
  // disk; but a Dockerfile *link* out of the module folder is refused, not read and quoted.
  const outside = await linksOutside(dir, resolved.dockerfile);
  if (outside) return checkModuleFiles(files, { outside }, resolved);
  const read = await readRegularText(resolve(dir, resolved.dockerfile), MAX_DOCKERFILE_BYTES).catch(
    (error: unknown) => error as FileReadError,
  );
  if (typeof read !== 'string')
    return checkModuleFiles(files, { unread: dockerfileUnread(read, resolved.dockerfile, dir) }, resolved);
  return checkModuleFiles(files, { text: read }, resolved);
}

/** The Dockerfile as found: its text, the finding that says why it could not be read, or a link `outside` the module folder. */
export type DockerfileSource = { text: string } | { unread: Finding } | { outside: string };

/**
 * The checks over a module folder already read: no file system access but through `files`, so the
 * rules can be driven by generated folders (test/fuzz). Findings sorted errors first.
 */
export async function checkModuleFiles(
  files: ModuleFiles,
  source: DockerfileSource,
  resolved: ResolvedOptions,
): Promise<Finding[]> {
  const ignore = await loadDockerIgnore(files, resolved.dockerfile);
  const findings: Finding[] = [
    ...contextSizeFindings(files, ignore, resolved.largeContextBytes),
    ...(await makefileFindings(files, resolved.image)),
  ];
  if ('outside' in source) {
    findings.push(
      finding(
        'no-dockerfile',
        `${resolved.dockerfile} is a symbolic link to ${source.outside}, outside the module folder`,
        {
          file: resolved.dockerfile,
          hint: 'Put the real Dockerfile in the module folder (a link out of it is not part of what you publish).',
        },
      ),
    );
    return sortFindings(findings);
  }
  if ('unread' in source) {
    findings.push(source.unread);
    return sortFindings(findings);
  }
  const text = source.text;
  const dockerfile = readDockerfile(text, resolved.dockerfile, resolved.buildArgs);
  findings.push(...syntaxFindings(dockerfile), ...needsBuildkitFindings(text, resolved.dockerfile, resolved.buildkit));
  // Without a FROM there is no image to reason about.
  if (dockerfile.stages.length === 0) return sortFindings(findings);
  const input: StaticInput = { options: resolved, files, ignore, dockerfile };
  const entry = locateEntry(input);
  findings.push(
    ...commandFindings(input),
    ...userFindings(input),
    ...baseNoCatFindings(input),
    ...baseUnpinnedFindings(input),
    ...copySourceFindings(input),
    ...(await entryFindings(input, entry)),
    ...(await runtimeStepFindings(input, entry)),
    ...(await hardcodedPathFindings(input, entry)),
  );
  return sortFindings(findings);
}

/**
 * The finding for a Dockerfile that was not read: missing, not a regular file (a FIFO would block
 * the read forever), or past the size limit (a 20 MB line once took the parser a minute and 3 GB).
 */
function dockerfileUnread(error: FileReadError, file: string, dir: string): Finding {
  if (error.reason === 'too-large')
    return finding(
      'dockerfile-syntax',
      `${file} is ${sizeText(error.size ?? 0)}, more than the ${sizeText(MAX_DOCKERFILE_BYTES)} a Dockerfile may have here: not read`,
      { file, hint: 'Keep the Dockerfile small: generated content belongs in files it COPYs.' },
    );
  if (error.reason === 'not-regular')
    return finding('no-dockerfile', `${file} is ${error.kind ?? 'not a regular file'}, not a regular file`, {
      file,
      hint: 'Make the Dockerfile a regular file (not a FIFO, device or folder).',
    });
  return finding('no-dockerfile', `No ${file} in ${dir}`, { file });
}

/** Where `file` leads when it is a symbolic link out of `dir`; undefined otherwise. */
async function linksOutside(dir: string, file: string): Promise<string | undefined> {
  const path = resolve(dir, file);
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isSymbolicLink()) return undefined;
  const [root, target] = await Promise.all([realpath(dir), realpath(path).catch(() => undefined)]);
  if (target === undefined) return undefined;
  const rel = relative(root, target);
  return rel.startsWith('..') || isAbsolute(rel) ? target : undefined;
}
