import { posix } from 'node:path';
import { findStage, stageChain, type DockerfileModel, type Stage } from './dockerfile-model.js';
import { cleanSource, isRemoteSource, matchSource } from './copy-sources.js';
import type { ContextEntry } from './module-files.js';
import type { CopyStep } from './steps.js';

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz|tar\.zst)$/i;

/** One COPY/ADD that moved the file on its way into the final image (origin first). */
export interface CopyHop {
  /** The stage chain the COPY ran in, base-most first. */
  chain: Stage[];
  step: CopyStep;
  /** The file's absolute path in that stage after the COPY. */
  path: string;
}

/** Where a path of the final image comes from. */
export type Provenance =
  /** A file of the build context; `literal` when the COPY names the file itself (not a folder or glob). */
  | { kind: 'context'; contextPath: string; literal: boolean; hops: CopyHop[] }
  /** A COPY names this file but it is not in the context (copy-source-missing reports that). */
  | { kind: 'missing-source'; source: string; step: CopyStep }
  /** Inline (heredoc), remote (ADD URL), or from another image: nothing to check here. */
  | { kind: 'elsewhere'; step: CopyStep };

/**
 * Traces an absolute path of the image built by `chain` back through COPY/ADD (latest first, as a
 * later COPY overwrites) and COPY --from=stage, to a file of the build context. Undefined: no COPY brings it.
 */
export function traceImagePath(
  model: DockerfileModel,
  chain: Stage[],
  path: string,
  entries: ReadonlyMap<string, ContextEntry>,
): Provenance | undefined {
  for (let s = chain.length - 1; s >= 0; s -= 1) {
    const stage = chain[s]!;
    for (let k = stage.steps.length - 1; k >= 0; k -= 1) {
      const step = stage.steps[k]!;
      if (step.kind !== 'copy') continue;
      const found = traceCopy(model, chain, stage, step, path, entries);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function traceCopy(
  model: DockerfileModel,
  chain: Stage[],
  stage: Stage,
  step: CopyStep,
  path: string,
  entries: ReadonlyMap<string, ContextEntry>,
): Provenance | undefined {
  const rel =
    path === step.dest
      ? ''
      : path.startsWith(`${step.dest === '/' ? '' : step.dest}/`)
        ? path.slice(step.dest.length + (step.dest === '/' ? 0 : 1))
        : undefined;
  if (rel === undefined) return undefined;
  const hop = (hopPath: string): CopyHop => ({ chain, step, path: hopPath });
  if (step.heredoc) return rel === '' || !rel.includes('/') ? { kind: 'elsewhere', step } : undefined;
  for (const source of step.sources) {
    // ADD unpacks a local tar archive into the destination: its members are not context files we can see.
    if (isRemoteSource(source) || (step.keyword === 'ADD' && ARCHIVE.test(source) && rel !== '')) {
      if (rel === '' || !rel.includes('/')) return { kind: 'elsewhere', step };
      continue;
    }
    if (step.from !== undefined) {
      const from = findStage(model, step.from, stage.index);
      if (from === undefined) return rel === '' || step.destIsDir ? { kind: 'elsewhere', step } : undefined;
      const origin = posix.resolve('/', source);
      const candidates =
        rel === '' ? [origin] : [posix.join(origin, rel), ...(posix.basename(origin) === rel ? [origin] : [])];
      for (const candidate of candidates) {
        const inner = traceImagePath(model, stageChain(from), candidate, entries);
        if (inner?.kind === 'context') return { ...inner, hops: [...inner.hops, hop(path)] };
        if (inner !== undefined) return inner;
      }
      continue;
    }
    const match = matchSource(source, entries);
    for (const entry of match.matched) {
      const contextPath = contextPathFor(entry, rel, step.destIsDir, entries);
      if (contextPath !== undefined)
        return { kind: 'context', contextPath, literal: !match.glob && entry.kind !== 'dir', hops: [hop(path)] };
    }
    // A named file that is not in the context would land exactly here.
    const named = cleanSource(source);
    if (!match.glob && match.matched.length === 0 && (rel === '' ? !step.destIsDir : rel === posix.basename(named))) {
      return { kind: 'missing-source', source: named, step };
    }
  }
  return undefined;
}

/** The context path that ends up at `rel` below the destination, when this source brings it. */
function contextPathFor(
  entry: ContextEntry,
  rel: string,
  destIsDir: boolean,
  entries: ReadonlyMap<string, ContextEntry>,
): string | undefined {
  if (entry.kind === 'dir') {
    // A folder's contents (not the folder itself) are copied into the destination.
    if (rel === '') return undefined;
    const inner = entry.path === '.' ? rel : `${entry.path}/${rel}`;
    const found = entries.get(inner);
    return found !== undefined && found.kind !== 'dir' ? inner : undefined;
  }
  // A file lands at the destination itself, or inside it when the destination is (or already was) a folder.
  if (rel === '') return destIsDir ? undefined : entry.path;
  return rel === posix.basename(entry.path) ? entry.path : undefined;
}
