import { ModuleError } from '../errors.js';
import { parseReference } from '../registry/reference.js';

/** The image a new module is published as, and the parts it was made of. */
export interface ModuleNames {
  /** The module's name: the last path component of the image, e.g. `blur`. */
  name: string;
  /** Where it is published: `acme`, `ghcr.io/acme`, `registry.example.org:5000/team`. */
  namespace: string;
  /** `<namespace>/<name>`: the repository mercure's docker_tag names (without a tag). */
  image: string;
}

/** The namespace used when none is given: obviously a placeholder, and a valid name. */
export const PLACEHOLDER_NAMESPACE = 'my-namespace';

// Docker's rule for one path component of a repository (github.com/distribution/reference).
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const COMPONENT_RULE =
  'lowercase letters and digits, optionally joined by ".", "_", "__" or "-", not starting or ending with one';

/** A valid path component close to `value` (`My Module` -> `my-module`), or undefined when nothing is left. */
export function suggestComponent(value: string): string | undefined {
  const suggestion = value
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[._-]{2,}/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '');
  return suggestion === '' ? undefined : suggestion;
}

/** Checks a module name; `from` says where it came from, for the message (`--name`, the folder name). */
export function checkModuleName(name: string, from: string): string {
  if (COMPONENT.test(name)) return name;
  const suggestion = suggestComponent(name);
  throw new ModuleError(
    'bad-module-name',
    `module name "${name}" (${from}) is not a valid Docker repository name: ${COMPONENT_RULE}`,
    {
      hint: suggestion ? `Pass --name ${suggestion}` : 'Pass --name with a name such as blur or lung-seg.',
    },
  );
}

/** Checks a namespace: path components, optionally after a registry host (`ghcr.io/acme`). */
export function checkNamespace(namespace: string): string {
  const trimmed = namespace.replace(/\/+$/, '');
  if (trimmed === '' || /\s/.test(trimmed)) {
    throw new ModuleError('bad-namespace', `--namespace "${namespace}" is empty or contains whitespace`, {
      hint: 'Pass your Docker Hub user or organisation (acme), or a registry and path (ghcr.io/acme).',
    });
  }
  const parts = trimmed.split('/');
  // Docker's rule: a first part with "." or ":" (or `localhost`) is a registry host, not a path component.
  const hasHost = parts.length > 1 && (/[.:]/.test(parts[0] ?? '') || parts[0] === 'localhost');
  for (const part of hasHost ? parts.slice(1) : parts) {
    if (!COMPONENT.test(part)) {
      const suggestion = suggestComponent(part);
      throw new ModuleError(
        'bad-namespace',
        `--namespace "${namespace}": "${part}" is not a valid repository path component: ${COMPONENT_RULE}`,
        {
          hint: suggestion ? `Did you mean "${suggestion}"?` : 'Pass your Docker Hub user or organisation, e.g. acme.',
        },
      );
    }
  }
  return trimmed;
}

/**
 * The names of a new module from the options and the folder: the name defaults to the folder's
 * name, the namespace to a placeholder. The whole image name is checked as `docker pull` would.
 */
export function moduleNames(options: {
  name?: string | undefined;
  namespace?: string | undefined;
  folderName: string;
}): ModuleNames {
  const name =
    options.name !== undefined
      ? checkModuleName(options.name, '--name')
      : checkModuleName(options.folderName, 'from the folder name; pass --name to choose another');
  const namespace = checkNamespace(options.namespace ?? PLACEHOLDER_NAMESPACE);
  const image = `${namespace}/${name}`;
  // The registry part and the length limit are checked by the one reference parser.
  parseReference(image);
  return { name, namespace, image };
}
