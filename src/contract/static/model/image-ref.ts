/** An image reference split as Docker splits it: `[registry/]path[:tag][@digest]`. */
export interface ImageRef {
  /** Registry host (with port) when the first component names one, e.g. `registry:5000`, `gcr.io`. */
  registry?: string;
  /** The path inside the registry, e.g. `acme/blur`, `library/python` is given as `python`. */
  path: string;
  tag?: string;
  digest?: string;
}

/** Splits an image reference; the first component is a registry when it has a `.` or `:` or is `localhost`. */
export function parseImageRef(reference: string): ImageRef {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const ref: ImageRef = { path: rest };
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    ref.registry = first;
    ref.path = rest.slice(slash + 1);
  }
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/**
 * The repository a reference names, spelled one way for comparison: Docker Hub's implicit
 * `docker.io/library/` is made explicit, so `python`, `library/python` and `docker.io/python` agree.
 */
export function canonicalRepository(reference: string): string {
  const ref = parseImageRef(reference);
  let registry = ref.registry ?? 'docker.io';
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  const path = registry === 'docker.io' && !ref.path.includes('/') ? `library/${ref.path}` : ref.path;
  return `${registry}/${path}`.toLowerCase();
}
