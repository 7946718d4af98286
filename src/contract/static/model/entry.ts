import { posix } from 'node:path';
import { commandTarget, imageCommand, type CommandTarget, type ImageCommand } from './command.js';
import { finalChain } from './dockerfile-model.js';
import { traceImagePath, type Provenance } from './image-paths.js';
import type { StaticInput } from '../options.js';
import type { Stage } from './steps.js';

/** The final image's command and the file it runs, traced back to the build context. */
export interface Entry {
  command: ImageCommand;
  /** The file the command runs, when it runs one (not e.g. `python3 -m pkg`). */
  target?: CommandTarget;
  /** Where that file comes from; undefined when no COPY/ADD brings it. */
  provenance?: Provenance;
  /** The file's absolute path in the image (for a bare name: where PATH lookup would find it). */
  imagePath?: string;
  /** True when a missing file is clearly the module's own (so its absence is a defect, not the base's business). */
  looksLikeModuleFile: boolean;
  /** The final image's ENV, for run-time variable expansion. */
  env: ReadonlyMap<string, string>;
}

const SCRIPT_EXTENSION = /\.(sh|bash|py|r|js|mjs|cjs|pl|rb|jl|php)$/i;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Finds what the final image runs and where that file comes from; undefined when there is no command. */
export function locateEntry(input: StaticInput): Entry | undefined {
  const chain = finalChain(input.dockerfile);
  const last = chain.at(-1);
  const command = imageCommand(chain);
  if (last === undefined || command === undefined) return undefined;
  const entry: Entry = { command, looksLikeModuleFile: false, env: last.env };
  const target = commandTarget(command.argv, last.workdir, last.env);
  if (target === undefined) return entry;
  entry.target = target;
  const trace = (path: string) => traceImagePath(input.dockerfile, chain, path, input.files.entries);
  if (target.path !== '') {
    entry.imagePath = target.path;
    const provenance = trace(target.path);
    if (provenance !== undefined) entry.provenance = provenance;
    entry.looksLikeModuleFile = isModulePath(target, chain);
    return entry;
  }
  // A bare name is looked up in PATH: find the first PATH folder a COPY puts it in.
  for (const folder of (last.env.get('PATH') ?? DEFAULT_PATH).split(':')) {
    const path = posix.join(folder || '/', target.written);
    const provenance = trace(path);
    if (provenance !== undefined) {
      entry.imagePath = path;
      entry.provenance = provenance;
      return entry;
    }
  }
  // `python3`, `bash`: a program of the base image. `run.sh` with nothing in PATH: the module's, missing.
  entry.looksLikeModuleFile = SCRIPT_EXTENSION.test(target.written);
  return entry;
}

/**
 * A path the module must supply (so an untraced one is missing): written relatively, with a script
 * extension, or inside the WORKDIR or a folder the Dockerfile copies into. Anything else (e.g.
 * /usr/bin/tool) may come from the base image.
 */
function isModulePath(target: CommandTarget, chain: readonly Stage[]): boolean {
  if (!target.written.startsWith('/') || SCRIPT_EXTENSION.test(target.path)) return true;
  const last = chain.at(-1);
  if (last !== undefined && last.workdir !== '/' && target.path.startsWith(`${last.workdir}/`)) return true;
  return chain.some((stage) =>
    stage.steps.some((s) => s.kind === 'copy' && s.destIsDir && s.dest !== '/' && target.path.startsWith(`${s.dest}/`)),
  );
}
