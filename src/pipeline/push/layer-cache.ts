// What this machine pushed before, as the Engine keeps it for its own pushes: a layer's
// uncompressed digest (its diff ID) -> the compressed blob we made of it and the repositories it
// went to. A re-release then skips or mounts a layer without reading, compressing or hashing
// it again; the registry is always asked first, the cache only says which digest to ask about.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One compressed blob of a layer and where it was pushed (`registry/repository`). */
export interface CachedLayer {
  digest: string;
  size: number;
  mediaType: string;
  repositories: string[];
}

const FILE = 'layer-cache.json';
/** Entries beyond this many are dropped, oldest first; repositories per entry likewise. */
const KEEP = 5000;
const KEEP_REPOSITORIES = 20;

/** The layer cache in a state folder: read once, written back after a push. */
export class LayerCache {
  #entries = new Map<string, CachedLayer>();
  readonly #changed = new Map<string, CachedLayer>();

  private constructor(readonly dir: string) {}

  /** Loads the cache; a missing or unreadable file is an empty cache (it is only a shortcut). */
  static async load(dir: string): Promise<LayerCache> {
    const cache = new LayerCache(dir);
    cache.#entries = await read(dir);
    return cache;
  }

  /** The blob made of this diff ID before, if any. */
  get(diffId: string): CachedLayer | undefined {
    return this.#entries.get(diffId);
  }

  /** Remembers that `diffId` was pushed as `blob` to `where` (`registry/repository`). */
  remember(diffId: string, blob: Omit<CachedLayer, 'repositories'>, where: string): void {
    const old = this.#entries.get(diffId);
    const repositories = old?.digest === blob.digest ? old.repositories.filter((r) => r !== where) : [];
    const entry = { ...blob, repositories: [where, ...repositories].slice(0, KEEP_REPOSITORIES) };
    this.#entries.set(diffId, entry);
    this.#changed.set(diffId, entry);
  }

  /** Writes what changed back, merged over what other runs wrote meanwhile (atomically, by rename). */
  async save(): Promise<void> {
    if (this.#changed.size === 0) return;
    const merged = await read(this.dir);
    for (const [diffId, entry] of this.#changed) {
      merged.delete(diffId);
      merged.set(diffId, entry);
    }
    const kept = [...merged].slice(-KEEP);
    await mkdir(this.dir, { recursive: true });
    const target = path.join(this.dir, FILE);
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(Object.fromEntries(kept), null, 1)}\n`);
    await rename(temp, target);
    this.#changed.clear();
  }
}

async function read(dir: string): Promise<Map<string, CachedLayer>> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, FILE), 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return new Map();
    return new Map(Object.entries(parsed as Record<string, CachedLayer>).filter(([, entry]) => isEntry(entry)));
  } catch {
    return new Map();
  }
}

function isEntry(entry: unknown): entry is CachedLayer {
  const e = entry as Partial<CachedLayer> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.digest === 'string' &&
    /^sha256:[0-9a-f]{64}$/.test(e.digest) &&
    typeof e.size === 'number' &&
    typeof e.mediaType === 'string' &&
    Array.isArray(e.repositories)
  );
}
