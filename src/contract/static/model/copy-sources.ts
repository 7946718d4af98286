import { posix } from 'node:path';
import type { ContextEntry } from './module-files.js';

/** A COPY/ADD source matched against the build context. */
export interface SourceMatch {
  /** The source as a context path ('.' for the whole context). */
  source: string;
  glob: boolean;
  /** Context entries the source names: the file, the folder, or every glob match. */
  matched: ContextEntry[];
}

const GLOB = /[*?[]/;

/** True for sources that are not build-context paths: URLs and git remotes (ADD fetches them). */
export function isRemoteSource(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^git@/.test(source);
}

/** A source as a clean context path: `./a/../b/` -> `b`, `/x` -> `x` (sources are relative to the context). */
export function cleanSource(source: string): string {
  const cleaned = posix.normalize(`/${source}`).slice(1).replace(/\/$/, '');
  return cleaned === '' ? '.' : cleaned;
}

/** Finds what a COPY source names in the context; globs follow Go's filepath.Match, plus `**`. */
export function matchSource(source: string, entries: ReadonlyMap<string, ContextEntry>): SourceMatch {
  const path = cleanSource(source);
  if (path === '.') return { source: path, glob: false, matched: [{ path: '.', kind: 'dir', size: 0, mode: 0o755 }] };
  if (!GLOB.test(path)) {
    const entry = entries.get(path);
    return { source: path, glob: false, matched: entry === undefined ? [] : [entry] };
  }
  const pattern = globToRegExp(path);
  const matched = [...entries.values()].filter((entry) => pattern.test(entry.path));
  return { source: path, glob: true, matched };
}

/** Every file a matched source brings in: a folder brings everything below it. */
export function filesBelow(match: SourceMatch, entries: ReadonlyMap<string, ContextEntry>): ContextEntry[] {
  const files: ContextEntry[] = [];
  for (const entry of match.matched) {
    if (entry.kind !== 'dir') files.push(entry);
    else
      for (const inner of entries.values())
        if (inner.kind !== 'dir' && isBelow(inner.path, entry.path)) files.push(inner);
  }
  return files;
}

/** True when path lies inside folder ('.' holds everything). */
export function isBelow(path: string, folder: string): boolean {
  return folder === '.' || path.startsWith(`${folder}/`);
}

/** Converts a glob to an anchored RegExp: `*` and `?` stay within one path segment, `**` crosses them. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        // `**/` also matches no folder at all.
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`;
        out += `[${body}]`;
        i = close;
      }
    } else if (ch === '\\' && i + 1 < glob.length) {
      out += escapeRegExp(glob[i + 1]!);
      i += 1;
    } else out += escapeRegExp(ch);
  }
  return new RegExp(`^${out}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
